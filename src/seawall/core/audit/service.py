"""Writing to and verifying the hash-chained audit log.

Each row's hash covers its content and the previous row's hash, so changing, deleting or
reordering any row breaks the chain from that row on. Appends take a lock on the chain's head
(PostgreSQL advisory lock; SQLite's single writer lock) so concurrent workers cannot fork it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import orjson
from sqlalchemy import Table, select, text
from sqlalchemy.orm import Session

from seawall.core.audit.models import AuditEntry
from seawall.core.database import insert_rows, utcnow

GENESIS = "0" * 64
_CHAIN_LOCK = 0x5EA3A11  # an arbitrary, fixed advisory-lock key for the audit chain


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened, before it takes its place in the chain."""

    actor: str
    action: str
    record_type: str
    record_id: str
    detail: dict[str, Any] = field(default_factory=dict)


def _digest(prev_hash: str, seq: int, at: datetime, event: Event, detail: str) -> str:
    content = orjson.dumps(
        [seq, at.isoformat(), event.actor, event.action, event.record_type, event.record_id]
    )
    return hashlib.sha256(
        prev_hash.encode() + b"\x1f" + content + b"\x1f" + detail.encode()
    ).hexdigest()


def _head(session: Session) -> tuple[int, str]:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    row = (
        session.connection()
        .execute(select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1))
        .first()
    )
    return (row[0], row[1]) if row else (0, GENESIS)


def record(session: Session, events: Iterable[Event]) -> int:
    """Append events to the chain in the session's transaction; returns how many."""
    seq, prev_hash = _head(session)
    at = utcnow()
    rows = []
    for event in events:
        seq += 1
        detail = orjson.dumps(event.detail, option=orjson.OPT_SORT_KEYS).decode()
        digest = _digest(prev_hash, seq, at, event, detail)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": event.actor,
                "action": event.action,
                "record_type": event.record_type,
                "record_id": event.record_id,
                "detail": detail,
                "prev_hash": prev_hash,
                "hash": digest,
            }
        )
        prev_hash = digest
    if rows:
        insert_rows(session, cast(Table, AuditEntry.__table__), rows)
    return len(rows)


@dataclass(frozen=True, slots=True)
class Break:
    """The first row at which the chain does not hold, and why."""

    seq: int
    reason: str


def verify(session: Session, batch: int = 5000) -> tuple[int, Break | None]:
    """Walk the chain in order; returns the rows checked and the first break, if any."""
    expected_seq, prev_hash, checked = 1, GENESIS, 0
    for entry in _entries(session, batch):
        if entry.seq != expected_seq:
            return checked, Break(
                entry.seq, f"expected row {expected_seq} here: a row was deleted or moved"
            )
        if entry.prev_hash != prev_hash:
            return checked, Break(entry.seq, "does not follow the row before it")
        event = Event(entry.actor, entry.action, entry.record_type, entry.record_id)
        if _digest(prev_hash, entry.seq, entry.at, event, entry.detail) != entry.hash:
            return checked, Break(entry.seq, "its content was changed after it was written")
        checked += 1
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    return checked, None


def _entries(session: Session, batch: int) -> Iterator[AuditEntry]:
    after = 0
    while True:
        page = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not page:
            return
        yield from page
        after = page[-1].seq
