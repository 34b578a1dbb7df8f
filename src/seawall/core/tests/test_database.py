"""Bulk-writing helpers of the core database module, on both backends."""

from __future__ import annotations

from typing import cast

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, select, text

from seawall.core.accounts.models import User
from seawall.core.audit.models import AuditEntry
from seawall.core.database import (
    BULK_ROWS,
    Database,
    add_to_counts,
    insert_values,
    pipelined,
    reserve_ids,
    rows_by_pairs,
    utcnow,
)

_AUDIT = cast(Table, AuditEntry.__table__)
_USERS = cast(Table, User.__table__)


def test_reserved_ids_are_free_and_never_handed_out_twice(database: Database) -> None:
    with database.transaction() as session:
        first = reserve_ids(session, _USERS, 3)
        rows = [(id_, f"analyst {id_}", "analyst", utcnow(), True) for id_ in first]
        insert_values(session, _USERS, ("id", "name", "role", "created_at", "active"), rows)
    with database.transaction() as session:
        second = reserve_ids(session, _USERS, 2)
        stored = set(session.scalars(select(User.id)))
        nothing = reserve_ids(session, _USERS, 0)
    assert len(set(first)) == 3
    assert stored == set(first)
    assert len(second) == 2
    assert min(second) > max(first)
    assert nothing == []


@pytest.mark.parametrize("strangers", [0, 20], ids=["a POST's few pairs", "a batch's many"])
def test_rows_by_pairs_finds_the_pairs_and_not_their_crossings(
    database: Database, strangers: int
) -> None:
    names = ["ana", "bo", "cy"]
    asked = {("ana", "analyst"), ("bo", "filer"), ("zed", "analyst")}
    asked |= {(f"nobody {n}", "admin") for n in range(strangers)}
    with database.transaction() as session:
        ids = reserve_ids(session, _USERS, 3)
        rows = [
            (id_, name, "analyst", utcnow(), True) for id_, name in zip(ids, names, strict=True)
        ]
        insert_values(session, _USERS, ("id", "name", "role", "created_at", "active"), rows)
        found = rows_by_pairs(session, _USERS, ("name", "role"), asked, ["id"])
    # ("bo", "filer") and ("zed", "analyst") cross to ("bo", "analyst"): not asked for.
    assert found == [("ana", "analyst", ids[0])]


@pytest.mark.parametrize("count", [2, 50], ids=["a POST's few rows", "a batch's many"])
def test_pipelined_writes_all_land(database: Database, count: int) -> None:
    columns = ("id", "name", "role", "created_at", "active")
    with database.transaction() as session:
        ids = reserve_ids(session, _USERS, count)
        with pipelined(session, count):
            rows = [(id_, f"user {id_}", "analyst", utcnow(), True) for id_ in ids]
            insert_values(session, _USERS, columns, rows)
    with database.transaction(write=False) as session:
        assert set(session.scalars(select(User.id))) == set(ids)


def test_counts_are_added_to_the_row_of_their_keys(database: Database) -> None:
    tally = Table(
        "tally_for_test",
        MetaData(),
        Column("kind", String(10), primary_key=True),
        Column("name", String(10), primary_key=True),
        Column("seen", Integer, nullable=False),
        Column("kept", Integer, nullable=False),
    )
    tally.create(database.engine)
    try:
        first, second = (
            [("box", "a", 2, 1), ("box", "b", 1, 0)],
            [("box", "a", -1, 3), ("seal", "a", 5, 5)],
        )
        for rows in (first, second):
            with database.transaction() as session:
                add_to_counts(session, tally, ("kind", "name"), ("seen", "kept"), rows)
        with database.transaction(write=False) as session:
            stored = {tuple(row) for row in session.execute(select(tally))}
    finally:
        tally.drop(database.engine)
    assert stored == {("box", "a", 1, 4), ("box", "b", 1, 0), ("seal", "a", 5, 5)}


def test_statistics_are_refreshed_after_a_bulk_load_only(database: Database) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SQLite's planner works without refreshed statistics")
    query = text("SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = :n")

    def stamps() -> tuple[object, object]:
        with database.transaction(write=False) as session:
            row = session.execute(query, {"n": _AUDIT.name}).one()
        return row[0], row[1]

    before = stamps()
    database.refresh_statistics([_AUDIT], BULK_ROWS - 1)
    assert stamps() == before
    database.refresh_statistics([_AUDIT], BULK_ROWS)
    vacuumed, analyzed = stamps()
    assert vacuumed is not None
    assert analyzed is not None
    assert (vacuumed, analyzed) != before
