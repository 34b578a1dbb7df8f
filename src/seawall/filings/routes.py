"""The filings API: submit, amend, cancel, read and list advance cargo filings."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool

from seawall.core.accounts.service import Principal
from seawall.core.problems import Problem
from seawall.core.web import node_database, node_settings, read_body
from seawall.filings import queries, service
from seawall.filings.auth import Reader, Submitter
from seawall.filings.intake import Checked, check
from seawall.filings.models import Filing, FilingVersion
from seawall.filings.schemas import (
    Acknowledgement,
    BatchAcknowledgement,
    Cancellation,
    FilingPage,
    FilingSummary,
    FilingView,
    VersionView,
)
from seawall.filings.schemas import Filing as FilingSchema

MAX_BATCH = 1000
# Ids are 64-bit in the database; a larger number names no filing, and says so.
FilingId = Annotated[int, Path(ge=1, le=2**63 - 1)]
router = APIRouter(prefix="/api/v1", tags=["filings"])

_FILING_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Filing"}}},
    }
}
_BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "maxItems": MAX_BATCH,
                    "items": {"$ref": "#/components/schemas/Filing"},
                }
            }
        },
    }
}
_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


def _decode(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise Problem(400, "Malformed JSON", f"the body is not JSON: {error}") from None


def _store(
    request: Request, principal: Principal, outcomes: list[Checked | Acknowledgement]
) -> list[Acknowledgement]:
    settings = node_settings(request)
    hooks: list[service.StoredHook] = request.app.state.filing_hooks
    with node_database(request).transaction() as session:
        answers = service.submit(session, outcomes, settings.lead_times, principal.actor)
        stored = service.accepted_versions(outcomes, answers)
        for hook in hooks:
            hook(session, stored)
    return [answer.acknowledgement for answer in answers]


def _filer_scope(principal: Principal) -> str | None:
    return principal.filer_id if principal.role == "filer" else None


@router.get("/schema/filing", summary="JSON Schema of the harmonized filing")
@cache  # the schema is fixed for the life of the process; building it takes milliseconds
def filing_schema() -> dict[str, Any]:
    """The JSON Schema a filing must satisfy (every field is explained in docs/filing.md)."""
    return FilingSchema.model_json_schema()


@router.post(
    "/filings",
    status_code=201,
    summary="Submit a filing, or a new version of one",
    openapi_extra=_FILING_BODY,
    responses={422: _PROBLEM, 400: _PROBLEM, 413: _PROBLEM},
)
async def submit_filing(request: Request, principal: Submitter) -> Acknowledgement:
    """Validate and store one filing; a retry with the same submission id gets the same answer."""
    data = _decode(await read_body(request, node_settings(request).max_body_bytes))
    outcome = check(data, filer_id=_filer_scope(principal))
    (ack,) = await run_in_threadpool(_store, request, principal, [outcome])
    if ack.status == "rejected":
        errors = [error.model_dump() for error in ack.errors]
        raise Problem(422, "Filing rejected", f"{len(errors)} error(s) in the filing", errors)
    return ack


@router.post(
    "/filings/batch",
    summary=f"Submit up to {MAX_BATCH} filings, each acknowledged on its own",
    openapi_extra=_BATCH_BODY,
    responses={422: _PROBLEM, 400: _PROBLEM, 413: _PROBLEM},
)
async def submit_batch(request: Request, principal: Submitter) -> BatchAcknowledgement:
    """Validate and store each filing of a JSON array; one bad filing does not stop the rest."""
    data = _decode(await read_body(request, node_settings(request).max_batch_body_bytes))
    if not isinstance(data, list):
        raise Problem(422, "Not a batch", "the body must be a JSON array of filings")
    if not 1 <= len(data) <= MAX_BATCH:
        raise Problem(422, "Batch size", f"a batch holds 1 to {MAX_BATCH} filings, not {len(data)}")
    scope = _filer_scope(principal)
    outcomes = [check(item, filer_id=scope) for item in data]
    acks = await run_in_threadpool(_store, request, principal, outcomes)
    accepted = sum(ack.status == "accepted" for ack in acks)
    return BatchAcknowledgement(
        accepted=accepted, rejected=len(acks) - accepted, acknowledgements=acks
    )


def _summary(filing: Filing) -> FilingSummary:
    return FilingSummary.model_validate(filing, from_attributes=True)


def _version(row: FilingVersion, latest: int) -> VersionView:
    return VersionView(
        version=row.version,
        submission_id=row.submission_id,
        received_at=row.received_at,
        late_seconds=row.late_seconds,
        superseded=row.version < latest,
        document=orjson.loads(row.document),
        acknowledgement=Acknowledgement.model_validate_json(row.acknowledgement),
    )


@router.get(
    "/filings/{filing_id}", summary="A filing with all its versions", responses={404: _PROBLEM}
)
def read_filing(filing_id: FilingId, request: Request, principal: Reader) -> FilingView:
    """One filing and every version of it; the read is recorded in the audit log."""
    with node_database(request).transaction() as session:
        try:
            filing, versions = queries.read_with_versions(session, principal, filing_id)
        except queries.FilingNotFoundError as error:
            raise Problem(404, "Not found", str(error)) from None
        return FilingView(
            **_summary(filing).model_dump(),
            versions=[_version(row, filing.latest_version) for row in versions],
        )


@router.post(
    "/filings/{filing_id}/cancel",
    summary="Cancel a filing",
    responses={404: _PROBLEM, 409: _PROBLEM},
)
def cancel_filing(
    filing_id: FilingId, cancellation: Cancellation, request: Request, principal: Submitter
) -> FilingSummary:
    """Cancel a filing in force; it keeps its versions and takes no new ones."""
    with node_database(request).transaction() as session:
        try:
            filing = queries.cancel(session, principal, filing_id, cancellation.reason)
        except queries.FilingNotFoundError as error:
            raise Problem(404, "Not found", str(error)) from None
        except queries.FilingStateError as error:
            raise Problem(409, "Not allowed in this state", str(error)) from None
        return _summary(filing)


@router.get("/filings", summary="List filings, newest changes filterable, cursor-paged")
def list_filings(
    request: Request,
    principal: Reader,
    port_of_discharge: Annotated[str | None, Query(pattern=r"^[A-Z]{2}[A-Z2-9]{3}$")] = None,
    destination_country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$")] = None,
    in_transit: bool | None = None,
    since: datetime | None = None,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> FilingPage:
    """A page of the filings the caller may see, oldest first; follow ``next_cursor``."""
    try:
        after = queries.decode_cursor(cursor) if cursor else 0
    except ValueError as error:
        raise Problem(422, "Invalid cursor", f"cursor: {error}") from None
    if since is not None and since.tzinfo is None:
        raise Problem(422, "Invalid request", "since: give a time zone, e.g. 2026-11-01T00:00:00Z")
    filters = queries.FilingSearch(port_of_discharge, destination_country, in_transit, since)
    with node_database(request).transaction(write=False) as session:
        rows = queries.search(session, principal, filters, after, limit + 1)
    page = rows[:limit]
    more = len(rows) > limit
    return FilingPage(
        items=[_summary(row) for row in page],
        next_cursor=queries.encode_cursor(page[-1].id) if more and page else None,
    )
