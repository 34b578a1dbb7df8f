"""Users, their roles, and their API keys (stored only as hashes)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from seawall.core.database import Base, utcnow


class Role(StrEnum):
    """What a user does in Seawall; each API route names the roles that may call it."""

    FILER = "filer"
    TARGETING_OFFICER = "targeting_officer"
    EXAMINER = "examiner"
    BORDER_OFFICER = "border_officer"
    ANALYST = "analyst"
    ADMIN = "admin"


class User(Base):
    """A person or a trade system that calls the node."""

    __tablename__ = "users"
    __table_args__ = (
        # A filer acts for one filer code, which is how its filings are scoped to it.
        CheckConstraint("role != 'filer' OR filer_id IS NOT NULL", name="filer_has_filer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[Role] = mapped_column(String(30))
    filer_id: Mapped[str | None] = mapped_column(String(35), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(default=True)


class ApiKey(Base):
    """A key a user authenticates with; only its SHA-256 digest is kept."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    prefix: Mapped[str] = mapped_column(
        String(16), doc="The key's first characters, to tell keys apart."
    )
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
