"""Commodity norms: what value per kg and weight per package are usual for an HS heading.

Norms are robust statistics of the logarithm (prices and package weights are roughly
log-normal and span orders of magnitude): the median and the MAD scaled by 1.4826, so that the
scale matches a standard deviation for normal data and a few outliers in history do not move it.
A goods item's robust z-score is ``(log(x) - median) / scale`` against its HS heading (first 4
digits) when history holds enough items of that heading, else against its chapter (2 digits).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import polars as pl

# Rough USD value of one unit of each currency. A static table is an approximation (rates move
# by a few percent a month), good enough for z-scores whose scale is tens of percent; the node
# may pass its own table to the feature builder.
USD_RATES: dict[str, float] = {
    "USD": 1.0, "CAD": 0.73, "EUR": 1.08, "GBP": 1.27, "CHF": 1.13, "CNY": 0.14, "HKD": 0.128,
    "JPY": 0.0067, "KRW": 0.00074, "TWD": 0.031, "SGD": 0.74, "INR": 0.012, "VND": 0.00004,
    "THB": 0.028, "MYR": 0.22, "IDR": 0.000063, "PHP": 0.017, "AUD": 0.66, "NZD": 0.6,
    "MXN": 0.055, "BRL": 0.19, "CLP": 0.0011, "COP": 0.00025, "PEN": 0.27, "AED": 0.272,
    "SAR": 0.267, "TRY": 0.03, "ZAR": 0.055, "SEK": 0.095, "NOK": 0.094, "DKK": 0.145,
    "PLN": 0.25, "ILS": 0.27, "PKR": 0.0036, "BDT": 0.0085, "EGP": 0.02, "NGN": 0.00065,
}  # fmt: skip
VALUE_PER_KG = "value_per_kg"
WEIGHT_PER_PACKAGE = "weight_per_package"
MIN_COUNT = 20  # items of a heading needed before its own norm is trusted over the chapter's
MIN_SCALE = 0.05  # log units: a heading whose items all cost the same must not give infinite z
_MAD_TO_SIGMA = 1.4826


def usd(amount: Decimal | float | str, currency: str, rates: Mapping[str, float]) -> float | None:
    """An amount in USD at the static rates; None when the currency is not in the table."""
    rate = rates.get(currency)
    return None if rate is None else float(amount) * rate


def goods_frame(
    documents: Iterable[Mapping[str, Any]],
    rates: Mapping[str, float] = USD_RATES,
) -> pl.DataFrame:
    """One row per goods item of filing documents: the input of :func:`build_norms`.

    Columns: ``hs_code``, ``gross_weight_kg``, ``packages``, ``value_usd`` (null for an unknown
    currency). The node may build the same frame straight from its database.
    """
    rows = [
        {
            "hs_code": item["hs_code"],
            "gross_weight_kg": float(item["gross_weight_kg"]),
            "packages": int(item["packages"]["count"]),
            "value_usd": usd(item["value"]["amount"], item["value"]["currency"], rates),
        }
        for document in documents
        for item in document["goods"]
    ]
    schema = {"hs_code": pl.String, "gross_weight_kg": pl.Float64, "packages": pl.Int64,
              "value_usd": pl.Float64}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def build_norms(goods: pl.DataFrame | pl.LazyFrame, min_count: int = MIN_COUNT) -> pl.DataFrame:
    """The norms table from past goods items (columns as :func:`goods_frame` makes them).

    One row per (metric, HS prefix) with at least ``min_count`` items: ``metric``
    (value_per_kg or weight_per_package), ``hs_prefix`` (4-digit heading or 2-digit chapter),
    ``count``, ``median`` and ``scale`` of the natural log of the metric.
    """
    logs = goods.lazy().select(
        pl.col("hs_code").str.slice(0, 4).alias("heading"),
        pl.col("hs_code").str.slice(0, 2).alias("chapter"),
        (pl.col("value_usd") / pl.col("gross_weight_kg")).log().alias(VALUE_PER_KG),
        (pl.col("gross_weight_kg") / pl.col("packages")).log().alias(WEIGHT_PER_PACKAGE),
    )
    long = logs.unpivot(
        index=["heading", "chapter"], on=[VALUE_PER_KG, WEIGHT_PER_PACKAGE],
        variable_name="metric", value_name="x",
    ).filter(pl.col("x").is_not_null() & pl.col("x").is_finite())  # fmt: skip
    tables = []
    for level in ("heading", "chapter"):
        tables.append(
            long.with_columns(pl.col(level).alias("hs_prefix"))
            .group_by("metric", "hs_prefix")
            .agg(
                pl.len().cast(pl.Int64).alias("count"),
                pl.col("x").median().alias("median"),
                ((pl.col("x") - pl.col("x").median()).abs().median() * _MAD_TO_SIGMA)
                .clip(lower_bound=MIN_SCALE)
                .alias("scale"),
            )
        )
    return (
        pl.concat(tables).filter(pl.col("count") >= min_count).sort("metric", "hs_prefix").collect()
    )


@dataclass(frozen=True, slots=True)
class Norms:
    """The norms table as a look-up for scoring one filing at a time."""

    table: Mapping[tuple[str, str], tuple[float, float]]

    @classmethod
    def from_frame(cls, frame: pl.DataFrame) -> Norms:
        """Index a table made by :func:`build_norms`."""
        return cls({
            (row["metric"], row["hs_prefix"]): (row["median"], row["scale"])
            for row in frame.iter_rows(named=True)
        })  # fmt: skip

    def z(self, metric: str, hs_code: str, value: float) -> float | None:
        """Robust z-score of ``value`` against the heading's norm, else the chapter's, else None."""
        if value <= 0:
            return None
        norm = self.table.get((metric, hs_code[:4])) or self.table.get((metric, hs_code[:2]))
        if norm is None:
            return None
        median, scale = norm
        return (math.log(value) - median) / scale


EMPTY_NORMS = Norms({})
