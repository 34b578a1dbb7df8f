"""Targeting quality on simulated traffic: random, rules, model and the combined score.

Simulates N filings over 120 days: the first 90 days (the split) as the simulator's history
period, with the exam outcomes of a rules-driven agency and its 0.4% random compliance share;
the last 30 days as live traffic. Each node (CA, US) works the boxes discharged at its ports,
as it would:

- features of each filing's latest version, with norms from the training period and the
  history features from every filing received before it (findings counted from the day after
  their exam, and only exams done before the split);
- rules: the harmonized pack plus the agency's private pack;
- watchlists: each party screened against the agency's list; the best match score (0-100);
- ``combined``: ``combination.combine`` of the rule score, the watchlist score and the node's
  model as ``seawall train`` makes it (``training.service.train_pair``) from the agency's exam
  outcomes before the split: two models refitted on every exam (the trees fitted with the
  random share weighing as much as the rule picks, the calibration with random exams weighted
  ``1 / 0.004``), one with ``MODEL_EXTRA_FEATURES`` as extra inputs (monotone in both), one on
  the catalogue features alone, blended;
- ``model``: the second of the two alone.

Test: every filing arriving (discharge ETA) after the split, labelled from the truth file
(what an exam would find). Prints precision and recall at 1, 2, 5 and 10% per method, per
typology, and on the test filings with no identical twin among the training exams.

    PYTHONPATH=src python bench/targeting.py [--filings 1000000] [--seed 1] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import polars as pl

from seawall.core.progress import progress
from seawall.filings.schemas import Party
from seawall.risk.backtest.mapping import LABEL, TIME
from seawall.risk.backtest.run import rule_scores
from seawall.risk.model import balanced_weights, selection_weights
from seawall.risk.rules import packs
from seawall.risk.rules.catalogue import HISTORY_FEATURES, polars_schema
from seawall.risk.rules.features import filing_features
from seawall.risk.rules.history import HISTORY_SCHEMA, history_features, history_row
from seawall.risk.rules.norms import Norms, build_norms, goods_frame
from seawall.risk.rules.vectorized import RULE_SCORE
from seawall.risk.scoring import combination
from seawall.risk.training import frames
from seawall.risk.training.service import train_pair
from seawall.risk.watchlists import Screener, load_watchlist
from seawall.risk.watchlists.screener import ROLES
from seawall.simulator.config import SimulationConfig
from seawall.simulator.service import history_path, simulate

RATES = (1.0, 2.0, 5.0, 10.0)
AGENCIES = ("CA", "US")
WATCHLIST = "watchlist_score"
# The node's own compliance-exam rate (a worklist setting; the simulator's agency uses 0.4%).
RANDOM_RATE = 0.004
TWIN_KEY = ("shipper_key", "consignee_key", "hs_codes", "origin_countries", "port_of_loading",
            "port_of_discharge")  # fmt: skip
Advance = Callable[[int], None]


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as lines:
        for line in lines:
            yield orjson.loads(line)


def _count(path: Path) -> int:
    with path.open("rb") as data:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: data.read(1 << 24), b""))


# --- simulation -----------------------------------------------------------------------------


def simulated(folder: Path, filings: int, seed: int, days: float, split_day: float) -> Path:
    """Simulate into ``folder`` (or reuse what an earlier run with the same options left)."""
    out = folder / "traffic.jsonl"
    options = {"filings": filings, "seed": seed, "days": days, "split_day": split_day}
    stamp = folder / "options.json"
    if stamp.is_file() and json.loads(stamp.read_text()) == options:
        print(f"reusing the simulated traffic in {folder}")
        return out
    for stale in ("frame.parquet", "exam_outcomes.parquet"):  # built from other traffic
        (folder / stale).unlink(missing_ok=True)
    live = round(filings * (days - split_day) / days)
    start = SimulationConfig(filings=1, seed=seed).start  # the split: day 0 is split_day before
    config = SimulationConfig(filings=live, seed=seed, start=start, days=days - split_day)
    simulate(config, out, watchlists=folder / "watchlists", history_days=split_day,
             history_filings=filings - live)  # fmt: skip
    stamp.write_text(json.dumps(options))
    return out


# --- features -------------------------------------------------------------------------------


class Screening:
    """Best watchlist score of a filing's parties against its discharge agency's list."""

    def __init__(self, folder: Path) -> None:
        self.screeners = {a: Screener(load_watchlist(folder / f"{a}.watchlist.jsonl"))
                          for a in AGENCIES}  # fmt: skip
        self.cache: dict[tuple[Any, ...], float] = {}

    def best(self, agency: str, parties: dict[str, Any]) -> float:
        best = 0.0
        for role in ROLES:
            party = parties.get(role)
            if party is None:
                continue
            address = party["address"]
            key = (agency, party["name"], party.get("identifier"), address["country"],
                   address.get("city"))  # fmt: skip
            score = self.cache.get(key)
            if score is None:
                found = self.screeners[agency].screen_party(role, Party.model_validate(party))
                score = self.cache[key] = found[0].score if found else 0.0
            best = max(best, score)
        return best


def norms_of(history: Path, invalid: set[str]) -> Norms:
    """Price and weight norms from the training period's goods only."""
    documents = (d for d in _lines(history) if d["submission_id"] not in invalid)
    return Norms.from_frame(build_norms(goods_frame(documents)))


