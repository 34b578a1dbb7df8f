"""A trained model: predictions with reasons, and its versioned artifact on disk."""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from seawall.risk.model.contributions import PathContributions
from seawall.risk.model.encoding import Encoding, Frame

if TYPE_CHECKING:  # loaded with the first model (the package's docstring says why)
    import lightgbm as lgb

MODEL_FILE = "model.txt"
METADATA_FILE = "metadata.json"
SINGLE_THREAD_ROWS = 64
FORMAT = 1  # bump when the artifact layout changes; load refuses formats it does not know
BLENDED_FORMAT = 2  # a model with a partner: a reader of format 1 would ignore the partner
PARTNER = "partner"  # the metadata's key for a blended model's partner, whole

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
    """A LightGBM booster with its input encoding, calibration and metadata; with a
    ``partner`` (see :func:`blend`), the two models' calibrated log-odds averaged."""

    booster: lgb.Booster
    encoding: Encoding
    calibration: Calibration
    metadata: Mapping[str, Any]
    partner: TrainedModel | None = None

    @cached_property
    def contributions(self) -> PathContributions:
        """The booster's contribution table, built on first use (a few ms per hundred trees)."""
        return PathContributions.of(self.booster)

    def prepare(self) -> None:
        """Build the contribution tables now (the partner's too), not in the first prediction
        asked for reasons."""
        self.contributions  # noqa: B018 - a cached property, built here
        if self.partner is not None:
            self.partner.prepare()

    @property
    def version(self) -> str:
        """The artifact's version id: creation time and a hash of the model text."""
        return str(self.metadata["version"])

    def predict(self, frame: Frame, top_k: int = 0) -> Prediction:
        """Calibrated probabilities for the rows of ``frame``, with ``top_k`` reasons each.

        Reasons are per-feature contributions along the trees' decision paths
        (:mod:`.contributions`), largest in absolute value first, so a mitigating feature can be
        a reason too. With a partner, the probability is the mean of the two models'
        calibrated log-odds, ``score`` that mean, and the contributions the mean of the two
        models' (the partner's reads a subset of this model's inputs).
        """
        rows = len(frame)
        if rows == 0:
            empty = np.empty(0, dtype=np.float64)
            return Prediction(empty, empty, [] if top_k else None)
        # One thread for a few rows: waking OpenMP's pool costs more than the trees (ms vs µs).
        threads: dict[str, Any] = {"num_threads": 1} if rows <= SINGLE_THREAD_ROWS else {}
        matrix = self.encoding.matrix(frame)
        score, contributions = self._raw(matrix, threads, top_k > 0)
        if self.partner is None:
            probability = self.calibration.apply(score)
        else:
            other, theirs = self.partner._raw(self._partner_matrix(frame, matrix), threads,
                                              top_k > 0)  # fmt: skip
            score = (
                _logit(self.calibration.apply(score))
                + _logit(self.partner.calibration.apply(other))
            ) / 2
            probability = np.asarray(1.0 / (1.0 + np.exp(-score)), dtype=np.float64)
            if contributions is not None and theirs is not None:
                placed = np.zeros_like(contributions)
                placed[:, self._partner_places] = theirs
                contributions = (contributions + placed) / 2
        if contributions is None:
            return Prediction(probability, score, None)
        return Prediction(probability, score, self._reasons(frame, contributions, top_k))

    def _raw(self, matrix: Floats, threads: Mapping[str, Any], explain: bool
             ) -> tuple[Floats, Floats | None]:  # fmt: skip
        """This booster's raw log-odds for the rows of its input matrix, and its contributions
        when asked."""
        score = np.asarray(self.booster.predict(matrix, raw_score=True, **threads), np.float64)
        if not explain:
            return score, None
        leaves = np.asarray(self.booster.predict(matrix, pred_leaf=True, **threads))
        return score, self.contributions.of_leaves(leaves.reshape(len(matrix), -1))

    def _partner_matrix(self, frame: Frame, matrix: Floats) -> Floats:
        """The partner's input matrix: its columns of ours when it codes them as we do (two
        models trained on one frame do, as ``train_pair`` trains them; encoding the frame
        again cost bulk scoring some 0.5 s of processor a million), else the frame encoded
        its way."""
        if self._partner_codes_as_we_do:
            return matrix[:, self._partner_places]
        assert self.partner is not None
        return self.partner.encoding.matrix(frame)

    @cached_property
    def _partner_codes_as_we_do(self) -> bool:
        assert self.partner is not None
        ours, theirs = self.encoding, self.partner.encoding
        return all(
            name in ours.spec.categorical
            and ours.vocabularies.get(name) == theirs.vocabularies.get(name)
            for name in theirs.spec.categorical
        ) and set(theirs.spec.numeric) <= set(ours.spec.numeric)

    @cached_property
    def _partner_places(self) -> npt.NDArray[np.intp]:
        """Where each of the partner's inputs stands among this model's."""
        assert self.partner is not None
        names = self.encoding.spec.names
        return np.array([names.index(name) for name in self.partner.encoding.spec.names])

    def _reasons(self, frame: Frame, contributions: Floats, top_k: int) -> list[list[Reason]]:
        names = self.encoding.spec.names
        order = np.argsort(-np.abs(contributions), axis=1, kind="stable")[:, :top_k]
        values = self.encoding.values(frame)
        return [
            [
                Reason(names[c], record[c], float(contributions[row, c]))
                for c in map(int, columns)
                if contributions[row, c] != 0.0
            ]
            for row, (columns, record) in enumerate(zip(order, values, strict=True))
        ]

    def save(self, root: Path) -> Path:
        """Write the artifact to ``root/<version>/`` (model text and JSON metadata; a partner
        is kept whole in the metadata, under ``partner``)."""
        directory = root / self.version
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MODEL_FILE).write_text(self.booster.model_to_string())
        (directory / METADATA_FILE).write_text(
            json.dumps(self._described(), indent=2, sort_keys=True)
        )
        return directory

    def _described(self) -> dict[str, Any]:
        """The metadata as saved: with the encoding, the calibration and any partner."""
        meta = dict(self.metadata)
        meta["encoding"] = self.encoding.to_json()
        meta["calibration"] = self.calibration.to_json()
        if self.partner is not None:
            meta[PARTNER] = {
                "model": self.partner.booster.model_to_string(),
                "metadata": self.partner._described(),
            }
        return meta


