"""The rules ``seawall backtest-rule`` evaluates: from a YAML file (one rule, a list of rules,
or a whole pack) or a rule in force on the node.

A file is checked exactly as ``seawall rules load`` checks a pack (``packs.load_pack``), so a
candidate that passes here loads there, and a bad one gets the same ``PackError`` problems:
``rule ID: line L col C: message``. A loose rule (not in a pack) is checked on its own, as if
alone in a pack of its owner, so the pack-level checks of sharing and owner do not apply.
"""

from __future__ import annotations

from typing import Any

import yaml

from seawall.risk.rules.packs import CompiledRule, PackError, load_pack


def _alone(raw: Any) -> dict[str, Any]:
    """A one-rule pack around a loose rule, owned as the rule says it is."""
    agency = "shared"
    if isinstance(raw, dict) and raw.get("sharing") == "private":
        owner = raw.get("owner")
        agency = owner if owner in ("CA", "US") else "shared"
    return {"pack": "candidate", "agency": agency, "version": 1, "rules": [raw]}


def _loose(rules: list[Any], source: str) -> tuple[CompiledRule, ...]:
    compiled: list[CompiledRule] = []
    problems: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(rules):
        text = yaml.safe_dump(_alone(raw), sort_keys=False, allow_unicode=True)
        try:
            (rule,) = load_pack(text, source).rules
        except PackError as error:
            # The wrapper's rule is always #1; name the rule by its place in the file.
            problems += [p.replace("rule #1", f"rule #{index + 1}") for p in error.problems]
            continue
        if rule.id in seen:
            problems.append(f"rule {rule.id}: the id appears more than once in the file")
        seen.add(rule.id)
        compiled.append(rule)
    if problems:
        raise PackError(source, problems)
    return tuple(compiled)


def rules_from_text(text: str, source: str) -> tuple[CompiledRule, ...]:
    """The rules of a candidate file, every one checked; PackError listing every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PackError(source, [f"not valid YAML: {error}"]) from None
    if isinstance(data, dict) and "rules" in data:
        return load_pack(text, source).rules
    if isinstance(data, dict):
        return _loose([data], source)
    if isinstance(data, list) and data:
        return _loose(data, source)
    raise PackError(source, ["the file holds no rule: give one rule, a list of rules or a pack"])
