"""Trained model versions, stored in the database so every process of the node scores alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from seawall.core.database import Base


class ModelVersion(Base):
    """One trained model: its artifact, its metrics, and whether the node scores with it."""

    __tablename__ = "model_versions"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    trained_at: Mapped[datetime]
    trained_by: Mapped[str] = mapped_column(String(120))
    # LightGBM's model text and the JSON metadata (encoding, calibration, metrics): together
    # they are the artifact ``TrainedModel.save`` writes, so no pickle is ever loaded.
    model_text: Mapped[str] = mapped_column(Text)
    metadata_json: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=False, index=True)
