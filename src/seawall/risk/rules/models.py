"""Rule packs the node has loaded: the reviewed YAML text, kept whole, one row per pack name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seawall.core.database import Base


class StoredPack(Base):
    """The pack in force under one name; loading a pack of the same name replaces it."""

    __tablename__ = "rule_packs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[int]
    agency: Mapped[str] = mapped_column(String(8), doc="CA, US, or shared.")
    text: Mapped[str] = mapped_column(Text, doc="The pack file as loaded, YAML.")
    loaded_at: Mapped[datetime]
    loaded_by: Mapped[str] = mapped_column(String(120))
