"""The parties' history in a backtest: what a file's earlier rows say about each row's parties.

The node's own definitions (``rules.history.history_features``) over the file's rows, its
``parties`` columns (MAP.yaml) as the party keys. A row's prior filings count every row of the
same party dated strictly before it; its prior findings count only the labels known when the
model is trained, those of rows before the split date: a test row a month after the split must
not learn from the test period's outcomes, which no officer would have had.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from seawall.risk.backtest.mapping import LABEL, TIME, ColumnMap, party_column
from seawall.risk.rules.catalogue import HISTORY_FEATURES
from seawall.risk.rules.history import FILINGS_SCHEMA, history_features

_ROW = "_row"
_ROLES = ("shipper", "consignee")  # the roles whose history the node counts


def with_party_history(frame: pl.DataFrame, mapping: ColumnMap, split: datetime) -> pl.DataFrame:
    """``frame`` (``mapping.map_frame``'s) with the parties' history features filled, unless
    the file maps them itself; seal reuse stays as mapped (a file rarely names seals)."""
    if not mapping.parties:
        return frame
    keys = pl.int_range(pl.len()).cast(pl.String)
    rows = frame.select(
        keys.alias("key"),
        pl.col(TIME).dt.replace_time_zone("UTC").alias("received_at"),
        keys.alias("document_number"),
        *[
            (pl.col(party_column(role)) if role in mapping.parties else pl.lit(None))
            .cast(pl.String)
            .alias(f"{role}_key")
            for role in _ROLES
        ],
        pl.lit([], dtype=pl.List(pl.String)).alias("seals"),
    ).cast(pl.Schema(FILINGS_SCHEMA))
    known_then = pl.when(pl.col(TIME) < split).then(pl.col(LABEL))
    history = rows.drop("key").with_columns(frame.select(known_then).to_series().alias("finding"))
    filled = [
        name for name in HISTORY_FEATURES if name not in mapping.features and name != "seal_reused"
    ]
    found = history_features(history, rows).select(
        pl.col("key").cast(pl.Int64).alias(_ROW), *filled
    )
    return (
        frame.drop(filled)
        .with_row_index(_ROW)
        .with_columns(pl.col(_ROW).cast(pl.Int64))
        .join(found, on=_ROW, how="left", maintain_order="left")
        .drop(_ROW)
        .select(frame.columns)
    )
