"""Bulk ingest: stream records from files, check them in worker processes, store in batches.

Memory stays flat: records flow in batches with a bounded number in flight. Each batch is one
transaction, so a crash loses at most the batch under way, and running the same file again
stores nothing twice (submission ids make every record idempotent).
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import timedelta
from itertools import islice
from typing import IO

import orjson

from seawall.core.database import Database
from seawall.filings import service
from seawall.filings.intake import Checked, check, rejected
from seawall.filings.schemas import Acknowledgement, FieldError
from seawall.filings.sources import Item

BATCH = 1000


@dataclass(slots=True)
class Summary:
    """What an ingest did."""

    accepted: int = 0
    rejected: int = 0
    late: int = 0
    duplicates: int = 0

    def as_dict(self) -> dict[str, int]:
        """The summary as the ``--json`` object."""
        return asdict(self)


def check_items(batch: list[Item]) -> list[tuple[str, Checked | Acknowledgement]]:
    """Check a batch of raw records (runs in a worker process)."""
    return [(item.source, _check_item(item)) for item in batch]


def _check_item(item: Item) -> Checked | Acknowledgement:
    if item.problem is not None or item.raw is None:
        return rejected(None, [FieldError(path="(record)", message=item.problem or "empty")])
    return check(item.raw, bulk=True)


def _batches(records: Iterable[Item]) -> Iterator[list[Item]]:
    iterator = iter(records)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _checked_batches(
    records: Iterable[Item], workers: int
) -> Iterator[list[tuple[str, Checked | Acknowledgement]]]:
    if workers <= 1:
        yield from map(check_items, _batches(records))
        return
    # The imports live as long as the process: full collections need not walk them again
    # (a million filings trigger hundreds, each walking some 200,000 objects).
    gc.freeze()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        in_flight: deque[Future[list[tuple[str, Checked | Acknowledgement]]]] = deque()
        for batch in _batches(records):
            in_flight.append(pool.submit(check_items, batch))
            if len(in_flight) >= workers * 2:
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


def ingest(
    database: Database,
    records: Iterable[Item],
    lead_times: dict[str, timedelta],
    actor: str,
    *,
    workers: int = 1,
    rejects: IO[bytes] | None = None,
    advance: Callable[[int], None] = lambda _units: None,
    summary: Summary | None = None,
) -> Summary:
    """Check and store every record; rejected ones go to ``rejects`` as JSON Lines.

    Counts go into ``summary`` (a new one if not given) batch by batch, so a caller still
    knows what was stored when a file breaks off half way.
    """
    summary = summary or Summary()
    before = summary.accepted
    for batch in _checked_batches(records, workers):
        outcomes = [outcome for _, outcome in batch]
        with database.transaction() as session:
            answers = service.submit(session, outcomes, lead_times, actor)
        for (source, _), answer in zip(batch, answers, strict=True):
            _count(summary, answer, source, rejects)
        advance(len(batch))
    database.refresh_statistics(service.TABLES, summary.accepted - before)
    return summary


def _count(
    summary: Summary, answer: service.Answer, source: str, rejects: IO[bytes] | None
) -> None:
    ack = answer.ack
    if ack["status"] == "rejected":
        summary.rejected += 1
        if rejects is not None:
            line = {
                "source": source,
                "submission_id": ack["submission_id"],
                "errors": ack["errors"],
            }
            rejects.write(orjson.dumps(line) + b"\n")
    elif not answer.fresh:
        summary.duplicates += 1
    else:
        summary.accepted += 1
        summary.late += answer.late
