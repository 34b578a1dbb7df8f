"""The feature record: the flat view of one filing version that rules are written against.

:func:`filing_features` builds one record (a dict with exactly the catalogue's fields) from a
filing document (``to_document`` form); :func:`feature_frame` builds the Polars feature frame of
many with the very same function, so the bulk path cannot drift from the single one. History
fields come from the caller (node database) or from :mod:`seawall.risk.rules.history`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import polars as pl

from seawall.risk.rules.catalogue import CATALOGUE, HISTORY_FEATURES, polars_schema
from seawall.risk.rules.history import filings_frame, history_features, history_row
from seawall.risk.rules.norms import (
    EMPTY_NORMS,
    USD_RATES,
    VALUE_PER_KG,
    WEIGHT_PER_PACKAGE,
    Norms,
    usd,
)

LEAD_TIME = timedelta(hours=24)  # marine 24-hour rule; the node passes its configured figure
# UN/ECE Rec. 21 codes of wooden packages, and of pallets, crates and casks, which are mostly
# wood unless said otherwise: the packages ISPM 15 is about.
WOOD_PACKAGE_TYPES = frozenset(
    {"4C", "4D", "4F", "8A", "8B", "8C", "2C", "QH", "QJ", "PX", "CR", "CK", "BA"}
)
# Typical tare by the length character of the ISO 6346 size-type code, kg. An estimate: the
# real tare is painted on the box; reefers and high-cubes weigh a few hundred kg more.
TARE_KG = {"1": 1_300.0, "2": 2_200.0, "3": 2_900.0, "4": 3_750.0, "L": 4_800.0,
           "M": 4_800.0, "N": 4_800.0, "P": 4_800.0}  # fmt: skip
APARTMENT = re.compile(r"\b(apt|apartment|flat|unit|room|rm)\b|#\s*\d", re.IGNORECASE)
COMPANY = re.compile(
    r"\b(inc|incorporated|ltd|limited|llc|llp|lp|corp|corporation|co|company|gmbh|ag|sa|sas|srl|"
    r"spa|bv|nv|plc|pty|pte|kk|oy|ab|as|sarl|enterprises?|trading|group|industr(y|ies)|"
    r"international|imports?|exports?|holdings?|manufacturing|factory|store|stores)\b",
    re.IGNORECASE,
)
LOGISTICS = re.compile(
    r"\b(logistics?|forwarding|forwarders?|freight|shipping|express|cargo|courier|nvocc|"
    r"transport|transports|transportation|consolidators?)\b",
    re.IGNORECASE,
)
TO_ORDER = re.compile(r"\bto\s+(the\s+)?order\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z]+")


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _time(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _route(route: Mapping[str, Any]) -> dict[str, Any]:
    ports = list(route.get("transshipment_ports", []))
    loading, discharge = _time(route["loading_time"]), _time(route["discharge_eta"])
    receipt, pol = route["place_of_receipt"], route["port_of_loading"]
    pod = route["port_of_discharge"]
    return {
        "place_of_receipt": receipt,
        "port_of_loading": pol,
        "port_of_discharge": pod,
        "final_destination": route["final_destination"],
        "receipt_country": receipt[:2],
        "loading_country": pol[:2],
        "discharge_country": pod[:2],
        "destination_country": route["destination_country"],
        "in_transit": bool(route.get("in_transit", False)),
        "onward_mode": route.get("onward_mode", "none"),
        "border_crossing": route.get("border_crossing"),
        "transshipment_ports": ports,
        "transshipment_countries": _unique(port[:2] for port in ports),
        "transshipment_count": float(len(ports)),
        "route_countries": _unique([receipt[:2], pol[:2], *(p[:2] for p in ports), pod[:2]]),
        "voyage_days": (discharge - loading).total_seconds() / 86_400,
    }


def _timing(loading: datetime, received_at: datetime | None, version: int,
            lead_time: timedelta) -> dict[str, Any]:  # fmt: skip
    if received_at is None:
        late, after = None, None
    else:
        late = max(0.0, (received_at - (loading - lead_time)).total_seconds() / 3_600)
        after = received_at > loading
    return {
        "hours_late": late,
        "filed_after_loading": after,
        "amendment_count": float(version - 1),
        "amended_after_loading": None if after is None else (after and version > 1),
    }


def _parties(parties: Mapping[str, Any], destination: str) -> dict[str, Any]:
    consignee = parties["consignee"]
    name, street = consignee["name"], consignee["address"].get("street") or ""
    has_identifier = bool(consignee.get("identifier"))
    individual = not COMPANY.search(name) and not LOGISTICS.search(name)
    return {
        "shipper_country": parties["shipper"]["address"]["country"],
        "consignee_country": consignee["address"]["country"],
        "consignee_differs_from_destination": consignee["address"]["country"] != destination,
        "consignee_has_identifier": has_identifier,
        "consignee_is_residential": bool(APARTMENT.search(street))
        or (individual and not has_identifier),
        "consignee_is_logistics_provider": bool(LOGISTICS.search(name)),
        "consignee_to_order": bool(TO_ORDER.search(name)),
        "has_importer": "importer" in parties,
        "has_manufacturer": "manufacturer" in parties,
        "has_stuffing_location": "stuffing_location" in parties,
        "shipper_same_as_consignee": parties["shipper"]["name"].casefold() == name.casefold(),
    }


def _z_range(values: Iterable[float | None]) -> tuple[float | None, float | None]:
    known = [value for value in values if value is not None]
    return (min(known), max(known)) if known else (None, None)


def _goods(goods: Sequence[Mapping[str, Any]], loading_country: str, norms: Norms,
           rates: Mapping[str, float]) -> dict[str, Any]:  # fmt: skip
    weight = sum(float(item["gross_weight_kg"]) for item in goods)
    values = [usd(item["value"]["amount"], item["value"]["currency"], rates) for item in goods]
    total = None if None in values else sum(value for value in values if value is not None)
    value_z = _z_range(
        None if value is None else norms.z(VALUE_PER_KG, item["hs_code"],
                                            value / float(item["gross_weight_kg"]))
        for item, value in zip(goods, values, strict=True)
    )  # fmt: skip
    weight_z = _z_range(
        norms.z(WEIGHT_PER_PACKAGE, item["hs_code"],
                float(item["gross_weight_kg"]) / int(item["packages"]["count"]))
        for item in goods
    )  # fmt: skip
    origins = _unique(item["origin_country"] for item in goods)
    package_types = _unique(item["packages"]["type"] for item in goods)
    return {
        "hs_codes": _unique(item["hs_code"] for item in goods),
        "hs_headings": _unique(item["hs_code"][:4] for item in goods),
        "hs_chapters": _unique(item["hs_code"][:2] for item in goods),
        "origin_countries": origins,
        "origin_differs_from_loading": any(origin != loading_country for origin in origins),
        "description_words": sorted(
            {word for item in goods for word in _WORD.findall(item["description"].lower())}
        ),
        "package_types": package_types,
        "un_numbers": _unique(item["un_number"] for item in goods if item.get("un_number")),
        "goods_count": float(len(goods)),
        "total_packages": float(sum(int(item["packages"]["count"]) for item in goods)),
        "total_weight_kg": weight,
        "declared_value_usd": total,
        "value_per_kg_usd": None if total is None else total / weight,
        "has_dangerous_goods": any(item.get("un_number") for item in goods),
        "has_wood_packaging": any(code in WOOD_PACKAGE_TYPES for code in package_types),
        "value_per_kg_z_min": value_z[0],
        "value_per_kg_z_max": value_z[1],
        "weight_per_package_z_min": weight_z[0],
        "weight_per_package_z_max": weight_z[1],
    }


def _containers(boxes: Sequence[Mapping[str, Any]], goods_kg: float) -> dict[str, Any]:
    gross = sum(float(box["gross_weight_kg"]) for box in boxes)
    tare = sum(TARE_KG.get(box["size_type"][0], 3_750.0) for box in boxes)
    return {
        "container_count": float(len(boxes)),
        "container_size_types": _unique(box["size_type"] for box in boxes),
        "unsealed_container": any(not box.get("seals") for box in boxes),
        "weight_gap_ratio": (gross - tare - goods_kg) / goods_kg,
    }


def filing_features(
    document: Mapping[str, Any],
    *,
    received_at: datetime | None = None,
    version: int = 1,
    lead_time: timedelta = LEAD_TIME,
    norms: Norms = EMPTY_NORMS,
    history: Mapping[str, Any] | None = None,
    rates: Mapping[str, float] = USD_RATES,
) -> dict[str, Any]:
    """The feature record of one filing version (a valid filing in ``to_document`` form).

    ``received_at`` defaults to the document's own (bulk ingest records carry one); ``history``
    gives the history fields (see ``catalogue.HISTORY_FEATURES``), left null when absent.
    """
    if received_at is None and document.get("received_at"):
        received_at = _time(document["received_at"])
    route = _route(document["route"])
    goods = _goods(document["goods"], route["loading_country"], norms, rates)
    record: dict[str, Any] = {
        "mode": document.get("mode", "marine"),
        "document_kind": document["transport_document"].get("kind", "master"),
        **route,
        **_timing(_time(document["route"]["loading_time"]), received_at, version, lead_time),
        **_parties(document["parties"], route["destination_country"]),
        **goods,
        **_containers(document["containers"], goods["total_weight_kg"]),
    }
    for name in HISTORY_FEATURES:
        record[name] = None if history is None else history.get(name)
    return {name: record[name] for name in CATALOGUE}


@dataclass(frozen=True, slots=True)
class FilingInput:
    """One filing version to put in a feature frame."""

    key: str
    document: Mapping[str, Any]
    received_at: datetime
    version: int = 1


def feature_frame(
    filings: Sequence[FilingInput],
    *,
    lead_time: timedelta = LEAD_TIME,
    norms: Norms = EMPTY_NORMS,
    history: pl.DataFrame | None = None,
    rates: Mapping[str, float] = USD_RATES,
) -> pl.DataFrame:
    """The feature frame of many filing versions: a ``key`` column, then the catalogue's.

    With a ``history`` frame (see :mod:`seawall.risk.rules.history`) the history fields are
    computed from it; without, they are null, as for a single filing scored without history.
    """
    records = [
        {"key": item.key} | filing_features(item.document, received_at=item.received_at,
                                            version=item.version, lead_time=lead_time,
                                            norms=norms, rates=rates)
        for item in filings
    ]  # fmt: skip
    frame = pl.DataFrame(records, schema={"key": pl.String, **polars_schema()})
    if history is None:
        return frame
    rows = [history_row(item.document, item.received_at, item.key) for item in filings]
    known = history_features(history, filings_frame(rows))
    return frame.drop(HISTORY_FEATURES).join(known, on="key", how="left").select(frame.columns)


def filing_history(history: pl.DataFrame, document: Mapping[str, Any],
                   received_at: datetime) -> dict[str, Any]:  # fmt: skip
    """The history fields of one filing from a history frame, for ``filing_features(history=)``."""
    row = history_features(history, filings_frame([history_row(document, received_at, "one")]))
    return {name: value for name, value in row.row(0, named=True).items() if name != "key"}
