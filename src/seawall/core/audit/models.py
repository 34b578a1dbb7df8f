"""The audit log table: append-only, each row chained to the one before by its hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seawall.core.database import Base, BigId


class AuditEntry(Base):
    """Who did what to which record, and when."""

    __tablename__ = "audit_log"

    # The position in the chain, given by the writer under the chain lock, never by the
    # database: a gap or a swap in it is itself evidence of tampering.
    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(60), index=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, doc="Canonical JSON, hashed as stored.")
    prev_hash: Mapped[str] = mapped_column(String(64))
    # Not indexed: the chain itself is the integrity check, and an index on random digests
    # would cost every append a random B-tree insert.
    hash: Mapped[str] = mapped_column(String(64))
