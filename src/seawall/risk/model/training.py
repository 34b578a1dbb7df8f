"""Training on exam outcomes: time-ordered validation, early stopping, Platt calibration.

See docs/model.md for the choices (and the selection-bias treatment) in prose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from seawall.risk.model.encoding import FeatureSpec, default_spec, fit_encoding
from seawall.risk.model.trained import (
    FORMAT,
    Calibration,
    Floats,
    TrainedModel,
    blend,
    booster_of,
    version_id,
)

# Conservative defaults: small learning rate with early stopping picks the tree count, and leaves
# need enough rows that a handful of findings cannot carve out a leaf of their own.
DEFAULT_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 40,
    "min_sum_hessian_in_leaf": 1e-3,
    "feature_fraction": 0.9,
    "lambda_l2": 1.0,
    "cat_smooth": 10.0,
    "min_data_per_group": 50,
    "max_cat_threshold": 32,
    "metric": "binary_logloss",  # defined with no positive in the slice, unlike AUC
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbose": -1,
}
Bools = npt.NDArray[np.bool_]
MIN_CALIBRATION_POSITIVES = 5  # fewer findings than this in validation: any fit is noise
CALIBRATIONS = ("platt", "isotonic")


class TrainingError(ValueError):
    """The data cannot train a model (no rows, no findings, no time order...)."""


@dataclass(frozen=True, slots=True)
class TimeSplit:
    """Row masks of a time-ordered split: every train row is strictly earlier than every valid."""

    train: pl.Series
    valid: pl.Series
    cutoff: Any


def time_split(times: pl.Series, valid_share: float) -> TimeSplit:
    """Split at the time value below which ``1 - valid_share`` of the rows fall.

    Rows at the cutoff time all go to validation, so no training row shares a timestamp with
    (let alone follows) a validation row.
    """
    if times.null_count():
        raise TrainingError(f"the time column has {times.null_count()} null values")
    ordered = times.sort()
    cutoff = ordered[min(len(ordered) - 1, int(len(ordered) * (1.0 - valid_share)))]
    train = times < cutoff
    if not train.any():
        raise TrainingError("all rows share the earliest time; nothing to train on before it")
    return TimeSplit(train, ~train, cutoff)


def selection_weights(selected_by: pl.Series, random_rate: float, random_value: str = "random"
                      ) -> pl.Series:  # fmt: skip
    """Inverse-probability weights for examined rows: ``1 / random_rate`` for random picks, 1 else.

    Random compliance exams are a uniform sample of the boxes the rules did not pick, so each
    stands for ``1 / random_rate`` of them; rule-picked boxes stand for themselves.
    """
    if not 0.0 < random_rate <= 1.0:
        raise ValueError(f"random_rate must be in (0, 1], got {random_rate}")
    randomly = (selected_by == random_value).fill_null(value=False).to_numpy()
    return pl.Series("weight", np.where(randomly, 1.0 / random_rate, 1.0))


def balanced_weights(is_random: pl.Series) -> pl.Series:
    """Weights to fit the trees with: the random share weighs as much in total as the rule
    picks (each random pick ``rule picks / random picks``, each rule pick 1).

    Inverse-probability weights (:func:`selection_weights`) are right for the population's
    finding rate, but they make a handful of rows decide the trees: with a 0.4% random share a
    random pick weighs 250, and a validation slice's three random findings then outweighed its
    forty rule-picked ones, so early stopping kept one tree (docs/model.md). Balanced weights
    still teach the model from outside the rules' choice; the calibration restores the
    population's scale. Null counts as not random; with no random pick, or only random
    picks, every row weighs 1.
    """
    randomly = is_random.fill_null(value=False).cast(pl.Boolean).to_numpy()
    picked_at_random = int(randomly.sum())
    picked_by_rules = len(randomly) - picked_at_random
    ratio = picked_by_rules / picked_at_random if picked_at_random and picked_by_rules else 1.0
    return pl.Series("fit_weight", np.where(randomly, ratio, 1.0))


def _labels(rows: pl.DataFrame, label: str) -> Floats:
    """The label column as 0 and 1 (no label: 0)."""
    return rows.get_column(label).fill_null(value=False).cast(pl.Float64).to_numpy()


def _weights(rows: pl.DataFrame, column: str | None) -> Floats | None:
    return None if column is None else rows.get_column(column).cast(pl.Float64).to_numpy()


def _metrics(label: Floats, probability: Floats, weight: Floats | None) -> dict[str, Any]:
    from sklearn.metrics import roc_auc_score  # not at the top: see the package's docstring

    positives = int(label.sum())
    both = 0 < positives < len(label)
    auc = roc_auc_score(label, probability, sample_weight=weight) if both else None
    brier = float(np.average((probability - label) ** 2, weights=weight)) if len(label) else None
    return {
        "rows": len(label),
        "positives": positives,
        "base_rate": float(np.average(label, weights=weight)) if len(label) else None,
        "auc": None if auc is None else float(auc),
        "brier": brier,
    }


def _platt(score: Floats, label: Floats, weight: Floats | None) -> tuple[float, float] | None:
    """Weighted logistic regression of the label on the raw score: (slope, intercept).

    Newton's method on two parameters, shrunk towards LightGBM's own sigmoid (slope 1,
    intercept 0) by one row's worth of weight: a slice where the score separates the few
    findings perfectly would otherwise send the slope to infinity. None when it does not rise.
    """
    w = np.ones_like(score) if weight is None else weight
    design = np.column_stack([score, np.ones_like(score)])
    prior = np.array([1.0, 0.0])
    ridge = float(w.mean())
    theta = prior.copy()
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ theta, -500.0, 500.0)))
        gradient = design.T @ (w * (label - p)) - ridge * (theta - prior)
        hessian = (design * (w * p * (1.0 - p))[:, None]).T @ design + ridge * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        theta = theta + step
        if np.abs(step).max() < 1e-9:
            break
    slope, intercept = float(theta[0]), float(theta[1])
    return (slope, intercept) if slope > 0 and np.isfinite([slope, intercept]).all() else None


def _with_random_prior(score: Floats, label: Floats, weight: Floats | None, randomly: Bools
                       ) -> tuple[Floats, Floats, Floats | None]:  # fmt: skip
    """The calibration's rows plus half a finding and half a clean exam in the random share, at
    its mean raw score, each weighing one random exam: Jeffreys' prior on the share's finding
    rate (docs/model.md, "Selection bias").

    Only the random share says how often the boxes the rules pass over hold something, and a
    validation slice holds few of its findings: weighing 250 each, 268 clean random exams (one
    simulated agency's slice, where about one finding was to be expected) set the whole low
    end, and the node stated a tenth of the rate its test period then showed.
    """
    if weight is None or not randomly.any():
        return score, label, weight
    at, each = float(score[randomly].mean()), float(weight[randomly].mean())
    return (
        np.append(score, [at, at]),
        np.append(label, [1.0, 0.0]),
        np.append(weight, [each / 2, each / 2]),
    )


def _calibrate(score: Floats, label: Floats, weight: Floats | None, randomly: Bools, method: str
               ) -> Calibration:  # fmt: skip
    if label.sum() < MIN_CALIBRATION_POSITIVES:
        return Calibration("sigmoid")
    score, label, weight = _with_random_prior(score, label, weight, randomly)
    if method == "platt":
        fitted = _platt(score, label, weight)
        if fitted is None:
            return Calibration("sigmoid")
        return Calibration("platt", slope=fitted[0], intercept=fitted[1])
    from sklearn.isotonic import IsotonicRegression  # not at the top: the package's docstring

    fit = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip", increasing=True)
    fit.fit(score, label, sample_weight=weight)
    return Calibration(
        "isotonic",
        tuple(float(v) for v in fit.X_thresholds_),
        tuple(float(v) for v in fit.y_thresholds_),
    )


def _period(times: pl.Series) -> dict[str, str]:
    return {"from": str(times.min()), "to": str(times.max())}


def train(
    frame: pl.DataFrame,
    *,
    label: str = "found",
    time: str = "received_at",
    spec: FeatureSpec | None = None,
    weight: str | None = None,
    fit_weight: str | None = None,
    random_share: str | None = None,
    valid_share: float = 0.25,
    params: Mapping[str, Any] | None = None,
    monotone: Mapping[str, int] | None = None,
    calibration: str = "platt",
    refit: bool = False,
    rounds: int = 1000,
    patience: int = 50,
    seed: int = 0,
) -> TrainedModel:
    """Train, validate on the time-later ``valid_share`` of rows, calibrate, and describe.

    ``label`` is a bool column (a finding); ``time`` orders the rows; ``spec`` picks the input
    columns (``default_spec(frame)`` when None). ``weight`` names a sample-weight column (e.g.
    ``selection_weights``): it calibrates and weighs the metrics, and fits the trees too
    unless ``fit_weight`` names other weights for fitting them and choosing their number (e.g.
    ``balanced_weights``); ``random_share`` names a bool column marking rows examined at random,
    whose validation metrics are reported apart as the estimate free of rules-selection bias,
    and which, with ``weight``, give the calibration its prior (``_with_random_prior``).
    ``monotone`` maps input columns to +1 (the prediction never falls as the column rises) or
    -1; ``calibration`` is ``platt`` (default) or ``isotonic`` (see docs/model.md).

    ``refit`` fits the trees once more on every row, the validation slice (the latest rows)
    included, for the rounds early stopping chose, keeping the calibration fitted on the
    validation slice: for ranking the rows after ``frame`` (the backtest), where the latest
    quarter of the past is the nearest to them. The metadata then describe every row.
    """
    import lightgbm as lgb  # not at the top: see the package's docstring

    if calibration not in CALIBRATIONS:
        raise TrainingError(f"calibration must be one of {', '.join(CALIBRATIONS)}")
    for name in (label, time, weight, fit_weight, random_share):
        if name is not None and name not in frame.columns:
            raise TrainingError(f"no column {name!r} in the training frame")
    if frame.height == 0:
        raise TrainingError("the training frame has no rows")
    spec = spec or default_spec(frame)
    if not spec.names:
        raise TrainingError("no usable feature column (all missing or entirely null)")
    split = time_split(frame.get_column(time), valid_share)
    train_rows, valid_rows = frame.filter(split.train), frame.filter(split.valid)
    y_train, y_valid = _labels(train_rows, label), _labels(valid_rows, label)
    if y_train.sum() == 0:
        raise TrainingError("no positive label among the training rows")
    w_valid = _weights(valid_rows, weight)
    fitting = fit_weight or weight
    fit_train, fit_valid = _weights(train_rows, fitting), _weights(valid_rows, fitting)
    encoding = fit_encoding(train_rows, spec)
    categorical = list(range(len(spec.numeric), len(spec.names)))
    settings = {**DEFAULT_PARAMS, **(params or {}), "seed": seed}
    if monotone:
        settings["monotone_constraints"] = [int(monotone.get(name, 0)) for name in spec.names]
    data = lgb.Dataset(encoding.matrix(train_rows), y_train, weight=fit_train,
                       feature_name=spec.names, categorical_feature=categorical)  # fmt: skip
    check = lgb.Dataset(encoding.matrix(valid_rows), y_valid, weight=fit_valid, reference=data)
    booster = lgb.train(settings, data, num_boost_round=rounds, valid_sets=[check],
                        callbacks=[lgb.early_stopping(patience, verbose=False)])  # fmt: skip
    # Keep only the trees up to the best validation round: the saved text is the model used.
    text = booster.model_to_string(num_iteration=booster.best_iteration or None)
    booster = booster_of(text)
    score = np.asarray(booster.predict(encoding.matrix(valid_rows), raw_score=True), np.float64)
    randomly = (
        valid_rows.get_column(random_share).fill_null(value=False).cast(pl.Boolean).to_numpy()
        if random_share is not None
        else np.zeros(valid_rows.height, dtype=bool)
    )
    fitted = _calibrate(score, y_valid, w_valid, randomly, calibration)
    probability = fitted.apply(score)
    metrics: dict[str, Any] = {"valid": _metrics(y_valid, probability, w_valid)}
    if random_share is not None:
        metrics["valid_random_share"] = _metrics(y_valid[randomly], probability[randomly], None)
    fitted_on = train_rows
    if refit:
        fitted_on, encoding = frame, fit_encoding(frame, spec)
        everything = lgb.Dataset(encoding.matrix(frame), _labels(frame, label),
                                 weight=_weights(frame, fitting), feature_name=spec.names,
                                 categorical_feature=categorical)  # fmt: skip
        booster = lgb.train(settings, everything, num_boost_round=booster.current_iteration())
        text = booster.model_to_string()
    created = datetime.now(UTC)
    metadata = {
        "format": FORMAT,
        "version": version_id(text, created),
        "created": created.isoformat(),
        "label": label,
        "time": time,
        "features": spec.names,
        "train_period": _period(fitted_on.get_column(time)),
        "valid_period": _period(valid_rows.get_column(time)),
        "train_rows": fitted_on.height,
        "train_positives": int(_labels(fitted_on, label).sum()),
        "best_iteration": booster.current_iteration(),
        "refit": refit,
        "weighted": weight is not None,
        "fit_weight": fitting,
        "params": settings,
        "metrics": metrics,
    }
    return TrainedModel(booster, encoding, fitted, metadata)


def train_blended(
    frame: pl.DataFrame,
    extra: Sequence[str],
    *,
    monotone: Mapping[str, int] | None = None,
    **options: Any,
) -> TrainedModel:
    """Two models refitted on every row, blended (:func:`~seawall.risk.model.blend`): one
    reading the ``extra`` columns beside the features (``monotone`` in them), one the features
    alone, its partner. ``options`` go to :func:`train` for both (label, time, weights, seed).
    How a node trains (docs/model.md, "Two models")."""
    with_extra = train(frame, spec=default_spec(frame, extra=list(extra)), monotone=monotone,
                       refit=True, **options)  # fmt: skip
    alone = train(frame, spec=default_spec(frame), refit=True, **options)
    return blend(with_extra, alone)
