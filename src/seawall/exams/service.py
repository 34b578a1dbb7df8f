"""Storing imported exam outcomes: all rows or none, and a repeated row only once.

Services add and flush; the caller owns the transaction. The import checks every row (fields,
filing, container, clashes with what is stored) before it writes anything, so a file with one
bad row stores nothing and says what is wrong with every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, cast

import orjson
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.core.database import insert_rows, utcnow
from seawall.exams.models import ExamOutcome
from seawall.exams.sources import RawRow
from seawall.exams.validation import Candidate, CheckedRow, Outcome, Problem, check_row, match
from seawall.filings.models import Filing, FilingVersion

_OUTCOMES = cast(Table, ExamOutcome.__table__)
_IN_LIST = 5_000
_VALUES = ("port", "exam_type", "selected_by", "found", "finding")  # as Outcome.values()
_FOUND = _VALUES.index("found")
FoundHook = Callable[[Session, list[int]], None]
"""Called with the filings an import gives their first finding, in the import's transaction."""


class ExamImportError(ValueError):
    """The rows cannot be stored; ``problems`` says what is wrong, row by row."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problems")


@dataclass(slots=True)
class ImportSummary:
    """What an import did."""

    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    filings: int = 0
    found: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The summary as the ``--json`` object."""
        return asdict(self)


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _IN_LIST):
        yield values[start : start + _IN_LIST]


def candidates(session: Session, numbers: Sequence[str]) -> dict[str, list[Candidate]]:
    """The stored filings of these document numbers, with every container of every version."""
    filings: dict[int, tuple[str, str, str]] = {}
    for part in _chunks(sorted(set(numbers))):
        rows = session.execute(
            select(Filing.id, Filing.filer_id, Filing.document_number, Filing.port_of_discharge)
            .where(Filing.document_number.in_(part))
        )  # fmt: skip
        filings.update({id_: (filer, number, port) for id_, filer, number, port in rows})
    boxes: dict[int, set[str]] = {id_: set() for id_ in filings}
    first: dict[int, date] = {}
    for part in _chunks(sorted(filings)):
        versions = session.execute(
            select(FilingVersion.filing_id, FilingVersion.received_at, FilingVersion.document)
            .where(FilingVersion.filing_id.in_(part))
        )  # fmt: skip
        for filing_id, received_at, document in versions:
            # An exam may be of a box a later amendment dropped: every version's boxes count.
            boxes[filing_id].update(box["number"] for box in orjson.loads(document)["containers"])
            day = received_at.date()
            first[filing_id] = min(first.get(filing_id, day), day)
    found: dict[str, list[Candidate]] = {}
    for id_, (filer, number, port) in filings.items():
        found.setdefault(number, []).append(
            Candidate(id_, filer, number, port, first[id_], frozenset(boxes[id_]))
        )
    return found


def _stored(
    session: Session, outcomes: Sequence[Outcome]
) -> dict[tuple[int, str, date], tuple[Any, ...]]:
    stored: dict[tuple[int, str, date], tuple[Any, ...]] = {}
    for part in _chunks(sorted({o.filing_id for o in outcomes})):
        rows = session.execute(
            select(ExamOutcome.filing_id, ExamOutcome.container, ExamOutcome.examined_on,
                   *(getattr(ExamOutcome, name) for name in _VALUES))
            .where(ExamOutcome.filing_id.in_(part))
        )  # fmt: skip
        for filing_id, box, day, *values in rows:
            stored[(filing_id, box, day)] = tuple(values)
    return stored


def _clash(outcome: Outcome, earlier: tuple[Any, ...], where: str) -> Problem:
    differ = [
        f"{name} {old!r} there, {new!r} here"
        for name, old, new in zip(_VALUES, earlier, outcome.values(), strict=True)
        if old != new
    ]
    return Problem(
        outcome.row,
        "container",
        f"the exam of {outcome.container} on {outcome.examined_on} is already {where} with "
        f"other values ({'; '.join(differ)}); an outcome is not changed by re-importing it",
    )


def import_outcomes(
    session: Session,
    raw: Sequence[RawRow],
    actor: str,
    source: str,
    today: date,
    on_found: Sequence[FoundHook] = (),
) -> ImportSummary:
    """Check every row and store the new outcomes; ExamImportError (nothing stored) if any row
    is wrong. A row already stored with the same values is counted as a duplicate and skipped.

    ``on_found`` hooks run in the same transaction with the filings that this import gives
    their first finding (what keeps the risk feature's party counts in step).
    """
    problems: list[Problem] = []
    checked: list[CheckedRow] = []
    for line in raw:
        result = check_row(line, today)
        if isinstance(result, CheckedRow):
            checked.append(result)
        else:
            problems += result
    known = candidates(session, [row.document_number for row in checked])
    outcomes: list[Outcome] = []
    for row in checked:
        matched = match(row, known.get(row.document_number, []))
        if isinstance(matched, Problem):
            problems.append(matched)
        else:
            outcomes.append(matched)
    stored = _stored(session, outcomes)
    seen: dict[tuple[int, str, date], Outcome] = {}
    fresh: list[Outcome] = []
    summary = ImportSummary(rows=len(raw))
    for outcome in outcomes:
        if outcome.key in stored:
            if stored[outcome.key] != outcome.values():
                problems.append(_clash(outcome, stored[outcome.key], "stored"))
            summary.duplicates += 1
        elif outcome.key in seen:
            if seen[outcome.key].values() != outcome.values():
                problems.append(
                    _clash(outcome, seen[outcome.key].values(), f"on row {seen[outcome.key].row}")
                )
            summary.duplicates += 1
        else:
            seen[outcome.key] = outcome
            fresh.append(outcome)
    if problems:
        raise ExamImportError(sorted(problems, key=lambda p: p.row))
    now = utcnow()
    insert_rows(
        session,
        _OUTCOMES,
        [
            {"filing_id": o.filing_id, "container": o.container, "port": o.port,
             "examined_on": o.examined_on, "exam_type": o.exam_type, "selected_by": o.selected_by,
             "found": o.found, "finding": o.finding, "recorded_at": now}
            for o in fresh
        ],
    )  # fmt: skip
    found_before = {filing for (filing, _, _), values in stored.items() if values[_FOUND]}
    first_found = sorted({o.filing_id for o in fresh if o.found} - found_before)
    for hook in on_found:
        hook(session, first_found)
    summary.imported = len(fresh)
    summary.filings = len({o.filing_id for o in fresh})
    summary.found = sum(o.found for o in fresh)
    detail = {key: value for key, value in summary.as_dict().items() if key != "problems"}
    record(session, [Event(actor, "exam:imported", "exam_import", source, detail)])
    return summary
