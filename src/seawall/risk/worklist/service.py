"""A port's worklist for a day: read the candidates, choose, audit the read (no commit)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.core.settings import WorklistSettings
from seawall.risk.worklist.queries import day_candidates
from seawall.risk.worklist.schemas import Worklist, WorklistEntry
from seawall.risk.worklist.selection import Selection, choose


def assessment_link(filing_id: int) -> str:
    """Where an officer reads why a filing scored as it did."""
    return f"/api/v1/filings/{filing_id}/assessment"


def seed(settings: WorklistSettings, port: str, day: date) -> str:
    """The seed of a port's day: the same on every reload, unknown to anyone off the node."""
    return f"{port}|{day.isoformat()}|{settings.compliance_salt.get_secret_value()}"


def view(port: str, day: date, selection: Selection) -> Worklist:
    """The API's form of a selection."""
    entries = [
        WorklistEntry(
            filing_id=pick.candidate.filing_id,
            document_number=pick.candidate.document_number,
            rank=pick.rank,
            score=pick.candidate.score,
            band=pick.candidate.band,
            action=pick.candidate.action,
            selected_by=pick.selected_by,
            discharge_eta=pick.candidate.discharge_eta,
            containers=list(pick.candidate.containers),
            reasons=list(pick.candidate.reasons),
            assessment=assessment_link(pick.candidate.filing_id),
        )
        for pick in selection.picks
    ]
    return Worklist(
        port=port,
        date=day,
        capacity=selection.capacity,
        risk_slots=selection.risk_slots,
        random_slots=selection.random_slots,
        candidates=selection.candidates,
        candidate_containers=selection.candidate_boxes,
        selected_containers=selection.boxes,
        entries=entries,
    )


def worklist(
    session: Session, settings: WorklistSettings, port: str, day: date, actor: str
) -> Worklist:
    """The worklist of ``port`` on ``day``; the read is written to the audit log."""
    candidates = day_candidates(session, port, day)
    selection = choose(
        candidates, settings.capacity_of(port), settings.compliance_share, seed(settings, port, day)
    )
    detail = {
        "filings": [pick.candidate.filing_id for pick in selection.picks],
        "random": [p.candidate.filing_id for p in selection.picks if p.selected_by == "random"],
    }
    record(session, [Event(actor, "worklist:read", "worklist", f"{port}/{day}", detail)])
    return view(port, day, selection)
