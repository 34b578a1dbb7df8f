"""Targeting quality on simulated traffic: random, rules, model and both at fixed exam rates.

Simulates N filings over 120 days, builds the feature frame (norms from the training period;
history features left null), labels each filing from the truth file (a threat box = finding),
trains on boxes due at the port before day 90 and ranks the rest. The time axis is the
discharge ETA: a box is examined, and its outcome known, when it arrives; and the simulator
spreads vessel calls over the period by arrival, so its receipt times bunch weeks earlier.
Prints precision and recall at 1, 2, 5 and 10% overall and per typology (recall only: a
typology's share of the found threats).

    PYTHONPATH=src python bench/targeting.py [--filings 200000] [--seed 1] [--days 120]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from seawall.risk.backtest.mapping import LABEL, TIME
from seawall.risk.backtest.metrics import at_rate
from seawall.risk.backtest.run import rule_scores
from seawall.risk.model import default_spec, train
from seawall.risk.rules import packs
from seawall.risk.rules.features import FilingInput, feature_frame
from seawall.risk.rules.norms import Norms, build_norms, goods_frame
from seawall.risk.rules.vectorized import RULE_SCORE
from seawall.simulator.config import SimulationConfig
from seawall.simulator.service import simulate

RATES = (1.0, 2.0, 5.0, 10.0)


def labelled(out: Path) -> pl.DataFrame:
    """Per filing: threat flag and typology; originals of valid filings only."""
    truth = pl.read_parquet(out.with_name(f"{out.stem}.truth.parquet"))
    return (
        truth.filter(~pl.col("invalid") & ~pl.col("amendment"))
        .group_by("submission_id")
        .agg(pl.col("threat").any().alias(LABEL), pl.col("typology").drop_nulls().first())
    )


def features(out: Path, labels: pl.DataFrame, split: datetime) -> pl.DataFrame:
    """Feature frame of the labelled filings, with ``time``, the label and the typology."""
    keep = set(labels.get_column("submission_id").to_list())
    with out.open() as lines:
        documents = [d for d in map(json.loads, lines) if d["submission_id"] in keep]
    inputs = [FilingInput(d["submission_id"], d, _time(d["received_at"])) for d in documents]
    arrivals = [_time(d["route"]["discharge_eta"]) for d in documents]
    # Norms from the training period only: the test period's prices must not leak into them.
    past = (d for d, arrival in zip(documents, arrivals, strict=True) if arrival < split)
    norms = Norms.from_frame(build_norms(goods_frame(past)))
    frame = feature_frame(inputs, norms=norms).with_columns(
        pl.Series(TIME, [arrival.replace(tzinfo=None) for arrival in arrivals])
    )
    return frame.join(labels.rename({"submission_id": "key"}), on="key")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def evaluate(frame: pl.DataFrame, split: datetime) -> None:
    """Train before ``split``, rank after it, print the table."""
    frame = frame.with_columns(rule_scores(frame, packs.shipped_pack("harmonized").rules))
    before = pl.col(TIME) < split.replace(tzinfo=None)
    past, future = frame.filter(before), frame.filter(~before)
    print(f"train {past.height} filings, {past.get_column(LABEL).sum()} threats; "
          f"test {future.height}, {future.get_column(LABEL).sum()} threats")  # fmt: skip
    scores = {"random": np.zeros(future.height), "rules": future.get_column(RULE_SCORE).to_numpy()}
    for name, extra in (("model", []), ("combined", [RULE_SCORE])):
        clock = time.perf_counter()
        model = train(past, label=LABEL, time=TIME, spec=default_spec(past, extra=extra))
        scores[name] = model.predict(future).score
        valid = model.metadata["metrics"]["valid"]
        print(f"{name}: trained in {time.perf_counter() - clock:.0f} s, "
              f"{model.metadata['best_iteration']} trees, valid AUC {valid['auc']}")  # fmt: skip
    truth = future.get_column(LABEL).to_numpy()
    typology = future.get_column("typology").to_numpy()
    header = "".join(f"{f'{r:g}% prec':>10}{f'{r:g}% rec':>9}" for r in RATES)
    print(f"\n{'method':<10}{header}")
    for method, score in scores.items():
        cells = [at_rate(score, truth, rate) for rate in RATES]
        print(f"{method:<10}" + "".join(f"{c.precision or 0:>10.3f}{c.recall or 0:>9.3f}"
                                        for c in cells))  # fmt: skip
    print("\nrecall per typology at each rate (threats in test)")
    for kind in sorted({t for t in typology if t is not None}):
        only = truth & (typology == kind)
        ignore = truth & ~only  # other threats are neither hits nor misses for this typology
        line = f"{kind:<22}({int(only.sum()):>4})"
        for method, score in scores.items():
            cells = [at_rate(score[~ignore], only[~ignore], rate).recall or 0 for rate in RATES]
            line += f"  {method[:4]} " + "/".join(f"{c:.2f}" for c in cells)
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=1_000_000)
    parser.add_argument("--days", type=float, default=120.0)
    parser.add_argument("--split-day", type=float, default=90.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    clock = time.perf_counter()
    config = SimulationConfig(filings=args.filings, seed=args.seed, days=args.days)
    split = config.start + timedelta(days=args.split_day)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "traffic.jsonl"
        simulate(config, out)
        print(f"simulated {args.filings} filings in {time.perf_counter() - clock:.0f} s")
        frame = features(out, labelled(out), split)
    print(f"features built at {time.perf_counter() - clock:.0f} s")
    evaluate(frame, split)
    print(f"total {time.perf_counter() - clock:.0f} s")


if __name__ == "__main__":
    main()
