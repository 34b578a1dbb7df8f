"""The bulk feature frame equals the Python feature records, value for value, on simulated
traffic and on documents altered where Rust and Python could part ways."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seawall.risk.rules.catalogue import polars_schema
from seawall.risk.rules.features import filing_features
from seawall.risk.rules.frames import decode, document_frame
from seawall.risk.rules.norms import Norms, build_norms, goods_frame
from seawall.simulator.config import SimulationConfig
from seawall.simulator.service import simulate

LEAD_TIMES = {
    "marine": timedelta(hours=24),
    "air": timedelta(hours=4),
    "rail": timedelta(hours=2),
    "road": timedelta(hours=1, microseconds=7),
}
UTC_US = pl.Datetime("us", "UTC")


@dataclass(frozen=True)
class Traffic:
    """Valid simulated filings: their JSON text, their documents and norms built from them."""

    texts: list[str]
    documents: list[dict[str, Any]]
    norms: Norms


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Traffic:
    out = tmp_path_factory.mktemp("traffic") / "filings.jsonl"
    simulate(SimulationConfig(filings=3000, seed=11).with_threat_rate(0.05), out, workers=1)
    truth = pl.read_parquet(out.with_suffix(".truth.parquet"))  # a row per container
    invalid = set(truth.filter("invalid")["submission_id"].to_list())
    records = [(text, json.loads(text)) for text in out.read_text().splitlines()]
    texts = [text for text, document in records if document["submission_id"] not in invalid]
    documents = [document for _, document in records if document["submission_id"] not in invalid]
    return Traffic(texts, documents, Norms.from_frame(build_norms(goods_frame(documents))))


def _receipt(document: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(document["received_at"])


def _assert_same(
    texts: list[str],
    documents: list[dict[str, Any]],
    received: list[datetime | None],
    versions: list[int],
    norms: Norms,
) -> None:
    frame = document_frame(
        pl.Series(texts, dtype=pl.String),
        pl.Series(received, dtype=UTC_US),
        pl.Series(versions, dtype=pl.Int32),
        lead_times=LEAD_TIMES,
        norms=norms,
    )
    assert frame.schema == pl.Schema(polars_schema())
    expected = [
        filing_features(document, received_at=at, version=version, norms=norms,
                        lead_time=LEAD_TIMES[document.get("mode", "marine")])
        for document, at, version in zip(documents, received, versions, strict=True)
    ]  # fmt: skip
    for row, (got, want) in enumerate(zip(frame.to_dicts(), expected, strict=True)):
        assert got == want, (row, {k: (got[k], want[k]) for k in want if got[k] != want[k]})
    assert frame.height == len(expected)


def test_simulated_traffic_gives_the_python_records(traffic: Traffic) -> None:
    versions = [1 + index % 3 for index in range(len(traffic.texts))]
    # Every other row without a receipt time: the document's own is read instead.
    received = [_receipt(doc) if i % 2 else None for i, doc in enumerate(traffic.documents)]
    _assert_same(traffic.texts, traffic.documents, received, versions, traffic.norms)


def test_no_documents_give_an_empty_frame() -> None:
    empty = pl.Series([], dtype=pl.String)
    frame = document_frame(
        empty, pl.Series([], dtype=UTC_US), pl.Series([], dtype=pl.Int64),
        lead_times=LEAD_TIMES, norms=Norms({}),
    )  # fmt: skip
    assert frame.height == 0
    assert frame.schema == pl.Schema(polars_schema())


@pytest.mark.parametrize(
    ("text", "says"),
    [('{"mode": "marine"', "unexpected end of data"), ('{"mode": "a"} {}', "after document")],
)
def test_a_document_that_is_not_one_json_value_fails_its_batch(
    traffic: Traffic, text: str, says: str
) -> None:
    with pytest.raises(ValueError, match=f"could not be decoded.*{says}"):
        decode(pl.Series([*traffic.texts[:3], text]))


def test_a_mode_without_a_lead_time_is_refused(traffic: Traffic) -> None:
    texts = pl.Series(traffic.texts[:3])
    with pytest.raises(KeyError, match="marine"):
        document_frame(
            texts, pl.Series([None] * 3, dtype=UTC_US), pl.Series([1, 1, 1]),
            lead_times={"air": timedelta(hours=4)}, norms=traffic.norms,
        )  # fmt: skip


# Names and streets that Rust's regex and Python's read differently (a combining mark or a
# joiner is a word character to Rust, not to Python; "²" the reverse; Python's IGNORECASE
# matches "İ" and "ı" with "i"; "\x1c" is white space to Python only), and the same for
# case folding ("ß").
DIFFERENT = ["Acme Co\u0301", "Acme INC²", "İnc", "ınc", "Bob co\u200d", "Bob co½",
             "Shipped to\x1corder", "Strasse", "STRASSE"]  # fmt: skip
DIFFERENT_STREETS = ["12 Main St apt\u0301 4", "Main St #\x1c3", "flat\u0308 2"]


def test_text_rust_and_python_read_differently_gives_the_python_records(
    traffic: Traffic,
) -> None:
    documents = []
    for index, name in enumerate(DIFFERENT + DIFFERENT_STREETS):
        document = copy.deepcopy(traffic.documents[index])
        party = document["parties"]["consignee"]
        party.pop("identifier", None)
        if name in DIFFERENT:
            party["name"] = name
            document["parties"]["shipper"]["name"] = "Straße" if "SS" in name.upper() else "x"
        else:
            party["address"]["street"] = name
        documents.append(document)
    texts = [json.dumps(document) for document in documents]
    _assert_same(texts, documents, [None] * len(texts), [1] * len(texts), traffic.norms)


# Text where Rust's and Python's rules differ (case folding, word characters, white space,
# lower-casing), beside the words the regexes look for.
TRICKY = ["ß", "SS", "ss", "İ", "ı", "K", "ſ", "é", "e\u0301", "²", "٣", "\x1c", "\u00a0",
          "Σ", "ǅ", "ﬃ", "_", "#", "-", ".", "Ⅻ", "中国", "Ü", "\t"]  # fmt: skip
WORDS = [*DIFFERENT, *DIFFERENT_STREETS, "co", "Co.", "INC", "gmbh", "Logistics", "cargo",
         "to", "the", "order", "TO ORDER", "apt", "Apt.", "flat", "Room", "unit", "#12", "# 3",
         "Trading", "industries", "Müller",
         "Straße", "STRASSE", "smith", "John", "ltd", "SA", "as", "ab"]  # fmt: skip
text = st.lists(st.sampled_from(WORDS + TRICKY), min_size=1, max_size=5).flatmap(
    lambda parts: st.lists(st.sampled_from([" ", "", "  ", ",", "\u3000"]), min_size=len(parts),
                           max_size=len(parts)).map(
        lambda gaps: "".join(p + g for p, g in zip(parts, gaps, strict=True)).strip() or "x"
    )
)  # fmt: skip
weight = st.one_of(
    st.floats(0.001, 1e6, allow_nan=False, allow_infinity=False),
    st.integers(1, 1_000_000),
)


@st.composite
def altered(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with some of its optional or awkward parts drawn anew."""
    doc = copy.deepcopy(document)
    route, parties, consignee = doc["route"], doc["parties"], doc["parties"]["consignee"]
    if draw(st.booleans()):
        consignee["name"] = draw(text)
    if draw(st.booleans()):
        shipper = draw(st.sampled_from(["upper", "casefold", "other"]))
        name = consignee["name"]
        parties["shipper"]["name"] = {"upper": name.upper(), "casefold": name.casefold()}.get(
            shipper, "Other Party"
        )
    if draw(st.booleans()):
        consignee["address"]["street"] = draw(text)
    elif draw(st.booleans()):
        consignee["address"].pop("street", None)
    if draw(st.booleans()):
        consignee.pop("identifier", None)
    for role in ("importer", "manufacturer", "stuffing_location", "notify_party"):
        if draw(st.booleans()):
            parties.pop(role, None)
    if draw(st.booleans()):
        doc["mode"] = draw(st.sampled_from(list(LEAD_TIMES)))
    elif draw(st.booleans()):
        doc.pop("mode")
    if draw(st.booleans()):
        doc["transport_document"].pop("kind")
    if draw(st.booleans()):
        doc.pop("received_at")  # as stored
    if draw(st.booleans()):
        route["in_transit"] = True
        route["onward_mode"] = draw(st.sampled_from(["rail", "road", "inland_water"]))
        route["border_crossing"] = draw(st.sampled_from(["USPTL", "USDET", "CAVAN"]))
    elif draw(st.booleans()):
        for key in ("in_transit", "onward_mode", "border_crossing"):
            route.pop(key, None)
    ports = draw(st.lists(st.sampled_from(["KRPUS", "SGSIN", "CNSHA", "PAPTY"]), max_size=4))
    keep: bool = draw(st.booleans())
    if ports or keep:
        route["transshipment_ports"] = ports
    else:
        route.pop("transshipment_ports")
    if draw(st.booleans()):
        offset = draw(st.sampled_from(["Z", "+08:00", "-03:30", ".5Z", ".123456+05:45"]))
        route["loading_time"] = route["loading_time"][:19] + offset
    for item in doc["goods"]:
        if draw(st.booleans()):
            item["value"]["currency"] = draw(st.sampled_from(["XAU", "ZZZ", "EUR", "JPY"]))
        if draw(st.booleans()):
            item["value"]["amount"] = str(draw(st.decimals("0.01", "1e12", places=2)))
        if draw(st.booleans()):
            item["gross_weight_kg"] = draw(weight)
        if draw(st.booleans()):
            item["description"] = draw(text)
        if draw(st.booleans()):
            item["un_number"] = draw(st.sampled_from(["1203", "3480"]))
    for box in doc["containers"]:
        if draw(st.booleans()):
            box["seals"] = []
        elif draw(st.booleans()):
            box.pop("seals")
        if draw(st.booleans()):
            box["gross_weight_kg"] = draw(weight)
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_altered_documents_give_the_python_records(traffic: Traffic, data: st.DataObject) -> None:
    picked = data.draw(st.lists(st.sampled_from(traffic.documents), min_size=1, max_size=25))
    documents = [data.draw(altered(document)) for document in picked]
    indent = data.draw(st.sampled_from([None, 2]))  # line breaks between tokens are allowed
    texts = [json.dumps(doc, ensure_ascii=data.draw(st.booleans()), indent=indent)
             for doc in documents]  # fmt: skip
    at = st.datetimes(datetime(2025, 6, 1), datetime(2026, 6, 1), timezones=st.just(UTC))
    received = [data.draw(st.one_of(st.none(), at)) for _ in documents]
    versions = data.draw(st.lists(st.integers(1, 5), min_size=len(texts), max_size=len(texts)))
    _assert_same(texts, documents, received, versions, traffic.norms)
