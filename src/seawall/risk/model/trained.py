"""A trained model: predictions with reasons, and its versioned artifact on disk."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt

from seawall.risk.model.contributions import PathContributions
from seawall.risk.model.encoding import Encoding, Frame

MODEL_FILE = "model.txt"
METADATA_FILE = "metadata.json"
SINGLE_THREAD_ROWS = 64
FORMAT = 1  # bump when the artifact layout changes; load refuses formats it does not know

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Reason:
    """One feature's push on a prediction, in log-odds (positive raises the risk)."""

    feature: str
    value: Any
    contribution: float


@dataclass(frozen=True)
class Prediction:
    """Model output for the rows of a frame, in row order."""

    probability: Floats  # calibrated probability of a finding
    score: Floats  # raw log-odds: same order as probability, but without isotonic ties
    reasons: list[list[Reason]] | None  # top-k reasons per row, when asked for


@dataclass(frozen=True)
class Calibration:
    """Map from raw score to probability: Platt scaling, an isotonic fit, or none."""

    # "platt" (logistic in the raw score: strictly increasing, so no ties), "isotonic"
    # (piecewise-linear steps x -> y) or "sigmoid" (uncalibrated LightGBM probability).
    method: str
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    slope: float = 1.0
    intercept: float = 0.0

    def apply(self, score: Floats) -> Floats:
        """Probabilities for raw scores; outside an isotonic fit's range the end values hold."""
        if self.method == "isotonic":
            return np.asarray(np.interp(score, self.x, self.y), dtype=np.float64)
        if self.method == "platt":
            score = self.slope * score + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-np.clip(score, -500.0, 500.0))), dtype=np.float64)

    def to_json(self) -> dict[str, Any]:
        """The calibration as plain JSON values, for the artifact's metadata."""
        return {"method": self.method, "x": list(self.x), "y": list(self.y),
                "slope": self.slope, "intercept": self.intercept}  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Calibration:
        """The calibration saved by ``to_json`` (artifacts without Platt fields read as before)."""
        return cls(data["method"], tuple(data.get("x", ())), tuple(data.get("y", ())),
                   float(data.get("slope", 1.0)), float(data.get("intercept", 0.0)))  # fmt: skip


@dataclass(frozen=True)
class TrainedModel:
    """A LightGBM booster with its input encoding, calibration and metadata."""

    booster: lgb.Booster
    encoding: Encoding
    calibration: Calibration
    metadata: Mapping[str, Any]

    @cached_property
    def contributions(self) -> PathContributions:
        """The booster's contribution table, built on first use (a few ms per hundred trees)."""
        return PathContributions.of(self.booster)

    @property
    def version(self) -> str:
        """The artifact's version id: creation time and a hash of the model text."""
        return str(self.metadata["version"])

    def predict(self, frame: Frame, top_k: int = 0) -> Prediction:
        """Calibrated probabilities for the rows of ``frame``, with ``top_k`` reasons each.

        Reasons are per-feature contributions along the trees' decision paths
        (:mod:`.contributions`), largest in absolute value first, so a mitigating feature can be
        a reason too.
        """
        matrix = self.encoding.matrix(frame)
        rows = len(frame)
        if rows == 0:
            empty = np.empty(0, dtype=np.float64)
            return Prediction(empty, empty, [] if top_k else None)
        # One thread for a few rows: waking OpenMP's pool costs more than the trees (ms vs µs).
        threads: dict[str, Any] = {"num_threads": 1} if rows <= SINGLE_THREAD_ROWS else {}
        score = np.asarray(
            self.booster.predict(matrix, raw_score=True, **threads), dtype=np.float64
        )
        probability = self.calibration.apply(score)
        if top_k <= 0:
            return Prediction(probability, score, None)
        leaves = np.asarray(self.booster.predict(matrix, pred_leaf=True, **threads))
        contributions = self.contributions.of_leaves(leaves.reshape(rows, -1))
        names = self.encoding.spec.names
        order = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :top_k]
        values = self.encoding.values(frame)
        reasons = []
        for row, (columns, record) in enumerate(zip(order, values, strict=True)):
            reasons.append(
                [
                    Reason(names[c], record[c], float(contributions[row, c]))
                    for c in map(int, columns)
                    if contributions[row, c] != 0.0
                ]
            )
        return Prediction(probability, score, reasons)

    def save(self, root: Path) -> Path:
        """Write the artifact to ``root/<version>/`` (model text and JSON metadata)."""
        directory = root / self.version
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MODEL_FILE).write_text(self.booster.model_to_string())
        meta = dict(self.metadata)
        meta["encoding"] = self.encoding.to_json()
        meta["calibration"] = self.calibration.to_json()
        (directory / METADATA_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True))
        return directory


def version_id(model_text: str, created: datetime) -> str:
    """A sortable, unique version id: UTC creation time plus 8 hex digits of the model text."""
    digest = hashlib.sha256(model_text.encode()).hexdigest()[:8]
    return f"{created.astimezone(UTC):%Y%m%dT%H%M%SZ}-{digest}"


def load(directory: Path) -> TrainedModel:
    """Read an artifact written by ``TrainedModel.save``; ValueError when it is not one."""
    try:
        meta = json.loads((directory / METADATA_FILE).read_text())
        text = (directory / MODEL_FILE).read_text()
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"{directory}: not a model artifact ({error})") from None
    if meta.get("format") != FORMAT:
        raise ValueError(f"{directory}: artifact format {meta.get('format')!r}, expected {FORMAT}")
    encoding = Encoding.from_json(meta.pop("encoding"))
    calibration = Calibration.from_json(meta.pop("calibration"))
    return TrainedModel(lgb.Booster(model_str=text), encoding, calibration, meta)
