"""Commodity norms in a backtest: the node's z-scores, and the valuation rules they let fire."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from seawall.risk.backtest.mapping import LABEL, TIME, ColumnMap, map_frame
from seawall.risk.backtest.norms import with_commodity_norms
from seawall.risk.backtest.tests.test_backtest import report_of
from seawall.risk.rules.norms import VALUE_PER_KG, WEIGHT_PER_PACKAGE, Norms, build_norms

MAPPED = {"hs_codes": "hs", "declared_value_usd": "value", "total_weight_kg": "kg",
          "total_packages": "packages"}  # fmt: skip


def _declarations(rows: int, seed: int = 2) -> pl.DataFrame:
    """Commodities of their own usual price per kg; most fraud is declared far under it."""
    rng = np.random.default_rng(seed)
    codes = [f"{rng.integers(1, 97):02d}{rng.integers(0, 10_000):04d}" for _ in range(60)]
    commodity = rng.integers(0, len(codes), rows)
    usual = rng.normal(3, 1.5, len(codes))[commodity]
    fraud = rng.random(rows) < 0.05
    under = np.where(fraud & (rng.random(rows) < 0.8), rng.uniform(1.5, 3, rows), 0)
    kg = rng.lognormal(6, 1, rows)
    return pl.DataFrame(
        {
            "day": [
                date(2024, 1, 1) + timedelta(days=int(d))
                for d in np.sort(rng.integers(0, 360, rows))
            ],
            "hs": [codes[n] for n in commodity],
            "kg": kg.round(1),
            "value": (kg * np.exp(usual + rng.normal(0, 0.3, rows) - under)).round(2),
            "packages": rng.integers(1, 40, rows),
            "fraud": fraud,
        }
    )


def test_each_row_gets_the_nodes_z_scores_from_the_rows_before_the_split() -> None:
    data = _declarations(4_000)
    mapping = ColumnMap(time="day", features=MAPPED)
    frame = map_frame(data, mapping, "fraud").frame
    before = frame.get_column(TIME) < datetime(2024, 10, 1)
    scored = with_commodity_norms(frame, mapping, before)
    goods = data.filter(before).select(
        pl.col("hs").alias("hs_code"), pl.col("kg").alias("gross_weight_kg"),
        "packages", pl.col("value").alias("value_usd"),
    )  # fmt: skip
    norms = Norms.from_frame(build_norms(goods))
    for row in scored.head(50).iter_rows(named=True):
        code, kg = row["hs_codes"][0], row["total_weight_kg"]
        value = norms.z(VALUE_PER_KG, code, row["declared_value_usd"] / kg)
        weight = norms.z(WEIGHT_PER_PACKAGE, code, kg / row["total_packages"])
        assert row["value_per_kg_z_min"] == row["value_per_kg_z_max"] == pytest.approx(value)
        assert row["weight_per_package_z_max"] == pytest.approx(weight)
    assert scored.get_column(LABEL).equals(frame.get_column(LABEL))


def test_a_file_without_the_quantities_or_with_its_own_z_scores_is_left_alone() -> None:
    data = _declarations(4_000).with_columns(pl.lit(1.5).alias("own_z"))
    frame = map_frame(data, ColumnMap(time="day", features=MAPPED), "fraud").frame
    before = frame.get_column(TIME) < datetime(2024, 10, 1)
    weightless = ColumnMap(time="day", features={"hs_codes": "hs", "declared_value_usd": "value"})
    assert with_commodity_norms(frame, weightless, before).equals(frame)
    own = ColumnMap(time="day", features=MAPPED | {"value_per_kg_z_min": "own_z"})
    kept = with_commodity_norms(map_frame(data, own, "fraud").frame, own, before)
    assert kept.get_column("value_per_kg_z_min").unique().to_list() == [1.5]
    assert kept.get_column("weight_per_package_z_min").null_count() < kept.height


def test_the_valuation_rules_find_undervalued_declarations_in_an_outside_file(
    tmp_path: Path,
) -> None:
    data, mapping = tmp_path / "declarations.csv", tmp_path / "map.yaml"
    _declarations(20_000).write_csv(data)
    mapping.write_text(
        "time: day\nfeatures:\n"
        + "".join(f"  {name}: {column}\n" for name, column in MAPPED.items())
    )
    report = report_of(data, mapping, "fraud", "2024-10-01")
    # Random finds 10% at 10%; "declared far under the heading's usual price" finds most.
    assert report["rules"]["10"]["recall"] > 0.4
