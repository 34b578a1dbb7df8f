"""Risk profiles of categorical values in a backtest: counted by hand, and worth their keep."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from seawall.risk.backtest.mapping import LABEL, TIME
from seawall.risk.backtest.profiles import PRIOR_ROWS, with_profiles
from seawall.risk.backtest.tests.test_backtest import report_of

SPLIT = datetime(2025, 1, 3)


def test_a_value_counts_earlier_rows_and_only_the_labels_known_at_the_split() -> None:
    frame = pl.DataFrame(
        {
            TIME: [datetime(2025, 1, day) for day in (1, 1, 1, 2, 3, 3, 4, 4)],
            "importer": ["A", "A", "B", "A", "A", "A", "A", None],
            LABEL: [True, False, True, False, True, False, False, True],
        }
    )
    profiled = with_profiles(frame, ["importer"], SPLIT)
    base = 2 / 4  # positives among the four rows before the split
    # Same-day rows are not earlier; the split day's positive is not known to the model.
    assert profiled["importer_prior_rows"].to_list() == [0, 0, 0, 2, 3, 3, 5, None]
    rates = profiled["importer_prior_rate"].to_list()
    assert rates[0] == rates[2] == pytest.approx(base)
    assert rates[3] == pytest.approx((1 + PRIOR_ROWS * base) / (2 + PRIOR_ROWS))
    # On and after the split, A's rate rests on its three rows with known labels: the test
    # rows before day 4 count as rows, not as clean ones.
    assert rates[4] == rates[6] == pytest.approx((1 + PRIOR_ROWS * base) / (3 + PRIOR_ROWS))
    assert rates[7] is None
    assert profiled.columns == [*frame.columns, "importer_prior_rows", "importer_prior_rate"]


def test_nothing_to_profile_leaves_the_frame_as_it_was() -> None:
    frame = pl.DataFrame({TIME: [datetime(2025, 1, 1)], LABEL: [True]})
    assert with_profiles(frame, [], SPLIT).equals(frame)


def _importers_file(rows: int = 30_000, importers: int = 3_000, seed: int = 5) -> pl.DataFrame:
    """Fraud follows the importer alone: 3,000 of them, a few bad, each seen about ten times,
    too rarely for the model's top-250 categories to know them."""
    rng = np.random.default_rng(seed)
    importer = rng.integers(0, importers, rows)
    bad = rng.random(importers) < 0.05
    fraud = rng.random(rows) < np.where(bad[importer], 0.5, 0.02)
    days = np.sort(rng.integers(0, 360, rows))
    return pl.DataFrame(
        {
            "declared_on": [date(2024, 1, 1) + timedelta(days=int(day)) for day in days],
            "importer": [f"IMP{n}" for n in importer],
            "value": rng.lognormal(8, 1, rows).round(2),
            "fraud": fraud,
        }
    )


def test_the_model_finds_risky_values_too_rare_to_be_categories(tmp_path: Path) -> None:
    data, mapping = tmp_path / "declarations.csv", tmp_path / "map.yaml"
    _importers_file().write_csv(data)
    mapping.write_text("time: declared_on\nfeatures:\n  declared_value_usd: value\n")
    report = report_of(data, mapping, "fraud", "2024-10-01")
    assert "x_importer_prior_rate" in report["data"]["features"]["model"]
    # Random examines 10% and finds 10% of the fraud; the importers' record finds far more.
    assert report["model"]["10"]["recall"] > 0.3
