"""The node's trained model versions: stored in the database, one active at a time.

A version is the artifact ``TrainedModel.save`` writes (LightGBM's model text and the JSON
metadata), kept as two text columns, so every process of the node loads the same model and no
pickle is ever read. The metadata also carries the commodity norms computed when the model was
trained (``norms``): the scorer must compute the z-score features against the very norms the
model learnt them with, so the two travel together.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.risk.model import TrainedModel, load
from seawall.risk.model.trained import METADATA_FILE, MODEL_FILE
from seawall.risk.rules.norms import EMPTY_NORMS, Norms
from seawall.risk.scoring import configuration
from seawall.risk.training.models import ModelVersion

NORMS_KEY = "norms"  # metadata key of the norms table: a list of build_norms rows


class ModelNotFoundError(LookupError):
    """No stored model version by that name."""


class DuplicateVersionError(ValueError):
    """A model version of that name is already stored."""


@dataclass(frozen=True)
class ActiveModel:
    """The model the node scores with, and the commodity norms it was trained with."""

    model: TrainedModel
    norms: Norms

    @property
    def version(self) -> str:
        """The model's version id."""
        return self.model.version


@dataclass(frozen=True, slots=True)
class VersionSummary:
    """One stored version as ``seawall models list`` shows it (without the model text)."""

    version: str
    trained_at: datetime
    trained_by: str
    active: bool
    metadata: dict[str, Any]

    @property
    def metrics(self) -> dict[str, Any]:
        """The validation metrics recorded at training."""
        metrics: dict[str, Any] = self.metadata.get("metrics", {})
        return metrics


def with_metadata(model: TrainedModel, **entries: Any) -> TrainedModel:
    """The model with more entries in its metadata (JSON-ready values)."""
    return replace(model, metadata={**model.metadata, **entries})


def with_norms(model: TrainedModel, norms: pl.DataFrame) -> TrainedModel:
    """The model with the norms table (from ``build_norms``) in its metadata."""
    return with_metadata(model, **{NORMS_KEY: norms.to_dicts()})


def norms_of(model: TrainedModel) -> Norms:
    """The norms stored with a model; empty for a model trained without any."""
    return _norms(model.metadata.get(NORMS_KEY))


def _norms(rows: list[dict[str, Any]] | None) -> Norms:
    if not rows:
        return EMPTY_NORMS
    return Norms({(row["metric"], row["hs_prefix"]): (row["median"], row["scale"]) for row in rows})


def to_texts(model: TrainedModel) -> tuple[str, str]:
    """The artifact as (model text, metadata JSON), exactly as ``TrainedModel.save`` writes it.

    Written through ``save`` and read back so this module never re-implements the artifact's
    layout (which belongs to ``risk.model``): the text is the artifact, byte for byte.
    """
    with tempfile.TemporaryDirectory(prefix="seawall-model-") as root:
        directory = model.save(Path(root))
        return (directory / MODEL_FILE).read_text(), (directory / METADATA_FILE).read_text()


def from_texts(model_text: str, metadata_json: str) -> TrainedModel:
    """The model from its stored texts, through ``risk.model.load`` (which checks the format)."""
    with tempfile.TemporaryDirectory(prefix="seawall-model-") as root:
        directory = Path(root)
        (directory / MODEL_FILE).write_text(model_text)
        (directory / METADATA_FILE).write_text(metadata_json)
        return load(directory)


def save(session: Session, model: TrainedModel, actor: str) -> ModelVersion:
    """Store a trained model as a new, inactive version (in the caller's transaction)."""
    if session.get(ModelVersion, model.version) is not None:
        raise DuplicateVersionError(f"model version {model.version} is already stored")
    model_text, metadata_json = to_texts(model)
    row = ModelVersion(
        version=model.version,
        trained_at=datetime.fromisoformat(str(model.metadata["created"])),
        trained_by=actor,
        model_text=model_text,
        metadata_json=metadata_json,
        active=False,
    )
    session.add(row)
    session.flush()
    detail = {
        "metrics": model.metadata.get("metrics", {}),
        "train_rows": model.metadata.get("train_rows"),
    }
    record(session, [Event(actor, "model:trained", "model", model.version, detail)])
    return row


def activate(session: Session, version: str, actor: str) -> bool:
    """Make ``version`` the node's only active model; False when it already was.

    Bumps the risk configuration's generation in the same transaction, so serving processes
    rebuild their scorer and ``rescore_in_play`` knows what to re-score.
    """
    target = session.get(ModelVersion, version)
    if target is None:
        raise ModelNotFoundError(f"no model version {version!r}; see seawall models list")
    if target.active:
        return False
    # The generation bump comes before the flags move: it updates the configuration row, which
    # serializes two concurrent activations (the second waits for the first to commit, then
    # clears the flag the first set), so there is never more than one active version.
    configuration.changed(session, f"model {version} activated")
    previous = session.scalar(select(ModelVersion.version).where(ModelVersion.active))
    session.execute(update(ModelVersion).where(ModelVersion.active).values(active=False))
    session.execute(update(ModelVersion).where(ModelVersion.version == version).values(active=True))
    session.expire(target)
    detail = {"previous": previous}
    record(session, [Event(actor, "model:activated", "model", version, detail)])
    return True


def active_model(session: Session) -> ActiveModel | None:
    """The active model and its norms; None while the node has none (rules-only scoring)."""
    row = session.execute(
        select(ModelVersion.model_text, ModelVersion.metadata_json).where(ModelVersion.active)
    ).first()
    if row is None:
        return None
    model = from_texts(row[0], row[1])
    return ActiveModel(model, norms_of(model))


def active_norms(session: Session) -> Norms:
    """The commodity norms the active model was trained with (empty without a model)."""
    row = session.scalar(select(ModelVersion.metadata_json).where(ModelVersion.active))
    if row is None:
        return EMPTY_NORMS
    return _norms(json.loads(row).get(NORMS_KEY))


def versions(session: Session) -> list[VersionSummary]:
    """Every stored version, newest first, without the model text."""
    rows = session.execute(
        select(
            ModelVersion.version,
            ModelVersion.trained_at,
            ModelVersion.trained_by,
            ModelVersion.active,
            ModelVersion.metadata_json,
        ).order_by(ModelVersion.trained_at.desc(), ModelVersion.version.desc())
    )
    return [
        VersionSummary(version, trained_at, by, active, _summary(json.loads(meta)))
        for version, trained_at, by, active, meta in rows
    ]


def _summary(metadata: dict[str, Any]) -> dict[str, Any]:
    # The list shows figures, not the encoding's vocabularies or the norms table.
    return {k: v for k, v in metadata.items() if k not in ("encoding", "calibration", NORMS_KEY)}
