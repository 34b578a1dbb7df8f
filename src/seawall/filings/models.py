"""Filings and their versions. A version is never changed once written; amendments add one."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seawall.core.database import Base, BigId


class FilingStatus(StrEnum):
    """Where a filing stands: in force, or cancelled by its filer."""

    ACTIVE = "active"
    CANCELLED = "cancelled"


class Filing(Base):
    """One transport document of one filer, with what its latest version says for search."""

    __tablename__ = "filings"
    __table_args__ = (
        # The selective column first: look-ups by many document numbers of a few filers then
        # walk the index by document number (filer first, PostgreSQL scanned all a filer has).
        UniqueConstraint("document_number", "filer_id"),
        CheckConstraint("latest_version >= 1", name="has_a_version"),
        Index("ix_filings_discharge_latest", "port_of_discharge", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    filer_id: Mapped[str] = mapped_column(String(35))
    document_number: Mapped[str] = mapped_column(String(35))
    status: Mapped[FilingStatus] = mapped_column(String(12), default=FilingStatus.ACTIVE)
    latest_version: Mapped[int]
    # Copied from the latest version so lists filter without opening every document.
    port_of_discharge: Mapped[str] = mapped_column(String(5))
    destination_country: Mapped[str] = mapped_column(String(2))
    in_transit: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(index=True)
    cancelled_at: Mapped[datetime | None]


class FilingVersion(Base):
    """One accepted submission of a filing: the document as filed and its acknowledgement."""

    __tablename__ = "filing_versions"
    __table_args__ = (
        UniqueConstraint("filing_id", "version"),
        UniqueConstraint("submission_id", "filer_id"),
        # Versions in order of receipt, without reading their documents: which of them bulk
        # scoring has yet to score (scanning the table for it read every document's page).
        Index("ix_filing_versions_received_at", "received_at", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    filing_id: Mapped[int] = mapped_column(BigId, ForeignKey("filings.id"))
    version: Mapped[int]
    filer_id: Mapped[str] = mapped_column(String(35))
    submission_id: Mapped[str] = mapped_column(String(35))
    received_at: Mapped[datetime]
    loading_time: Mapped[datetime]
    late_seconds: Mapped[int] = mapped_column(doc="0 when filed within the lead time.")
    # JSON text exactly as validated and acknowledged: written once, never queried inside (the
    # columns above serve search), so it is kept as text and not re-encoded on the way in.
    document: Mapped[str] = mapped_column(Text)
    acknowledgement: Mapped[str] = mapped_column(Text)
