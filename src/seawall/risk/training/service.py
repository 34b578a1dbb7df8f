"""Training the node's model on its exam outcomes (``seawall train``).

Reads in one transaction, trains outside any (training takes seconds to minutes and must not
hold the SQLite write lock), and leaves storing and activating to the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from sqlalchemy.orm import Session

from seawall.core.database import Database
from seawall.core.settings import Settings
from seawall.risk.model import (
    TrainedModel,
    TrainingError,
    balanced_weights,
    selection_weights,
    train_blended,
)
from seawall.risk.scoring.combination import MODEL_EXTRA_FEATURES, MODEL_MONOTONE
from seawall.risk.training import registry
from seawall.risk.training.frames import (
    FIT_WEIGHT,
    IS_RANDOM,
    LABEL,
    SELECTED_BY,
    TIME,
    WEIGHT,
    TrainingData,
    training_data,
)

# Below these a model is noise dressed as a number: refuse rather than store it. A node with
# fewer exams keeps scoring with its rules (and the rules-only scale of the combination).
MIN_FILINGS = 100
MIN_FINDINGS = 10


class TrainingRefusedError(ValueError):
    """The node's outcomes cannot train a model worth storing; the message says why."""


@dataclass(frozen=True)
class Trained:
    """A trained model (with its norms in the metadata) and how it was trained."""

    model: TrainedModel
    data: dict[str, Any]


def _check(data: TrainingData, since: date | None) -> None:
    period = "" if since is None else f" since {since}"
    if data.filings < MIN_FILINGS:
        raise TrainingRefusedError(
            f"{data.filings} examined filings{period}; at least {MIN_FILINGS} are needed "
            "(import exam outcomes with seawall exams import)"
        )
    if data.findings < MIN_FINDINGS:
        raise TrainingRefusedError(
            f"{data.findings} of {data.filings} examined filings{period} had a finding; at "
            f"least {MIN_FINDINGS} are needed to learn what a finding looks like"
        )


def train_pair(frame: pl.DataFrame, *, seed: int = 0) -> TrainedModel:
    """The node's model from its training frame (``frames.training_data``'s, with the weight
    columns): two models refitted on every exam after early stopping, one reading the rule and
    watchlist scores beside the features (monotone in both) and one the features alone, their
    calibrated log-odds averaged (``risk.model.train_blended``; docs/model.md, "Two models")."""
    return train_blended(frame, MODEL_EXTRA_FEATURES, monotone=MODEL_MONOTONE, label=LABEL,
                         time=TIME, weight=WEIGHT, fit_weight=FIT_WEIGHT, random_share=IS_RANDOM,
                         seed=seed)  # fmt: skip


def train_model(
    database: Database,
    settings: Settings,
    *,
    since: date | None = None,
    random_rate: float | None = None,
    seed: int = 0,
) -> Trained:
    """Train on the node's examined filings; TrainingRefusedError when they cannot train one.

    ``random_rate`` is the compliance share the random exams were drawn at (estimated from
    the node's filings when None); random rows weigh ``1 / random_rate`` in the calibration
    and the metrics, and as much as the rule picks together in fitting the trees
    (``balanced_weights``; docs/model.md).
    """
    with database.transaction(write=False) as session:
        data = training_data(session, settings, since)
    _check(data, since)
    rate = random_rate if random_rate is not None else data.random_rate()
    frame = data.frame.with_columns(
        selection_weights(data.frame[SELECTED_BY], rate if rate is not None else 1.0).alias(WEIGHT),
        balanced_weights(data.frame[IS_RANDOM]).alias(FIT_WEIGHT),
    )
    try:
        model = train_pair(frame, seed=seed)
    except TrainingError as error:
        raise TrainingRefusedError(f"cannot train on the node's outcomes: {error}") from None
    summary = {
        "since": None if since is None else since.isoformat(),
        "filings": data.filings,
        "findings": data.findings,
        "random_filings": data.random_filings,
        "population": data.population,
        # None: no random exams, so every row weighs 1 and the model knows only rule picks.
        "random_rate": rate,
    }
    model = registry.with_norms(model, data.norms)
    model = registry.with_metadata(model, training=summary)
    return Trained(model, summary)


def store(session: Session, trained: Trained, actor: str, *, activate: bool) -> bool:
    """Store the trained version and, on request, make it active; whether it was activated."""
    registry.save(session, trained.model, actor)
    return activate and registry.activate(session, trained.model.version, actor)
