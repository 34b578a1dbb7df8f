"""The training frame: one row per examined filing, with the inputs the scorer would give it.

Each examined filing contributes the version the node held when the exam was decided (the
latest received on or before the exam day), its label (any examined box found something), its
time (the first exam day) and how it was picked (rules or random). Its model inputs are built
as the scorer builds them (``Scorer.record``, the history features of ``risk.rules.history``,
the rules in effect on its day, the watchlist screener, ``MODEL_EXTRA_FEATURES``), with the
node's rules and watchlists as they stand and the norms computed here, so the model learns from
exactly what it will be given in service.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import orjson
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from seawall.core.settings import Settings
from seawall.exams.queries import findings_by_filing, outcomes_frame
from seawall.filings.models import Filing, FilingVersion
from seawall.risk.rules.features import FilingInput
from seawall.risk.rules.history import (
    HISTORY_SCHEMA,
    history_row,
)
from seawall.risk.rules.norms import Norms, build_norms, goods_frame
from seawall.risk.rules.vectorized import RULES_HIT
from seawall.risk.scoring.scorer import Scorer
from seawall.risk.scoring.service import build_scorer

LABEL, TIME, SELECTED_BY, IS_RANDOM, WEIGHT, FIT_WEIGHT = (
    "found", "examined_on", "selected_by", "is_random", "weight", "fit_weight",
)  # fmt: skip
_PAGE = 5_000  # filing versions read and parsed per query when scanning the node's filings


@dataclass(frozen=True)
class TrainingData:
    """The training frame and what was learnt about the node on the way."""

    frame: pl.DataFrame  # key, the model's inputs, found, examined_on, selected_by, is_random
    norms: pl.DataFrame  # build_norms table of the node's filings up to the last exam
    filings: int  # examined filings (rows)
    findings: int  # of which an exam found something
    random_filings: int  # of which picked at random
    population: int  # filings arriving over the period the exams span (for the random rate)

    def random_rate(self) -> float | None:
        """The compliance share the node ran at, estimated: random exams over the filings the
        rules did not pick, in the examined period; None without random exams."""
        rules_picked = self.filings - self.random_filings
        if self.random_filings == 0 or self.population <= rules_picked:
            return None
        return min(1.0, self.random_filings / (self.population - rules_picked))


def examined(session: Session, since: date | None) -> pl.DataFrame:
    """One row per examined filing: first exam day, how it was picked, whether any box was found."""
    outcomes = outcomes_frame(session, since)
    return (
        outcomes.sort(TIME, "filing_id", "container")
        .group_by("filing_id", maintain_order=True)
        .agg(pl.col(TIME).first(), pl.col(SELECTED_BY).first(), pl.col(LABEL).any())
    )


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)


def _scored_versions(session: Session, exams: pl.DataFrame) -> list[tuple[int, FilingInput]]:
    """(filing id, input) of the version each examined filing had on its exam day."""
    days = dict(zip(exams["filing_id"].to_list(), exams[TIME].to_list(), strict=True))
    chosen: dict[int, tuple[int, datetime, str]] = {}
    ids = sorted(days)
    for start in range(0, len(ids), _PAGE):
        rows = session.execute(
            select(FilingVersion.filing_id, FilingVersion.version, FilingVersion.received_at,
                   FilingVersion.document)
            .where(FilingVersion.filing_id.in_(ids[start : start + _PAGE]))
            .order_by(FilingVersion.filing_id, FilingVersion.version)
        )  # fmt: skip
        for filing_id, version, received_at, document in rows:
            # The first version always counts; a later one only if it came in by the exam day.
            if filing_id not in chosen or received_at < _end_of(days[filing_id]):
                chosen[filing_id] = (version, received_at, document)
    return [
        (filing_id, FilingInput(str(filing_id), orjson.loads(doc), received, version))
        for filing_id, (version, received, doc) in chosen.items()
    ]


@dataclass
class _Scan:
    goods: list[pl.DataFrame]
    history: list[dict[str, Any]]
    arrivals: list[date]


def _latest_versions(
    session: Session, until: datetime
) -> Iterator[list[tuple[int, datetime, str]]]:
    """Pages of (filing id, received_at, document) of each filing's latest version by ``until``."""
    after = 0
    while True:
        page = session.execute(
            select(FilingVersion.filing_id, FilingVersion.received_at, FilingVersion.document)
            .join(Filing, Filing.id == FilingVersion.filing_id)
            .where(FilingVersion.version == Filing.latest_version, Filing.id > after,
                   FilingVersion.received_at < until)
            .order_by(Filing.id)
            .limit(_PAGE)
        ).all()  # fmt: skip
        if not page:
            return
        yield [(row[0], row[1], row[2]) for row in page]
        after = page[-1][0]


