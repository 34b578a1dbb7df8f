"""``seawall simulate`` as a function: a world, its traffic and the files it writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from seawall.core.memory import cycle_collector_paused
from seawall.core.progress import progress
from seawall.simulator.config import SimulationConfig
from seawall.simulator.parallel import Job, Workers, default_workers, jobs
from seawall.simulator.simulation import EXAMS, World
from seawall.simulator.watchlists import agency_lists
from seawall.simulator.writers import FORMATS, FilingsWriter, ParquetRows, write_jsonl

EXAM_SCHEMA = pa.schema(
    [
        ("submission_id", pa.string()),
        ("document_number", pa.string()),
        ("container", pa.string()),
        ("agency", pa.string()),
        ("port", pa.string()),
        ("exam_date", pa.string()),
        ("exam_type", pa.string()),
        ("selected_by", pa.string()),
        ("rules_score", pa.int32()),
        ("found", pa.bool_()),
        ("finding", pa.string()),
    ]
)


@dataclass
class Written:
    """What a run wrote, for the command to report."""

    files: list[Path] = field(default_factory=list)
    filings: int = 0
    exams: int = 0


def history_path(out: Path) -> Path:
    """Where the history period's filings go: beside the live ones, ``<stem>.history<ext>``."""
    return out.with_name(f"{out.stem}.history{out.suffix}")


def simulate(
    config: SimulationConfig,
    out: Path,
    *,
    watchlists: Path | None = None,
    history_days: float = 0.0,
    history_filings: int | None = None,
    exams: Path | None = None,
    workers: int | None = None,
) -> Written:
    """Write the live traffic to ``out`` and, on request, watchlists, history and exams.

    ``workers`` processes build the vessel calls (default: one per processor, up to four); the
    bytes written are the same for any number.
    """
    if out.suffix not in FORMATS:
        raise ValueError(f"{out.name}: the extension must be one of {', '.join(FORMATS)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    world = World(config)
    live = jobs(world, world.live_period(), out.suffix)
    history: list[Job] = []
    if history_days > 0:
        count = history_filings or max(1, round(config.filings * history_days / config.days))
        period = world.history_period(history_days, count)
        history = jobs(world, period, out.suffix, exams=True)
    count = default_workers() if workers is None else max(1, workers)
    count = min(count, max(len(live), len(history)))  # no more workers than jobs
    # Frozen before the workers fork, the world's pages also stay shared with them.
    with cycle_collector_paused(), Workers(world, count) as pool:
        return _simulate(pool, live, history, out, watchlists, exams)


def _simulate(
    pool: Workers,
    live: list[Job],
    history: list[Job],
    out: Path,
    watchlists: Path | None,
    exams: Path | None,
) -> Written:
    world = pool.world
    written = Written()
    written.filings = _write(pool, live, out, "simulating traffic")
    written.files += [out, out.with_name(f"{out.stem}.truth.parquet")]
    if watchlists is not None:
        watchlists.mkdir(parents=True, exist_ok=True)
        for agency, entries in agency_lists(world.entities, world.dice(EXAMS)):
            path = watchlists / f"{agency}.watchlist.jsonl"
            write_jsonl(path, entries)
            written.files.append(path)
    if history:
        past = history_path(out)
        exams = exams or out.with_name(f"{out.stem}.exams.parquet")
        outcomes = ParquetRows(exams, EXAM_SCHEMA)
        try:
            written.filings += _write(pool, history, past, "simulating history", outcomes)
        finally:
            outcomes.close()
        written.exams = outcomes.rows
        written.files += [past, past.with_name(f"{past.stem}.truth.parquet"), exams]
    return written


def _write(
    pool: Workers, jobs: list[Job], path: Path, label: str, outcomes: ParquetRows | None = None
) -> int:
    count = 0
    rows: list[dict[str, Any]] = []
    total = sum(call.filings for job in jobs for call in job.calls)
    with FilingsWriter(path) as writer, progress(label, total) as advance:
        for done in pool.results(jobs):
            writer.write_encoded(done.chunk)
            count += done.chunk.filings
            advance(done.chunk.filings)
            if outcomes is not None:
                rows.extend(done.exams)
                if len(rows) >= 10_000:
                    outcomes.write(rows)
                    rows = []
        if outcomes is not None:
            outcomes.write(rows)
    return count
