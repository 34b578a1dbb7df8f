"""Choosing a day's exams at one port: pure logic, no database, no clock.

1. **Rank** the day's candidates by risk score, highest first; ties go to the box discharged
   earlier, then to the lower filing id, so the same data always gives the same order.
2. **Risk cut**: take filings in rank order while their containers fit in the risk slots (the
   capacity less the compliance slots). A filing whose boxes do not all fit in what is left is
   passed over and the next that fits is taken, so the day's capacity is used; it stays
   eligible for the random draw.
3. **Compliance draw**: the compliance slots are filled from the filings risk did not select,
   in the order of a keyed hash of (seed, filing id). That is a uniform random order of them,
   the same on every reload (the seed is the port, the day and a node secret), and stable as
   filings arrive during the day: a newcomer displaces at most the one draw it outranks, where
   reshuffling a list would redraw everything.

Capacity counts containers, not filings: an exam is of a box, and a bill of lading with five
boxes takes five exam slots (docs/worklist.md).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

SelectedBy = Literal["risk", "random"]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One filing whose box is due at the port that day, with its current assessment."""

    filing_id: int
    document_number: str
    score: float
    band: str
    action: str
    discharge_eta: datetime
    containers: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def boxes(self) -> int:
        """Exam slots the filing takes: one per container (at least one)."""
        return max(1, len(self.containers))


@dataclass(frozen=True, slots=True)
class Pick:
    """A selected filing: why it was selected, and its place in the day's risk ranking."""

    candidate: Candidate
    selected_by: SelectedBy
    rank: int  # 1 = the day's highest risk at the port


@dataclass(frozen=True, slots=True)
class Selection:
    """The day's worklist: risk picks in rank order, then the random picks in rank order."""

    picks: tuple[Pick, ...]
    candidates: int
    candidate_boxes: int
    capacity: int
    risk_slots: int
    random_slots: int

    @property
    def boxes(self) -> int:
        """Containers the worklist asks to examine."""
        return sum(pick.candidate.boxes for pick in self.picks)


def slots(capacity: int, compliance_share: float) -> tuple[int, int]:
    """(risk slots, compliance slots) of a day's capacity; the share is rounded half up."""
    if capacity < 0 or not 0.0 <= compliance_share <= 1.0:
        raise ValueError(f"capacity {capacity} and share {compliance_share} out of range")
    drawn = min(capacity, math.floor(capacity * compliance_share + 0.5))
    return capacity - drawn, drawn


def ranked(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Highest score first; ties by earlier discharge, then lower filing id."""
    return sorted(candidates, key=lambda c: (-c.score, c.discharge_eta, c.filing_id))


def draw_order(candidates: Iterable[Candidate], seed: str) -> list[Candidate]:
    """The candidates in a random order fixed by ``seed``: by SHA-256 of (seed, filing id)."""

    def key(candidate: Candidate) -> bytes:
        return hashlib.sha256(f"{seed}\x1f{candidate.filing_id}".encode()).digest()

    return sorted(candidates, key=key)


def _fill(order: Sequence[Candidate], room: int) -> list[Candidate]:
    taken = []
    for candidate in order:
        if candidate.boxes <= room:
            taken.append(candidate)
            room -= candidate.boxes
        if room == 0:
            break
    return taken


def choose(
    candidates: Sequence[Candidate], capacity: int, compliance_share: float, seed: str
) -> Selection:
    """The worklist of a port's day from its candidates (see the module's docstring)."""
    order = ranked(candidates)
    rank = {candidate.filing_id: place for place, candidate in enumerate(order, start=1)}
    risk_slots, random_slots = slots(capacity, compliance_share)
    by_risk = _fill(order, risk_slots)
    chosen = {candidate.filing_id for candidate in by_risk}
    rest = [candidate for candidate in order if candidate.filing_id not in chosen]
    drawn = ranked(_fill(draw_order(rest, seed), random_slots))
    picks = [Pick(c, "risk", rank[c.filing_id]) for c in by_risk]
    picks += [Pick(c, "random", rank[c.filing_id]) for c in drawn]
    return Selection(
        picks=tuple(picks),
        candidates=len(order),
        candidate_boxes=sum(candidate.boxes for candidate in order),
        capacity=capacity,
        risk_slots=risk_slots,
        random_slots=random_slots,
    )
