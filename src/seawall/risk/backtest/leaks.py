"""Columns that give the label away: an outcome recorded beside what was declared.

A file of labelled declarations often carries what the exam found as well as the declaration: a
seizure number, a duty recovered, a "critical fraud" flag, the exam's result. Read as a feature,
such a column makes the model look brilliant on the test rows and useless on tomorrow's
traffic, where nobody has written it yet. docs/backtest.md asks for them under ``ignore``; this
names the ones a mapping missed. On the training rows, a column leaks when the rows it marks
are all but always positive and hold a large share of the positives:

- the rows where it has a value (not null, not 0, not empty): a seizure number, a duty
  recovered, a flag;
- for text, the rows of its values that are all but always positive: ``SEIZURE`` beside
  ``NIL``.

No real declared field picks out a quarter of the positives without a miss; a warning costs a
user a look, a missed leak a wrong verdict on the whole backtest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from seawall.risk.backtest.mapping import LABEL

PURITY = 0.995  # the positive share of the rows a leaking column marks
COVERAGE = 0.25  # the share of the training positives they hold
MIN_ROWS = 10  # fewer marked rows prove nothing
MIN_VALUE_ROWS = 5  # a text value on fewer rows is an identifier, pure by chance


@dataclass(frozen=True, slots=True)
class Leak:
    """A column that marks positives on the training rows, with what it marks."""

    column: str  # as the data file names it
    rows: int  # training rows it marks
    positives: int  # of which positive
    share: float  # of all training positives
    values: tuple[str, ...]  # the text values that mark them; empty: having any value does

    def message(self) -> str:
        """The warning a user reads."""
        shown = ", ".join(repr(value) for value in self.values[:3])
        more = " ..." if len(self.values) > 3 else ""
        if len(self.values) > 1:
            marked = f"its values {shown}{more} mark"
        elif self.values:
            marked = f"its value {shown} marks"
        else:
            marked = "a value in it marks"
        return (
            f"column {self.column!r} gives the label away on the training rows: {marked} "
            f"{self.rows:,} rows, {self.positives:,} of them positive, {self.share:.0%} "
            "of all positives. If it records an outcome (a seizure, an exam result, a duty "
            "recovered) rather than what was declared, list it under ignore: in the mapping"
        )


def suspected_leaks(past: pl.DataFrame, sources: Mapping[str, str]) -> list[Leak]:
    """The columns of ``past`` (training rows with ``LABEL``) that give the label away;
    ``sources`` maps each column to check to the data file's name for it."""
    positives = int(past.get_column(LABEL).sum())
    if positives == 0:
        return []
    found = []
    for column, source in sources.items():
        values = past.get_column(column)
        leak = _by_having_a_value(past, values, source, positives)
        if leak is None and values.dtype == pl.String:
            leak = _by_value(past, values, source, positives)
        if leak is not None:
            found.append(leak)
    return found


def _leak(source: str, rows: int, hits: int, positives: int, values: tuple[str, ...] = ()
          ) -> Leak | None:  # fmt: skip
    if rows < MIN_ROWS or hits < PURITY * rows or hits < COVERAGE * positives:
        return None
    return Leak(source, rows, hits, hits / positives, values)


def _by_having_a_value(past: pl.DataFrame, values: pl.Series, source: str, positives: int
                       ) -> Leak | None:  # fmt: skip
    if values.dtype == pl.String:
        marked = values.str.strip_chars().fill_null("") != ""
    else:
        marked = values.cast(pl.Float64).fill_nan(None).fill_null(0) != 0
    rows = int(marked.sum())
    hits = int((marked & past.get_column(LABEL)).sum())
    return _leak(source, rows, hits, positives)


def _by_value(past: pl.DataFrame, values: pl.Series, source: str, positives: int
              ) -> Leak | None:  # fmt: skip
    groups = (
        pl.DataFrame({"value": values, "label": past.get_column(LABEL)})
        .drop_nulls("value")
        .group_by("value")
        .agg(pl.len().alias("rows"), pl.col("label").sum().alias("hits"))
        .filter(pl.col("rows") >= MIN_VALUE_ROWS, pl.col("hits") >= PURITY * pl.col("rows"))
        .sort("hits", "value", descending=[True, False])
    )
    rows, hits = int(groups.get_column("rows").sum()), int(groups.get_column("hits").sum())
    return _leak(source, rows, hits, positives, tuple(groups.get_column("value").to_list()))
