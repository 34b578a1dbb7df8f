"""Checking exam outcome rows: each field on its own, then against the filing it names.

Pure: the filings come in as ``Candidate``s the service read, and ``today`` from the caller.
Every problem is collected (never only the first), each as "row N, field: reason".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from seawall.exams.sources import RawRow
from seawall.filings.codes import container_number, locode

SELECTED_BY = ("rules", "random")
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
_LIMITS = {"document_number": 35, "filer_id": 35, "exam_type": 40, "finding": 60}
DEFAULT_EXAM_TYPE = "unspecified"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one row."""

    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.reason}"


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A row whose fields are each valid (not yet matched to a filing)."""

    row: int
    document_number: str
    filer_id: str | None
    container: str
    examined_on: date
    selected_by: str
    found: bool
    exam_type: str
    finding: str | None
    port: str | None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored filing an exam row may name: what matching and checking need of it."""

    filing_id: int
    filer_id: str
    document_number: str
    port_of_discharge: str
    first_received: date
    containers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A row matched to its filing: ready to store."""

    row: int
    filing_id: int
    container: str
    port: str
    examined_on: date
    exam_type: str
    selected_by: str
    found: bool
    finding: str | None

    @property
    def key(self) -> tuple[int, str, date]:
        """What makes an outcome unique: the same box of the same filing on the same day."""
        return (self.filing_id, self.container, self.examined_on)

    def values(self) -> tuple[str, str, str, bool, str | None]:
        """What a re-import must repeat exactly to count as the same outcome."""
        return (self.port, self.exam_type, self.selected_by, self.found, self.finding)


def _text(values: Mapping[str, Any], name: str, problems: list[tuple[str, str]]) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append((name, f"expected text, got {type(value).__name__} {value!r}"))
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > _LIMITS.get(name, 200):
        problems.append((name, f"longer than {_LIMITS[name]} characters"))
        return None
    return value


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        # A date, or a timestamp whose day is the exam date (exports often carry one).
        return date.fromisoformat(text) if len(text) <= 10 else datetime.fromisoformat(text).date()
    raise ValueError(f"expected an ISO 8601 date such as 2026-01-31, got {value!r}")


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
        return value.strip().casefold() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"expected true or false, got {value!r}")


def check_row(raw: RawRow, today: date) -> CheckedRow | list[Problem]:
    """The row's fields, each checked; every problem of the row when any is wrong."""
    if raw.values is None:
        return [Problem(raw.number, "(row)", raw.problem or "unreadable")]
    values = raw.values
    problems: list[tuple[str, str]] = []
    for name in ("document_number", "container", "exam_date", "selected_by", "found"):
        if values.get(name) in (None, ""):
            problems.append((name, "required"))
    number = _text(values, "document_number", problems)
    filer_id = _text(values, "filer_id", problems)
    box = _text(values, "container", problems)
    container = None
    if box is not None:
        try:
            container = container_number(box.upper())
        except ValueError as error:
            problems.append(("container", str(error)))
    examined_on = None
    if values.get("exam_date") not in (None, ""):
        try:
            examined_on = _date(values["exam_date"])
        except ValueError as error:
            problems.append(("exam_date", str(error)))
        else:
            if examined_on > today:
                problems.append(("exam_date", f"{examined_on} is in the future (today is {today})"))
    selected_by = _text(values, "selected_by", problems)
    if selected_by is not None and selected_by not in SELECTED_BY:
        problems.append(("selected_by", f"must be rules or random, not {selected_by!r}"))
    found = None
    if values.get("found") not in (None, ""):
        try:
            found = _bool(values["found"])
        except ValueError as error:
            problems.append(("found", str(error)))
    exam_type = _text(values, "exam_type", problems) or DEFAULT_EXAM_TYPE
    finding = _text(values, "finding", problems)
    if finding is not None and found is False:
        problems.append(("finding", f"{finding!r} is given but found is false"))
    port = _text(values, "port", problems)
    if port is not None:
        try:
            port = locode(port)
        except ValueError as error:
            problems.append(("port", str(error)))
    if not problems and number and container and examined_on and selected_by and found is not None:
        return CheckedRow(raw.number, number, filer_id, container, examined_on, selected_by,
                          found, exam_type, finding, port)  # fmt: skip
    return [Problem(raw.number, name, reason) for name, reason in problems]


def match(row: CheckedRow, candidates: Sequence[Candidate]) -> Outcome | Problem:
    """The row's outcome against the filings of its document number (``candidates``)."""
    named = [c for c in candidates if row.filer_id is None or c.filer_id == row.filer_id]
    if not named:
        of = "" if row.filer_id is None else f" of filer {row.filer_id}"
        return Problem(
            row.row, "document_number", f"no filing {row.document_number}{of} on this node"
        )
    if len(named) > 1:
        filers = ", ".join(sorted(c.filer_id for c in named))
        return Problem(
            row.row,
            "document_number",
            f"{row.document_number} is filed by {filers}: give filer_id to say which",
        )
    filing = named[0]
    if row.container not in filing.containers:
        return Problem(
            row.row,
            "container",
            f"{row.container} is not on filing {filing.filing_id} ({row.document_number})",
        )
    if row.examined_on < filing.first_received:
        return Problem(
            row.row,
            "exam_date",
            f"{row.examined_on} is before the filing was received ({filing.first_received})",
        )
    return Outcome(row.row, filing.filing_id, row.container, row.port or filing.port_of_discharge,
                   row.examined_on, row.exam_type, row.selected_by, row.found,
                   row.finding)  # fmt: skip
