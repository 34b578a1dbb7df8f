"""Reading and cancelling filings, always through the caller's scope."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from seawall.core.accounts.models import Role
from seawall.core.accounts.service import Principal
from seawall.core.audit.service import Event, record
from seawall.core.database import utcnow
from seawall.filings.models import Filing, FilingStatus, FilingVersion


class FilingNotFoundError(LookupError):
    """No filing with that id is visible to the caller."""


class FilingStateError(ValueError):
    """A move the filing's life cycle does not allow."""


def visible_filings(principal: Principal) -> Select[Filing]:
    """Every filing the caller may see: a filer its own, agency staff all of them.

    Every read of filings starts here; it is the one place data isolation is decided.
    """
    statement = select(Filing)
    if principal.role is Role.FILER:
        statement = statement.where(Filing.filer_id == principal.filer_id)
    return statement


@dataclass(frozen=True, slots=True)
class FilingSearch:
    """Filters of the filing list; all optional."""

    port_of_discharge: str | None = None
    destination_country: str | None = None
    in_transit: bool | None = None
    since: datetime | None = None


def encode_cursor(last_id: int) -> str:
    """An opaque cursor pointing after the filing ``last_id``."""
    return base64.urlsafe_b64encode(f"f:{last_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The filing id a cursor points after; ValueError for a cursor we did not issue."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor this node issued") from None
    prefix, _, number = text.partition(":")
    if prefix != "f" or not number.isdigit() or len(number) > 18:
        raise ValueError("not a cursor this node issued")
    return int(number)


def search(
    session: Session, principal: Principal, filters: FilingSearch, after: int, limit: int
) -> list[Filing]:
    """A page of visible filings matching the filters, oldest id first, after a cursor."""
    statement = visible_filings(principal).where(Filing.id > after)
    if filters.port_of_discharge:
        statement = statement.where(Filing.port_of_discharge == filters.port_of_discharge)
    if filters.destination_country:
        statement = statement.where(Filing.destination_country == filters.destination_country)
    if filters.in_transit is not None:
        statement = statement.where(Filing.in_transit == filters.in_transit)
    if filters.since is not None:
        statement = statement.where(Filing.updated_at >= filters.since)
    return list(session.scalars(statement.order_by(Filing.id).limit(limit)))


def get(session: Session, principal: Principal, filing_id: int) -> Filing:
    """One visible filing, or FilingNotFoundError (also for another filer's filing)."""
    filing = session.scalar(visible_filings(principal).where(Filing.id == filing_id))
    if filing is None:
        raise FilingNotFoundError(f"no filing {filing_id}")
    return filing


def read_with_versions(
    session: Session, principal: Principal, filing_id: int
) -> tuple[Filing, list[FilingVersion]]:
    """A visible filing and all its versions, newest last; the read is written to the audit log."""
    filing = get(session, principal, filing_id)
    versions = list(
        session.scalars(
            select(FilingVersion)
            .where(FilingVersion.filing_id == filing.id)
            .order_by(FilingVersion.version)
        )
    )
    record(session, [Event(principal.actor, "filing:read", "filing", str(filing.id))])
    return filing, versions


def cancel(session: Session, principal: Principal, filing_id: int, reason: str) -> Filing:
    """Cancel a filing in force; a cancelled filing cannot be cancelled again."""
    filing = get(session, principal, filing_id)
    if filing.status != FilingStatus.ACTIVE:
        raise FilingStateError(
            f"filing {filing_id} is {filing.status}; only an active one can be cancelled"
        )
    now = utcnow()
    filing.status = FilingStatus.CANCELLED
    filing.cancelled_at = now
    filing.updated_at = now
    session.flush()
    record(
        session,
        [Event(principal.actor, "filing:cancelled", "filing", str(filing.id), {"reason": reason})],
    )
    return filing
