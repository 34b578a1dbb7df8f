"""Packs on a node: shipped by default, loaded ones override or extend; refusals change nothing."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import func, select

from seawall.core.audit.models import AuditEntry
from seawall.core.database import Database
from seawall.risk.rules.models import StoredPack
from seawall.risk.rules.packs import Pack, PackError, agency_rules
from seawall.risk.rules.store import active_rules, find_rule, packs_in_force, save_pack
from seawall.risk.rules.tests.packtext import pack, rule, shipped_text
from seawall.risk.scoring import configuration


def save(database: Database, text: str, agency: str = "CA") -> Pack:
    with database.transaction() as session:
        return save_pack(session, text, source="test.yaml", actor="analyst", agency=agency)


def refused(database: Database, text: str, agency: str = "CA") -> list[str]:
    with pytest.raises(PackError) as caught:
        save(database, text, agency)
    assert state(database) == (0, 0, 0), "a refused pack must change nothing"
    return caught.value.problems


def state(database: Database) -> tuple[int, int, int]:
    """(stored packs, generation, audit rows)."""
    with database.transaction(write=False) as session:
        packs = session.scalar(select(func.count()).select_from(StoredPack)) or 0
        audits = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
        return packs, configuration.generation(session), audits


def ids(database: Database, agency: str) -> list[str]:
    with database.transaction(write=False) as session:
        return [r.id for r in active_rules(session, agency)]


def test_with_nothing_loaded_a_node_runs_the_shipped_packs(database: Database) -> None:
    assert ids(database, "CA") == [r.id for r in agency_rules("CA")]
    assert ids(database, "US") == [r.id for r in agency_rules("US")]
    with database.transaction(write=False) as session:
        found = packs_in_force(session, "US")
    assert [(p.pack.name, p.shipped) for p in found] == [("harmonized", True), ("us", True)]


def test_an_extra_pack_is_added_after_the_shipped_ones_and_audited(database: Database) -> None:
    loaded = save(database, pack("ca-ports", rule("CA-PORT-01"), rule("CA-PORT-02")))
    assert [r.id for r in loaded.rules] == ["CA-PORT-01", "CA-PORT-02"]
    assert ids(database, "CA") == [r.id for r in agency_rules("CA")] + ["CA-PORT-01", "CA-PORT-02"]
    assert state(database) == (1, 1, 1)
    with database.transaction(write=False) as session:
        audit = session.scalars(select(AuditEntry)).one()
        item, found = find_rule(session, "CA", "ca-port-02")
    assert (audit.action, audit.actor, audit.record_id) == ("rules:loaded", "analyst", "ca-ports")
    assert orjson.loads(audit.detail)["rules"] == 2
    assert (item.pack.name, item.loaded_by, found.sources) == (
        "ca-ports",
        "analyst",
        ("Test source one", "Test source two"),
    )


def test_loading_the_same_pack_again_changes_nothing(database: Database) -> None:
    text = pack("ca-ports", rule("CA-PORT-01"))
    save(database, text)
    save(database, text)
    assert state(database) == (1, 1, 1)


def test_a_loaded_pack_overrides_the_shipped_pack_of_its_name(database: Database) -> None:
    text = shipped_text("ca").replace("version: 1\ndescription", "version: 2\ndescription", 1)
    text = text.replace("  - id: CA-TOB-01", "  - id: CA-TOB-02", 1)
    save(database, text)
    rules = ids(database, "CA")
    assert "CA-TOB-02" in rules
    assert "CA-TOB-01" not in rules
    with database.transaction(write=False) as session:
        found = packs_in_force(session, "CA")
    assert [(p.pack.name, p.pack.version, p.shipped) for p in found] == [
        ("harmonized", 1, True),
        ("ca", 2, False),
    ]
    # The U.S. node never runs the Canadian pack, shipped or loaded.
    assert not any(r.startswith("CA-") for r in ids(database, "US"))


def test_a_bad_condition_is_refused_naming_the_rule_and_the_position(database: Database) -> None:
    text = pack(
        "ca-ports",
        rule("CA-PORT-01"),
        rule("CA-PORT-02", "hours_lat > 2"),
        rule("CA-PORT-03", "hours_late >"),
        rule("CA-PORT-04", score="lots"),
    )
    assert refused(database, text) == [
        "rule CA-PORT-02: line 1 col 1: unknown feature 'hours_lat'; did you mean hours_late?",
        "rule CA-PORT-03: line 1 col 13: the condition ends too early",
        "rule CA-PORT-04: score: Input should be a valid integer, unable to parse string as an "
        "integer",
    ]


def test_another_agencys_private_pack_is_refused(database: Database) -> None:
    problems = refused(database, pack("us-extra", rule("US-X-01", owner="US"), agency="US"))
    assert problems == [
        "pack us-extra: agency: a private US pack cannot run on the CA node (private rules "
        "stay with the agency that wrote them)"
    ]


def test_a_shipped_name_cannot_be_taken_by_another_agency(database: Database) -> None:
    problems = refused(database, pack("harmonized", rule("CA-X-01")))
    assert problems == [
        "pack harmonized: agency: the shipped pack of this name is shared; name a CA pack otherwise"
    ]


def test_a_rule_id_used_by_another_pack_in_force_is_refused(database: Database) -> None:
    text = pack("ca-ports", rule("CA-PORT-01"), rule("CA-FIRE-01"), rule("CA-TOB-01"))
    assert refused(database, text) == [
        "rule CA-FIRE-01: also in pack ca",
        "rule CA-TOB-01: also in pack ca",
    ]


def test_a_changed_pack_needs_a_higher_version(database: Database) -> None:
    save(database, pack("ca-ports", rule("CA-PORT-01"), version=2))
    with pytest.raises(PackError, match="version 2 is loaded with other content"):
        save(database, pack("ca-ports", rule("CA-PORT-09"), version=2))
    with pytest.raises(PackError, match="1 is older than the loaded version 2"):
        save(database, pack("ca-ports", rule("CA-PORT-09"), version=1))
    assert ids(database, "CA")[-1] == "CA-PORT-01"
    save(database, pack("ca-ports", rule("CA-PORT-09"), version=3))
    assert ids(database, "CA")[-1] == "CA-PORT-09"
    assert state(database) == (1, 2, 2)
