"""Storing filings: one code path for a single POST, a batch and a bulk file.

Services add and flush; the caller owns the transaction. Every accepted version gets its
acknowledgement stored beside it, so a retry with the same submission id is answered with the
very same acknowledgement and stores nothing. Rows go in through Core inserts in one statement
per table per call, since bulk files bring a million filings at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple, cast

import orjson
from sqlalchemy import ColumnElement, Table, and_, select, update
from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.core.database import insert_rows, utcnow
from seawall.filings import timeliness
from seawall.filings.intake import Checked, rejected
from seawall.filings.models import Filing, FilingStatus, FilingVersion
from seawall.filings.schemas import Acknowledgement, FieldError

# Called in the storing transaction with the (filing id, version) of each version just stored:
# how other features (risk scoring) act on new filings without filings knowing them.
StoredHook = Callable[[Session, list[tuple[int, int]]], None]
_FILINGS = cast(Table, Filing.__table__)
_VERSIONS = cast(Table, FilingVersion.__table__)


class Answer(NamedTuple):
    """The acknowledgement of one submission, and whether this call stored a new version.

    The acknowledgement is kept as plain JSON-ready data: a bulk file makes a million of them,
    and only an API caller needs the model (``acknowledgement``).
    """

    ack: dict[str, Any]
    fresh: bool

    @property
    def acknowledgement(self) -> Acknowledgement:
        """The acknowledgement as the API returns it."""
        return Acknowledgement.model_validate(self.ack)

    @property
    def late(self) -> bool:
        """Accepted, but after the lead time."""
        when = self.ack.get("timeliness")
        return when is not None and not when["on_time"]


@dataclass(slots=True)
class _FilingState:
    """A filing as this call leaves it: its id (None until inserted) and its new column values."""

    id: int | None
    status: str
    latest_version: int
    changes: dict[str, Any] = field(default_factory=dict)
    versions: list[dict[str, Any]] = field(default_factory=list)


def store(
    session: Session,
    submissions: Sequence[Checked],
    lead_times: dict[str, timedelta],
    actor: str,
) -> list[Answer]:
    """Store accepted filings as new filings or new versions; one answer each, in order.

    A submission id seen before (in the database or earlier in ``submissions``) is answered
    with the first acknowledgement if the filing is the same, and rejected if it is not (an
    amendment needs a submission id of its own). A new version of a cancelled filing is
    rejected.
    """
    now = utcnow()
    answered = _stored_acknowledgements(session, submissions)
    states = _filing_states(session, submissions)
    answers: list[Answer] = []
    for sub in submissions:
        key = (sub.filer_id, sub.submission_id)
        if key in answered:
            ack, document = answered[key]
            same = document == sub.document
            answers.append(Answer(ack if same else _reused(sub, ack).model_dump(), fresh=False))
            continue
        state = states.setdefault(
            (sub.filer_id, sub.document_number), _FilingState(None, FilingStatus.ACTIVE, 0)
        )
        if state.status == FilingStatus.CANCELLED:
            answers.append(Answer(_cancelled(sub, state).model_dump(), fresh=False))
            continue
        ack = _add_version(state, sub, sub.received_at or now, lead_times[sub.mode])
        answered[key] = (ack, sub.document)
        answers.append(Answer(ack, fresh=True))
    _write(session, states, actor)
    return answers


def _add_version(
    state: _FilingState, sub: Checked, received_at: datetime, lead_time: timedelta
) -> dict[str, Any]:
    state.latest_version += 1
    if state.id is None and state.latest_version == 1:
        state.changes["created_at"] = received_at
        state.changes["filer_id"] = sub.filer_id
        state.changes["document_number"] = sub.document_number
        state.changes["status"] = FilingStatus.ACTIVE.value
    state.changes |= {
        "latest_version": state.latest_version,
        "port_of_discharge": sub.port_of_discharge,
        "destination_country": sub.destination_country,
        "in_transit": sub.in_transit,
        "updated_at": received_at,
    }
    when = timeliness.assess(received_at, sub.loading_time, lead_time)
    ack: dict[str, Any] = {
        "submission_id": sub.submission_id,
        "status": "accepted",
        "filing_id": None,  # known once the filing row is written
        "version": state.latest_version,
        "timeliness": when,
        "errors": [],
    }
    state.versions.append(
        {
            "version": state.latest_version,
            "filer_id": sub.filer_id,
            "submission_id": sub.submission_id,
            "received_at": received_at,
            "loading_time": sub.loading_time,
            "late_seconds": when["late_by_seconds"],
            "document": sub.document,
            "acknowledgement": ack,
        }
    )
    return ack


def _cancelled(sub: Checked, state: _FilingState) -> Acknowledgement:
    error = FieldError(
        path="transport_document.number",
        message=f"filing {state.id} for {sub.document_number} was cancelled and takes no "
        "new versions; file under a new transport document number",
    )
    return rejected(sub.submission_id, [error])


def _reused(sub: Checked, first: dict[str, Any]) -> Acknowledgement:
    error = FieldError(
        path="submission_id",
        message=f"{sub.submission_id!r} was already used for a different filing (version "
        f"{first['version']} of filing {first['filing_id']}); an amendment needs a new "
        "submission id",
    )
    return rejected(sub.submission_id, [error])


def _stored_acknowledgements(
    session: Session, submissions: Sequence[Checked]
) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
    """The acknowledgement and document already stored for each submission id given."""
    keys = {(sub.filer_id, sub.submission_id) for sub in submissions}
    rows = session.connection().execute(
        select(
            FilingVersion.filer_id,
            FilingVersion.submission_id,
            FilingVersion.acknowledgement,
            FilingVersion.document,
        ).where(_pair_in(FilingVersion.filer_id, FilingVersion.submission_id, keys))
    )
    return {(f, s): (orjson.loads(ack), document) for f, s, ack, document in rows if (f, s) in keys}


def _pair_in(first: Any, second: Any, keys: set[tuple[str, str]]) -> ColumnElement[bool]:
    # Two plain IN lists, not a row-value IN: SQLite answers this from the two-column unique
    # index, and the row-value form with a full scan. The caller drops the cross-pairs.
    return and_(first.in_({a for a, _ in keys}), second.in_({b for _, b in keys}))


def _filing_states(
    session: Session, submissions: Sequence[Checked]
) -> dict[tuple[str, str], _FilingState]:
    keys = {(sub.filer_id, sub.document_number) for sub in submissions}
    rows = session.connection().execute(
        select(
            Filing.id, Filing.filer_id, Filing.document_number, Filing.status, Filing.latest_version
        ).where(_pair_in(Filing.filer_id, Filing.document_number, keys))
    )
    return {
        (filer, number): _FilingState(id_, status, latest)
        for id_, filer, number, status, latest in rows
        if (filer, number) in keys
    }


def _write(session: Session, states: dict[tuple[str, str], _FilingState], actor: str) -> None:
    changed = [
        {"id": state.id} | state.changes for state in states.values() if state.id and state.changes
    ]
    if changed:
        session.execute(update(Filing), changed)
    new = {key: state for key, state in states.items() if state.id is None and state.versions}
    if new:
        # Insert (COPY on PostgreSQL), then read the ids back by their unique key: cheaper
        # than INSERT ... RETURNING on both databases.
        insert_rows(session, _FILINGS, [state.changes for state in new.values()])
        returned = session.connection().execute(
            select(Filing.filer_id, Filing.document_number, Filing.id).where(
                _pair_in(Filing.filer_id, Filing.document_number, set(new))
            )
        )
        for filer, number, id_ in returned:
            if (filer, number) in new:
                new[(filer, number)].id = id_
    rows, events = [], []
    for state in states.values():
        for version in state.versions:
            ack = version["acknowledgement"]
            ack["filing_id"] = state.id
            rows.append(
                version | {"filing_id": state.id, "acknowledgement": orjson.dumps(ack).decode()}
            )
            action = "filing:submitted" if version["version"] == 1 else "filing:amended"
            detail = {"version": version["version"], "submission_id": version["submission_id"]}
            events.append(Event(actor, action, "filing", str(state.id), detail))
    if rows:
        insert_rows(session, _VERSIONS, rows)
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
        next(stored) if isinstance(outcome, Checked) else Answer(outcome.model_dump(), fresh=False)
        for outcome in outcomes
    ]
