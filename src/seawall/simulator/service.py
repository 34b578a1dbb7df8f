"""``seawall simulate`` as a function: a world, its traffic and the files it writes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from seawall.core.progress import progress
from seawall.simulator.config import SimulationConfig
from seawall.simulator.exams import agency_names, examine
from seawall.simulator.simulation import World
from seawall.simulator.traffic import Shipment
from seawall.simulator.watchlists import agency_lists
from seawall.simulator.writers import FilingsWriter, ParquetRows, chunked, write_jsonl

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
) -> Written:
    """Write the live traffic to ``out`` and, on request, watchlists, history and exams."""
    out.parent.mkdir(parents=True, exist_ok=True)
    world = World(config)
    # The records are trees without cycles, freed by reference counting; the cycle collector
    # would only rescan the world's parties again and again, at half the speed.
    gc.collect()
    gc.freeze()
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _simulate(world, config, out, watchlists, history_days, history_filings, exams)
    finally:
        gc.unfreeze()
        if collecting:
            gc.enable()


def _simulate(
    world: World,
    config: SimulationConfig,
    out: Path,
    watchlists: Path | None,
    history_days: float,
    history_filings: int | None,
    exams: Path | None,
) -> Written:
    written = Written()
    written.filings = _write(world.live(), out, config.filings, "simulating traffic")
    written.files += [out, out.with_name(f"{out.stem}.truth.parquet")]
    if watchlists is not None:
        watchlists.mkdir(parents=True, exist_ok=True)
        for agency, entries in agency_lists(world.entities, world.dice(4)):
            path = watchlists / f"{agency}.watchlist.jsonl"
            write_jsonl(path, entries)
            written.files.append(path)
    if history_days > 0:
        count = history_filings or max(1, round(config.filings * history_days / config.days))
        past = history_path(out)
        exams = exams or out.with_name(f"{out.stem}.exams.parquet")
        outcomes = ParquetRows(exams, EXAM_SCHEMA)
        listed = agency_names(world.entities)
        dice = world.dice(4)

        def examined(shipments: Iterator[Shipment]) -> Iterator[Shipment]:
            rows = []
            for shipment in shipments:
                rows.extend(examine(shipment, listed, dice))
                if len(rows) >= 10_000:
                    outcomes.write(rows)
                    written.exams += len(rows)
                    rows = []
                yield shipment
            outcomes.write(rows)
            written.exams += len(rows)

        try:
            written.filings += _write(
                examined(world.history(history_days, count)), past, count, "simulating history"
            )
        finally:
            outcomes.close()
        written.files += [past, past.with_name(f"{past.stem}.truth.parquet"), exams]
    return written


def _write(shipments: Iterator[Shipment], path: Path, total: int, label: str) -> int:
    count = 0
    with FilingsWriter(path) as writer, progress(label, total) as advance:
        for chunk in chunked(shipments):
            writer.write(chunk)
            count += len(chunk)
            advance(len(chunk))
    return count
