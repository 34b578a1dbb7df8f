"""Bulk-writing helpers of the core database module, on both backends."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import cast

import polars as pl
import psycopg
import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
    text,
    update,
)

from seawall.core.accounts.models import User
from seawall.core.audit.models import AuditEntry
from seawall.core.database import (
    BULK_ROWS,
    SQLITE_PAGE_SIZE,
    Database,
    Fetch,
    UtcDateTime,
    add_to_counts,
    fetch_together,
    frame_by_keys,
    ids_fetch,
    insert_frame,
    insert_values,
    pairs_fetch,
    pipelined,
    reserve_ids,
    rows_by_keys,
    rows_by_pairs,
    statement_fetch,
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


_RENAMED = (
    update(_USERS)
    .where(_USERS.c.name.in_(bindparam("names", expanding=True)))
    .values(name=_USERS.c.name + "!")
    .returning(_USERS.c.id, _USERS.c.name)
)


def test_fetches_sent_together_answer_each_in_order(database: Database) -> None:
    # A POST's look-ups: on PostgreSQL one pipeline, on SQLite one after another; each must
    # answer as it would alone, and a write among them (last) must see and leave the rows
    # as sent.
    columns = ("id", "name", "role", "created_at", "active")
    with database.transaction() as session:
        ids = reserve_ids(session, _USERS, 3)
        rows = [
            (id_, name, "analyst", utcnow(), True) for id_, name in zip(ids, "abc", strict=True)
        ]
        insert_values(session, _USERS, columns, rows)
        pairs, nothing, reserved, renamed = fetch_together(
            session,
            pairs_fetch(session, _USERS, ("name", "role"), {("a", "analyst")}, ["id"]),
            pairs_fetch(session, _USERS, ("name", "role"), set(), ["id"]),
            ids_fetch(session, _USERS, 2).then(len),
            statement_fetch(session, _RENAMED, {"names": ["b", "c", "z"]}),
        )
        alone = rows_by_pairs(session, _USERS, ("name", "role"), {("a!", "analyst")}, ["id"])
        names = set(session.scalars(select(User.name)))
    assert pairs == [("a", "analyst", ids[0])]
    assert nothing == []
    assert reserved == 2
    assert sorted(renamed) == [(ids[1], "b!"), (ids[2], "c!")]
    assert alone == []
    assert names == {"a", "b!", "c!"}


def test_a_failed_fetch_among_others_fails_the_call(database: Database) -> None:
    # Pipelined or not, an error in any one is the caller's to handle (the POST's savepoint),
    # not a silent empty answer.
    with pytest.raises((sqlite3.Error, psycopg.Error)), database.transaction() as session:
        fetch_together(
            session,
            ids_fetch(session, _USERS, 1),
            Fetch("SELECT no_such_column FROM users", (), list),
        )


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


@pytest.fixture
def scratch(database: Database) -> Iterator[Table]:
    """A table of every kind of column bulk jobs write, dropped afterwards."""
    table = Table(
        "frame_for_test",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("name", String(40), nullable=True),
        Column("figure", Float, nullable=True),
        Column("flag", Boolean, nullable=True),
        Column("at", UtcDateTime, nullable=True),
    )
    table.create(database.engine)
    yield table
    table.drop(database.engine)


def test_a_frame_lands_as_the_same_rows_written_one_by_one(
    database: Database, scratch: Table
) -> None:
    """What a bulk job writes as columns reads back exactly as what a POST writes as values:
    strings CSV would mangle, nulls beside empty strings, a float's every digit, and a
    timestamp given in another zone stored as the same UTC instant."""
    eastern = timezone(timedelta(hours=-5))
    rows = [
        ("", 0.1 + 0.2, True, datetime(2026, 3, 1, 12, 30, 0, 123456, tzinfo=eastern)),
        (None, None, None, None),
        ('a "quoted", comma\nand\r\nnewlines', -1e-300, False, datetime(1999, 12, 31, tzinfo=UTC)),
        ("\\N", 1e300, True, datetime(2026, 11, 24, 23, 59, 59, 999999, tzinfo=UTC)),
        ("Société Générale — 株式会社", 42.0, False, datetime(2026, 6, 1, 8, tzinfo=eastern)),
    ]
    frame = pl.DataFrame(
        {
            "id": range(1, len(rows) + 1),
            "name": [row[0] for row in rows],
            "figure": [row[1] for row in rows],
            "flag": [row[2] for row in rows],
            "at": pl.Series([row[3] for row in rows], dtype=pl.Datetime("us", "-05:00")),
        }
    )
    columns = ("id", "name", "figure", "flag", "at")
    with database.transaction() as session:
        insert_frame(session, scratch, frame)
        insert_values(session, scratch, columns, [(100 + n, *row) for n, row in enumerate(rows)])
    with database.transaction(write=False) as session:
        raw = session.execute(text("SELECT id, name, figure, flag, at FROM frame_for_test"))
        stored = {id_: values for id_, *values in raw}
    assert len(stored) == 2 * len(rows)
    for n in range(len(rows)):
        assert stored[1 + n] == stored[100 + n]
    assert stored[2] == [None, None, None, None]
    assert stored[1][0] == ""


def test_a_frame_of_naive_timestamps_is_refused_whole(database: Database, scratch: Table) -> None:
    frame = pl.DataFrame({"id": [1], "at": [datetime(2026, 3, 1, 12, 30)]})
    with database.transaction() as session, pytest.raises(ValueError, match="'at'"):
        insert_frame(session, scratch, frame)
    with database.transaction(write=False) as session:
        assert session.execute(select(scratch)).all() == []


def test_a_frame_by_keys_holds_the_rows_the_driver_reads(
    database: Database, scratch: Table
) -> None:
    """Read as Arrow columns on a connection of its own, the rows are the driver's rows (text,
    nulls, floats to the last digit, the same instant), keys not stored are skipped, and no
    key at all reads nothing."""
    rows = [
        (1, "Société Générale — 株式会社", 0.1 + 0.2, True, datetime(2026, 3, 1, 12, tzinfo=UTC)),
        (2, None, None, None, None),
        (3, 'a "quoted", comma\nand a newline', -1e-300, False, datetime(1999, 12, 31, tzinfo=UTC)),
    ]
    columns = ("name", "figure", "flag", "at")
    with database.transaction() as session:
        insert_values(session, scratch, ("id", *columns), rows)
    wanted = [3, 1, 99]
    with database.transaction(write=False) as session:
        frame = frame_by_keys(session, scratch, "id", wanted, columns)
        driver = rows_by_keys(session, scratch, "id", wanted, columns)
        empty = frame_by_keys(session, scratch, "id", [], columns)
    assert frame.columns == ["id", *columns]
    assert sorted(frame.rows()) == sorted(driver)
    assert sorted(frame.get_column("id").to_list()) == [1, 3]
    assert empty.is_empty()


_OTHER_WRITER = """
import sqlite3, sys
other = sqlite3.connect(sys.argv[1], isolation_level=None)
other.execute("INSERT INTO frame_for_test (id, name) VALUES (2, 'from another process')")
other.close()
"""


def test_reading_a_frame_leaves_the_sqlite_log_to_open_connections(tmp_path: Path) -> None:
    """Another process's last close must not remove the write-ahead log while this process
    still has the file open. A second SQLite library in the process (ADBC's, once used here)
    released this process's locks when it closed its own connection, so the other process
    took itself for the last and removed the log: a bench node's file ended up corrupt."""
    path = tmp_path / "node.db"
    database = Database.from_url(f"sqlite:///{path}")
    table = Table("frame_for_test", MetaData(), Column("id", Integer, primary_key=True),
                  Column("name", String(40)))  # fmt: skip
    table.create(database.engine)
    with database.transaction() as session:
        insert_values(session, table, ("id", "name"), [(1, "stored")])
    with database.transaction(write=False) as session:
        frame = frame_by_keys(session, table, "id", [1], ("name",))
        subprocess.run([sys.executable, "-c", _OTHER_WRITER, str(path)], check=True)
        assert path.with_name("node.db-wal").exists()
    assert frame.rows() == [(1, "stored")]
    with database.transaction(write=False) as session:
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert session.execute(select(table.c.name).order_by(table.c.id)).scalars().all() == [
            "stored",
            "from another process",
        ]
    database.dispose()


def test_a_new_sqlite_file_has_large_pages_and_an_old_one_keeps_its_own(tmp_path: Path) -> None:
    """New files get 16 KiB pages (bulk scoring's reads and writes); a file made with other
    pages opens as it is, its rows intact (SQLite cannot change a WAL file's page size)."""
    fresh = Database.from_url(f"sqlite:///{tmp_path / 'new.db'}")
    with fresh.transaction() as session:
        session.execute(text("CREATE TABLE t (a INTEGER)"))
        assert session.execute(text("PRAGMA page_size")).scalar() == SQLITE_PAGE_SIZE
    fresh.dispose()
    old = tmp_path / "old.db"
    subprocess.run([sys.executable, "-c", _OLD_FILE, str(old)], check=True)
    kept = Database.from_url(f"sqlite:///{old}")
    with kept.transaction() as session:
        assert session.execute(text("PRAGMA page_size")).scalar() == 4096
        assert session.execute(text("SELECT a FROM t")).scalar() == 7
    kept.dispose()


_OLD_FILE = """
import sqlite3, sys
made = sqlite3.connect(sys.argv[1], isolation_level=None)
made.execute("PRAGMA page_size=4096")
made.execute("PRAGMA journal_mode=WAL")
made.execute("CREATE TABLE t (a INTEGER)")
made.execute("INSERT INTO t VALUES (7)")
made.close()
"""


def test_a_bulk_writer_can_have_a_larger_page_cache(tmp_path: Path) -> None:
    """``page_cache_mib`` sizes every connection's cache; without it SQLite's default holds."""
    url = f"sqlite:///{tmp_path / 'node.db'}"
    for database, expected in ((Database.from_url(url, page_cache_mib=64), -64 * 1024),
                               (Database.from_url(url), -2000)):  # fmt: skip
        with database.transaction(write=False) as session:
            assert session.execute(text("PRAGMA cache_size")).scalar() == expected
        database.dispose()
