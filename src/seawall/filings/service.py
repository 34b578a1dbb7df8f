"""Storing filings: one code path for a single POST, a batch and a bulk file.

Services add and flush; the caller owns the transaction. Every accepted version gets its
acknowledgement stored beside it, so a retry with the same submission id is answered with the
very same acknowledgement and stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.core.database import utcnow
from seawall.filings import timeliness
from seawall.filings.intake import Checked, rejected
from seawall.filings.models import Filing as FilingRow
from seawall.filings.models import FilingStatus, FilingVersion
from seawall.filings.schemas import Acknowledgement, FieldError


class Answer(NamedTuple):
    """The acknowledgement of one submission, and whether this call stored a new version."""

    acknowledgement: Acknowledgement
    fresh: bool


@dataclass(slots=True)
class _FilingState:
    id: int | None
    latest_version: int
    status: str
    row: dict[str, Any]


def store(
    session: Session,
    submissions: Sequence[Checked],
    lead_times: dict[str, timedelta],
    actor: str,
) -> list[Answer]:
    """Store accepted filings as new filings or new versions; one acknowledgement each, in order.

    A submission id seen before (in the database or earlier in ``submissions``) is answered
    with the first acknowledgement. A new version of a cancelled filing is rejected.
    """
    now = utcnow()
    answered = _stored_acknowledgements(session, submissions)
    states = _filing_states(session, submissions)
    answers: list[Answer] = []
    versions: list[tuple[tuple[str, str], dict[str, Any]]] = []
    for sub in submissions:
        key = (sub.filer_id, sub.submission_id)
        if key in answered:
            answers.append(Answer(answered[key], fresh=False))
            continue
        state = states.get((sub.filer_id, sub.document_number))
        if state is not None and state.status == FilingStatus.CANCELLED:
            answers.append(Answer(_cancelled(sub, state), fresh=False))
            continue
        received_at = sub.received_at or now
        version = state.latest_version + 1 if state else 1
        row = {
            "filer_id": sub.filer_id,
            "document_number": sub.document_number,
            "status": FilingStatus.ACTIVE.value,
            "latest_version": version,
            "port_of_discharge": sub.port_of_discharge,
            "destination_country": sub.destination_country,
            "in_transit": sub.in_transit,
            "updated_at": received_at,
        }
        if state is None:
            states[(sub.filer_id, sub.document_number)] = _FilingState(
                None, version, FilingStatus.ACTIVE, row | {"created_at": received_at}
            )
        else:
            state.latest_version = version
            state.row = state.row | row
        when = timeliness.assess(received_at, sub.loading_time, lead_times[sub.mode])
        ack = Acknowledgement(
            submission_id=sub.submission_id, status="accepted", version=version, timeliness=when
        )
        answered[key] = ack
        answers.append(Answer(ack, fresh=True))
        versions.append(
            (
                (sub.filer_id, sub.document_number),
                {
                    "version": version,
                    "filer_id": sub.filer_id,
                    "submission_id": sub.submission_id,
                    "received_at": received_at,
                    "loading_time": sub.loading_time,
                    "late_seconds": when.late_by_seconds,
                    "document": sub.document,
                    "acknowledgement": ack,
                },
            )
        )
    ids = _write_filings(session, states)
    _write_versions(session, versions, ids, actor)
    return answers


def _cancelled(sub: Checked, state: _FilingState) -> Acknowledgement:
    error = FieldError(
        path="transport_document.number",
        message=f"filing {state.id} for {sub.document_number} was cancelled and takes no "
        "new versions; file under a new transport document number",
    )
    return rejected(sub.submission_id, [error])


def _stored_acknowledgements(
    session: Session, submissions: Sequence[Checked]
) -> dict[tuple[str, str], Acknowledgement]:
    keys = {(sub.filer_id, sub.submission_id) for sub in submissions}
    rows = session.execute(
        select(
            FilingVersion.filer_id, FilingVersion.submission_id, FilingVersion.acknowledgement
        ).where(tuple_(FilingVersion.filer_id, FilingVersion.submission_id).in_(keys))
    )
    return {(f, s): Acknowledgement.model_validate(ack) for f, s, ack in rows}


def _filing_states(
    session: Session, submissions: Sequence[Checked]
) -> dict[tuple[str, str], _FilingState]:
    keys = {(sub.filer_id, sub.document_number) for sub in submissions}
    rows = session.execute(
        select(
            FilingRow.id,
            FilingRow.filer_id,
            FilingRow.document_number,
            FilingRow.latest_version,
            FilingRow.status,
        ).where(tuple_(FilingRow.filer_id, FilingRow.document_number).in_(keys))
    )
    return {
        (filer, number): _FilingState(id_, latest, status, {"id": id_})
        for id_, filer, number, latest, status in rows
    }


def _write_filings(
    session: Session, states: dict[tuple[str, str], _FilingState]
) -> dict[tuple[str, str], int]:
    new = [(key, state) for key, state in states.items() if state.id is None]
    if new:
        ids = session.scalars(
            insert(FilingRow).returning(FilingRow.id, sort_by_parameter_order=True),
            [state.row for _, state in new],
        ).all()
        for (_, state), id_ in zip(new, ids, strict=True):
            state.id = id_
    changed = [state.row for state in states.values() if len(state.row) > 1 and "id" in state.row]
    if changed:
        session.execute(update(FilingRow), changed)
    return {key: state.id for key, state in states.items() if state.id is not None}


def _write_versions(
    session: Session,
    versions: list[tuple[tuple[str, str], dict[str, Any]]],
    ids: dict[tuple[str, str], int],
    actor: str,
) -> None:
    if not versions:
        return
    rows = []
    events = []
    for key, row in versions:
        ack: Acknowledgement = row["acknowledgement"]
        ack.filing_id = ids[key]
        rows.append(row | {"filing_id": ids[key], "acknowledgement": ack.model_dump(mode="json")})
        events.append(
            Event(
                actor,
                "filing:submitted" if row["version"] == 1 else "filing:amended",
                "filing",
                str(ids[key]),
                {"version": row["version"], "submission_id": row["submission_id"]},
            )
        )
    session.execute(insert(FilingVersion), rows)
    record(session, events)


def submit(
    session: Session,
    outcomes: Sequence[Checked | Acknowledgement],
    lead_times: dict[str, timedelta],
    actor: str,
) -> list[Answer]:
    """Store the checked filings among ``outcomes``; rejections pass through; order is kept."""
    checked = [outcome for outcome in outcomes if isinstance(outcome, Checked)]
    stored = iter(store(session, checked, lead_times, actor))
    return [
        next(stored) if isinstance(outcome, Checked) else Answer(outcome, fresh=False)
        for outcome in outcomes
    ]
