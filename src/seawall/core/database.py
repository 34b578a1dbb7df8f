"""The node's database: the declarative base, the engine and the unit of work.

Services add and flush; only the request or the job that owns a ``Database.transaction``
commits, once, or rolls back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import adbc_driver_postgresql.dbapi as adbc_postgresql
import polars as pl
from sqlalchemy import (
    BigInteger,
    DateTime,
    Integer,
    MetaData,
    Table,
    create_engine,
    event,
)
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import ClauseElement, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:  # noqa: ARG002
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# 64-bit ids on PostgreSQL; SQLite's rowid is already 64-bit, and only a column declared
# INTEGER becomes it (and so autoincrements).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Base of every table; constraint names follow one convention so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime}  # noqa: RUF012 - SQLAlchemy reads this mapping


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


SQLITE_PAGE_SIZE = 16_384


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Pages of 16 KiB rather than 4: a quarter of the reads and log writes, and shallower
    # trees, for a million stored documents of 2 KB and their assessments (300,000 of them
    # inserted in 25% less time). Only a new file takes it: WAL fixes a file's page size.
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")
    # WAL lets readers go on while the single writer writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA wal_autocheckpoint=16384")
    cursor.close()
    # Let SQLAlchemy's "begin" event issue BEGIN, so writers can take the lock up front.
    dbapi_connection.isolation_level = None


def _sqlite_page_cache(mib: int) -> Callable[[Any, Any], None]:
    def set_size(dbapi_connection: Any, _record: Any) -> None:
        # A negative cache_size is in KiB rather than pages.
        dbapi_connection.execute(f"PRAGMA cache_size=-{int(mib) * 1024}")

    return set_size


def _sqlite_begin(connection: Connection) -> None:
    # A writer that starts DEFERRED and later upgrades can fail at once with "database is
    # locked" when another writer got there first; IMMEDIATE waits for the lock instead.
    mode = "IMMEDIATE" if connection.get_execution_options().get("writer") else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, *, page_cache_mib: int | None = None, **options: Any) -> Engine:
    """An engine for the URL; SQLite gets WAL mode and explicit transaction starts.

    ``page_cache_mib``: SQLite's page cache per connection (its default is 2 MiB), for a
    process that writes bulk transactions; PostgreSQL's cache is the server's.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        if page_cache_mib is not None:
            event.listen(engine, "connect", _sqlite_page_cache(page_cache_mib))
        return engine
    # No server-side prepared statements: psycopg prepares a query after five runs, and the
    # generic plan PostgreSQL then keeps was made when the tables were small (a bulk ingest
    # ended up scanning the whole filings table on every batch).
    connect_args = {"prepare_threshold": None} if "+psycopg" in url else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **options)


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows in the session's transaction (see ``insert_values``).

    Every row must have the same keys.
    """
    if rows:
        columns = list(rows[0])
        insert_values(
            session, table, columns, [tuple(map(row.__getitem__, columns)) for row in rows]
        )


def insert_values(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert rows of values for ``columns``: COPY on PostgreSQL, executemany elsewhere.

    Columns left out get the database's default, not a Python-side one. Bulk files bring a
    million filings: row-by-row INSERTs cost PostgreSQL a round of parsing and planning each,
    COPY streams them; on SQLite, SQLAlchemy's per-row parameter handling cost more than
    SQLite's own work, so the rows go to the driver directly. A filing POST's few rows go to
    PostgreSQL as one INSERT: one round trip, where COPY takes three.
    """
    if not rows:
        return
    driver, dialect = _driver(session)
    postgres = dialect.name == "postgresql"
    if postgres and len(rows) > _FEW_ROWS:
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
        return
    head, processors = _insert_head(table, tuple(columns), dialect)
    if processors:
        rows = [_processed(row, processors) for row in rows]
    cursor = driver.cursor()
    try:
        if postgres:
            row_marks = f"({', '.join(['%s'] * len(columns))})"
            cursor.execute(
                head + ", ".join([row_marks] * len(rows)), [v for row in rows for v in row]
            )
        else:
            cursor.executemany(head + f"({', '.join('?' * len(columns))})", rows)
    finally:
        cursor.close()


