"""Packs: all or nothing, every problem reported by rule, effective dates, shipped packs."""

from __future__ import annotations

from datetime import date

import pytest

from seawall.risk.rules import packs
from seawall.risk.rules.packs import PackError, load_pack

HEADER = "pack: test\nagency: shared\nversion: 1\nrules:\n"


def rule(rule_id: str, condition: str, **extra: str) -> str:
    fields = {
        "id": rule_id,
        "title": "A test rule",
        "owner": "CA",
        "sharing": "shared",
        "condition": condition,
        "score": "10",
        "rationale": "Because a test says so.",
        "effective_from": "2025-01-01",
        "version": "1",
    } | extra
    lines = [f"    {name}: {value}" for name, value in fields.items() if name != "id"]
    return f"  - id: {rule_id}\n" + "\n".join(lines) + "\n"


def test_a_good_pack_loads() -> None:
    pack = load_pack(HEADER + rule("HRM-T-1", "in_transit") + rule("HRM-T-2", "hours_late > 2"))
    assert [r.id for r in pack.rules] == ["HRM-T-1", "HRM-T-2"]


def test_one_bad_rule_refuses_the_pack_and_every_error_is_reported() -> None:
    text = (
        HEADER
        + rule("HRM-T-1", "in_transit")
        + rule("HRM-T-2", "|\n      in_transit and\n      hours_lat > 2")
        + rule("HRM-T-3", '"mode = "')
        + rule("HRM-T-4", "in_transit", score='"high"', owner="MX")
        + rule("HRM-T-1", "in_transit")
    )
    with pytest.raises(PackError) as caught:
        load_pack(text, source="test.yaml")
    assert caught.value.problems == [
        "rule HRM-T-2: line 2 col 1: unknown feature 'hours_lat'; did you mean hours_late?",
        "rule HRM-T-3: line 1 col 7: the condition ends too early",
        "rule HRM-T-4: owner: Input should be 'CA' or 'US'",
        "rule HRM-T-4: score: Input should be a valid integer, unable to parse string as an "
        "integer",
        "rule HRM-T-1: the id appears more than once in the pack",
    ]
    assert str(caught.value).startswith("test.yaml: ")


def test_private_and_shared_rules_do_not_mix() -> None:
    text = "pack: ca\nagency: CA\nversion: 1\nrules:\n" + rule("CA-T-1", "in_transit", owner="US")
    with pytest.raises(PackError) as caught:
        load_pack(text)
    assert caught.value.problems == [
        "rule CA-T-1: sharing: a CA pack holds only private rules",
        "rule CA-T-1: owner: a CA pack holds only CA rules",
    ]


@pytest.mark.parametrize(
    "text", ["- not a mapping", "pack: x\nagency: shared\nversion: 1\nrules: []", "a: [b"]
)
def test_malformed_packs_are_refused(text: str) -> None:
    with pytest.raises(PackError):
        load_pack(text)


def test_effective_dates_are_inclusive() -> None:
    pack = load_pack(
        HEADER
        + rule("HRM-T-1", "in_transit", effective_to="2025-06-30")
        + rule("HRM-T-2", "in_transit", effective_from="2025-07-01")
    )
    ids = {
        day: [r.id for r in packs.in_effect(pack.rules, day)]
        for day in (date(2024, 12, 31), date(2025, 1, 1), date(2025, 6, 30), date(2025, 7, 1))
    }
    assert ids == {
        date(2024, 12, 31): [],
        date(2025, 1, 1): ["HRM-T-1"],
        date(2025, 6, 30): ["HRM-T-1"],
        date(2025, 7, 1): ["HRM-T-2"],
    }


def test_effective_to_before_from_is_an_error() -> None:
    with pytest.raises(PackError, match="effective_to is before effective_from"):
        load_pack(HEADER + rule("HRM-T-1", "in_transit", effective_to="2024-01-01"))


@pytest.mark.parametrize("name", packs.SHIPPED_PACKS)
def test_shipped_packs_load_and_type_check(name: str) -> None:
    pack = packs.shipped_pack(name)
    assert pack.rules
    assert all(rule.sources for rule in pack.rules)


def test_harmonized_pack_has_at_least_thirty_indicators() -> None:
    assert len(packs.shipped_pack("harmonized").rules) >= 30


def test_agency_rules_combine_without_clashes_and_private_packs_differ() -> None:
    ca = {rule.id for rule in packs.agency_rules("CA")}
    us = {rule.id for rule in packs.agency_rules("US")}
    shared = {rule.id for rule in packs.shipped_pack("harmonized").rules}
    assert shared <= ca
    assert shared <= us
    assert ca - shared
    assert us - shared
    assert not (ca - shared) & (us - shared)


def test_combining_packs_with_the_same_rule_id_is_refused() -> None:
    pack = packs.shipped_pack("ca")
    with pytest.raises(PackError, match="also in pack"):
        packs.combine([pack, pack])


def test_docs_list_every_shipped_rule_and_feature() -> None:
    from pathlib import Path

    from seawall.risk.rules.catalogue import CATALOGUE

    docs = (Path(__file__).parents[5] / "docs" / "rules.md").read_text()
    for name in packs.SHIPPED_PACKS:
        for shipped in packs.shipped_pack(name).rules:
            assert f"| {shipped.id} |" in docs
    for feature in CATALOGUE:
        assert f"| `{feature}` |" in docs
