"""Backtest on an outside-shaped declarations file, with and without its parties mapped.

Run: python bench/outside.py [--rows 80000] [--seed 11] [--undervalued 0.5]
                             [--shape importers|pairs] [--keep DIR]

Writes a file shaped like public customs import-declaration datasets (one row per declaration:
date, office, declarant, importer, seller, HS10 code, origin, net mass, item price, a fraud
flag), none of it Seawall's simulator. Fraud follows each importer's and each commodity's
hidden propensity, the kind of signal the literature finds in such data; it does not follow
Seawall's rule indicators, so the rules are not expected to beat random here. With ``--shape
pairs`` fraud follows another hidden structure instead: some declarant and office pairs, some
commodities, and undervaluation against each commodity's unit price (about 2% fraud). Then runs
``seawall backtest`` twice, split at day 274 of 365: the columns mapped onto features, and the
same with ``parties`` (importer as consignee, seller as shipper), and prints recall and
precision at 1, 2, 5 and 10% for each method, on all test rows and on the twin-free ones.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

RATES = ("1", "2", "5", "10")
METHODS = ("random", "rules", "model", "combined")
START, SPLIT = date(2020, 1, 1), date(2020, 10, 1)
MAPPING = """\
time: Date
key: [Importer ID, HS10 Code, Country of Origin]
features:
  hs_codes: HS10 Code
  origin_countries: Country of Origin
  declared_value_usd: Item Price
  total_weight_kg: Net Mass
