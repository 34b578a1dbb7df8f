"""Exam outcomes: what an exam of one container of one filing found."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from seawall.core.database import Base, BigId


class ExamOutcome(Base):
    """One container examined for one filing, and whether the exam found something."""

    __tablename__ = "exam_outcomes"
    __table_args__ = (UniqueConstraint("filing_id", "container", "examined_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    filing_id: Mapped[int] = mapped_column(BigId, ForeignKey("filings.id"), index=True)
    container: Mapped[str] = mapped_column(String(11))
    port: Mapped[str] = mapped_column(String(5))
    examined_on: Mapped[date]
    exam_type: Mapped[str] = mapped_column(String(40))
    # "rules" (the worklist picked it by risk) or "random" (the compliance share): training
    # weighs the random share up, as it alone stands for the boxes the rules pass over.
    selected_by: Mapped[str] = mapped_column(String(12))
    found: Mapped[bool]
    finding: Mapped[str | None] = mapped_column(String(60))
    recorded_at: Mapped[datetime]
