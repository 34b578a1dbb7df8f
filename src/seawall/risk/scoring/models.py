"""Risk assessments, one per filing version, and the configuration generation behind them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seawall.core.database import Base, BigId

PARTY_KEY_LENGTH = 400


class Assessment(Base):
    """The risk of one filing version: score, band, action and the explanation an officer reads.

    Re-scoring (a new pack, watchlist or model) replaces the row's figures in place; the audit
    log keeps that it happened. The route and party columns are copied from the version so the
    worklist and the history features are answered from this table alone.
    """

    __tablename__ = "risk_assessments"
    __table_args__ = (Index("ix_risk_assessments_port_eta", "port_of_discharge", "discharge_eta"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # No foreign keys: an assessment is written only for a version scoring has just read, and
    # nothing deletes filing versions (amendments add versions). PostgreSQL checked the key
    # row by row, taking a lock on each version's row: 1.1–1.3 s per 100,000 assessments
    # written in bulk, 40% of the whole COPY; the filing's key, a third of a second more.
    filing_version_id: Mapped[int] = mapped_column(BigId, unique=True)
    filing_id: Mapped[int] = mapped_column(BigId, index=True)
    version: Mapped[int]
    current: Mapped[bool] = mapped_column(doc="True for the filing's latest version only.")
    received_at: Mapped[datetime]
    document_number: Mapped[str] = mapped_column(String(35))
    port_of_discharge: Mapped[str] = mapped_column(String(5))
    discharge_eta: Mapped[datetime]
    shipper_key: Mapped[str] = mapped_column(String(PARTY_KEY_LENGTH))
    consignee_key: Mapped[str] = mapped_column(String(PARTY_KEY_LENGTH))
    score: Mapped[float] = mapped_column(doc="0 to 100; see docs/targeting.md.")
    band: Mapped[str] = mapped_column(String(10))
    action: Mapped[str] = mapped_column(String(12))
    rule_score: Mapped[int]
    watchlist_score: Mapped[float] = mapped_column(doc="Best watchlist match, 0 when none.")
    model_probability: Mapped[float | None]
    model_version: Mapped[str | None] = mapped_column(String(40))
    generation: Mapped[int] = mapped_column(doc="The risk configuration it was scored under.")
    explanation: Mapped[str] = mapped_column(Text, doc="JSON: rules hit, matches, reasons.")
    assessed_at: Mapped[datetime]


class AssessedSeal(Base):
    """A seal number on a scored filing version, for the seal-reuse history feature.

    An index of the assessments' documents, keyed by seal (what a POST looks up), written
    only beside its assessment, in the same transaction, by ``store``; assessments are never
    deleted. No foreign key: checked row by row, one cost PostgreSQL 0.7 s per 100,000
    assessments written in bulk (1.6 seals each), more than writing the seals themselves.
    """

    __tablename__ = "risk_seals"
    # On SQLite the key is the table (no rowid beside it): one B-tree to write, not two.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012 - SQLAlchemy reads it

    seal: Mapped[str] = mapped_column(String(20), primary_key=True)
    assessment_id: Mapped[int] = mapped_column(BigId, primary_key=True)


class PartyHistory(Base):
    """How many scored filings name a party in a role, and how many of them an exam found
    something on: the party history a POST reads in one look-up (see ``scoring.parties``).

    A filing counts once, by its current assessment (its latest version scored). Kept in step
    by every write that changes what is current and by exam imports; ``seawall score
    --recount`` rebuilds it from the assessments.
    """

    __tablename__ = "risk_party_history"

    role: Mapped[str] = mapped_column(String(10), primary_key=True, doc="shipper or consignee")
    party_key: Mapped[str] = mapped_column(String(PARTY_KEY_LENGTH), primary_key=True)
    filings: Mapped[int]
    findings: Mapped[int]


class Configuration(Base):
    """One row: the generation of the node's risk configuration (packs, watchlists, model).

    Every change bumps it; a serving process that sees a new generation rebuilds its scorer,
    and assessments made under an older one are re-scored.
    """

    __tablename__ = "risk_configuration"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int]
    changed_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200))
