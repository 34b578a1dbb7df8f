"""Past exam outcomes: which boxes a rules-driven agency examined, and what it found.

Only examined boxes have outcomes. Boxes were chosen as a rules-driven agency chooses them
(its own watchlist, risky origins and commodities, unusual routes, late filings, value below a
commodity's range) plus a small random share for compliance: the selection bias a model
trained on exam outcomes must live with. The rules read only what the filing shows.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from seawall.simulator import goods, world
from seawall.simulator.config import Finding
from seawall.simulator.dice import Dice, Weighted
from seawall.simulator.traffic import DAY, HOUR, Shipment
from seawall.simulator.watchlists import Entity

# Chance that a filing is examined, by rules score (0, 1, 2, 3, 4 or more), and the random share:
# about 2.5% of filings by rules and 0.4% at random, as a rules-driven agency works.
SELECT_BY_SCORE = (0.0, 0.005, 0.05, 0.25, 0.60)
RANDOM_SHARE = 0.004
SOURCE_COUNTRIES = frozenset({"CO", "EC", "PE", "BO"})
EXAM_TYPES = Weighted(
    [
        ("NII X-ray/gamma", 0.55),
        ("tailgate", 0.15),
        ("partial de-stuff", 0.15),
        ("full de-stuff", 0.10),
        ("detector dog", 0.05),
    ]
)
# Chance that an exam of a threat box finds it, by exam type.
DETECTION = {
    "NII X-ray/gamma": 0.80,
    "tailgate": 0.55,
    "partial de-stuff": 0.90,
    "full de-stuff": 0.98,
    "detector dog": 0.70,
}
_WORDS = re.compile(r"[^\w]+")
_FORMS = frozenset(
    [
        "co",
        "ltd",
        "limited",
        "inc",
        "llc",
        "corp",
        "corporation",
        "company",
        "gmbh",
        "sa",
        "s",
        "a",
        "bv",
        "pte",
        "pvt",
        "sdn",
        "bhd",
        "fze",
        "plc",
        "kk",
        "jsc",
        "srl",
        "spa",
    ]
)


def normalized(name: str) -> str:
    """A name reduced for exact comparison: lower case, no punctuation, no company forms."""
    return " ".join(w for w in _WORDS.split(name.casefold()) if w and w not in _FORMS)


def agency_names(entities: list[Entity]) -> dict[str, frozenset[str]]:
    """Each agency's listed names and aliases, normalized: what its rules match exactly."""
    out: dict[str, set[str]] = {"CA": set(), "US": set()}
    for entity in entities:
        for agency in entity.agencies:
            out[agency].add(normalized(entity.spellings[agency]))
            out[agency].update(normalized(alias) for alias in entity.aliases)
    return {agency: frozenset(found) for agency, found in out.items()}


def rules_score(record: dict[str, Any], listed: frozenset[str]) -> int:
    """How many of a plain rules pack's indicators the filing trips."""
    route, parties = record["route"], record["parties"]
    score = 0
    if any(normalized(party["name"]) in listed for party in parties.values()):
        score += 4
    if route["place_of_receipt"][:2] in SOURCE_COUNTRIES:
        score += 2
    if any(hub in world.OFF_LANE_HUBS for hub in route["transshipment_ports"]):
        score += 1
    if _epoch(record["received_at"]) > _epoch(route["loading_time"]) - world.LEAD_TIME_HOURS * HOUR:
        score += 1
    if "identifier" not in parties["consignee"] and "Apt" in parties["consignee"]["address"].get(
        "street", ""
    ):
        score += 1
    for item in record["goods"]:
        commodity = goods.BY_HS.get(item["hs_code"])
        if commodity is None:
            continue
        origin = item["origin_country"]
        if commodity.sensitive or origin in SOURCE_COUNTRIES:
            score += 1
        if (commodity.soil_prone and origin in goods.SOIL_RISK_ORIGINS) or (
            commodity.wood_packaging and origin in goods.ISPM15_RISK_ORIGINS
        ):
            score += 1
        usd = float(item["value"]["amount"]) * world.USD_PER_UNIT.get(
            item["value"]["currency"], 1.0
        )
        if usd / item["gross_weight_kg"] < commodity.usd_per_kg[0]:
            score += 1
    return score


def examine(
    shipment: Shipment, listed: dict[str, frozenset[str]], dice: Dice
) -> list[dict[str, Any]]:
    """The exam outcomes of one filing: none unless rules or the random draw chose it."""
    record = shipment.record
    if shipment.invalid_reason is not None or shipment.amendment:
        return []
    agency = record["route"]["port_of_discharge"][:2]
    score = rules_score(record, listed[agency])
    if dice.chance(SELECT_BY_SCORE[min(score, 4)]):
        selected_by = "rules"
    elif dice.chance(RANDOM_SHARE):
        selected_by = "random"
    else:
        return []
    exam_time = _epoch(record["route"]["discharge_eta"]) + dice.uniform(0.3, 4.0) * DAY
    rows = []
    for index, box in enumerate(record["containers"]):
        kind = EXAM_TYPES.draw(dice)
        threat = index == shipment.threat_box
        detection = DETECTION[kind]
        if kind == "detector dog" and shipment.finding != Finding.NARCOTICS:
            detection = 0.2  # dogs find drugs, rarely wood borers or rifles
        found = threat and dice.chance(detection)
        rows.append(
            {
                "submission_id": record["submission_id"],
                "document_number": record["transport_document"]["number"],
                "container": box["number"],
                "agency": agency,
                "port": record["route"]["port_of_discharge"],
                "exam_date": datetime.fromtimestamp(exam_time, UTC).date().isoformat(),
                "exam_type": kind,
                "selected_by": selected_by,
                "rules_score": score,
                "found": found,
                "finding": shipment.finding if found else None,
            }
        )
    return rows


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()
