"""The backtest: train on the past, then compare four ways of picking exams on the future.

Methods, each ranking the test rows: ``random`` (no information: every row tied), ``rules``
(the harmonized pack's score), ``model`` (LightGBM on the features) and ``combined`` (the same
model with the rule score as one more input, so it learns from the labels how far to trust each
score level, blended with the model alone as the node blends its two). See docs/backtest.md.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import fastexcel
import numpy as np
import polars as pl

from seawall.risk.backtest.leaks import suspected_leaks
from seawall.risk.backtest.mapping import LABEL, TIME, BacktestError, ColumnMap, map_frame
from seawall.risk.backtest.metrics import at_rate
from seawall.risk.backtest.norms import with_commodity_norms
from seawall.risk.backtest.parties import with_party_history
from seawall.risk.backtest.profiles import profile_names, with_profiles
from seawall.risk.model import TrainedModel, TrainingError, blend, default_spec, train, with_derived
from seawall.risk.rules import packs
from seawall.risk.rules.vectorized import RULE_SCORE, RULES_HIT, FrameRule, score_frame

METHODS = ("random", "rules", "model", "combined")


def read_data(path: Path, mapping: ColumnMap) -> pl.DataFrame:
    """A declarations file as a frame, its kind chosen by its name: CSV (``.csv``, or
    ``.csv.gz`` compressed), Parquet (``.parquet``, ``.pq``), JSON Lines (``.jsonl``,
    ``.ndjson``) or a spreadsheet's first sheet (``.xlsx``, ``.xls``, ``.ods``). A CSV is
    read with the mapping's ``separator``, ``decimal_comma`` and ``encoding``; the mapping's
    ``text_columns`` are read as written, and the column types are inferred from every row
    (a decimal on row 20,000 of integers)."""
    if not path.is_file():
        raise BacktestError(f"data file {path}: no such file")
    name = path.name.lower()
    text = dict.fromkeys(mapping.text_columns(), pl.String())
    try:
        if name.endswith((".csv", ".csv.gz")):
            _check_separator(path, mapping.separator)
            return pl.read_csv(
                _in_utf8(path, mapping.encoding),
                separator=mapping.separator,
                decimal_comma=mapping.decimal_comma,
                infer_schema_length=None,
                try_parse_dates=True,
                schema_overrides=text,
            )
        if name.endswith((".parquet", ".pq")):
            return pl.read_parquet(path)
        if name.endswith((".jsonl", ".ndjson")):
            return pl.read_ndjson(path, infer_schema_length=None, schema_overrides=text)
        if name.endswith((".xlsx", ".xls", ".ods")):
            return pl.read_excel(path, infer_schema_length=None, schema_overrides=text)
    except (pl.exceptions.PolarsError, fastexcel.FastExcelError, OSError) as error:
        first = str(error).strip().splitlines()[0]
        hint = " (written in another encoding? give it as encoding: in the mapping)"
        raise BacktestError(
            f"data file {path}: cannot read it ({first}){hint if 'utf-8' in first else ''}"
        ) from None
    suffix = path.suffix or "no suffix"
    kinds = ".csv, .csv.gz, .parquet, .jsonl or a spreadsheet (.xlsx, .xls, .ods)"
    raise BacktestError(f"data file {path}: expected {kinds}, not {suffix}")


def _in_utf8(path: Path, encoding: str) -> Path | bytes:
    """The CSV as Polars reads it: the file itself when UTF-8, else its text re-encoded; a
    byte the encoding cannot read is named by its offset."""
    if encoding == "utf-8":
        return path
    raw = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        raw = gzip.decompress(raw)
    try:
        return raw.decode(encoding).encode("utf-8")
    except UnicodeDecodeError as error:
        raise BacktestError(
            f"data file {path}: byte {error.start} is not {encoding} ({error.reason})"
        ) from None


def _check_separator(path: Path, separator: str) -> None:
    """A CSV whose header has no ``separator`` but another one was written with that other
    (spreadsheets in many countries write ";"): say which to give, rather than fail on its
    first row or name every mapped column as missing."""
    with gzip.open(path) if path.name.lower().endswith(".gz") else path.open("rb") as file:
        header = file.readline(_HEADER_BYTES).decode("utf-8", errors="replace")
    if separator in header:
        return
    others = [mark for mark in (";", "\t", "|", ",") if mark in header]
    if others:
        written = json.dumps(others[0])  # as YAML reads it: "\t" is a tab
        raise BacktestError(
            f"data file {path}: its header holds no {json.dumps(separator)} but {written}: "
            f"give separator: {written} in the mapping"
        )


_HEADER_BYTES = 1 << 20  # a header line longer than this is not a declarations file's


def rule_scores(frame: pl.DataFrame, rules: Sequence[packs.CompiledRule]) -> pl.Series:
    """Each row's rule score, using the rules in effect on that row's date (the node's own
    traffic, dated within the rules' time: ``bench/targeting.py``).

    Rows are grouped by the set of rules in effect (rules change rarely), one bulk call each.
    """
    days = frame.get_column(TIME).dt.date()
    by_set: dict[tuple[str, ...], list[date]] = {}
    for day in days.unique().to_list():
        live = packs.in_effect(rules, day)
        by_set.setdefault(tuple(rule.id for rule in live), []).append(day)
    scores = np.zeros(frame.height, dtype=np.float64)
    for ids, group in by_set.items():
        chosen: list[FrameRule] = [rule for rule in rules if rule.id in ids]
        mask = days.is_in(group).to_numpy()
        scored = score_frame(frame.filter(pl.Series(mask)), chosen)
        scores[mask] = scored.get_column(RULE_SCORE).to_numpy()
    return pl.Series(RULE_SCORE, scores)


@dataclass
class Report:
    """Figures per section (``all``, ``no_twin``), method and rate, with the data's counts."""

    data: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, dict[str, dict[str, dict[str, Any]]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Methods at the top (then rates), the twin-free figures under ``no_twin``."""
        return {**self.sections["all"], "no_twin": self.sections["no_twin"], "data": self.data}


def rate_key(rate: float) -> str:
    """A rate as a JSON key: ``1``, ``2.5``."""
    return f"{rate:g}"


def _section(scores: dict[str, np.ndarray], label: np.ndarray, rates: Sequence[float]
             ) -> dict[str, dict[str, dict[str, Any]]]:  # fmt: skip
    return {
        method: {rate_key(rate): at_rate(score, label, rate).to_json() for rate in rates}
        for method, score in scores.items()
    }


def _no_twin(train: pl.DataFrame, test: pl.DataFrame, key: Sequence[str]) -> np.ndarray:
    """Mask of test rows whose key values appear on no training row (null matches null)."""
    if not key:
        return np.ones(test.height, dtype=bool)
    seen = train.select(key).unique().with_columns(pl.lit(value=True).alias("_seen"))
    joined = test.select(key).join(seen, on=list(key), how="left", nulls_equal=True,
                                   maintain_order="left")  # fmt: skip
    return joined.get_column("_seen").is_null().to_numpy()


def method_scores(future: pl.DataFrame, alone: TrainedModel, with_rules: TrainedModel
                  ) -> dict[str, np.ndarray]:  # fmt: skip
    """Each method's score of the test rows, higher first: ``alone`` is the model on the
    features, ``with_rules`` the one with the rule score too.

    ``combined`` blends the two (``risk.model.blend``), as the node's training blends its
    model with and without the rule and watchlist scores: on outside-shaped files the model
    with the rule score alone lost to the model without it about as often as it won.
    Rank by log-odds: the same order as the calibrated probability, minus isotonic ties.
    """
    return {
        "random": np.zeros(future.height),
        "rules": future.get_column(RULE_SCORE).to_numpy(),
        "model": alone.predict(future).score,
        "combined": blend(with_rules, alone).predict(future).score,
    }


STEPS = 4  # what ``backtest`` reports to ``advance``: features, each model, the figures


def backtest(data: pl.DataFrame, mapping: ColumnMap, label: str, split: date,
             rates: Sequence[float], seed: int = 0,
             advance: Callable[[], None] = lambda: None) -> Report:  # fmt: skip
    """Train on rows dated before ``split``, score rows on or after it, compare the methods;
    ``advance`` is called after each of its ``STEPS`` (a progress bar: training takes most of
    a run, a minute or two on a million rows)."""
    mapped = map_frame(data, mapping, label)
    frame = mapped.frame
    if frame.height == 0:
        raise BacktestError("the data file has no labelled rows")
    boundary = datetime(split.year, split.month, split.day)
    first, last = frame.get_column(TIME).min(), frame.get_column(TIME).max()
    before = frame.get_column(TIME) < boundary
    if not before.any() or before.all():
        raise BacktestError(
            f"split date {split} is outside the data, which runs from {first!s} to {last!s}"
        )
    frame = with_commodity_norms(frame, mapping, before)
    frame = with_derived(with_party_history(frame, mapping, boundary))
    categories = default_spec(frame.filter(before), extra=mapped.extras).categorical
    frame = with_profiles(frame, categories, boundary)
    extras = [*mapped.extras, *(name for column in categories for name in profile_names(column))]
    # Today's rules on every row: the question is what the pack would have selected, and an
    # outside file's dates often precede every rule's effective date (none would fire).
    in_force = packs.in_effect(packs.shipped_pack("harmonized").rules, date.today())
    frame = score_frame(frame, in_force).drop(RULES_HIT)
    past, future = frame.filter(before), frame.filter(~before)
    advance()
    if not past.get_column(LABEL).any():
        raise BacktestError(f"no positive {label!r} among the {past.height} rows before {split}")
    leaks = suspected_leaks(past, mapped.sources)
    base = default_spec(past, extra=extras)
    with_rules = default_spec(past, extra=[*extras, RULE_SCORE])
    try:
        alone = train(past, label=LABEL, time=TIME, spec=base, seed=seed, refit=True)
        advance()
        combined = train(past, label=LABEL, time=TIME, spec=with_rules, seed=seed, refit=True,
                         monotone={RULE_SCORE: 1})  # fmt: skip
    except TrainingError as error:
        raise BacktestError(f"cannot train on the rows before {split}: {error}") from None
    advance()
    scores = method_scores(future, alone, combined)
    truth = future.get_column(LABEL).to_numpy()
    fresh = _no_twin(past, future, mapped.key)
    report = Report()
    report.sections["all"] = _section(scores, truth, rates)
    report.sections["no_twin"] = _section({m: s[fresh] for m, s in scores.items()}, truth[fresh],
                                          rates)  # fmt: skip
    report.data = {
        "split_date": split.isoformat(),
        "period": {"from": str(first), "to": str(last)},
        "train_rows": past.height,
        "train_positives": int(past.get_column(LABEL).sum()),
        "test_rows": future.height,
        "test_positives": int(truth.sum()),
        "no_twin_rows": int(fresh.sum()),
        "no_twin_positives": int(truth[fresh].sum()),
        "dropped_unlabelled": mapped.dropped_unlabelled,
        "dropped_undated": mapped.dropped_undated,
        "key": list(mapping.key),
        "parties": dict(mapping.parties),
        "features": {"model": base.names, "combined": with_rules.names},
        "models": {"model": alone.metadata["metrics"], "combined": combined.metadata["metrics"]},
        "warnings": [leak.message() for leak in leaks],
    }
    advance()
    return report
