"""Watchlist screening throughput: 10,000 entries, 1,000,000 party names, 50,000 distinct.

Run: PYTHONPATH=src python bench/screening.py [--entries N] [--parties N] [--distinct N]

Names are invented from random syllables, trade words and company forms, so that entries and
parties share many common words (Trading, International, Co., Ltd.) as real traffic does; one
distinct party name in ten is a variant (slip, case, company form) of a listed name. Parties
are drawn with Zipf-like repetition: a few shippers file very often.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np
import polars as pl

from seawall.risk.watchlists import Screener, WatchlistEntry

SYLLABLES = [c + v for c in "bdfghjklmnprstvyz" for v in "aeiou"] + ["shan", "tek", "ron", "vol"]
TRADES = (
    "Trading",
    "Import Export",
    "Industrial",
    "Textile",
    "Electronics",
    "Logistics",
    "Foods",
    "International",
    "Holdings",
    "Manufacturing",
    "Global",
    "Shipping",
)
FORMS = ("Co., Ltd.", "LLC", "GmbH", "OOO", "S.A.", "Inc.", "Ltd", "Pvt. Ltd.", "")


def stem(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def company(rng: random.Random) -> str:
    words = [stem(rng)] + ([stem(rng)] if rng.random() < 0.4 else [])
    return " ".join([*words, rng.choice(TRADES), rng.choice(FORMS)]).strip()


def variant(rng: random.Random, name: str) -> str:
    i = rng.randrange(1, len(name) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i + 1 :]
    if kind == 1:
        return name.upper()
    return name.rsplit(" ", 1)[0] + " " + rng.choice(FORMS)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=50_000)
    args = parser.parse_args()
    rng = random.Random(7)
    entries = [
        WatchlistEntry(
            id=f"E{n}",
            name=company(rng),
            aliases=(company(rng),) if rng.random() < 0.3 else (),
            source="bench",
            reason="bench",
        )
        for n in range(args.entries)
    ]
    distinct = [
        variant(rng, rng.choice(entries).name) if rng.random() < 0.1 else company(rng)
        for _ in range(args.distinct)
    ]
    weights = 1.0 / np.arange(1, args.distinct + 1) ** 0.8
    draws = np.random.default_rng(7).choice(args.distinct, args.parties, p=weights / weights.sum())
    parties = pl.Series("name", distinct)[draws]

    start = time.perf_counter()
    screener = Screener(entries)
    built = time.perf_counter() - start
    start = time.perf_counter()
    results = screener.screen_names(parties)
    elapsed = time.perf_counter() - start
    unique = parties.n_unique()
    hits = sum(1 for r in results if r)
    print(f"entries {args.entries:,}, index built in {built:.2f} s")
    print(
        f"parties {args.parties:,} ({unique:,} distinct): {elapsed:.2f} s, "
        f"{args.parties / elapsed:,.0f} parties/s, {unique / elapsed:,.0f} distinct names/s "
        f"(one core); {hits:,} parties with a name candidate"
    )


if __name__ == "__main__":
    main()
