"""Feature frames of the node's stored history, for backtesting a rule on it.

One row per active filing: the feature record of its latest version, built as bulk scoring
builds it (the scorer's ``record`` and the history features over the assessments table), plus
``finding``: true when any exam of any of its boxes found something, false when exams found
nothing, null when it was never examined. Yielded in chunks so years of history stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from seawall.core.database import Database
from seawall.core.settings import Settings
from seawall.exams.queries import all_findings
from seawall.filings.models import Filing, FilingStatus, FilingVersion
from seawall.risk.scoring.service import CHUNK, build_scorer
from seawall.risk.scoring.store import full_history, raw_versions

FINDING = "finding"


def current_version_ids(session: Session) -> list[int]:
    """Ids of the latest version of every active filing, oldest first.

    Cancelled filings are left out: their boxes were never at a port to examine, so a rule
    firing on them would ask for no exam.
    """
    query = (
        select(FilingVersion.id)
        .join(
            Filing,
            and_(
                Filing.id == FilingVersion.filing_id, Filing.latest_version == FilingVersion.version
            ),
        )
        .where(Filing.status == FilingStatus.ACTIVE.value)
        .order_by(FilingVersion.id)
    )
    return list(session.scalars(query))


def history_chunks(
    database: Database,
    settings: Settings,
    advance: Callable[[int], None],
    chunk: int = CHUNK,
) -> Iterator[pl.DataFrame]:
    """The feature frames of every active filing's latest version, with ``finding``, in chunks.

    Yields nothing when the node holds no filing. ``advance`` is told the rows of each chunk.
    """
    with database.transaction(write=False) as session:
        scorer = build_scorer(session, settings)
        findings = all_findings(session)
        history = full_history(session, findings)
        ids = current_version_ids(session)
    for start in range(0, len(ids), chunk):
        with database.transaction(write=False) as session:
            raw = raw_versions(session, ids[start : start + chunk])
        outcomes = pl.DataFrame(
            {
                "key": [str(version_id) for version_id in raw.version_ids],
                FINDING: [findings.get(filing) for filing in raw.filing_ids],
            },
            schema={"key": pl.String, FINDING: pl.Boolean},
        )
        frame = scorer.stored_features(raw, history).join(outcomes, on="key", how="left")
        advance(len(raw.version_ids))
        yield frame