ignore: [Declaration ID]
"""
PARTIES = "parties:\n  consignee: Importer ID\n  shipper: Seller ID\n"


def declarations(rows: int, seed: int, undervalued: float = 0.0) -> pl.DataFrame:
    """The file: Zipf-like importers, most of them clean and a few often fraudulent; with
    ``undervalued``, that share of the fraudulent declarations is priced at a fifth to a
    twentieth of its worth (undervaluation, the commonest customs fraud)."""
    rng = np.random.default_rng(seed)
    importers, commodities = 6_000, 800
    share = 1 / np.arange(1, importers + 1) ** 0.9
    importer = rng.choice(importers, rows, p=share / share.sum())
    commodity = rng.integers(0, commodities, rows)
    codes = [f"{rng.integers(10, 97):02d}{rng.integers(0, 10**8):08d}" for _ in range(commodities)]
    mass = rng.lognormal(6, 1.5, rows)
    odds = (
        -4.2
        + 9 * rng.beta(0.4, 6, importers)[importer]
        + 6 * rng.beta(0.5, 8, commodities)[commodity]
    )
    fraud = rng.random(rows) < 1 / (1 + np.exp(-odds))
    days = np.sort(rng.integers(0, 365, rows))
    # Drawn after everything else, so that the file without undervaluation stays as it was.
    cheated = fraud & (np.random.default_rng(seed + 1).random(rows) < undervalued)
    cut = np.where(cheated, np.exp(-np.random.default_rng(seed + 2).uniform(1.6, 3, rows)), 1.0)
    return pl.DataFrame(
        {
            "Declaration ID": np.arange(rows),
            "Date": [START + timedelta(days=int(day)) for day in days],
            "Office ID": rng.integers(0, 30, rows),
            "Declarant ID": [f"D{n}" for n in rng.integers(0, 900, rows)],
            "Importer ID": [f"IMP{n:05d}" for n in importer],
            "Seller ID": [f"S{n}" for n in rng.integers(0, 20_000, rows)],
            "HS10 Code": [codes[n] for n in commodity],
            "Country of Origin": [f"C{n}" for n in rng.integers(0, 40, rows)],
            "Net Mass": mass.round(1),
            "Item Price": (mass * rng.lognormal(2, 0.5, rows) * cut).round(2),
            "Fraud": fraud.astype(int),
        }
    )


def pairs(rows: int, seed: int) -> pl.DataFrame:
    """The same columns, fraud following 3% of the declarant and office pairs and each
    commodity's propensity; 40% of it priced at a fifth to three fifths of the commodity's
    unit price times the quantity."""
    rng = np.random.default_rng(seed)
    commodities, declarants, offices = 3_000, 500, 25
    commodity = rng.integers(0, commodities, rows)
    declarant, office = rng.integers(0, declarants, rows), rng.integers(0, offices, rows)
    unit = rng.lognormal(1.5, 0.6, commodities)[commodity]
    mass = rng.lognormal(4, 1.2, rows)
    crooked = rng.random((declarants, offices)) < 0.03
    odds = -4.8 + 2.5 * crooked[declarant, office] + 6 * rng.beta(0.3, 5, commodities)[commodity]
    fraud = rng.random(rows) < 1 / (1 + np.exp(-odds))
    cheated = fraud & (rng.random(rows) < 0.4)
    worth = np.where(cheated, rng.uniform(0.2, 0.6, rows), rng.lognormal(0, 0.25, rows))
    days = np.sort(rng.integers(0, 365, rows))
    return pl.DataFrame(
        {
            "Declaration ID": np.arange(rows),
            "Date": [START + timedelta(days=int(day)) for day in days],
            "Office ID": office,
            "Declarant ID": [f"D{n}" for n in declarant],
            "Importer ID": [f"IMP{n:05d}" for n in rng.integers(0, 8_000, rows)],
            "Seller ID": [f"S{n}" for n in rng.integers(0, 9_000, rows)],
            "HS10 Code": [f"{n:06d}0000" for n in commodity],
            "Country of Origin": [f"C{n}" for n in rng.integers(0, 40, rows)],
            "Net Mass": mass.round(1),
            "Item Price": (unit * mass * worth).round(2),
            "Fraud": fraud.astype(int),
        }
    )


def run_backtest(data: Path, mapping: Path, folder: Path) -> dict[str, Any]:
    """``seawall backtest --json`` on the file; its report."""
    seawall = str(Path(sys.executable).with_name("seawall"))
    command = [seawall, "backtest", "--data", str(data), "--mapping", str(mapping),
               "--label", "Fraud", "--split-date", SPLIT.isoformat(), "--json"]  # fmt: skip
    env = os.environ | {"SEAWALL_DATA_DIR": str(folder), "CI": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        sys.exit(f"seawall backtest failed:\n{done.stderr}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def table(name: str, section: dict[str, Any]) -> None:
    """Recall and precision per method and rate."""
    print(f"  {name}: recall / precision at {', '.join(rate + '%' for rate in RATES)}")
    for method in METHODS:
        at = section[method]
        figures = [f"{at[rate]['recall']:.3f} / {at[rate]['precision']:.3f}" for rate in RATES]
        print(f"    {method:9s} " + "   ".join(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=80_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--undervalued", type=float, default=0.0,
                        help="Share of the fraud declared far under its worth.")  # fmt: skip
    parser.add_argument("--shape", choices=["importers", "pairs"], default="importers",
                        help="What the fraud follows (see above).")  # fmt: skip
    parser.add_argument("--keep", type=Path, help="Write the file and mappings here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        data = folder / "declarations.csv"
        if args.shape == "pairs":
            frame = pairs(args.rows, args.seed)
        else:
            frame = declarations(args.rows, args.seed, args.undervalued)
        frame.write_csv(data)
        rate = frame.get_column("Fraud").sum() / frame.height
        print(f"{frame.height:,} declarations, fraud rate {rate:.4f}, split at {SPLIT}")
        for name, text in (("columns only", MAPPING), ("with parties", MAPPING + PARTIES)):
            mapping = folder / f"map-{name.replace(' ', '-')}.yaml"
            mapping.write_text(text)
            report = run_backtest(data, mapping, folder)
            print(f"{name} (test rows {report['data']['test_rows']:,}, "
                  f"twin-free {report['data']['no_twin_rows']:,}):")  # fmt: skip
            table("all test rows", report)
            table("twin-free rows", report["no_twin"])


if __name__ == "__main__":
    main()
