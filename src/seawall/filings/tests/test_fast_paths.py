"""The shortcuts taken for bulk speed give the same results as the general code they bypass."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select

from seawall.core.database import Database
from seawall.filings import codes, service
from seawall.filings.intake import Checked, check
from seawall.filings.models import Filing, FilingVersion
from seawall.filings.schemas import ContainerNumber
from seawall.filings.tests.factories import filing_document

_CONTAINER = TypeAdapter(ContainerNumber)


def _judged(validate: Callable[[str], str], number: str) -> str:
    """The number as cleaned, or the sentence that rejects it."""
    try:
        return validate(number)
    except ValidationError as error:
        return str(error.errors()[0]["msg"]).removeprefix("Value error, ")
    except ValueError as error:
        return str(error)


@pytest.mark.parametrize(
    "number",
    [
        "CSQU3054383",  # canonical, valid
        "CSQU3054384",  # wrong check digit
        "csqu3054383",  # lower case: stdnum upper-cases it
        "CSQU 305438 3",  # spaced: stdnum compacts it
        "MSCJ0000011",  # another category letter
        "CSQX3054383",  # no such category
        "CSQU305438",  # too short
        "CSQ_3054383",
    ],
)
def test_container_numbers_are_judged_as_stdnum_judges_them(number: str) -> None:
    assert _judged(_CONTAINER.validate_python, number) == _judged(codes.container_number, number)


def _checked(received_at: datetime) -> Checked:
    outcome = check(
        orjson.dumps(filing_document() | {"received_at": received_at.isoformat()}), bulk=True
    )
    assert isinstance(outcome, Checked)
    return outcome


def test_times_are_stored_in_utc_and_read_back_aware(database: Database) -> None:
    received_at = datetime(2026, 11, 2, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5.5)))
    with database.transaction() as session:
        (answer,) = service.store(
            session, [_checked(received_at)], {"marine": timedelta(hours=24)}, "test"
        )
    with database.transaction(write=False) as session:
        version = session.scalars(select(FilingVersion)).one()
        filing = session.scalars(select(Filing)).one()
        stored = (
            session.connection().exec_driver_sql("SELECT received_at FROM filing_versions").scalar()
        )
    assert answer.fresh
    assert version.received_at == filing.created_at == filing.updated_at == received_at
    assert version.received_at.tzinfo == UTC
    if database.dialect == "sqlite":  # naive UTC text, as SQLAlchemy writes it
        assert stored == "2026-11-02 03:00:15.123456"
