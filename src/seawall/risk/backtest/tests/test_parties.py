"""The parties' history a backtest derives from a file's own rows, and the rules it applies."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from seawall.risk.backtest.mapping import BacktestError, ColumnMap, map_frame
from seawall.risk.backtest.parties import with_party_history
from seawall.risk.backtest.run import backtest
from seawall.risk.backtest.tests.test_backtest import declarations

SPLIT = datetime(2024, 3, 1)


def _mapped(rows: list[tuple[str, str | None, str, bool]], **parties: str) -> pl.DataFrame:
    data = pl.DataFrame(
        rows, schema=["day", "importer", "seller", "seized"], orient="row"
    ).with_columns(pl.col("day").str.to_date())
    mapping = ColumnMap(time="day", parties=parties)  # type: ignore[arg-type]
    return with_party_history(map_frame(data, mapping, "seized").frame, mapping, SPLIT)


def test_prior_findings_count_only_labels_known_before_the_split() -> None:
    frame = _mapped(
        [
            ("2024-01-10", "ACME", "S1", True),
            ("2024-01-10", "ACME", "S2", False),  # the same day: not before the other
            ("2024-02-01", "ACME", "S1", False),
            ("2024-03-05", "ACME", "S3", True),  # a test row: its label was not known
            ("2024-03-20", "ACME", "S1", False),
            ("2024-03-20", "OTHER", "S9", False),
        ],
        consignee="importer",
        shipper="seller",
    )
    assert frame["consignee_prior_filings"].to_list() == [0, 0, 2, 3, 4, 0]
    assert frame["shipper_prior_filings"].to_list() == [0, 0, 1, 0, 2, 0]
    # ACME's one finding before the split, plus S1's on the same filing (each role counts).
    assert frame["party_prior_findings"].to_list() == [0, 0, 2, 1, 2, 0]
    assert frame["party_first_seen"].to_list() == [True, True, False, True, False, True]


def test_a_role_the_file_does_not_give_is_unknown_not_first_seen() -> None:
    frame = _mapped(
        [
            ("2024-01-10", "ACME", "S1", True),
            ("2024-02-01", "ACME", "S1", False),
            ("2024-02-02", None, "S1", False),
        ],
        consignee="importer",
    )
    assert frame["shipper_first_seen"].to_list() == [None, None, None]
    assert frame["shipper_prior_filings"].to_list() == [None, None, None]
    assert frame["consignee_first_seen"].to_list() == [True, False, None]
    assert frame["party_first_seen"].to_list() == [True, False, None]
    assert frame["party_prior_findings"].to_list() == [0, 1, None]
    assert frame["seal_reused"].to_list() == [None, None, None]


def test_a_history_feature_the_file_maps_itself_is_kept() -> None:
    data = pl.DataFrame(
        {"day": [date(2024, 1, 1), date(2024, 3, 2)], "importer": ["A", "A"],
         "earlier": [7.0, 9.0], "seized": [True, False]}
    )  # fmt: skip
    mapping = ColumnMap(
        time="day",
        parties={"consignee": "importer"},
        features={"consignee_prior_filings": "earlier"},
    )
    frame = with_party_history(map_frame(data, mapping, "seized").frame, mapping, SPLIT)
    assert frame["consignee_prior_filings"].to_list() == [7.0, 9.0]
    assert frame["consignee_first_seen"].to_list() == [True, False]


def test_rules_score_a_file_alike_whatever_its_years() -> None:
    """Every shipped rule takes effect in 2024; a file from 2015 is still scored by them."""
    mapping = ColumnMap(
        time="declared_on",
        features={"hs_codes": "hs_code", "hours_late": "late_hours",
                  "declared_value_usd": "value", "total_weight_kg": "weight_kg"},
        parties={"consignee": "importer"},
    )  # fmt: skip
    recent = declarations(1200)
    shift = timedelta(weeks=520)  # ten years back, on the same weekdays
    old = recent.with_columns(pl.col("declared_on") - shift)
    now = backtest(recent, mapping, "seized", date(2025, 2, 20), [5, 10])
    then = backtest(old, mapping, "seized", date(2025, 2, 20) - shift, [5, 10])
    assert then.sections["all"]["rules"] == now.sections["all"]["rules"]
    # Rules fired on the old file: with none in effect, every row tied, as random selection.
    assert then.sections["all"]["rules"] != then.sections["all"]["random"]


@pytest.mark.parametrize("role", ["importer", "Shipper"])
def test_a_party_role_outside_the_two_is_refused(role: str) -> None:
    with pytest.raises(ValueError, match="parties"):
        ColumnMap.model_validate({"time": "day", "parties": {role: "importer"}})


def test_a_party_column_not_in_the_file_is_named() -> None:
    data = pl.DataFrame({"day": [date(2024, 1, 1)], "seized": [True]})
    mapping = ColumnMap(time="day", parties={"consignee": "importer"})
    with pytest.raises(BacktestError, match=r"importer \(party consignee\)"):
        map_frame(data, mapping, "seized")