@lru_cache(maxsize=256)
def _insert_head(
    table: Table, columns: tuple[str, ...], dialect: Dialect
) -> tuple[str, list[tuple[int, Callable[[Any], Any]]]]:
    """``INSERT INTO … VALUES`` of these columns, and the bind processing of those that have
    any (UtcDateTime: naive UTC text), as SQLAlchemy applies it. Remembered: a POST inserts
    a row or two, and building these again cost it a quarter of a millisecond."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(table.c[name].name) for name in columns)
    processors = [
        (index, processor)
        for index, name in enumerate(columns)
        if (processor := _bind_processor(table.c[name].type, dialect))
    ]
    return f"INSERT INTO {quote(table.name)} ({names}) VALUES ", processors  # noqa: S608


def insert_frame(session: Session, table: Table, frame: pl.DataFrame) -> None:
    """Insert a frame's rows into ``table``, its columns named as the table's.

    For bulk jobs that hold their rows as columns: PostgreSQL gets a COPY of the frame as
    Polars writes it in CSV (no Python object per value); SQLite, an executemany of the rows,
    their timestamps first turned into SQLAlchemy's UTC text a column at a time (one Python
    call per value had cost as much as SQLite's own work). Timestamps must be aware, as a
    ``UtcDateTime`` demands.
    """
    if frame.is_empty():
        return
    for name, kind in frame.schema.items():
        if isinstance(kind, pl.Datetime) and kind.time_zone is None:
            raise ValueError(f"naive timestamps in column {name!r} given to a UTC column")
    driver, dialect = _driver(session)
    if dialect.name == "postgresql":
        quote = dialect.identifier_preparer.quote
        names = ", ".join(quote(table.c[name].name) for name in frame.columns)
        statement = f"COPY {quote(table.name)} ({names}) FROM STDIN (FORMAT csv)"
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for part in frame.iter_slices(_COPY_ROWS):
                copy.write(part.write_csv(include_header=False))
        return
    # The INSERT ``insert_values`` sends; its timestamps' bind processing done by Polars.
    head, _ = _insert_head(table, tuple(frame.columns), dialect)
    texts = frame.with_columns(
        pl.col(pl.Datetime).dt.convert_time_zone("UTC").dt.strftime(_SQLITE_TIMESTAMP_FORMAT)
    )
    cursor = driver.cursor()
    try:
        cursor.executemany(head + f"({', '.join('?' * frame.width)})", texts.iter_rows())
    finally:
        cursor.close()


@contextmanager
def pipelined(session: Session, rows: int) -> Iterator[None]:
    """Send the driver-level writes of the block without waiting for each answer, on
    PostgreSQL, when they insert at most a few ``rows`` (larger inserts go by COPY, which a
    pipeline cannot carry). For a filing POST's writes: one round trip instead of one each.

    Only for statements whose results nobody reads inside the block; on SQLite, a no-op.
    """
    driver, dialect = _driver(session)
    if dialect.name != "postgresql" or rows > _FEW_ROWS:
        yield
        return
    with driver.pipeline():
        yield


T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Fetch(Generic[T]):
    """A statement whose rows are wanted, at the driver: its SQL in the driver's parameter
    style, its parameters, and what the caller makes of the rows (``finish``). An empty
    ``sql`` sends nothing and finishes no rows. Made by :func:`pairs_fetch`,
    :func:`ids_fetch` and :func:`statement_fetch`; sent by :func:`fetch_together`."""

    sql: str
    params: Sequence[Any] | Mapping[str, Any]
    finish: Callable[[list[tuple[Any, ...]]], T]

    def then(self, make: Callable[[T], U]) -> Fetch[U]:
        """The same statement, its finished rows then made into something else."""
        finish = self.finish
        return Fetch(self.sql, self.params, lambda rows: make(finish(rows)))


def fetch_together(session: Session, *fetches: Fetch[Any]) -> list[Any]:
    """Send ``fetches`` in the session's transaction, in order; what each made of its rows.

    On PostgreSQL they go in one pipeline: one round trip for all of them, where a filing
    POST's look-ups had taken one each. On SQLite, in the process, one after another.
    """
    driver, dialect = _driver(session)
    sent = [fetch for fetch in fetches if fetch.sql]
    cursors = [driver.cursor() for _ in sent]
    try:
        if dialect.name == "postgresql" and len(sent) > 1:
            with driver.pipeline():
                for cursor, fetch in zip(cursors, sent, strict=True):
                    cursor.execute(fetch.sql, fetch.params)
            rows = [list(cursor.fetchall()) for cursor in cursors]
        else:
            rows = []
            for cursor, fetch in zip(cursors, sent, strict=True):
                cursor.execute(fetch.sql, fetch.params)
                rows.append(list(cursor.fetchall()))
    finally:
        for cursor in cursors:
            cursor.close()
    answered = iter(rows)
    return [fetch.finish(next(answered) if fetch.sql else []) for fetch in fetches]


def fetch_one(session: Session, fetch: Fetch[T]) -> T:
    """What ``fetch`` makes of its rows, sent alone."""
    made: T = fetch_together(session, fetch)[0]
    return made


def statement_fetch(
    session: Session, statement: Executable, values: Mapping[str, Any]
) -> Fetch[list[tuple[Any, ...]]]:
    """A Core statement with these values bound, as a :class:`Fetch`: compiled once per
    dialect (keep it in a module constant), its expanding lists filled in per call. Values go
    to the driver as given, without SQLAlchemy's type processing; rows come back as the
    driver gives them (see :func:`as_utc`)."""
    _, dialect = _driver(session)
    compiled = _compiled(statement, dialect)
    state = compiled.construct_expanded_state(dict(values))
    params = state.positional_parameters if compiled.positional else state.parameters
    return Fetch(state.statement, params, list)


@lru_cache(maxsize=64)
def _compiled(statement: Executable, dialect: Dialect) -> SQLCompiler:
    assert isinstance(statement, ClauseElement)
    return cast(SQLCompiler, statement.compile(dialect=dialect))


def add_to_counts(
    session: Session,
    table: Table,
    keys: Sequence[str],
    counts: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Add each row's ``counts`` to the stored row of its ``keys`` (a row from zero if none).

    Values are the keys, then the counts, in order; each key at most once. Rows are written in
    the order given: callers that may run at the same time sort them, so two transactions lock
    the same rows in the same order and cannot deadlock.
    """
    if not rows:
        return
    driver, dialect = _driver(session)
    quote = dialect.identifier_preparer.quote
    name = quote(table.name)
    columns = [quote(table.c[column].name) for column in (*keys, *counts)]
    added = ", ".join(
        f"{column} = {name}.{column} + excluded.{column}" for column in columns[len(keys) :]
    )
    head = f"INSERT INTO {name} ({', '.join(columns)}) "
    tail = f" ON CONFLICT ({', '.join(columns[: len(keys)])}) DO UPDATE SET {added}"
    cursor = driver.cursor()
    try:
        if dialect.name == "postgresql":
            # One statement whatever the number of rows, each column as an array: a bulk
            # chunk's 23,000 parties took 0.61 s as as many statements, 0.26 s so.
            types = [table.c[column].type.compile(dialect) for column in (*keys, *counts)]
            arrays = ", ".join(f"CAST(%s AS {kind}[])" for kind in types)
            values = [list(column) for column in zip(*rows, strict=True)]
            select = f"SELECT * FROM unnest({arrays})"  # noqa: S608 - types from the metadata
            cursor.execute(head + select + tail, values)
        else:
            marks = ", ".join("?" * len(columns))
            cursor.executemany(f"{head}VALUES ({marks}){tail}", [tuple(row) for row in rows])
    finally:
        cursor.close()


