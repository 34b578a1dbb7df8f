"""Reading a port's day: the current assessments of active filings whose box is due that day.

The day is a UTC calendar day of the discharge ETA (docs/worklist.md says why). Officers of
the agency see every filing, so the scope is the role checked at the route or the command;
filers never reach this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from seawall.filings.models import Filing, FilingStatus, FilingVersion
from seawall.risk.scoring.combination import MODEL_EXTRA_FEATURES
from seawall.risk.scoring.models import Assessment
from seawall.risk.worklist.selection import Candidate

TOP_REASONS = 3  # what an officer reads at a glance in a list; the explanation has the rest


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a day starts at (inclusive) and ends at (exclusive)."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def reasons(explanation: Mapping[str, Any]) -> tuple[str, ...]:
    """The main reasons of an assessment: the watchlist match first (it sets a floor on the
    score), then the titles of the rules that added most points, then what raised the model's
    risk most. The model's reasons fill what the first two leave, so a box the model alone
    selected is not listed without a reason; its rule and watchlist scores are left out, as the
    rules and the match are listed themselves."""
    found = [
        f"watchlist {match['entry_id']}: {match['entry_name']} ({match['role']})"
        for match in explanation.get("watchlist", [])[:1]
    ]
    rules = sorted(
        (rule for rule in explanation.get("rules", []) if rule["score"] > 0),
        key=lambda rule: -int(rule["score"]),
    )
    found += [f"{rule['title']} (+{rule['score']})" for rule in rules]
    model = explanation.get("model") or {}
    found += [
        f"model: {reason['feature']} = {_shown(reason['value'])}"
        for reason in model.get("reasons") or []
        if reason["contribution"] > 0 and reason["feature"] not in MODEL_EXTRA_FEATURES
    ]
    return tuple(found[:TOP_REASONS])


def _shown(value: Any) -> str:
    """A feature's value as an officer reads it in a list: lists joined, no value as such."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "none"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def day_candidates(session: Session, port: str, day: date) -> list[Candidate]:
    """Every active filing whose current version discharges at ``port`` on ``day`` (UTC) and
    has been scored, as a worklist candidate."""
    start, end = day_bounds(day)
    query = (
        select(
            Assessment.filing_id,
            Assessment.document_number,
            Assessment.score,
            Assessment.band,
            Assessment.action,
            Assessment.discharge_eta,
            Assessment.explanation,
            FilingVersion.document,
        )
        .join(Filing, Filing.id == Assessment.filing_id)
        .join(FilingVersion, FilingVersion.id == Assessment.filing_version_id)
        .where(
            Assessment.current,
            Assessment.port_of_discharge == port,
            Assessment.discharge_eta >= start,
            Assessment.discharge_eta < end,
            Filing.status == FilingStatus.ACTIVE.value,
        )
    )
    candidates = []
    for filing, number, score, band, action, eta, explanation, document in session.execute(query):
        boxes = orjson.loads(document)["containers"]
        candidates.append(
            Candidate(
                filing_id=filing,
                document_number=number,
                score=score,
                band=band,
                action=action,
                discharge_eta=eta,
                containers=tuple(box["number"] for box in boxes),
                reasons=reasons(orjson.loads(explanation)),
            )
        )
    return candidates