def blend(model: TrainedModel, partner: TrainedModel) -> TrainedModel:
    """``model`` averaged with ``partner`` (their calibrated log-odds), under a version of
    its own. The partner must read no input that ``model`` does not."""
    missing = sorted(set(partner.encoding.spec.names) - set(model.encoding.spec.names))
    if missing:
        raise ValueError(f"the partner reads inputs the model does not: {', '.join(missing)}")
    texts = model.booster.model_to_string() + partner.booster.model_to_string()
    created = datetime.fromisoformat(str(model.metadata["created"]))
    metadata = {**model.metadata, "version": version_id(texts, created), "format": BLENDED_FORMAT}
    return TrainedModel(model.booster, model.encoding, model.calibration, metadata, partner)


def _logit(probability: Floats) -> Floats:
    p = np.clip(probability, 1e-12, 1.0 - 1e-12)
    return np.asarray(np.log(p / (1.0 - p)), dtype=np.float64)


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
    if meta.get("format") not in (FORMAT, BLENDED_FORMAT):
        raise ValueError(
            f"{directory}: artifact format {meta.get('format')!r}, expected {FORMAT} or "
            f"{BLENDED_FORMAT}"
        )
    return _from_parts(text, meta)


def _from_parts(text: str, meta: dict[str, Any]) -> TrainedModel:
    encoding = Encoding.from_json(meta.pop("encoding"))
    calibration = Calibration.from_json(meta.pop("calibration"))
    saved = meta.pop(PARTNER, None)
    partner = None if saved is None else _from_parts(saved["model"], dict(saved["metadata"]))
    return TrainedModel(booster_of(text), encoding, calibration, meta, partner)


def import_libraries() -> None:
    """Import LightGBM and the scikit-learn it loads now, rather than with the first model:
    for a long-running process (the API), whose first model may be activated while it serves,
    and should not cost a request the import (a second)."""
    importlib.import_module("lightgbm")


def booster_of(text: str) -> lgb.Booster:
    """The LightGBM booster of a model text; LightGBM is imported here, with the first model."""
    import lightgbm  # not at the top: see the package's docstring

    return lightgbm.Booster(model_str=text)
