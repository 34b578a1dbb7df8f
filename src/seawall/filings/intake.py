"""From submitted data to a filing ready to store, or to its rejection. Pure: no I/O.

API requests, batches and bulk files all pass through ``check``, so a filing is judged the
same way whichever door it comes in by.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import orjson

from seawall.filings.schemas import Acknowledgement, FieldError, Filing, IngestRecord
from seawall.filings.validation import parse


class Checked(NamedTuple):
    """A filing that passed validation, in the plain form that crosses process boundaries.

    A named tuple, since a bulk file moves a million of them between processes: it pickles
    as a tuple, where a slotted dataclass looks up its fields on every object both ways.
    """

    submission_id: str
    filer_id: str
    document_number: str
    mode: str
    loading_time: datetime
    port_of_discharge: str
    destination_country: str
    in_transit: bool
    received_at: datetime | None
    document: str  # the filing as validated, JSON text


def rejected(submission_id: str | None, errors: Sequence[FieldError]) -> Acknowledgement:
    """The acknowledgement of a submission that was not accepted."""
    return Acknowledgement(submission_id=submission_id, status="rejected", errors=list(errors))


def _submission_id(data: Any) -> str | None:
    if isinstance(data, bytes):
        try:
            data = orjson.loads(data)
        except orjson.JSONDecodeError:
            return None
    value = data.get("submission_id") if isinstance(data, dict) else None
    return value[:35] if isinstance(value, str) else None


def check(
    data: Any, *, bulk: bool = False, filer_id: str | None = None
) -> Checked | Acknowledgement:
    """Validate one submission: JSON text as bytes, or decoded JSON.

    ``bulk`` accepts the gateway's ``received_at`` stamp; ``filer_id`` is set when the caller
    may file only for that filer.
    """
    filing, errors = parse(IngestRecord if bulk else Filing, data)
    if filing is None:
        return rejected(_submission_id(data), errors)
    if filer_id is not None and filing.filer.id != filer_id:
        error = FieldError(
            path="filer.id", message=f"you file as {filer_id!r}, not {filing.filer.id!r}"
        )
        return rejected(filing.submission_id, [error])
    # The gateway's receipt stamp is metadata about the filing, not part of what was filed.
    document = filing.model_dump_json(exclude_none=True, exclude={"received_at"})
    received_at = filing.received_at if isinstance(filing, IngestRecord) else None
    return Checked(
        submission_id=filing.submission_id,
        filer_id=filing.filer.id,
        document_number=filing.transport_document.number,
        mode=filing.mode.value,
        loading_time=filing.route.loading_time,
        port_of_discharge=filing.route.port_of_discharge,
        destination_country=filing.route.destination_country,
        in_transit=filing.route.in_transit,
        received_at=received_at,
        document=document,
    )