EXTRA_SCHEMA: dict[str, Any] = {
    "key": pl.String,
    "submission_id": pl.String,
    "agency": pl.String,
    TIME: pl.Datetime("us"),
    "first_received": HISTORY_SCHEMA["received_at"],
    "document_number": pl.String,
    "shipper_key": pl.String,
    "consignee_key": pl.String,
    "seals": pl.List(pl.String),
    WATCHLIST: pl.Float64,
}


def read_filings(paths: list[Path], invalid: set[str], norms: Norms, screening: Screening,
                 advance: Advance) -> tuple[pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Feature rows of each filing's latest version, and the submission -> filing map."""
    schema = {**polars_schema(), **EXTRA_SCHEMA}
    versions: dict[str, int] = {}
    firsts: dict[str, datetime] = {}
    chunks: list[pl.DataFrame] = []
    rows: list[dict[str, Any]] = []
    submissions: list[tuple[str, str]] = []
    for path in paths:
        for document in _lines(path):
            advance(1)
            submission = document["submission_id"]
            if submission in invalid:  # the node rejects it at intake
                continue
            key = f"{document['filer']['id']}|{document['transport_document']['number']}"
            submissions.append((submission, key))
            version = versions[key] = versions.get(key, 0) + 1
            received = _time(document["received_at"])
            first = firsts.setdefault(key, received)
            agency = document["route"]["port_of_discharge"][:2]
            row = filing_features(document, received_at=received, version=version, norms=norms)
            row |= history_row(document, first, key)
            del row["received_at"], row["finding"]
            row |= {
                "submission_id": submission,
                "agency": agency,
                TIME: _time(document["route"]["discharge_eta"]).replace(tzinfo=None),
                "first_received": first,
                WATCHLIST: screening.best(agency, document["parties"]),
            }
            rows.append(row)
            if len(rows) == 20_000:
                chunks.append(pl.DataFrame(rows, schema=schema, strict=False))
                rows = []
    chunks.append(pl.DataFrame(rows, schema=schema, strict=False))
    frame = pl.concat(chunks).unique("key", keep="last", maintain_order=True)
    return frame, pl.DataFrame(submissions, schema=["submission_id", "key"], orient="row")


def with_history(frame: pl.DataFrame, exams: pl.DataFrame, split: datetime) -> pl.DataFrame:
    """Fill the history features: filings counted from their first receipt, findings from the
    day after their exam (only exams done before the split: later outcomes are not known)."""
    filings = frame.select("key", pl.col("first_received").alias("received_at"),
                           "document_number", "shipper_key", "consignee_key", "seals")  # fmt: skip
    seen = history_features(filings.with_columns(pl.lit(None, pl.Boolean).alias("finding")),
                            filings)  # fmt: skip
    columns = ["key", "document_number", "shipper_key", "consignee_key", "seals"]
    finding_known = (pl.col("exam_date") + timedelta(days=1)).cast(pl.Datetime("us", "UTC"))
    known = (
        exams.filter(pl.col("exam_date") < split.date())
        .join(frame.select(columns), on="key")
        .select(finding_known.alias("received_at"), *columns[1:], pl.col("found").alias("finding"))
    )
    findings = history_features(known, filings).select("key", "party_prior_findings")
    history = seen.drop("party_prior_findings").join(findings, on="key", how="left")
    return frame.drop(HISTORY_FEATURES).join(history, on="key", how="left")


def truth_of(out: Path) -> pl.DataFrame:
    """The truth rows of the history and the live period."""
    live, past = (out.with_name(f"{out.stem}{part}.truth.parquet") for part in ("", ".history"))
    return pl.concat([pl.read_parquet(live), pl.read_parquet(past)])


def labels(out: Path, truth: pl.DataFrame, submissions: pl.DataFrame
           ) -> tuple[pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Per filing: the truth (threat, typology); per examined filing: the exam outcome."""
    threats = (
        truth.filter(~pl.col("invalid"))
        .join(submissions, on="submission_id")
        .group_by("key")
        .agg(pl.col("threat").any().alias(LABEL), pl.col("typology").drop_nulls().first())
    )
    exams = (
        pl.read_parquet(out.with_name(f"{out.stem}.exams.parquet"))
        .join(submissions, on="submission_id")
        .group_by("key")
        .agg(
            pl.col("found").any(),
            pl.col("selected_by").first(),
            pl.col("exam_date").max().str.to_date(),
            pl.col("agency").first().alias("exam_agency"),
        )
    )
    return threats, exams


def build(folder: Path, options: argparse.Namespace, clock: float
          ) -> tuple[pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """Simulate, then the labelled feature frame of every filing and the exams per filing.

    Both are kept in ``folder`` and reused by a later run with the same options.
    """
    out = simulated(folder, options.filings, options.seed, options.days, options.split_day)
    frame_file, exams_file = folder / "frame.parquet", folder / "exam_outcomes.parquet"
    if frame_file.is_file() and exams_file.is_file():
        print(f"reusing the feature frame in {folder}")
        return pl.read_parquet(frame_file), pl.read_parquet(exams_file)
    print(f"simulated at {time.perf_counter() - clock:.0f} s")
    split = SimulationConfig(filings=1, seed=options.seed).start
    paths = [history_path(out), out]
    truth = truth_of(out)
    invalid = set(truth.filter("invalid").get_column("submission_id").to_list())
    norms = norms_of(paths[0], invalid)
    screening = Screening(folder / "watchlists")
    total = sum(_count(path) for path in paths)
    with progress("features and screening", total) as advance:
        frame, submissions = read_filings(paths, invalid, norms, screening, advance)
    print(f"features built at {time.perf_counter() - clock:.0f} s ({frame.height} filings, "
          f"{len(screening.cache)} distinct parties screened)")  # fmt: skip
    threats, exams = labels(out, truth, submissions)
    frame = with_history(frame, exams, split).join(threats, on="key", how="left")
    frame = frame.with_columns(pl.col(LABEL).fill_null(value=False))
    frame.write_parquet(frame_file)
    exams.write_parquet(exams_file)
    return frame, exams


# --- training and scoring -------------------------------------------------------------------


def score_agency(frame: pl.DataFrame, exams: pl.DataFrame, agency: str, split: datetime,
                 report: dict[str, Any]) -> tuple[pl.DataFrame, pl.DataFrame]:  # fmt: skip
    """The agency's test rows with every method's score, and its training exams."""
    own = frame.filter(pl.col("agency") == agency)
    rules = packs.combine([packs.shipped_pack("harmonized"), packs.shipped_pack(agency.lower())])
    own = own.with_columns(rule_scores(own, rules))
    examined = own.join(exams.filter(pl.col("exam_date") < split.date()), on="key")
    randomly = (examined.get_column("selected_by") == "random").alias("is_random")
    past = examined.with_columns(
        pl.col("found").alias(LABEL),
        selection_weights(examined.get_column("selected_by"), RANDOM_RATE),
        balanced_weights(randomly),
        randomly,
    )
    future = own.filter(pl.col(TIME) >= split.replace(tzinfo=None))
    clock = time.perf_counter()
    # The node's own training (``train_pair``), on its column names; its partner is the model
    # that reads the features alone, trained the same way: the "model" line.
    node = train_pair(past.drop(frames.LABEL).rename({LABEL: frames.LABEL, TIME: frames.TIME}))
    seconds = round(time.perf_counter() - clock, 1)
    assert node.partner is not None
    scores = {"model": node.partner.predict(future).probability,
              "combined": node.predict(future).probability}  # fmt: skip
    for name, model in (("model", node.partner), ("combined", node)):
        meta = model.metadata
        report[f"{agency} {name}"] = {
            "seconds": seconds,
            "trees": meta["best_iteration"],
            "train": f"{meta['train_rows']} rows, {meta['train_positives']} findings",
            "valid": meta["metrics"]["valid"],
            "valid_random_share": meta["metrics"]["valid_random_share"],
        }
    rule, match = future.get_column(RULE_SCORE).to_numpy(), future.get_column(WATCHLIST).to_numpy()
    scored = future.with_columns(
        pl.Series("s_random", np.zeros(future.height)),
        pl.Series("s_rules", rule),
        pl.Series("s_watchlist", match),
        pl.Series("s_model", scores["model"]),
        pl.Series("s_rules+watchlist", combination.combine(rule, match, None)),
        pl.Series("s_combined", combination.combine(rule, match, scores["combined"])),
    )
    return scored, past


# --- figures --------------------------------------------------------------------------------


def at_rate(score: np.ndarray, truth: np.ndarray, groups: np.ndarray, rate: float
            ) -> tuple[int, dict[Any, float]]:  # fmt: skip
    """Examined count and expected hits per group at ``rate``; ties at the cut shared out."""
    rows = len(score)
    examined = min(rows, math.ceil(rows * rate / 100.0 - 1e-9))
    threshold = np.partition(score, rows - examined)[rows - examined]
    above, tied = score > threshold, score == threshold
    places = examined - int(above.sum())
    share = places / float(tied.sum())
    hits = {None: float(truth[above].sum()) + share * float(truth[tied].sum())}
    for group in {g for g in groups if g is not None}:
        mine = truth & (groups == group)
        hits[group] = float(mine[above].sum()) + share * float(mine[tied].sum())
    return examined, hits


def figures(test: pl.DataFrame, methods: list[str]) -> dict[str, Any]:
    """Precision and recall per method, rate and typology (None = all threats)."""
    truth = test.get_column(LABEL).to_numpy()
    groups = test.get_column("typology").to_numpy()
    positives: dict[Any, int] = {None: int(truth.sum())}
    positives |= {g: int((truth & (groups == g)).sum()) for g in set(groups) if g is not None}
    out: dict[str, Any] = {"rows": test.height, "positives": positives, "methods": {}}
    for method in methods:
        score = test.get_column(f"s_{method}").to_numpy().astype(np.float64)
        table = out["methods"][method] = {}
        for rate in RATES:
            examined, hits = at_rate(score, truth, groups, rate)
            table[rate] = {group: (hits[group] / examined,
                                   hits[group] / positives[group] if positives[group] else None)
                           for group in positives}  # fmt: skip
    return out


def print_figures(title: str, result: dict[str, Any], group: str | None = None) -> None:
    positives = result["positives"][group]
    print(f"\n{title}: {result['rows']} filings, {positives} threats")
    print(f"{'method':<16}" + "".join(f"{f'{r:g}% prec':>10}{f'{r:g}% rec':>9}" for r in RATES))
    for method, table in result["methods"].items():
        cells = [table[rate][group] for rate in RATES]
        print(f"{method:<16}" + "".join(f"{p:>10.3f}{r or 0:>9.3f}" for p, r in cells))


def print_bands(test: pl.DataFrame) -> None:
    """How the combined score's bands and actions split the test filings, and their threats."""
    score = test.get_column("s_combined").to_numpy()
    match = test.get_column(WATCHLIST).to_numpy()
    shown = test.select(LABEL).with_columns(
        pl.Series("band", combination.band(score)),
        pl.Series("action", combination.action(score, match)),
        pl.Series("p", combination.probability_of_score(score)),
    )
    for column in ("band", "action"):
        print(f"\ncombined score by {column}: filings, share, threats, threat rate, mean stated p")
        table = shown.group_by(column).agg(
            pl.len().alias("filings"), pl.col(LABEL).sum().alias("threats"),
            pl.col(LABEL).mean().alias("rate"), pl.col("p").mean().alias("stated"),
        ).sort("filings")  # fmt: skip
        for row in table.iter_rows(named=True):
            print(f"  {row[column]:<12}{row['filings']:>9}{row['filings'] / test.height:>8.2%}"
                  f"{row['threats']:>7}{row['rate']:>9.4f}{row['stated']:>9.4f}")  # fmt: skip


def _auc(metrics: dict[str, Any]) -> str:
    return "n/a" if metrics["auc"] is None else f"{metrics['auc']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=1_000_000)
    parser.add_argument("--days", type=float, default=120.0)
    parser.add_argument("--split-day", type=float, default=90.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="keep (or reuse) the simulated files here")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    clock = time.perf_counter()
    split = SimulationConfig(filings=1, seed=args.seed).start
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.data or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        frame, exams = build(folder, args, clock)
    report: dict[str, Any] = {}
    tests, trains = [], []
    with progress("training per agency", 2 * len(AGENCIES)) as advance:
        for agency in AGENCIES:
            test, past = score_agency(frame, exams, agency, split, report)
            tests.append(test)
            trains.append(past)
            advance(2)
    print(f"trained at {time.perf_counter() - clock:.0f} s")
    for name, info in report.items():
        valid, rand = info["valid"], info["valid_random_share"]
        print(f"  {name:<12} {info['train']}, {info['trees']} trees, {info['seconds']} s; "
              f"valid AUC {_auc(valid)} ({valid['rows']} rows, {valid['positives']} "
              f"findings); random share AUC {_auc(rand)} ({rand['rows']} rows, "
              f"{rand['positives']} findings)")  # fmt: skip
    test = pl.concat(tests, how="diagonal_relaxed")
    past = pl.concat(trains, how="diagonal_relaxed")
    methods = ["random", "rules", "watchlist", "rules+watchlist", "model", "combined"]
    twins = past.select(*TWIN_KEY).unique()
    fresh = test.join(twins, on=list(TWIN_KEY), how="anti", nulls_equal=True)
    result = {"all": figures(test, methods), "no_twin": figures(fresh, methods)}
    print_figures("all test filings", result["all"])
    print_figures("test filings with no identical twin among the training exams",
                  result["no_twin"])  # fmt: skip
    for group in sorted(g for g in result["all"]["positives"] if g is not None):
        print_figures(f"typology {group}", result["all"], group)
    print_bands(test)
    if args.json:
        args.json.write_text(json.dumps({"models": report, **result}, default=str, indent=1))
    print(f"\ntotal {time.perf_counter() - clock:.0f} s")


if __name__ == "__main__":
    main()
