"""Validation of BRIEF step 2: every error at once, each with its field path."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from seawall.filings.intake import Checked, check
from seawall.filings.schemas import Acknowledgement
from seawall.filings.tests.factories import changed, filing_document


def errors_of(document: dict[str, Any]) -> dict[str, str]:
    outcome = check(document)
    assert isinstance(outcome, Acknowledgement), "expected the filing to be rejected"
    return {error.path: error.message for error in outcome.errors}


def test_a_valid_filing_passes() -> None:
    outcome = check(filing_document())
    assert isinstance(outcome, Checked)
    assert outcome.filer_id == "FWD001"
    assert len(orjson.loads(outcome.document)["containers"]) == 3


@pytest.mark.parametrize(
    ("path", "value", "says"),
    [
        ("containers.0.number", "CSQU3054384", "check digit"),
        ("containers.0.seals", ["12"], "not a seal number"),
        ("route.port_of_loading", "XX123", "not a UN/LOCODE"),
        ("route.port_of_loading", "ZZABC", "'ZZ' is not a country"),
        ("route.destination_country", "XK1", "country code"),
        ("goods.0.hs_code", "12345", "6 to 10 digits"),
        ("goods.0.hs_code", "770000", "chapter 77"),
        ("goods.0.description", "General Cargo", "does not say what the goods are"),
        ("goods.0.description", "FAK", "does not say what the goods are"),
        ("goods.0.description", "consolidated cargo", "does not say what the goods are"),
        ("goods.0.gross_weight_kg", -5, "greater than 0"),
        ("goods.0.value.currency", "XXY", "ISO 4217"),
        ("vessel.imo", "9321484", "IMO"),
        ("containers.0.size_type", "9ZZZ", "size-type"),
        ("route.loading_time", "2026-11-01T08:00:00", "timezone"),
        ("route.loading_time", "1793520000", "not a number"),
        ("route.destination_country", "us", "country code"),
        ("goods.0.value.currency", "usd", "ISO 4217"),
        ("containers.0.size_type", "OZG1", "size-type"),
        ("parties.shipper.address.postal_code", "", "at least 1 character"),
    ],
)
def test_field_formats(path: str, value: Any, says: str) -> None:
    errors = errors_of(changed(filing_document(), path, value))
    assert path in errors or any(p.startswith(path) for p in errors), errors
    assert says in " ".join(errors.values())


def test_every_format_error_is_reported_at_once() -> None:
    document = changed(filing_document(), "containers.1.number", "CSQU3054384")
    document = changed(document, "vessel.imo", "1234568")
    document = changed(document, "goods.2.hs_code", "99")
    document["surprise"] = True
    errors = errors_of(document)
    assert set(errors) >= {"containers.1.number", "vessel.imo", "goods.2.hs_code", "surprise"}
    assert errors["surprise"] == "unknown field"


def test_cross_field_errors_are_reported_at_once() -> None:
    document = filing_document()
    document["route"]["discharge_eta"] = "2000-01-01T00:00:00Z"
    document["containers"][1]["number"] = document["containers"][0]["number"]
    document["containers"][2]["goods_lines"].append(9)
    document["transport_document"]["kind"] = "house"
    errors = errors_of(document)
    assert "after loading" in errors["route.discharge_eta"]
    assert "more than once" in errors["containers.1.number"]
    assert "no goods item with line 9" in errors["containers.2.goods_lines.1"]
    assert "master bill" in errors["transport_document.master_number"]


def test_goods_must_be_in_a_container_and_fit_its_weight() -> None:
    document = filing_document(goods=4, containers=2)
    document["containers"][1]["goods_lines"] = [2]
    document["containers"][0]["gross_weight_kg"] = 40_000
    errors = errors_of(document)
    assert "is in no container" in errors["goods.3.line"]
    assert "maximum gross mass" in errors["containers.0.gross_weight_kg"]


def test_goods_heavier_than_their_boxes_are_refused() -> None:
    document = filing_document(goods=2, containers=1)
    for item in document["goods"]:
        item["gross_weight_kg"] = 9000.0
    errors = errors_of(document)
    assert "more than the" in errors["goods"]


def test_in_transit_needs_onward_mode_and_border_crossing() -> None:
    document = filing_document()
    document["route"]["onward_mode"] = "none"
    del document["route"]["border_crossing"]
    errors = errors_of(document)
    assert "onward mode" in errors["route.onward_mode"]
    assert "border crossing" in errors["route.border_crossing"]


def test_a_house_bill_names_its_master() -> None:
    document = filing_document()
    document["transport_document"] = {"number": "HB1", "kind": "house", "master_number": "MB1"}
    assert isinstance(check(document), Checked)


def test_wrong_types_are_named() -> None:
    document = changed(filing_document(), "goods.0.packages.count", "many")
    document = changed(document, "route.in_transit", {"a": 1})
    errors = errors_of(document)
    assert "valid integer" in errors["goods.0.packages.count"]
    assert "valid boolean" in errors["route.in_transit"]


def test_a_filer_may_file_only_as_itself() -> None:
    outcome = check(filing_document(), filer_id="OTHER")
    assert isinstance(outcome, Acknowledgement)
    assert outcome.errors[0].path == "filer.id"


def test_more_cross_field_errors() -> None:
    document = filing_document(containers=2, goods=2)
    document["containers"][1]["seals"] = document["containers"][0]["seals"]
    document["containers"][0]["goods_lines"] = [1, 1]
    document["route"]["final_destination"] = "CATOR"
    errors = errors_of(document)
    assert "more than once" in errors["containers.1.seals"]
    assert "more than once" in errors["containers.0.goods_lines.1"]
    assert "not in the destination country" in errors["route.final_destination"]


def test_a_border_crossing_belongs_to_an_in_transit_box() -> None:
    document = filing_document()
    document["route"] |= {"in_transit": False, "onward_mode": "none", "destination_country": "CA"}
    document["route"]["final_destination"] = "CATOR"
    errors = errors_of(document)
    assert "only an in-transit box" in errors["route.border_crossing"]


def test_descriptions_in_other_scripts_and_iata_codes_are_accepted() -> None:
    document = changed(filing_document(), "goods.0.description", "木制卧室家具")
    document = changed(document, "carrier.code", "U2")
    assert isinstance(check(document), Checked)
