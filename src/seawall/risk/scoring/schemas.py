"""What the risk API answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AssessmentView(BaseModel):
    """One filing version's risk assessment, with the explanation an officer reads."""

    filing_id: int
    version: int
    current: bool = Field(description="Whether this is the filing's latest version.")
    port_of_discharge: str
    discharge_eta: datetime
    score: float = Field(description="0 to 100; see docs/targeting.md.")
    band: str = Field(description="low, medium, high or critical.")
    action: str = Field(description="release, review, examine or do-not-load.")
    assessed_at: datetime
    generation: int = Field(description="The risk configuration it was scored under.")
    explanation: dict[str, Any] = Field(
        description="rules hit (with rationale), watchlist matches, the model's main reasons."
    )
