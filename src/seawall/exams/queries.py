"""Reading exam outcomes, for the features that learn from them (history, training, reports).

These are node-internal reads (no officer's view of a filing): callers are the scorer and the
trainer, which act for the node itself, so there is no principal to scope by and nothing to
audit here. A route that shows outcomes to a person must scope and audit its own read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import polars as pl
from sqlalchemy import Integer, Select, Table, bindparam, func, select
from sqlalchemy.orm import Session

from seawall.core.database import Fetch, rows_by_keys, statement_fetch
from seawall.exams.models import ExamOutcome

_OUTCOMES = cast(Table, ExamOutcome.__table__)

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


def findings_by_filing(session: Session, filing_ids: Sequence[int]) -> dict[int, bool]:
    """For each of these filings that was examined: whether any exam of any of its boxes found
    something. Filings never examined are absent (unknown, not "clean")."""
    # Each examined box's outcome through ``rows_by_keys``: a bulk chunk asks about 100,000
    # filings, which PostgreSQL planned for 3.2 s as 5,000-value IN lists and answers at once
    # from one array. A filing has a few examined boxes at most.
    return _any_found(
        rows_by_keys(session, _OUTCOMES, "filing_id", sorted(set(filing_ids)), ("found",))
    )


def findings_fetch(session: Session, filing_ids: Sequence[int]) -> Fetch[dict[int, bool]]:
    """:func:`findings_by_filing` of a few filings (a POST's amendments), as a ``Fetch`` to
    send with other look-ups."""
    if not filing_ids:
        return Fetch("", (), dict)
    fetch = statement_fetch(session, _FINDINGS, {"filings": sorted(set(filing_ids))})
    return fetch.then(_any_found)


_FINDINGS = select(ExamOutcome.filing_id, ExamOutcome.found).where(
    ExamOutcome.filing_id.in_(bindparam("filings", expanding=True))
)


def _any_found(boxes: Sequence[tuple[Any, ...]]) -> dict[int, bool]:
    """Per filing, whether any of its examined boxes (filing id, found) had a finding."""
    found: dict[int, bool] = {}
    for filing, box_found in boxes:
        found[filing] = found.get(filing, False) or bool(box_found)
    return found


def all_findings(session: Session) -> dict[int, bool]:
    """``findings_by_filing`` for every examined filing at once (a few percent of them), for
    bulk work that would otherwise ask about every filing in its batches."""
    rows = session.execute(
        select(ExamOutcome.filing_id, func.max(ExamOutcome.found.cast(Integer))).group_by(
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