def _processed(row: Sequence[Any], processors: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    values = list(row)
    for index, processor in processors:
        values[index] = processor(values[index])
    return values


def reserve_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` new primary keys (column ``id``) for rows this transaction inserts with them.

    Bulk writers that need the ids of what they insert (to insert child rows) get them up front
    instead of reading them back. SQLite: the ones after the table's largest, safe because a
    writing transaction holds the database's write lock; PostgreSQL: from the id's sequence.
    """
    return fetch_one(session, ids_fetch(session, table, count))


def ids_fetch(session: Session, table: Table, count: int) -> Fetch[list[int]]:
    """:func:`reserve_ids` as a :class:`Fetch`, to send with others."""
    if count <= 0:
        return Fetch("", (), lambda _rows: [])
    driver, dialect = _driver(session)
    if dialect.name == "postgresql":
        sequence = _ID_SEQUENCES.get(table.name)
        if sequence is None:
            with driver.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table.name])
                sequence = _ID_SEQUENCES.setdefault(table.name, cursor.fetchone()[0])
        return Fetch(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            [sequence, count],
            lambda rows: [int(row[0]) for row in rows],
        )

    def after_largest(rows: list[tuple[Any, ...]]) -> list[int]:
        start = int(rows[0][0] or 0) + 1
        return list(range(start, start + count))

    quote = dialect.identifier_preparer.quote
    return Fetch(f"SELECT max(id) FROM {quote(table.name)}", (), after_largest)  # noqa: S608


def _driver(session: Session) -> tuple[Any, Dialect]:
    """The DB-API connection under the session's transaction, and its dialect."""
    connection = session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    return driver, connection.dialect


def rows_by_pairs(
    session: Session,
    table: Table,
    keys: tuple[str, str],
    pairs: set[tuple[Any, Any]],
    columns: Sequence[str],
) -> list[tuple[Any, ...]]:
    """Every row whose two ``keys`` columns hold one of ``pairs``: the keys, then ``columns``.

    Values come as the driver returns them, without SQLAlchemy's type processing: this is for
    strings and numbers, looked up by the thousand in a bulk file, where compiling and binding
    an IN list of a thousand values cost more than the query.
    """
    return fetch_one(session, pairs_fetch(session, table, keys, pairs, columns))


def pairs_fetch(
    session: Session,
    table: Table,
    keys: tuple[str, str],
    pairs: set[tuple[Any, Any]],
    columns: Sequence[str],
) -> Fetch[list[tuple[Any, ...]]]:
    """:func:`rows_by_pairs` as a :class:`Fetch`, to send with others."""
    if not pairs:
        return Fetch("", (), list)
    _, dialect = _driver(session)
    quote = dialect.identifier_preparer.quote
    first, second = (quote(table.c[name].name) for name in keys)
    names = ", ".join(quote(table.c[name].name) for name in (*keys, *columns))
    params: list[Any]
    if dialect.name == "postgresql" and len(pairs) <= _FEW_PAIRS:
        # A filing POST's few pairs: a row-value list, which PostgreSQL plans in a tenth of
        # the time it takes to plan the arrays below.
        where = f"({first}, {second}) IN ({', '.join(['(%s, %s)'] * len(pairs))})"
        params = [value for pair in pairs for value in pair]
    elif dialect.name == "postgresql":
        # The pairs themselves, as two arrays side by side: one index probe each. Two "= ANY"
        # lists made PostgreSQL probe every cross pair (a thousand submissions from fifty
        # filers: 50,000 probes a batch), and ingest slowed as the index outgrew the cache.
        # Types from the table's metadata: PostgreSQL cannot tell an untyped array's.
        first_type, second_type = (table.c[name].type.compile(dialect) for name in keys)
        where = (
            f"({first}, {second}) IN "  # noqa: S608 - names and types from the metadata
            f"(SELECT * FROM unnest(CAST(%s AS {first_type}[]), CAST(%s AS {second_type}[])))"
        )
        params = [[a for a, _ in pairs], [b for _, b in pairs]]
    else:
        firsts, seconds = list({a for a, _ in pairs}), list({b for _, b in pairs})
        # Two plain IN lists, not a row-value IN: SQLite answers this from a two-column
        # index, and the row-value form with a full scan. The cross-pairs are dropped below.
        where = (
            f"{first} IN ({', '.join('?' * len(firsts))}) "
            f"AND {second} IN ({', '.join('?' * len(seconds))})"
        )
        params = [*firsts, *seconds]
    return Fetch(
        f"SELECT {names} FROM {quote(table.name)} WHERE {where}",  # noqa: S608
        params,
        lambda rows: [row for row in rows if (row[0], row[1]) in pairs],
    )


def _select_by_key(table: Table, key: str, columns: Sequence[str], dialect: Dialect) -> str:
    """``SELECT key, columns FROM table WHERE key``, for the caller to finish with its list."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(table.c[name].name) for name in (key, *columns))
    return f"SELECT {names} FROM {quote(table.name)} WHERE {quote(table.c[key].name)}"  # noqa: S608


def rows_by_keys(
    session: Session, table: Table, key: str, values: Sequence[Any], columns: Sequence[str]
) -> list[tuple[Any, ...]]:
    """Every row whose ``key`` column holds one of ``values``: the key, then ``columns``.

    As :func:`rows_by_pairs`, through the driver and in raw driver values (a timestamp is
    text on SQLite: see :func:`as_utc`), for look-ups by the ten thousand in bulk work.
    """
    if not values:
        return []
    driver, dialect = _driver(session)
    head = _select_by_key(table, key, columns, dialect)
    found: list[tuple[Any, ...]] = []
    cursor = driver.cursor()
    try:
        if dialect.name == "postgresql":
            cursor.execute(f"{head} = ANY(%s)", [list(values)])
            found = list(cursor.fetchall())
        else:
            for start in range(0, len(values), _SQLITE_IN):
                part = values[start : start + _SQLITE_IN]
                cursor.execute(f"{head} IN ({', '.join('?' * len(part))})", list(part))
                found += cursor.fetchall()
    finally:
        cursor.close()
    return found


def frame_by_keys(
    session: Session, table: Table, key: str, values: Sequence[int], columns: Sequence[str]
) -> pl.DataFrame:
    """:func:`rows_by_keys` of integer keys, as a frame: the key, then ``columns``, named so.

    For bulk reads of wide rows (a chunk's stored documents). On PostgreSQL the rows arrive
    as Arrow columns through ADBC, with no Python object per value: read through the driver,
    a chunk's 100,000 documents became as many Python strings, made holding the interpreter
    lock that scoring needs, then were copied into a column. That read runs on a connection
    of its own, outside the session's transaction: only for rows committed before it and not
    changed since (stored filing versions are never changed). Timestamps come as the
    database gives them: UTC text on SQLite (see :func:`as_utc`), aware on PostgreSQL.

    SQLite is read through the session's own driver. ADBC's SQLite driver carries a second
    copy of the SQLite library, and two copies in one process corrupt the file: closing its
    connection released the locks of the process's other connections (POSIX locks belong
    to the process, and each copy tracks only its own), so another process's last close
    removed the write-ahead log under them (sqlite.org/howtocorrupt.html, 2.2.1).
    """
    engine = session.connection().engine
    if engine.dialect.name != "postgresql":
        rows = rows_by_keys(session, table, key, values, columns)
        return pl.DataFrame(rows, schema=[key, *columns], orient="row")
    head = _select_by_key(table, key, columns, engine.dialect)
    keys = "{" + ",".join(str(int(value)) for value in values) + "}"
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with adbc_postgresql.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(f"{head} = ANY(CAST($1 AS bigint[]))", (keys,))
        frame = pl.from_arrow(cursor.fetch_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame


def driver_rows(session: Session, query: ClauseElement) -> list[tuple[Any, ...]]:
    """The rows of ``query`` as the driver returns them (timestamps as text on SQLite: see
    :func:`as_utc`), for reads of a million rows, where SQLAlchemy's per-row result
    processing took longer than the query. Parameters are rendered inline."""
    driver, dialect = _driver(session)
    compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    cursor = driver.cursor()
    try:
        cursor.execute(str(compiled))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def as_utc(value: datetime | str) -> datetime:
    """A timestamp read through the driver (naive UTC text on SQLite), timezone-aware."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _bind_processor(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    if isinstance(column_type, UtcDateTime) and dialect.name == "sqlite":
        return _sqlite_timestamp
    return column_type.dialect_impl(dialect).bind_processor(dialect)


_SQLITE = sqlite.dialect()
BULK_ROWS = 10_000  # rows one job loads from which the tables' statistics are refreshed
_FEW_ROWS = 10  # rows up to which PostgreSQL gets an INSERT rather than COPY
_FEW_PAIRS = 10  # pairs up to which PostgreSQL gets a row-value list (see ``rows_by_pairs``)
_SQLITE_IN = 30_000  # values per IN list: under SQLite's limit of 32,766 bound parameters
_SQLITE_TIMESTAMP = UtcDateTime().dialect_impl(_SQLITE).bind_processor(_SQLITE)
_SQLITE_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%6f"  # what _SQLITE_TIMESTAMP writes, for Polars
# Each table's id sequence, looked up once: asked for in the same statement as the ids, the
# catalogue look-up ran once per id and made a POST's reservation take 0.34 ms, not 0.2.
_ID_SEQUENCES: dict[str, str] = {}
_COPY_ROWS = 20_000  # rows per piece of CSV sent to COPY: its text is held in memory


@lru_cache(maxsize=4096)
def _sqlite_timestamp(value: datetime | None) -> Any:
    """A UtcDateTime value as SQLite stores it, remembered.

    A batch of filings writes each receipt time three times (received, created, updated) and
    one audit time on every row. Equal aware datetimes are one instant, so one UTC text; a
    naive one raises every time, since errors are not remembered.
    """
    assert _SQLITE_TIMESTAMP is not None
    return _SQLITE_TIMESTAMP(value)


class Database:
    """The node's database: hands out sessions that own one transaction each."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reader = sessionmaker(engine, expire_on_commit=False)
        self._writer = sessionmaker(engine.execution_options(writer=True), expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, *, page_cache_mib: int | None = None) -> Database:
        """A database for a SQLAlchemy URL (``page_cache_mib``: see :func:`make_engine`)."""
        return cls(make_engine(url, page_cache_mib=page_cache_mib))

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def refresh_statistics(self, tables: Sequence[Table], rows: int) -> None:
        """After a bulk load of ``rows`` into ``tables``: on PostgreSQL, VACUUM ANALYZE them
        (from ``BULK_ROWS`` rows; fewer hardly change what the planner should know).

        Until then the planner has no row counts for what was loaded, and index-only scans
        still visit every heap page (the visibility map is set by VACUUM): on a node where
        autovacuum is off or has not come round yet, a POST's history counts took 50 ms
        instead of 1. SQLite needs neither.
        """
        if self.dialect != "postgresql" or rows < BULK_ROWS:
            return
        with self.engine.connect() as connection:
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            quote = self.engine.dialect.identifier_preparer.quote
            for table in tables:
                autocommit.exec_driver_sql(f"VACUUM (ANALYZE) {quote(table.name)}")

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back on error."""
        factory = self._writer if write else self._reader
        with factory() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


class Checkpointer:
    """Copies SQLite's write-ahead log into the database file in the background.

    Left to itself, SQLite checkpoints inside whichever commit fills the log: a long-running
    API would then stall one request, and every request queued behind it, for as long as it
    takes to copy and sync tens of megabytes. A small passive checkpoint every ``interval``
    seconds, on a thread of its own, keeps the log short and never waits for a writer.
    Does nothing on PostgreSQL.
    """

    def __init__(self, database: Database, interval: float = 0.2) -> None:
        self._database = database
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin checkpointing (SQLite only)."""
        if self._database.dialect != "sqlite" or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop, after one last checkpoint."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None

    def _run(self) -> None:
        with self._database.engine.connect() as connection:
            while not self._stop.wait(self._interval):
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