def _scan(session: Session, until: datetime) -> _Scan:
    """The node's filings up to ``until``: goods items for the norms, rows for the history."""
    scan = _Scan([], [], [])
    for page in _latest_versions(session, until):
        documents = [orjson.loads(document) for _, _, document in page]
        findings = findings_by_filing(session, [filing_id for filing_id, _, _ in page])
        scan.goods.append(goods_frame(documents))
        scan.history += [
            history_row(doc, received, str(filing_id), findings.get(filing_id))
            for (filing_id, received, _), doc in zip(page, documents, strict=True)
        ]
        scan.arrivals += [
            datetime.fromisoformat(d["route"]["discharge_eta"]).date() for d in documents
        ]
    return scan


def scoring_frame(
    scorer: Scorer, items: Sequence[FilingInput], history: pl.DataFrame
) -> pl.DataFrame:
    """The model's input frame of ``items``, built by the scorer's own bulk path
    (``Scorer.inputs``) with the rules in effect on each item's day."""
    by_day: dict[date, list[FilingInput]] = {}
    for item in items:
        by_day.setdefault(item.received_at.date(), []).append(item)
    parts = []
    for day, chosen in sorted(by_day.items()):
        frame = scorer.inputs(chosen, history, day).frame
        assert isinstance(frame, pl.DataFrame)  # the bulk path always builds one
        parts.append(frame.drop(RULES_HIT))
    return pl.concat(parts)


def training_data(session: Session, settings: Settings, since: date | None) -> TrainingData:
    """The training frame of the node's examined filings (exams on or after ``since``)."""
    exams = examined(session, since)
    empty = pl.DataFrame()
    if exams.height == 0:
        return TrainingData(empty, empty, 0, 0, 0, 0)
    days: list[date] = exams[TIME].to_list()
    first, last = min(days), max(days)
    scan = _scan(session, _end_of(last))
    norms = build_norms(pl.concat(scan.goods)) if scan.goods else empty
    history = pl.DataFrame([{n: row[n] for n in HISTORY_SCHEMA} for row in scan.history],
                           schema=HISTORY_SCHEMA)  # fmt: skip
    # The node's rules and watchlists as they stand; the norms are the ones trained here.
    scorer = replace(build_scorer(session, settings), model=None, norms=Norms.from_frame(norms))
    items = _scored_versions(session, exams)
    features = scoring_frame(scorer, [item for _, item in items], history)
    labels = exams.with_columns(
        pl.col("filing_id").cast(pl.String).alias("key"),
        (pl.col(SELECTED_BY) == "random").alias(IS_RANDOM),
    ).drop("filing_id")
    frame = features.join(labels, on="key", how="inner").sort(TIME, "key")
    # Boxes are examined on arrival: the filings that could have been picked are those whose
    # vessel arrived over the period the exams span.
    population = sum(1 for day in scan.arrivals if first <= day <= last)
    return TrainingData(
        frame=frame,
        norms=norms,
        filings=frame.height,
        findings=int(frame[LABEL].sum()),
        random_filings=int(frame[IS_RANDOM].sum()),
        population=population,
    )
