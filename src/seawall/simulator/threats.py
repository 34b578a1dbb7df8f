"""The seven threat typologies, planted in otherwise ordinary filings (docs/simulator.md).

Each planter starts from an ordinary filing of a real relationship on the call and changes
only what the typology changes, so that most threats look ordinary on most fields. The threat
sits in one container of the filing; an exam of that box would produce the finding recorded.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson

from seawall.simulator import goods, names, world
from seawall.simulator.config import Finding, Typology
from seawall.simulator.dice import Dice, Weighted
from seawall.simulator.population import NOVEL_CITIES, Population, Relationship, make_party
from seawall.simulator.traffic import HOUR, Builder, Call, Shipment, iso
from seawall.simulator.watchlists import Entity, written_name

F = Finding
MISDECLARED_FINDINGS = Weighted([(F.MISDECLARED, 0.70), (F.NARCOTICS, 0.15), (F.CONTRABAND, 0.15)])
ROUTING_FINDINGS = Weighted([(F.NARCOTICS, 0.75), (F.CONTRABAND, 0.25)])
SHELL_FINDINGS = Weighted([(F.SECURITY, 0.45), (F.MISDECLARED, 0.35), (F.CONTRABAND, 0.20)])
DOCUMENT_FINDINGS = Weighted([(F.CONTRABAND, 0.40), (F.MISDECLARED, 0.40), (F.NARCOTICS, 0.20)])
SOURCE_RECEIPTS = ("COBOG", "COMDE", "ECUIO", "PELIM")  # inland places in cocaine source countries
SENSITIVE = tuple(c for c in goods.COMMODITIES if c.sensitive)


class Planter:
    """Plants one typology in a filing of a vessel call."""

    def __init__(self, builder: Builder, population: Population, entities: list[Entity]) -> None:
        self.builder = builder
        self.dice: Dice = builder.dice
        self.population = population
        self.foreign = [e for e in entities if e.country not in ("CA", "US")]
        self.domestic = {c: [e for e in entities if e.country == c] for c in ("CA", "US")}
        self.chronic = [f for f in population.forwarders if f.chronically_late]

    def plant(self, typology: Typology, call: Call, rel: Relationship, room: int) -> list[Shipment]:
        """The threat filing (and its amendment, for some document anomalies)."""
        key = call.port.locode
        if typology is Typology.AGRICULTURAL:
            if not self.population.agricultural.get(key):
                return self.misdeclared(call, rel)
            return [self.agricultural(call, self.dice.pick(self.population.agricultural[key]))]
        if typology is Typology.NOVEL:
            if not self.population.novel.get(key):
                return self.misdeclared(call, rel)
            return [self.novel(call, self.dice.pick(self.population.novel[key]))]
        if typology is Typology.WATCHLIST:
            return [self.watchlist(call, rel)]
        if typology is Typology.ROUTING:
            return [self.routing(call, rel)]
        if typology is Typology.SHELL:
            return [self.shell(call, rel)]
        if typology is Typology.DOCUMENTS:
            return self.documents(call, rel, room)
        return self.misdeclared(call, rel)

    def _shipment(
        self, record: dict[str, Any], typology: Typology, finding: Finding, variant: str
    ) -> Shipment:
        box = int(self.dice.u() * len(record["containers"]))
        return Shipment(record, typology.value, finding.value, box, variant=variant)

    def watchlist(self, call: Call, rel: Relationship) -> Shipment:
        """(1) A watched party as shipper, consignee, notify party or importer."""
        dice = self.dice
        record = self.builder.filing(call, rel)
        parties = record["parties"]
        domestic = self.domestic[rel.destination_country]
        if dice.chance(0.45) or not domestic:
            entity, role = dice.pick(self.foreign), "shipper"
        else:
            entity = dice.pick(domestic)
            role = "consignee" if dice.chance(0.6) else dice.pick(("notify_party", "importer"))
        name, form = written_name(entity, dice)
        party: dict[str, Any] = {"name": name[:200], "address": entity.address}
        if dice.chance(0.4):
            party["identifier"] = entity.identifier
        parties[role] = party
        return self._shipment(record, Typology.WATCHLIST, entity.finding, f"{role}:{form}")

    def misdeclared(self, call: Call, rel: Relationship) -> list[Shipment]:
        """(2) Weight or value inconsistent with the declared commodity."""
        dice = self.dice
        record = self.builder.filing(call, rel)
        item = record["goods"][0]
        commodity = goods.BY_HS[item["hs_code"]]
        kind = dice.u()
        if kind >= 0.75 and item["gross_weight_kg"] < 2.0 * commodity.kg_per_package[1]:
            kind = 0.0  # too few packages to make them implausibly heavy: misstate the value
        if kind < 0.40:
            variant = "undervalued"
            usd = item["gross_weight_kg"] * commodity.usd_per_kg[0] * dice.uniform(0.12, 0.45)
            rate = world.USD_PER_UNIT[item["value"]["currency"]]
            item["value"]["amount"] = f"{max(usd / rate, 1.0):.2f}"
        elif kind < 0.75:
            variant = "undeclared_weight"  # the boxes weigh far more than the goods declared
            for line in record["goods"]:
                share = dice.uniform(0.5, 0.75)
                line["gross_weight_kg"] = round(line["gross_weight_kg"] * share, 1)
                line["packages"]["count"] = max(1, round(line["packages"]["count"] * share))
                amount = float(line["value"]["amount"]) * share
                line["value"]["amount"] = f"{max(amount, 1.0):.2f}"
        else:
            variant = "package_weight"  # far too heavy per package for what is declared
            per_package = commodity.kg_per_package[1] * dice.uniform(2.0, 4.0)
            item["packages"]["count"] = max(1, round(item["gross_weight_kg"] / per_package))
        finding = MISDECLARED_FINDINGS.draw(dice)
        return [self._shipment(record, Typology.MISDECLARED, finding, variant)]

    def routing(self, call: Call, rel: Relationship) -> Shipment:
        """(3) Transshipment through hubs that the lane and the commodity do not need."""
        dice = self.dice
        record = self.builder.filing(call, rel)
        route = record["route"]
        lane = world.LANE_OF[(rel.region, call.port.coast)]
        unusual = [
            h
            for h in world.OFF_LANE_HUBS
            if h not in lane.hubs and h not in (rel.port_of_loading, call.port.locode)
        ]
        hubs: list[str] = []
        for _ in range(dice.integer(1, 3)):
            hub = dice.pick(unusual)
            if hub not in hubs:
                hubs.append(hub)
        variant = "off_lane_hubs"
        if dice.chance(0.3):
            route["place_of_receipt"] = dice.pick(SOURCE_RECEIPTS)
            variant = "source_country_receipt"
        loading = self.builder.loading_time(call, rel.origin, rel.port_of_loading, hubs)
        route["transshipment_ports"] = hubs
        route["loading_time"] = iso(loading)
        filer = rel.forwarder or self.population.forwarders[0]
        record["received_at"] = iso(self.builder.received_at(loading, filer))
        return self._shipment(record, Typology.ROUTING, ROUTING_FINDINGS.draw(dice), variant)

    def shell(self, call: Call, rel: Relationship) -> Shipment:
        """(4) A consignee never seen before, at a home address, ordering sensitive goods."""
        dice = self.dice
        fitting = [c for c in SENSITIVE if any(o == rel.origin for o, _ in c.origins)]
        commodity = dice.pick(fitting or SENSITIVE)
        country = rel.destination_country
        shell = make_party(dice, "shell", country, residential=True, identifier=dice.chance(0.2))
        record = self.builder.filing(call, rel, commodity=commodity, consignee=shell)
        return self._shipment(
            record,
            Typology.SHELL,
            SHELL_FINDINGS.draw(dice),
            "sensitive_fitting_origin" if fitting else "sensitive_other_origin",
        )

    def agricultural(self, call: Call, rel: Relationship) -> Shipment:
        """(5) Wood packaging from an origin with an ISPM 15 record, or soil on used equipment."""
        dice = self.dice
        risky = [
            c
            for c in rel.commodities
            if (c.wood_packaging and rel.origin in goods.ISPM15_RISK_ORIGINS)
            or (c.soil_prone and rel.origin in goods.SOIL_RISK_ORIGINS)
        ]
        commodity = dice.pick(risky)
        record = self.builder.filing(call, rel, commodity=commodity)
        if commodity.soil_prone:
            finding, variant = (F.SOIL, "soil") if dice.chance(0.75) else (F.PESTS, "soil_pests")
        else:
            finding, variant = (F.WOOD, "wood") if dice.chance(0.8) else (F.PESTS, "wood_pests")
        return self._shipment(record, Typology.AGRICULTURAL, finding, variant)

    def documents(self, call: Call, rel: Relationship, room: int) -> list[Shipment]:
        """(6) Reused seal numbers, a consignee changed after loading, a chronically late filer."""
        dice = self.dice
        kind = dice.u()
        finding = DOCUMENT_FINDINGS.draw(dice)
        recent = self.builder.counters.recent_seals
        if kind < 0.35 and room >= 2:
            record = self.builder.filing(call, rel)
            shipment = self._shipment(
                record, Typology.DOCUMENTS, finding, "consignee_after_loading"
            )
            amended = orjson.loads(orjson.dumps(record))
            amended["submission_id"] = self.builder.counters.next_submission(record["filer"]["id"])
            other = self.population.consignees_in(
                rel.destination_country, names.CITIES[rel.destination_country]
            )
            newcomer = dice.pick(other) if other else make_party(dice, "x", rel.destination_country)
            amended["parties"]["consignee"] = newcomer.document(dice, 0.0)
            loading = int(
                self.builder.loading_time(
                    call, rel.origin, rel.port_of_loading, record["route"]["transshipment_ports"]
                )
            )
            amended["received_at"] = iso(loading + dice.uniform(2, 96) * HOUR)
            return [shipment, replace(shipment, record=amended, amendment=True)]
        if kind < 0.70 and len(recent) >= 20:  # seals of the call's earlier boxes
            record = self.builder.filing(call, rel)
            box = int(dice.u() * len(record["containers"]))
            container = record["containers"][box]
            earlier = len(recent) - len(record["containers"])  # not this filing's own seals
            container["seals"][0] = recent[int(dice.u() * earlier)]
            return [
                Shipment(
                    record, Typology.DOCUMENTS.value, finding.value, box, variant="seal_reused"
                )
            ]
        late_filer = replace(rel, forwarder=dice.pick(self.chronic)) if self.chronic else rel
        record = self.builder.filing(call, late_filer, late=True)
        return [self._shipment(record, Typology.DOCUMENTS, finding, "chronic_late_filer")]

    def novel(self, call: Call, rel: Relationship) -> Shipment:
        """(7) The pattern no rule describes: origin, commodity, consignee city, value and weight.

        South-East Asian rubber, tuna or plastic articles for consignees in two suburbs, with
        the value per kilogram in the lowest fifth of the commodity's range and the weight per
        package in the highest fifth. Every field on its own is ordinary.
        """
        dice = self.dice
        fitting = [
            c
            for c in goods.COMMODITIES
            if c.hs_code in goods.NOVEL_HS and any(o == rel.origin for o, _ in c.origins)
        ]
        commodity = dice.pick(fitting or [goods.BY_HS["392690"]])
        country = rel.destination_country
        local = self.population.consignees_in(country, NOVEL_CITIES[country])
        consignee = (
            dice.pick(local)
            if local
            else make_party(dice, "novel", country, city=dice.pick(NOVEL_CITIES[country]))
        )
        record = self.builder.filing(
            call,
            rel,
            commodity=commodity,
            consignee=consignee,
            value_q=(0.0, 0.2),
            package_q=(0.8, 1.0),
        )
        return self._shipment(record, Typology.NOVEL, F.NARCOTICS, "low_value_heavy_packages")
