"""Reading exam outcomes, for the features that learn from them (history, training, reports).

These are node-internal reads (no officer's view of a filing): callers are the scorer and the
trainer, which act for the node itself, so there is no principal to scope by and nothing to
audit here. A route that shows outcomes to a person must scope and audit its own read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

import polars as pl
from sqlalchemy import BigInteger, Integer, Select, any_, bindparam, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from seawall.exams.models import ExamOutcome

_IN_LIST = 5_000  # ids per IN list: well under SQLite's bound-parameter limit

OUTCOMES_SCHEMA: dict[str, pl.DataType] = {
    "filing_id": pl.Int64(),
    "container": pl.String(),
    "port": pl.String(),
    "examined_on": pl.Date(),
    "exam_type": pl.String(),
    "selected_by": pl.String(),
    "found": pl.Boolean(),
    "finding": pl.String(),
}


def outcomes_frame(session: Session, since: date | None = None) -> pl.DataFrame:
    """Every outcome (one row per container examined), oldest exam first.

    Columns: ``filing_id``, ``container``, ``port``, ``examined_on``, ``exam_type``,
    ``selected_by`` (rules or random), ``found`` and ``finding``. With ``since``, only exams
    on or after that day.
    """
    query = select(*(getattr(ExamOutcome, name) for name in OUTCOMES_SCHEMA)).order_by(
        ExamOutcome.examined_on, ExamOutcome.filing_id, ExamOutcome.container
    )
    if since is not None:
        query = query.where(ExamOutcome.examined_on >= since)
    rows = session.execute(query).all()
    return pl.DataFrame([tuple(row) for row in rows], schema=OUTCOMES_SCHEMA, orient="row")


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _IN_LIST):
        yield ids[start : start + _IN_LIST]


def findings_by_filing(session: Session, filing_ids: Sequence[int]) -> dict[int, bool]:
    """For each of these filings that was examined: whether any exam of any of its boxes found
    something. Filings never examined are absent (unknown, not "clean")."""
    ids = sorted(set(filing_ids))
    if not ids:
        return {}
    # max() of a boolean is not defined on PostgreSQL; of 0 and 1 it is on both.
    query = select(ExamOutcome.filing_id, func.max(cast(ExamOutcome.found, Integer))).group_by(
        ExamOutcome.filing_id
    )
    if session.get_bind().dialect.name == "postgresql":
        # One array for all of them: a bulk chunk's 100,000 filings as 5,000-value IN lists
        # cost PostgreSQL 3.2 s to plan and run, most of it planning.
        wanted = bindparam("ids", ids, type_=ARRAY(BigInteger))
        parts = [query.where(ExamOutcome.filing_id == any_(wanted))]
    else:
        parts = [query.where(ExamOutcome.filing_id.in_(part)) for part in _chunks(ids)]
    found: dict[int, bool] = {}
    for part in parts:
        found.update({filing: bool(any_found) for filing, any_found in session.execute(part)})
    return found


def all_findings(session: Session) -> dict[int, bool]:
    """``findings_by_filing`` for every examined filing at once (a few percent of them), for
    bulk work that would otherwise ask about every filing in its batches."""
    rows = session.execute(
        select(ExamOutcome.filing_id, func.max(cast(ExamOutcome.found, Integer))).group_by(
            ExamOutcome.filing_id
        )
    )
    return {filing: bool(any_found) for filing, any_found in rows}


def found_filing_ids() -> Select[int]:
    """A subquery of the filings an exam found something on (for counts inside a query)."""
    return select(ExamOutcome.filing_id).where(ExamOutcome.found)


def count(session: Session) -> int:
    """How many outcomes (container exams) the node holds."""
    return session.scalar(select(func.count()).select_from(ExamOutcome)) or 0
