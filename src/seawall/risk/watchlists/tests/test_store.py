"""Storing watchlist entries on the node: upsert by id, replace a list, one bump per change."""

from __future__ import annotations

from collections.abc import Sequence

import orjson
import pytest
from sqlalchemy import func, select

from seawall.core.audit.models import AuditEntry
from seawall.core.database import Database
from seawall.risk.scoring import configuration
from seawall.risk.watchlists.models import StoredEntry
from seawall.risk.watchlists.schemas import WatchlistEntry
from seawall.risk.watchlists.store import (
    LoadReport,
    active_entries,
    save_entries,
    source_summaries,
)
from seawall.risk.watchlists.tests.factories import entry

LIST = [
    entry(id="WL-1"),
    entry(id="WL-2", name="Golden Crescent Exports", source="unit list"),
    entry(id="OFAC-9", name="Pacific Star Shipping", source="OFAC SDN", country="KP"),
]


def load(
    database: Database, entries: Sequence[WatchlistEntry], *, replace: bool = False
) -> LoadReport:
    with database.transaction() as session:
        return save_entries(session, entries, actor="test", replace_source=replace)


def state(database: Database) -> tuple[int, int, int]:
    """(stored entries, generation, watchlist audit rows)."""
    with database.transaction(write=False) as session:
        rows = session.scalar(select(func.count()).select_from(StoredEntry)) or 0
        audits = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "watchlist:loaded")
        )
        return rows, configuration.generation(session), audits or 0


def test_a_first_load_adds_every_entry_bumps_once_and_audits_counts(database: Database) -> None:
    report = load(database, LIST)
    assert report.counts() == {"added": 3, "changed": 0, "unchanged": 0, "removed": 0}
    assert report.added == ("OFAC-9", "WL-1", "WL-2")
    assert report.generation == 1
    assert state(database) == (3, 1, 1)
    with database.transaction(write=False) as session:
        assert active_entries(session) == sorted(LIST, key=lambda e: e.id)
        audit = session.scalars(select(AuditEntry)).one()
    assert audit.action == "watchlist:loaded"
    assert audit.actor == "test"
    assert orjson.loads(audit.detail) == {
        "added": 3,
        "changed": 0,
        "unchanged": 0,
        "removed": 0,
        "sources": ["OFAC SDN", "unit list"],
        "generation": 1,
    }


def test_loading_the_same_entries_again_changes_nothing(database: Database) -> None:
    load(database, LIST)
    report = load(database, list(reversed(LIST)))
    assert not report.changed_anything
    assert report.counts() == {"added": 0, "changed": 0, "unchanged": 3, "removed": 0}
    assert report.generation is None
    assert state(database) == (3, 1, 1)


def test_a_changed_entry_is_updated_and_bumps_the_generation(database: Database) -> None:
    load(database, LIST)
    renamed = entry(id="WL-2", name="Golden Crescent Export House", source="unit list")
    report = load(database, [LIST[0], renamed])
    assert report.changed == ("WL-2",)
    assert report.counts() == {"added": 0, "changed": 1, "unchanged": 1, "removed": 0}
    assert report.generation == 2
    assert state(database) == (3, 2, 2)
    with database.transaction(write=False) as session:
        names = {e.id: e.name for e in active_entries(session)}
    assert names["WL-2"] == "Golden Crescent Export House"
    assert "OFAC-9" in names  # without --replace nothing is removed


def test_replace_removes_the_entries_of_the_files_sources_it_no_longer_holds(
    database: Database,
) -> None:
    load(database, LIST)
    report = load(database, [LIST[0]], replace=True)
    # WL-2 is on the same list (unit list) and left out: removed. OFAC-9 is another list: kept.
    assert report.removed == ("WL-2",)
    assert report.counts() == {"added": 0, "changed": 0, "unchanged": 1, "removed": 1}
    assert state(database) == (2, 2, 2)
    with database.transaction(write=False) as session:
        assert [e.id for e in active_entries(session)] == ["OFAC-9", "WL-1"]
        summaries = {s.source: s.entries for s in source_summaries(session)}
    assert summaries == {"OFAC SDN": 1, "unit list": 1}


def test_an_entry_given_twice_is_refused_and_nothing_is_stored(database: Database) -> None:
    with pytest.raises(ValueError, match="WL-1 is given more than once"):
        load(database, [LIST[0], LIST[0]])
    assert state(database) == (0, 0, 0)


def test_the_lists_are_summarised_by_source(database: Database) -> None:
    load(database, LIST)
    with database.transaction(write=False) as session:
        summaries = source_summaries(session)
    assert [(s.source, s.entries, s.loaded_by) for s in summaries] == [
        ("OFAC SDN", 1, "test"),
        ("unit list", 2, "test"),
    ]
    assert all(s.loaded_at.tzinfo is not None for s in summaries)
