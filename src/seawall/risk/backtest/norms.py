"""Commodity norms in a backtest: how far each row's value per kg and weight per package lie
from what is usual for its HS heading, as the node measures its goods items.

A file row is one declaration line: its first HS code, its weight, value and packages are one
goods item for ``rules.norms.build_norms``, built on the rows before the split (the training
rows; no label is read). Each row then gets the node's robust z-scores
(``value_per_kg_z_min``/``_max`` and ``weight_per_package_z_min``/``_max``, both the row's one
item), against its heading's norm or else its chapter's, so that the harmonized pack's
under- and over-valuation rules and the model read an outside file as they read filings.
"""

from __future__ import annotations

import polars as pl

from seawall.risk.backtest.mapping import ColumnMap
from seawall.risk.rules.norms import VALUE_PER_KG, WEIGHT_PER_PACKAGE, build_norms

# Each metric: its numerator and denominator features, and the z-score features it fills.
_METRICS = {
    VALUE_PER_KG: ("declared_value_usd", "total_weight_kg"),
    WEIGHT_PER_PACKAGE: ("total_weight_kg", "total_packages"),
}


def with_commodity_norms(
    frame: pl.DataFrame, mapping: ColumnMap, before: pl.Series
) -> pl.DataFrame:
    """``frame`` with the z-score features of each metric whose three inputs (the HS codes and
    the metric's two quantities) the file maps and whose z-scores it does not map itself."""
    metrics = [
        metric
        for metric, quantities in _METRICS.items()
        if {"hs_codes", *quantities} <= set(mapping.features)
        and not {f"{metric}_z_min", f"{metric}_z_max"} & set(mapping.features)
    ]
    if not metrics:
        return frame
    code = pl.col("hs_codes").list.first()
    goods = frame.filter(before).select(
        code.alias("hs_code"),
        pl.col("total_weight_kg").alias("gross_weight_kg"),
        pl.col("total_packages").alias("packages"),
        pl.col("declared_value_usd").alias("value_usd"),
    )
    norms = build_norms(goods)
    scores = []
    for metric in metrics:
        over, under = (pl.col(name) for name in _METRICS[metric])
        median, scale = (_norm(norms, metric, code, figure) for figure in ("median", "scale"))
        score = pl.when((over > 0) & (under > 0)).then(((over / under).log() - median) / scale)
        scores += [score.alias(f"{metric}_z_min"), score.alias(f"{metric}_z_max")]
    return frame.with_columns(scores)


def _norm(norms: pl.DataFrame, metric: str, code: pl.Expr, figure: str) -> pl.Expr:
    """The heading's ``figure`` (median or scale) for each row's code, else the chapter's."""
    table = norms.filter(pl.col("metric") == metric)
    prefixes, values = table.get_column("hs_prefix"), table.get_column(figure)
    heading = code.str.slice(0, 4).replace_strict(prefixes, values, default=None)
    chapter = code.str.slice(0, 2).replace_strict(prefixes, values, default=None)
    return pl.coalesce(heading, chapter)
