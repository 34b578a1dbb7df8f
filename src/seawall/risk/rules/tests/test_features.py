"""Feature records from hand-built filings, norms and z-scores, history, and a few rules."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import polars as pl
import pytest

from seawall.risk.rules import packs
from seawall.risk.rules.catalogue import CATALOGUE
from seawall.risk.rules.evaluate import score_record
from seawall.risk.rules.features import (
    FilingInput,
    feature_frame,
    filing_features,
    filing_history,
)
from seawall.risk.rules.history import (
    filings_frame,
    history_features,
    history_frame,
    history_row,
    party_key,
    party_keys,
)
from seawall.risk.rules.norms import Norms, build_norms, goods_frame
from seawall.risk.rules.vectorized import backtest_condition, score_frame

LOADING = datetime(2026, 11, 1, 8, tzinfo=UTC)
RULES = packs.in_effect(packs.agency_rules("US"), date(2026, 10, 31))


def hits(record: dict[str, Any]) -> set[str]:
    return {hit.rule_id for hit in score_record(record, RULES).hits}


def test_record_has_exactly_the_catalogue_fields(document: dict[str, Any]) -> None:
    record = filing_features(document)
    assert list(record) == list(CATALOGUE)
    assert record["loading_country"] == "CN"
    assert record["transshipment_countries"] == ["KR"]
    assert record["route_countries"] == ["CN", "KR", "CA"]
    assert record["hs_headings"] == ["9403"]
    assert record["declared_value_usd"] == 42_000.0
    assert record["hours_late"] is None  # no receipt time given
    assert record["party_first_seen"] is None  # no history given


def test_lateness_and_amendments(document: dict[str, Any]) -> None:
    on_time = filing_features(document, received_at=datetime(2026, 10, 30, tzinfo=UTC))
    assert on_time["hours_late"] == 0.0
    late = filing_features(document, received_at=datetime(2026, 11, 1, 10, tzinfo=UTC), version=3)
    assert late["hours_late"] == 26.0
    assert late["filed_after_loading"] is True
    assert late["amended_after_loading"] is True
    assert late["amendment_count"] == 2.0
    assert {"HRM-TIME-01", "HRM-TIME-02", "HRM-TIME-03", "US-ISF-01"} <= hits(late)
    assert "HRM-TIME-01" not in hits(on_time)


def test_currency_is_converted_and_unknown_currency_is_null(document: dict[str, Any]) -> None:
    document["goods"][0]["value"] = {"amount": "10000.00", "currency": "CAD"}
    assert filing_features(document)["declared_value_usd"] == pytest.approx(7_300.0)
    document["goods"][0]["value"]["currency"] = "XAU"
    assert filing_features(document)["declared_value_usd"] is None


def test_cocaine_route_cover_cargo_and_residential_consignee(document: dict[str, Any]) -> None:
    document["route"]["port_of_loading"] = document["route"]["place_of_receipt"] = "ECGYE"
    document["goods"][0] |= {
        "hs_code": "080390",
        "description": "Fresh bananas",
        "origin_country": "EC",
    }
    document["parties"]["consignee"] = {
        "name": "John Smith",
        "address": {"street": "12 Elm St Apt 4", "city": "Chicago", "country": "US"},
    }
    record = filing_features(document)
    assert record["consignee_is_residential"] is True
    assert {"HRM-ROUTE-05", "HRM-ROUTE-06", "HRM-PARTY-04", "HRM-PARTY-07"} <= hits(record)
    assert "HRM-ROUTE-02" not in hits(record)  # bananas from Ecuador loaded in Ecuador


def test_wood_packaging_unsealed_box_and_undeclared_weight(document: dict[str, Any]) -> None:
    document["goods"][0]["packages"] = {"count": 20, "type": "PX"}
    document["containers"][0]["seals"] = []
    document["containers"][0]["gross_weight_kg"] = 20_000.0  # 8.4 t of goods in a 40-foot box
    record = filing_features(document)
    assert record["has_wood_packaging"] is True
    assert record["weight_gap_ratio"] == pytest.approx((20_000 - 3_750 - 8_400) / 8_400)
    assert {"HRM-AGR-01", "HRM-SEAL-02", "HRM-WGT-01"} <= hits(record)


def test_origin_disguise_for_a_duty_order_commodity(document: dict[str, Any]) -> None:
    document["route"]["port_of_loading"] = document["route"]["place_of_receipt"] = "VNSGN"
    document["goods"][0] |= {"hs_code": "721049", "description": "Galvanized steel coils"}
    record = filing_features(document)
    assert record["origin_differs_from_loading"] is True
    assert {"HRM-ROUTE-02", "US-ADCVD-01", "HRM-AGR-02"} <= hits(record)


def goods(hs_code: str, usd_per_kg: float, kg_per_package: float) -> dict[str, Any]:
    return {
        "hs_code": hs_code,
        "gross_weight_kg": 1000.0,
        "packages": {"count": round(1000 / kg_per_package)},
        "value": {"amount": str(usd_per_kg * 1000), "currency": "USD"},
    }


def test_norms_are_median_and_scaled_mad_of_logs() -> None:
    prices = [1.0, 2.0, 4.0, 8.0, 16.0]
    history = [{"goods": [goods("940360", price, 10.0)]} for price in prices]
    table = build_norms(goods_frame(history), min_count=5)
    heading = table.filter(metric="value_per_kg", hs_prefix="9403").row(0, named=True)
    assert heading["count"] == 5
    assert heading["median"] == pytest.approx(math.log(4.0))
    # |log x - log 4| = 2, 1, 0, 1, 2 times log 2: the MAD is log 2.
    assert heading["scale"] == pytest.approx(1.4826 * math.log(2.0))
    weights = table.filter(metric="weight_per_package", hs_prefix="94").row(0, named=True)
    assert weights["scale"] == pytest.approx(0.05)  # identical packages: the floor, not zero
    norms = Norms.from_frame(table)
    assert norms.z("value_per_kg", "940390", 4.0) == pytest.approx(0.0)
    assert norms.z("value_per_kg", "940390", 0.25) == pytest.approx(-4 / 1.4826)
    assert norms.z("value_per_kg", "950300", 4.0) is None


def test_heading_falls_back_to_chapter_when_thin() -> None:
    rows = [{"goods": [goods("940360", 4.0, 10.0)]} for _ in range(3)]
    rows += [{"goods": [goods("940110", 1.0, 10.0)]} for _ in range(3)]
    norms = Norms.from_frame(build_norms(goods_frame(rows), min_count=4))
    assert ("value_per_kg", "9403") not in norms.table
    assert norms.z("value_per_kg", "940360", 2.0) == pytest.approx(0.0, abs=1e-9)


def test_z_scores_in_the_record_flag_undervaluation(document: dict[str, Any]) -> None:
    history = [{"goods": [goods("940360", price, 70.0)]} for price in (4.0, 5.0, 6.0) * 10]
    norms = Norms.from_frame(build_norms(goods_frame(history)))
    document["goods"][0]["value"]["amount"] = "840.00"  # 0.10 USD per kg
    record = filing_features(document, norms=norms)
    assert record["value_per_kg_z_min"] < -3
    assert "HRM-VAL-01" in hits(record)


def test_history_features_count_only_earlier_filings(document: dict[str, Any]) -> None:
    earlier = history_row(document, datetime(2026, 1, 1, tzinfo=UTC), finding=True)
    other = dict(document, transport_document={"number": "OTHER1", "kind": "master"})
    later = history_row(other, datetime(2026, 12, 1, tzinfo=UTC))
    history = history_frame([earlier, later])
    now = datetime(2026, 10, 30, tzinfo=UTC)
    found = filing_history(history, other, now)
    assert found == {
        "shipper_first_seen": False,
        "consignee_first_seen": False,
        "party_first_seen": False,
        "shipper_prior_filings": 1.0,
        "consignee_prior_filings": 1.0,
        "party_prior_findings": 2.0,
        "seal_reused": True,  # same seal earlier on another bill
    }
    first = filing_history(history, document, datetime(2025, 1, 1, tzinfo=UTC))
    assert first["party_first_seen"] is True
    assert first["seal_reused"] is False


def test_history_counts_are_the_earlier_rows_of_each_party() -> None:
    """Counted in bulk, a filing's prior filings and findings are the history rows of its
    party received strictly before it, whether the history lies before, among or after the
    filings, at the same instant included."""
    rng = random.Random(11)
    day = datetime(2026, 3, 1, tzinfo=UTC)
    # History over two days; the filings over the second, so that much history precedes them all.
    at = [day + timedelta(hours=rng.randrange(48)) for _ in range(300)]
    at += [day + timedelta(hours=rng.randrange(24, 48)) for _ in range(100)]
    parties = [f"CN|party {n}" for n in range(12)]
    past = [
        {"received_at": when, "document_number": f"H{n}", "shipper_key": rng.choice(parties),
         "consignee_key": rng.choice(parties), "seals": [],
         "finding": rng.choice([True, False, None])}
        for n, when in enumerate(at[:300])
    ]  # fmt: skip
    now = [
        {"key": f"F{n}", "received_at": when, "document_number": f"F{n}",
         "shipper_key": rng.choice(parties), "consignee_key": rng.choice(parties), "seals": []}
        for n, when in enumerate(sorted(at[300:]))
    ]  # fmt: skip
    found = history_features(history_frame(past), filings_frame(now)).rows_by_key(
        "key", named=True, unique=True
    )
    for filing in now:
        earlier = [row for row in past if row["received_at"] < filing["received_at"]]
        ours = {role: [row for row in earlier if row[f"{role}_key"] == filing[f"{role}_key"]]
                for role in ("shipper", "consignee")}  # fmt: skip
        counted = found[filing["key"]]
        assert counted["shipper_prior_filings"] == len(ours["shipper"])
        assert counted["consignee_prior_filings"] == len(ours["consignee"])
        findings = sum(bool(row["finding"]) for rows in ours.values() for row in rows)
        assert counted["party_prior_findings"] == findings


def test_party_keys_of_a_column_are_party_key_of_each() -> None:
    names = [
        "ACME Trading Co., Ltd.",
        "  acme trading co ltd ",
        "Schäfer GmbH",
        "İSTANBUL İhracat",
        "Straße & Söhne",
        "東京貿易株式会社",
        "O'Brien\tLogistics",
        "---",
        "",
        None,
        "Tab\x1fEnd",
    ]
    countries = ["CN", "CN", "DE", "TR", "DE", "JP", "IE", "US", "US", "US", None]
    keys = party_keys(pl.Series(names), pl.Series(countries)).to_list()
    expected = [party_key({"name": name, "address": {"country": country}})
                for name, country in zip(names, countries, strict=True)]  # fmt: skip
    assert keys == expected
    assert keys[0] == keys[1] == "CN|acme trading co ltd"


def test_feature_frame_matches_single_records(document: dict[str, Any]) -> None:
    history = history_frame([history_row(document, datetime(2026, 1, 1, tzinfo=UTC))])
    received = datetime(2026, 10, 31, 20, tzinfo=UTC)
    frame = feature_frame([FilingInput("k1", document, received, 2)], history=history)
    single = filing_features(
        document,
        received_at=received,
        version=2,
        history=filing_history(history, document, received),
    )
    assert frame.drop("key").row(0, named=True) == single
    scored = score_frame(frame, RULES)
    expected = [hit.rule_id for hit in score_record(single, RULES).hits]
    assert scored["rules_hit"][0].to_list() == expected


def test_backtest_counts_hits_and_hits_with_findings() -> None:
    frame = pl.DataFrame({
        "transshipment_count": [0.0, 2.0, 3.0, 2.0, None],
        "finding": [True, True, False, None, True],
    })  # fmt: skip
    result = backtest_condition("transshipment_count >= 2", frame)
    assert (result.rows, result.hits, result.findings, result.hits_with_finding) == (5, 3, 3, 1)
    assert result.hit_rate == pytest.approx(1 / 3)
    assert result.recall == pytest.approx(1 / 3)
