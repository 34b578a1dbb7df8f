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
import polars as pl

from seawall.risk.model import Prediction, TrainedModel
from seawall.risk.rules.catalogue import polars_schema
from seawall.risk.rules.evaluate import score_record
from seawall.risk.rules.features import FilingInput, filing_features
from seawall.risk.rules.history import filings_frame, history_features, history_of_one, history_row
from seawall.risk.rules.norms import EMPTY_NORMS, Norms
from seawall.risk.rules.packs import CompiledRule, in_effect
from seawall.risk.rules.vectorized import RULE_SCORE, RULES_HIT, score_frame
from seawall.risk.scoring import combination
from seawall.risk.watchlists import Match, Screener

WATCHLIST_SCORE = "watchlist_score"
MODEL_REASONS = 3  # the model's main reasons an officer reads; more is noise at a glance


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
class Scorer:
    """Everything a node scores with: its rules, watchlists, model and commodity norms."""

    rules: tuple[CompiledRule, ...]
    screener: Screener | None = None
    model: TrainedModel | None = None
    norms: Norms = EMPTY_NORMS
    lead_times: Mapping[str, timedelta] = field(default_factory=dict)
    generation: int = 0

    def _lead_time(self, document: Mapping[str, Any]) -> timedelta:
        return self.lead_times.get(document.get("mode", "marine"), timedelta(hours=24))

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
        self, item: FilingInput, history: Sequence[Mapping[str, Any]] | None, on: date
    ) -> Assessed:
        """Score one filing version, as inside a filing POST.

        ``history`` holds the rows (``history.history_row``) of the node's filings that may
        bear on this one; None scores without history features. ``on`` is the day whose rules
        are in effect.
        """
        known = None
        if history is not None:
            known = history_of_one(history, item.document, item.received_at)
        record = self.record(item, known)
        rules = score_record(record, in_effect(self.rules, on))
        matches = self.matches(item.document)
        best = matches[0].score if matches else 0.0
        prediction = None
        if self.model is not None:
            frame = pl.DataFrame([record], schema=polars_schema()).with_columns(
                pl.lit(rules.total, dtype=pl.Int64).alias(RULE_SCORE),
                pl.lit(best, dtype=pl.Float64).alias(WATCHLIST_SCORE),
            )
            prediction = self.model.predict(frame, top_k=MODEL_REASONS)
        hits = [hit.rule_id for hit in rules.hits]
        return self._finish([item.key], [hits], [rules.total], [matches], prediction)[0]

    def assess_many(
        self, items: Sequence[FilingInput], history: pl.DataFrame | None, on: date
    ) -> list[Assessed]:
        """Score many filing versions at once (bulk): one answer each, in order.

        ``history`` is the history frame of the node's filings, which may include ``items``
        themselves: only filings received strictly before each one count.
        """
        if not items:
            return []
        records = [{"key": item.key} | self.record(item, None) for item in items]
        frame = pl.DataFrame(records, schema={"key": pl.String, **polars_schema()})
        if history is not None:
            rows = [history_row(item.document, item.received_at, item.key) for item in items]
            known = history_features(history, filings_frame(rows))
            names = [name for name in known.columns if name != "key"]
            frame = frame.drop(names).join(known, on="key", how="left").select(frame.columns)
        frame = score_frame(frame, in_effect(self.rules, on))
        matches = [self.matches(item.document) for item in items]
        best = [found[0].score if found else 0.0 for found in matches]
        prediction = None
        if self.model is not None:
            frame = frame.with_columns(pl.Series(WATCHLIST_SCORE, best, dtype=pl.Float64))
            prediction = self.model.predict(frame, top_k=MODEL_REASONS)
        return self._finish(
            frame.get_column("key").to_list(),
            frame.get_column(RULES_HIT).to_list(),
            frame.get_column(RULE_SCORE).to_list(),
            matches,
            prediction,
        )

    def _finish(
        self,
        keys: Sequence[str],
        hits: Sequence[Sequence[str]],
        rule_scores: Sequence[int],
        matches: Sequence[Sequence[Match]],
        prediction: Prediction | None,
    ) -> list[Assessed]:
        """Combine the three signals and explain each row (the one code both paths share)."""
        rules_by_id = {rule.id: rule for rule in self.rules}
        best = np.array([found[0].score if found else 0.0 for found in matches], dtype=np.float64)
        points = np.asarray(rule_scores, dtype=np.float64)
        probability = None if prediction is None else prediction.probability
        scores = combination.combine(points, best, probability)
        bands = combination.band(scores)
        actions = combination.action(scores, best)
        assessed = []
        for row, key in enumerate(keys):
            model = None
            chance = None
            if prediction is not None and self.model is not None:
                chance = round(float(prediction.probability[row]), 6)
                reasons = prediction.reasons[row] if prediction.reasons else []
                model = {
                    "version": self.model.version,
                    "probability": chance,
                    "reasons": [
                        {
                            "feature": reason.feature,
                            "value": _plain(reason.value),
                            "contribution": round(reason.contribution, 4),
                        }
                        for reason in reasons
                    ],
                }
            score = round(float(scores[row]), 2)
            explanation = {
                "score": score,
                "band": str(bands[row]),
                "action": str(actions[row]),
                "rule_score": int(rule_scores[row]),
                "rules": [
                    {
                        "id": rule_id,
                        "title": rules_by_id[rule_id].title,
                        "score": rules_by_id[rule_id].score,
                        "rationale": rules_by_id[rule_id].rationale,
                    }
                    for rule_id in hits[row]
                ],
                "watchlist_score": float(best[row]),
                "watchlist": [
                    match.to_dict() | {"explanation": match.explain()} for match in matches[row]
                ],
                "model": model,
                "generation": self.generation,
            }
            assessed.append(
                Assessed(
                    key=key,
                    score=score,
                    band=str(bands[row]),
                    action=str(actions[row]),
                    rule_score=int(rule_scores[row]),
                    watchlist_score=float(best[row]),
                    model_probability=chance,
                    model_version=None if self.model is None else self.model.version,
                    explanation=explanation,
                )
            )
        return assessed


def _plain(value: Any) -> Any:
    """A feature value as JSON can hold it (floats rounded so both paths print alike)."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
