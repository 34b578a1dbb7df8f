"""The simulator's watchlists load into the screener, which finds the parties it planted and
flags few others."""

from __future__ import annotations

from pathlib import Path

import orjson
import polars as pl

from seawall.filings.schemas import IngestRecord
from seawall.risk.watchlists import Screener
from seawall.risk.watchlists.loader import load_watchlist
from seawall.simulator.config import SimulationConfig, Typology
from seawall.simulator.service import simulate


def test_planted_watchlist_parties_are_screened(tmp_path: Path) -> None:
    out = tmp_path / "traffic.jsonl"
    config = SimulationConfig(filings=4000, seed=7).with_threat_rate(0.05)
    simulate(config, out, watchlists=tmp_path / "lists", workers=1)
    entries = [
        entry
        for name in ("CA", "US")
        for entry in load_watchlist(tmp_path / "lists" / f"{name}.watchlist.jsonl")
    ]
    truth = pl.read_parquet(tmp_path / "traffic.truth.parquet")
    planted = set(
        truth.filter(pl.col("typology") == Typology.WATCHLIST.value)
        .get_column("submission_id")
        .to_list()
    )
    invalid = set(truth.filter(pl.col("invalid")).get_column("submission_id").to_list())
    screener = Screener(entries)
    hits = misses = ordinary = false_matches = 0
    for line in out.read_bytes().splitlines():
        record = orjson.loads(line)
        if record["submission_id"] in invalid:
            continue
        matched = bool(screener.screen_parties(IngestRecord.model_validate(record).parties))
        if record["submission_id"] in planted:
            hits += matched
            misses += not matched
        else:
            ordinary += 1
            false_matches += matched
    assert hits + misses >= 30
    # Exact, misspelled, transliterated and alias forms: this seed plants 35 and all are found.
    # Arabic script without an alias on the list is documented as out of reach, hence not 1.0.
    assert hits / (hits + misses) >= 0.9
    # An officer can work a list that flags one ordinary filing in a hundred, not more.
    assert false_matches / ordinary <= 0.01
