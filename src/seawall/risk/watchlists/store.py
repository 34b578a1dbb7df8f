"""The node's watchlist entries in its database: loading a file's entries, reading them back.

A load is an upsert by entry id: an entry whose stored form is identical is left alone, so
re-loading the same file changes nothing (no generation bump, no audit row, nothing to
re-score). With ``replace_source`` the file is the whole of its list: entries of the same
source(s) that the file no longer holds are removed (a list re-issued whole). Services flush;
the command owns the transaction. See ``docs/watchlists.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.core.database import insert_rows, utcnow
from seawall.risk.scoring import configuration
from seawall.risk.watchlists.models import StoredEntry
from seawall.risk.watchlists.schemas import WatchlistEntry

_ENTRIES = cast(Table, StoredEntry.__table__)
_CHUNK = 1000  # ids per DELETE ... IN (...), well under every backend's parameter limit
_LOAD_LOCK = 0x5EA3A12  # a fixed advisory-lock key: one watchlist load at a time


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What one load did, entry by entry: the ids added, changed and removed, and the rest."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    generation: int | None = None  # the new generation, when the load changed anything

    @property
    def changed_anything(self) -> bool:
        """Whether the node's entries are different after the load."""
        return bool(self.added or self.changed or self.removed)

    def counts(self) -> dict[str, int]:
        """The four counts, for the audit row and the command's summary."""
        return {
            "added": len(self.added),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "removed": len(self.removed),
        }

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data: counts, the ids that changed, the generation."""
        return {
            **self.counts(),
            "added_ids": list(self.added),
            "changed_ids": list(self.changed),
            "removed_ids": list(self.removed),
            "generation": self.generation,
        }


@dataclass(frozen=True, slots=True)
class SourceSummary:
    """One list on the node: how many entries it has and when it was last changed, by whom."""

    source: str
    entries: int
    loaded_at: datetime
    loaded_by: str


def document_of(entry: WatchlistEntry) -> str:
    """The stored form of an entry: canonical JSON, so the same entry always compares equal."""
    return orjson.dumps(entry.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS).decode()


def save_entries(
    session: Session, entries: Sequence[WatchlistEntry], *, actor: str, replace_source: bool
) -> LoadReport:
    """Store a validated file's entries (upsert by id); with ``replace_source``, drop the
    entries of the file's sources it does not hold. Bumps the generation and writes one audit
    row only when something changed. Raises ValueError for an id given twice."""
    incoming: dict[str, WatchlistEntry] = {}
    for entry in entries:
        if entry.id in incoming:
            raise ValueError(f"entry {entry.id} is given more than once")
        incoming[entry.id] = entry
    _one_load_at_a_time(session)
    stored = {
        row.id: (row.source, row.document)
        for row in session.execute(select(StoredEntry.id, StoredEntry.source, StoredEntry.document))
    }
    now = utcnow()
    added: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    unchanged = 0
    for entry_id, entry in incoming.items():
        document = document_of(entry)
        before = stored.get(entry_id)
        if before is not None and before == (entry.source, document):
            unchanged += 1
            continue
        row = {
            "id": entry_id,
            "source": entry.source,
            "document": document,
            "loaded_at": now,
            "loaded_by": actor,
        }
        (added if before is None else changed).append(row)
    removed: list[str] = []
    if replace_source:
        sources = {entry.source for entry in incoming.values()}
        removed = sorted(
            entry_id
            for entry_id, (source, _) in stored.items()
            if source in sources and entry_id not in incoming
        )
    report = LoadReport(
        added=tuple(sorted(row["id"] for row in added)),
        changed=tuple(sorted(row["id"] for row in changed)),
        removed=tuple(removed),
        unchanged=unchanged,
    )
    if not report.changed_anything:
        return report
    _write(session, added, changed, removed)
    generation = configuration.changed(session, f"watchlist load: {_counts_text(report)}")
    sources_touched = sorted(
        {row["source"] for row in added + changed} | _sources_of(removed, stored)
    )
    record(
        session,
        [
            Event(
                actor,
                "watchlist:loaded",
                "watchlist",
                ", ".join(sources_touched)[:80],
                {**report.counts(), "sources": sources_touched, "generation": generation},
            )
        ],
    )
    return LoadReport(report.added, report.changed, report.removed, unchanged, generation)


def _one_load_at_a_time(session: Session) -> None:
    # Two loads comparing against the same stored rows would both insert a new id (a unique
    # violation) or undo each other; SQLite's writer lock already orders them (BEGIN IMMEDIATE).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOAD_LOCK})


def _sources_of(ids: Sequence[str], stored: dict[str, tuple[str, str]]) -> set[str]:
    return {stored[entry_id][0] for entry_id in ids}


def _counts_text(report: LoadReport) -> str:
    return ", ".join(f"{count} {what}" for what, count in report.counts().items())


def _write(
    session: Session,
    added: list[dict[str, Any]],
    changed: list[dict[str, Any]],
    removed: list[str],
) -> None:
    insert_rows(session, _ENTRIES, added)
    if changed:
        statement = (
            update(_ENTRIES)
            .where(_ENTRIES.c.id == bindparam("entry_id"))
            .values(
                source=bindparam("source"),
                document=bindparam("document"),
                loaded_at=bindparam("loaded_at"),
                loaded_by=bindparam("loaded_by"),
            )
        )
        params = [{**row, "entry_id": row["id"]} for row in changed]
        for row in params:
            del row["id"]
        session.connection().execute(statement, params)
    for start in range(0, len(removed), _CHUNK):
        session.execute(delete(_ENTRIES).where(_ENTRIES.c.id.in_(removed[start : start + _CHUNK])))
    session.flush()


def active_entries(session: Session) -> list[WatchlistEntry]:
    """Every entry in force on the node, in id order, validated back from its stored JSON."""
    documents = session.scalars(select(StoredEntry.document).order_by(StoredEntry.id))
    return [WatchlistEntry.model_validate_json(document) for document in documents]


def source_summaries(session: Session) -> list[SourceSummary]:
    """Each list (source) on the node: its entry count and its latest change, by source."""
    rows = session.execute(
        select(StoredEntry.source, func.count(), func.max(StoredEntry.loaded_at))
        .group_by(StoredEntry.source)
        .order_by(StoredEntry.source)
    ).all()
    summaries = []
    for source, count, loaded_at in rows:  # a node holds a handful of lists
        loaded_by = session.scalar(
            select(StoredEntry.loaded_by)
            .where(StoredEntry.source == source)
            .order_by(StoredEntry.loaded_at.desc())
            .limit(1)
        )
        summaries.append(SourceSummary(source, count, loaded_at, loaded_by or ""))
    return summaries
