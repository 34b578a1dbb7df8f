"""Storing filings: one code path for a single POST, a batch and a bulk file.

Services add and flush; the caller owns the transaction. Every accepted version gets its
acknowledgement stored beside it, so a retry with the same submission id is answered with the
very same acknowledgement and stores nothing. Rows go in through Core inserts in one statement
per table per call, since bulk files bring a million filings at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, cast

import orjson
from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.core.database import insert_values, rows_by_pairs, utcnow
from seawall.filings import timeliness
from seawall.filings.intake import Checked, rejected
from seawall.filings.models import Filing, FilingStatus, FilingVersion
from seawall.filings.schemas import Acknowledgement, FieldError


class AcceptedVersion(NamedTuple):
    """A version just stored, as the hooks see it: they need not read it back."""

    filing_id: int
    version: int
    received_at: datetime  # in UTC
    document: str  # JSON text, as stored


# Called in the storing transaction with each version just stored: how other features (risk
# scoring) act on new filings without filings knowing them.
StoredHook = Callable[[Session, list[AcceptedVersion]], None]
_FILINGS = cast(Table, Filing.__table__)
_VERSIONS = cast(Table, FilingVersion.__table__)
TABLES = (_FILINGS, _VERSIONS)  # what storing filings writes (beside the audit log)
_FILING_KEY = ("filer_id", "document_number")


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
    """A filing as this call leaves it: its id (None until inserted), first and latest version."""

    id: int | None
    status: str
    latest_version: int
    order: int  # its place among the filings of this call: those found first, then new ones
    first: _Version | None = None
    latest: _Version | None = None


class _Version(NamedTuple):
    """A version this call adds, and its acknowledgement (whose filing id comes last).

    It names its filing by the submission's keys, not by its state, so that no reference
    cycle leaves a bulk file's versions for the garbage collector to free.
    """

    order: int  # its filing's
    number: int
    submission: Checked
    received_at: datetime
    late_seconds: int
    ack: dict[str, Any]


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
    stored = _stored_acknowledgements(session, submissions)
    states = _filing_states(session, submissions)
    added: dict[tuple[str, str], _Version] = {}
    answers: list[Answer] = []
    for sub in submissions:
        key = (sub.filer_id, sub.submission_id)
        earlier = _earlier(key, stored, added)
        if earlier is not None:
            ack, document = earlier
            same = document == sub.document
            answers.append(Answer(ack if same else _reused(sub, ack).model_dump(), fresh=False))
            continue
        state = states.get((sub.filer_id, sub.document_number))
        if state is None:
            state = _FilingState(None, FilingStatus.ACTIVE, 0, len(states))
            states[sub.filer_id, sub.document_number] = state
        if state.status == FilingStatus.CANCELLED:
            answers.append(Answer(_cancelled(sub, state).model_dump(), fresh=False))
            continue
        version = _add_version(state, sub, sub.received_at or now, lead_times[sub.mode])
        added[key] = version
        answers.append(Answer(version.ack, fresh=True))
    # Rows go in filing by filing (those found first), each filing's versions in order.
    _write(session, states, sorted(added.values(), key=_filing_order), actor)
    return answers


def _earlier(
    key: tuple[str, str],
    stored: dict[tuple[str, str], tuple[dict[str, Any], str]],
    added: dict[tuple[str, str], _Version],
) -> tuple[dict[str, Any], str] | None:
    """The first acknowledgement and document under a submission id, if it was used before."""
    if key in stored:
        return stored[key]
    version = added.get(key)
    return None if version is None else (version.ack, version.submission.document)


def _filing_order(version: _Version) -> int:
    return version.order


def _add_version(
    state: _FilingState, sub: Checked, received_at: datetime, lead_time: timedelta
) -> _Version:
    state.latest_version += 1
    when = timeliness.assess(received_at, sub.loading_time, lead_time)
    ack: dict[str, Any] = {
        "submission_id": sub.submission_id,
        "status": "accepted",
        "filing_id": None,  # known once the filing row is written
        "version": state.latest_version,
        "timeliness": when,
        "errors": [],
    }
    version = _Version(
        state.order, state.latest_version, sub, received_at, when["late_by_seconds"], ack
    )
    if state.first is None:
        state.first = version
    state.latest = version
    return version


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
    rows = rows_by_pairs(
        session, _VERSIONS, ("filer_id", "submission_id"), keys, ("acknowledgement", "document")
    )
    return {(f, s): (orjson.loads(ack), document) for f, s, ack, document in rows}


def _filing_states(
    session: Session, submissions: Sequence[Checked]
) -> dict[tuple[str, str], _FilingState]:
    keys = {(sub.filer_id, sub.document_number) for sub in submissions}
    rows = rows_by_pairs(session, _FILINGS, _FILING_KEY, keys, ("id", "status", "latest_version"))
    return {
        (filer, number): _FilingState(id_, status, latest, order)
        for order, (filer, number, id_, status, latest) in enumerate(rows)
    }


_NEW_FILING_COLUMNS = (
    "filer_id",
    "document_number",
    "status",
    "latest_version",
    "port_of_discharge",
    "destination_country",
    "in_transit",
    "created_at",
    "updated_at",
)
_VERSION_COLUMNS = (
    "filing_id",
    "version",
    "filer_id",
    "submission_id",
    "received_at",
    "loading_time",
    "late_seconds",
    "document",
    "acknowledgement",
)


def _write(
    session: Session,
    states: dict[tuple[str, str], _FilingState],
    versions: list[_Version],
    actor: str,
) -> None:
    # The filing's search columns follow its latest version; a new filing was created when
    # its first version was received.
    changed = [
        {
            "id": state.id,
            "latest_version": state.latest_version,
            "port_of_discharge": latest.submission.port_of_discharge,
            "destination_country": latest.submission.destination_country,
            "in_transit": latest.submission.in_transit,
            "updated_at": latest.received_at,
        }
        for state in states.values()
        if state.id and (latest := state.latest)
    ]
    if changed:
        session.execute(update(Filing), changed)
    new = {
        key: (state, first, latest)
        for key, state in states.items()
        if state.id is None and (first := state.first) and (latest := state.latest)
    }
    if new:
        filings = [
            (
                filer,
                number,
                FilingStatus.ACTIVE.value,
                state.latest_version,
                latest.submission.port_of_discharge,
                latest.submission.destination_country,
                latest.submission.in_transit,
                first.received_at,
                latest.received_at,
            )
            for (filer, number), (state, first, latest) in new.items()
        ]
        # Insert (COPY on PostgreSQL), then read the ids back by their unique key: cheaper
        # than INSERT ... RETURNING on both databases.
        insert_values(session, _FILINGS, _NEW_FILING_COLUMNS, filings)
        for filer, number, id_ in rows_by_pairs(session, _FILINGS, _FILING_KEY, set(new), ["id"]):
            new[filer, number][0].id = id_
    rows = []
    for version in versions:
        sub, ack = version.submission, version.ack
        ack["filing_id"] = states[sub.filer_id, sub.document_number].id
        rows.append(
            (
                ack["filing_id"],
                version.number,
                sub.filer_id,
                sub.submission_id,
                version.received_at,
                sub.loading_time,
                version.late_seconds,
                sub.document,
                orjson.dumps(ack).decode(),
            )
        )
    if rows:
        insert_values(session, _VERSIONS, _VERSION_COLUMNS, rows)
        # Each event made as the audit log takes it: fewer objects live at once, fewer and
        # cheaper garbage collections in a bulk ingest.
        record(session, (_event(actor, version) for version in versions))


def _event(actor: str, version: _Version) -> Event:
    action = "filing:submitted" if version.number == 1 else "filing:amended"
    detail = {"version": version.number, "submission_id": version.submission.submission_id}
    return Event(actor, action, "filing", str(version.ack["filing_id"]), detail)


def accepted_versions(
    outcomes: Sequence[Checked | Acknowledgement], answers: Sequence[Answer]
) -> list[AcceptedVersion]:
    """The versions :func:`submit` stored, from its ``outcomes`` and its answers to them."""
    return [
        AcceptedVersion(
            answer.ack["filing_id"],
            answer.ack["version"],
            answer.ack["timeliness"]["received_at"].astimezone(UTC),
            outcome.document,
        )
        for outcome, answer in zip(outcomes, answers, strict=True)
        if answer.fresh and isinstance(outcome, Checked)
    ]


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
