"""Feature frames of the node's stored history, for backtesting a rule on it.

One row per active filing: the feature record of its latest version, built as bulk scoring
builds it (the scorer's ``record`` and the history features over the assessments table), plus
``finding``: true when any exam of any of its boxes found something, false when exams found
nothing, null when it was never examined. Yielded in chunks so years of history stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import polars as pl
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from seawall.core.database import Database
from seawall.core.settings import Settings
from seawall.exams.queries import all_findings, findings_by_filing
from seawall.filings.models import Filing, FilingStatus, FilingVersion
from seawall.risk.scoring.scorer import Scorer
from seawall.risk.scoring.service import CHUNK, build_scorer
from seawall.risk.scoring.store import StoredVersion, full_history, versions_by_id

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


def feature_frame(
    scorer: Scorer, versions: Sequence[StoredVersion], history: pl.DataFrame
) -> pl.DataFrame:
    """The feature frame of these versions with history features, keyed by version id."""
    return scorer.features([version.input for version in versions], history)


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
        history = full_history(session, all_findings(session))
        ids = current_version_ids(session)
    for start in range(0, len(ids), chunk):
        with database.transaction(write=False) as session:
            versions = versions_by_id(session, ids[start : start + chunk])
            found = findings_by_filing(session, [version.filing_id for version in versions])
        outcomes = pl.DataFrame(
            {
                "key": [v.input.key for v in versions],
                FINDING: [found.get(v.filing_id) for v in versions],
            },
            schema={"key": pl.String, FINDING: pl.Boolean},
        )
        frame = feature_frame(scorer, versions, history).join(outcomes, on="key", how="left")
        advance(len(versions))
        yield frame
