"""The node's watchlist entries, one row each, the entry kept as its validated JSON."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seawall.core.database import Base


class StoredEntry(Base):
    """One watchlist entry as loaded; ``document`` is ``WatchlistEntry`` JSON."""

    __tablename__ = "watchlist_entries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(300), index=True)
    document: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime]
    loaded_by: Mapped[str] = mapped_column(String(120))
