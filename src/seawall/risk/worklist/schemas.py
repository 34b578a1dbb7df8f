"""What the worklist API answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class WorklistEntry(BaseModel):
    """One filing to examine, and why it is on the list."""

    filing_id: int
    document_number: str
    rank: int = Field(description="Place in the day's risk ranking at the port (1 = highest).")
    score: float = Field(description="0 to 100.")
    band: str = Field(description="low, medium, high or critical.")
    action: str = Field(description="release, review, examine or do-not-load.")
    selected_by: Literal["risk", "random"] = Field(
        description="risk: within the capacity by rank; random: a compliance exam drawn at "
        "random from the boxes risk did not select."
    )
    discharge_eta: datetime
    containers: list[str] = Field(description="The boxes to examine (each takes one slot).")
    reasons: list[str] = Field(
        description="Main reasons: watchlist match, rules by points, what raised the model's risk."
    )
    assessment: str = Field(description="Link to the full explanation of the assessment.")


class Worklist(BaseModel):
    """A port's exams for one day (UTC date of the discharge ETA)."""

    port: str
    date: date
    capacity: int = Field(description="Containers the port can examine that day.")
    risk_slots: int = Field(description="Of the capacity, containers selected by risk.")
    random_slots: int = Field(description="Of the capacity, kept for random compliance exams.")
    candidates: int = Field(description="Scored active filings due at the port that day.")
    candidate_containers: int
    selected_containers: int
    entries: list[WorklistEntry]
