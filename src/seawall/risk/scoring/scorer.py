"""The scorer: one filing version in, one explained assessment out, by either of two paths.

``assess_one`` serves a filing POST (row-wise rules, one-row model call); ``assess_many`` serves
bulk scoring (Polars rules over a feature frame, one model call per chunk). Both build the
feature record with the same function, screen parties with the same screener and finish with
the same :func:`_finish`, so they give the same score and explanation; a property test on
simulated traffic holds them to it. Pure: no database here (see ``service`` for that).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson
import polars as pl

from seawall.core.settings import DEFAULT_LEAD_TIMES
from seawall.risk.model import Reason, TrainedModel
from seawall.risk.model.encoding import Frame
from seawall.risk.rules.evaluate import score_record
from seawall.risk.rules.features import FilingInput, filing_features
from seawall.risk.rules.frames import features_of
from seawall.risk.rules.history import history_features
from seawall.risk.rules.norms import EMPTY_NORMS, Norms
from seawall.risk.rules.packs import CompiledRule, in_effect
from seawall.risk.rules.vectorized import RULE_SCORE, RULES_HIT, score_frame
from seawall.risk.scoring import combination, documents
from seawall.risk.watchlists import Match, Screener

WATCHLIST_SCORE = "watchlist_score"
Floats = npt.NDArray[np.float64]
MODEL_REASONS = 3  # the model's main reasons an officer reads; more is noise at a glance
REASONS_FROM = combination.REVIEW_AT  # model reasons for filings an officer reviews or examines


@dataclass(frozen=True)
class Batch:
    """Filing versions for the bulk path, their documents as the JSON text the node stores."""

    keys: list[str]
    texts: pl.Series
    received_at: pl.Series  # UTC datetimes
    versions: list[int]

    @classmethod
    def of_raw(cls, raw: documents.Raw) -> Batch:
        """A batch of stored versions as read, keyed by version id."""
        keys = [str(version_id) for version_id in raw.version_ids]
        return cls(keys, raw.texts, raw.received_at, raw.versions)

    @classmethod
    def of(cls, items: Sequence[FilingInput]) -> Batch:
        """A batch of parsed filing versions (serialized once more for the bulk decoder)."""
        return cls(
            [item.key for item in items],
            pl.Series([orjson.dumps(item.document).decode() for item in items], dtype=pl.String),
            pl.Series([item.received_at for item in items], dtype=pl.Datetime("us", "UTC")),
            [item.version for item in items],
        )


@dataclass(frozen=True)
class Inputs:
    """What the model and the explanation are built from, one entry per filing version."""

    keys: list[str]
    hits: list[list[str]]  # ids of the rules hit, in rule order
    rule_scores: list[int]
    matches: list[list[Match]]  # watchlist matches, best first
    frame: Frame | None  # features, rule_score and watchlist_score: the model's input


@dataclass(frozen=True, slots=True)
class Assessed:
    """The assessment of one filing version, ready to store."""

    key: str
    score: float
    band: str
    action: str
    rule_score: int
    watchlist_score: float
    model_probability: float | None
    model_version: str | None
    explanation: dict[str, Any]


@dataclass(frozen=True)
class Assessments:
    """Many filing versions' assessments as columns, in the order scored: what bulk scoring
    writes as it is; :meth:`rows` gives them one by one."""

    keys: list[str]
    scores: list[float]
    bands: list[str]
    actions: list[str]
    rule_scores: list[int]
    watchlist_scores: list[float]
    model_probabilities: list[float] | None  # None without a model
    model_version: str | None
    explanations: list[dict[str, Any]]

    def rows(self) -> list[Assessed]:
        """One :class:`Assessed` per filing version."""
        chances: Sequence[float | None] = self.model_probabilities or [None] * len(self.keys)
        columns = zip(self.keys, self.scores, self.bands, self.actions, self.rule_scores,
                      self.watchlist_scores, chances, self.explanations, strict=True)  # fmt: skip
        return [
            Assessed(key, score, band, action, points, best, chance, self.model_version, explained)
            for key, score, band, action, points, best, chance, explained in columns
        ]


@dataclass(frozen=True)
class Scorer:
    """Everything a node scores with: its rules, watchlists, model and commodity norms."""

    rules: tuple[CompiledRule, ...]
    screener: Screener | None = None
    model: TrainedModel | None = None
    norms: Norms = EMPTY_NORMS
    lead_times: Mapping[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_LEAD_TIMES))
    generation: int = 0

    def _lead_time(self, document: Mapping[str, Any]) -> timedelta:
        return self.lead_times[document.get("mode", "marine")]

    def record(self, item: FilingInput, history: Mapping[str, Any] | None) -> dict[str, Any]:
        """The feature record of one filing version."""
        return filing_features(
            item.document,
            received_at=item.received_at,
            version=item.version,
            lead_time=self._lead_time(item.document),
            norms=self.norms,
            history=history,
        )

    def matches(self, document: Mapping[str, Any]) -> list[Match]:
        """The watchlist matches of a filing's parties, best first (none without watchlists)."""
        return [] if self.screener is None else self.screener.screen_parties(document["parties"])

    def assess_one(
        self, item: FilingInput, history: Mapping[str, Any] | None, on: date
    ) -> Assessed:
        """Score one filing version, as inside a filing POST.

        ``history`` holds its history fields (``catalogue.HISTORY_FEATURES``), counted by the
        caller; None leaves them null. ``on`` is the day whose rules are in effect.
        """
        record = self.record(item, history)
        rules = score_record(record, in_effect(self.rules, on))
        matches = self.matches(item.document)
        best = matches[0].score if matches else 0.0
        frame = None
        if self.model is not None:
            extra = {RULE_SCORE: rules.total, WATCHLIST_SCORE: best}
            frame = [record | extra]
        hits = [hit.rule_id for hit in rules.hits]
        return self._finish(Inputs([item.key], [hits], [rules.total], [matches], frame)).rows()[0]

    def features(self, items: Sequence[FilingInput], history: pl.DataFrame | None) -> pl.DataFrame:
        """The feature frame of many filing versions: ``key`` (the item's), then the catalogue.

        ``history`` is the history frame of the node's filings, which may include ``items``
        themselves: only filings received strictly before each one count. None leaves the
        history fields null.
        """
        batch = Batch.of(items)
        return self._features(batch, documents.decode(batch.texts), history)

    def stored_features(self, raw: documents.Raw, history: pl.DataFrame | None) -> pl.DataFrame:
        """:meth:`features` of stored versions as read (``store.raw_versions``), keyed by
        version id, their JSON text decoded once and never parsed into Python."""
        return self._features(Batch.of_raw(raw), documents.decode(raw.texts), history)

    def _features(
        self, batch: Batch, slim: pl.DataFrame, history: pl.DataFrame | None
    ) -> pl.DataFrame:
        frame = features_of(
            slim,
            batch.received_at,
            pl.Series(batch.versions, dtype=pl.Int64),
            lead_times=self.lead_times,
            norms=self.norms,
        ).insert_column(0, pl.Series("key", batch.keys, dtype=pl.String))
        if history is None:
            return frame
        rows = documents.filing_rows(slim, batch.keys, batch.received_at)
        known = history_features(history, rows)
        names = [name for name in known.columns if name != "key"]
        return frame.drop(names).join(known, on="key", how="left").select(frame.columns)

    def inputs(
        self, items: Sequence[FilingInput], history: pl.DataFrame | None, on: date
    ) -> Inputs:
        """The bulk path up to the model: features, rules hit and watchlist matches.

        Training builds its frame here too, so the model learns from the inputs it is given
        in service.
        """
        batch = Batch.of(items)
        return self._inputs(batch, documents.decode(batch.texts), history, on)

    def _inputs(
        self, batch: Batch, slim: pl.DataFrame, history: pl.DataFrame | None, on: date
    ) -> Inputs:
        frame = score_frame(self._features(batch, slim, history), in_effect(self.rules, on))
        matches = documents.matches(self.screener, slim)
        best = [found[0].score if found else 0.0 for found in matches]
        frame = frame.with_columns(pl.Series(WATCHLIST_SCORE, best, dtype=pl.Float64))
        return Inputs(
            batch.keys,
            frame.get_column(RULES_HIT).to_list(),
            frame.get_column(RULE_SCORE).to_list(),
            matches,
            frame,
        )

    def assess_many(
        self, items: Sequence[FilingInput], history: pl.DataFrame | None, on: date
    ) -> list[Assessed]:
        """Score many filing versions at once (bulk): one answer each, in order."""
        if not items:
            return []
        return self._finish(self.inputs(items, history, on)).rows()

    def assess_batch(
        self, batch: Batch, slim: pl.DataFrame, history: pl.DataFrame | None, on: date
    ) -> Assessments:
        """``assess_many`` for stored versions, from their JSON text (``documents.decode``
        gives ``slim``), as columns: no document is parsed into Python."""
        return self._finish(self._inputs(batch, slim, history, on))

    def _reasons(self, frame: Frame, combined: Floats) -> list[list[Reason] | None]:
        """The model's reasons for the rows an officer will read.

        Reasons are computed only where the combined score reaches ``REASONS_FROM``: below it
        nobody reads them, and each costs a stored list and its JSON. Both paths apply the
        same cut, on the same scores.
        """
        assert self.model is not None
        reasons: list[list[Reason] | None] = [None] * len(frame)
        wanted = combined >= REASONS_FROM
        if wanted.any():
            rows = np.flatnonzero(wanted)
            chosen = frame if rows.size == len(frame) else _rows_of(frame, rows)
            explained = self.model.predict(chosen, top_k=MODEL_REASONS).reasons or []
            for row, found in zip(rows, explained, strict=True):
                reasons[int(row)] = found
        return reasons

    def _finish(self, inputs: Inputs) -> Assessments:
        """Combine the three signals and explain each row (the one code both paths share)."""
        best = np.array(
            [found[0].score if found else 0.0 for found in inputs.matches], dtype=np.float64
        )
        points = np.asarray(inputs.rule_scores, dtype=np.float64)
        model, frame = self.model, inputs.frame
        probability = None if model is None or frame is None else model.predict(frame).probability
        combined = combination.combine(points, best, probability)
        reasons: list[list[Reason] | None] = [None] * len(inputs.keys)
        if probability is not None and frame is not None:
            reasons = self._reasons(frame, combined)
        # Plain Python values from here: indexing numpy arrays row by row costs more than
        # everything else this loop does.
        scores = [round(score, 2) for score in combined.tolist()]
        bands: list[str] = combination.band(combined).tolist()
        actions: list[str] = combination.action(combined, best).tolist()
        chances = None if probability is None else [round(p, 6) for p in probability.tolist()]
        version = None if self.model is None else self.model.version
        rules = {rule.id: _rule_part(rule) for rule in self.rules}
        watchlist: list[float] = best.tolist()
        rule_scores = [int(points) for points in inputs.rule_scores]
        models: list[dict[str, Any] | None] = (
            [None] * len(scores)
            if chances is None
            else [_model_part(version, p, why) for p, why in zip(chances, reasons, strict=True)]
        )
        explanations = [
            {
                "score": score,
                "band": band,
                "action": action,
                "rule_score": points,
                # The rule parts are shared between rows: read-only, as everything here is.
                "rules": [rules[rule_id] for rule_id in hits],
                "watchlist_score": best_match,
                "watchlist": [match.to_dict() | {"explanation": match.explain()}
                              for match in matches],
                "model": model,
                "generation": self.generation,
            }
            for score, band, action, points, hits, best_match, matches, model in zip(
                scores, bands, actions, rule_scores, inputs.hits, watchlist, inputs.matches,
                models, strict=True,
            )
        ]  # fmt: skip
        return Assessments(
            inputs.keys, scores, bands, actions, rule_scores, watchlist, chances, version,
            explanations,
        )  # fmt: skip


def _rule_part(rule: CompiledRule) -> dict[str, Any]:
    """A rule hit as the explanation lists it."""
    return {"id": rule.id, "title": rule.title, "score": rule.score, "rationale": rule.rationale}


def _model_part(
    version: str | None, probability: float, reasons: list[Reason] | None
) -> dict[str, Any]:
    """The model's part of an explanation: its version, probability and main reasons."""
    return {
        "version": version,
        "probability": probability,
        "reasons": None
        if reasons is None
        else [
            {
                "feature": reason.feature,
                "value": _plain(reason.value),
                "contribution": round(reason.contribution, 4),
            }
            for reason in reasons
        ],
    }


def _plain(value: Any) -> Any:
    """A feature value as JSON can hold it (floats rounded so both paths print alike)."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _rows_of(frame: Frame, rows: npt.NDArray[np.intp]) -> Frame:
    """These rows of the model's input, a frame or records."""
    if isinstance(frame, pl.DataFrame):
        return frame[rows]
    return [frame[int(row)] for row in rows]
