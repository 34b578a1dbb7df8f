"""Pack files for the tests of loading packs into a node."""

from __future__ import annotations

from importlib import resources


def rule(rule_id: str, condition: str = "hours_late > 48", owner: str = "CA", **more: str) -> str:
    """One rule of a pack file, as YAML; ``more`` adds or overrides fields."""
    fields = {
        "id": rule_id,
        "title": f"Test rule {rule_id}",
        "owner": owner,
        "sharing": "private",
        "condition": f"'{condition}'",
        "score": "15",
        "rationale": "A rule written for the tests of loading packs.",
        "effective_from": "2024-01-01",
        "version": "1",
        "sources": "[Test source one, Test source two]",
    } | more
    lines = [f"{key}: {value}" for key, value in fields.items()]
    return "  - " + "\n    ".join(lines) + "\n"


def pack(name: str, *rules: str, agency: str = "CA", version: int = 1) -> str:
    """A pack file with these rules."""
    head = f"pack: {name}\nagency: {agency}\nversion: {version}\ndescription: test\nrules:\n"
    return head + "".join(rules)


def shipped_text(name: str) -> str:
    """The YAML of a pack shipped with Seawall."""
    return resources.files("seawall.risk.rules").joinpath("packs", f"{name}.yaml").read_text()
