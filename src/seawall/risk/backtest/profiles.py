"""Risk profiles in a backtest: what a file's earlier rows say about each categorical value.

The model reads a text column as categories, its 250 most frequent values at most (docs/model.md):
a file's importers, declarants or commodity codes run to thousands, and most of them would fall
into "other". The customs-risk literature profiles such values by their record instead (an
importer's, a commodity's, an origin's past fraud rate). Each categorical column the model reads
gets two numbers per row, counted as the parties' history is (``rules.history.prior_counts``):

- ``<column>_prior_rows``: the rows with the same value dated strictly before the row;
- ``<column>_prior_rate``: the positive rate among those whose label was known when the model
  was trained (rows before the split date), drawn toward the training rows' base rate by
  ``PRIOR_ROWS`` rows' worth: a value seen twice, once positive, is not a 50% risk. Rows of
  the test period count as rows but not in the rate, whose labels nobody had: counted in it,
  they would make every value look safer the further the test runs from the split.

A row with no value in the column has no profile (null, unknown).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import polars as pl

from seawall.risk.backtest.mapping import LABEL, TIME
from seawall.risk.rules.history import prior_counts

PRIOR_ROWS = 10  # the base rate's weight in a value's rate, in rows (an m-estimate's m)
_ROW = "key"  # the column ``prior_counts`` names each row by


def profile_names(column: str) -> tuple[str, str]:
    """The two profile columns of ``column``: prior rows, then prior rate."""
    return f"{column}_prior_rows", f"{column}_prior_rate"


def with_profiles(frame: pl.DataFrame, columns: Sequence[str], split: datetime) -> pl.DataFrame:
    """``frame`` with the profile columns of each of ``columns`` (see the module)."""
    if not columns:
        return frame
    known = pl.when(pl.col(TIME) < split).then(pl.col(LABEL))
    base = frame.select(known.cast(pl.Float64).mean()).item() or 0.0
    rows = frame.select(
        pl.int_range(pl.len()).cast(pl.String).alias(_ROW),
        pl.col(TIME).dt.replace_time_zone("UTC").alias("received_at"),
        known.alias("finding"),
        (pl.col(TIME) < split).alias("labelled"),
        *[pl.col(column).cast(pl.String).alias(f"{n}_key") for n, column in enumerate(columns)],
    ).lazy()
    # The same rows with "finding" true where the label is known: their count is the rate's.
    labelled = rows.with_columns(pl.col("labelled").alias("finding"))
    start = rows.select(pl.col("received_at").min()).collect().item()
    profiled = rows.select(_ROW)
    for n, column in enumerate(columns):
        seen, found = pl.col(f"{n}_prior_filings"), pl.col(f"{n}_prior_findings")
        judged = prior_counts(labelled, rows, str(n), start).select(_ROW, found.alias("judged"))
        named = profile_names(column)
        profiled = profiled.join(
            prior_counts(rows, rows, str(n), start)
            .join(judged, on=_ROW, how="left")
            .select(
                _ROW,
                seen.alias(named[0]),
                ((found + PRIOR_ROWS * base) / (pl.col("judged") + PRIOR_ROWS)).alias(named[1]),
            ),
            on=_ROW,
            how="left",
            maintain_order="left",
        )
    return pl.concat([frame, profiled.drop(_ROW).collect()], how="horizontal")
