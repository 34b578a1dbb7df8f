"""Vessel calls and the filings they bring: the ordinary traffic of the simulated ports.

The schedule is a list of vessel calls spread over the period; each call brings hundreds of
filings at once (a vessel discharges many bills). A filing is built from one long-lived trading
relationship; threats and deliberate errors are planted on top (threats.py, invalid.py).
Records are plain dicts in the form ``seawall.filings.validation.to_document`` produces, so the
generation path never pays for pydantic.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from seawall.simulator import goods, world
from seawall.simulator.config import SimulationConfig
from seawall.simulator.dice import Dice, Weighted
from seawall.simulator.identifiers import container_number, imo_number, seal_number
from seawall.simulator.population import Filer, Party, Population, Relationship

HOUR = 3_600
DAY = 86_400
FLEET_PER_CARRIER = 24
BOXES = Weighted([(1, 0.72), (2, 0.16), (3, 0.07), (4, 0.03), (5, 0.01), (6, 0.01)])
LINES = Weighted([(1, 0.78), (2, 0.15), (3, 0.07)])
CALL_SIZE_SIGMA = 0.4  # log-scale spread of the number of filings per call
ON_TIME_MEDIAN_HOURS = 30.0  # how long before the due time an on-time filing comes in
# Sequence numbers a filing can use up at most: a bill number (skipping up to two) and a master
# bill; a seal per box (up to six), each skipping up to seven the carrier issued elsewhere.
# Each call's counters start this far apart per filing before it, so calls never share one.
SEAL_SKIP = 8
BILLS_PER_FILING = 4
SEALS_PER_FILING = 6 * SEAL_SKIP


def iso(epoch: float) -> str:
    """A UTC timestamp as the filing documents write it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


@dataclass(frozen=True)
class Vessel:
    """A container ship of a carrier's fleet."""

    name: str
    imo: str
    carrier: world.Carrier


@dataclass
class Call:
    """One vessel call at a port of discharge and the number of filings it brings."""

    eta: int
    port: world.DischargePort
    region: str
    vessel: Vessel
    voyage: str
    filings: int
    loading_times: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=dict)
    stamps: dict[int, str] = field(default_factory=dict)  # formatted times, shared by its bills

    def stamp(self, epoch: int) -> str:
        """``iso(epoch)``, formatted once per call."""
        text = self.stamps.get(epoch)
        if text is None:
            text = self.stamps[epoch] = iso(epoch)
        return text

    masters: dict[str, str] = field(default_factory=dict)
    index: int = 0  # place in the schedule: the call's dice are the period's child of it
    counters: Counters = field(default_factory=lambda: Counters())  # where its numbers start


@dataclass
class Shipment:
    """One filing record and what the truth file says about it."""

    record: dict[str, Any]
    typology: str | None = None
    finding: str | None = None
    threat_box: int | None = None  # index of the container the threat is in
    invalid_reason: str | None = None
    variant: str | None = None  # which form of the typology, for the docs and the tests
    amendment: bool = False  # a later version of a filing already in the file


@dataclass
class Counters:
    """Sequence numbers that keep identifiers unique across the run."""

    submission: int = 0
    bill: int = 0
    seal: int = 0
    recent_seals: deque[str] = field(default_factory=lambda: deque(maxlen=20_000))

    def next_submission(self, filer: str) -> str:
        """A submission id unique for the filer (and in fact for the run)."""
        self.submission += 1
        return f"{filer}-{self.submission:09d}"


def fleets(dice: Dice) -> dict[str, list[Vessel]]:
    """Each carrier's ships, named the way the carrier names them."""
    out: dict[str, list[Vessel]] = {}
    for carrier in world.CARRIERS:
        ships = []
        for index in range(FLEET_PER_CARRIER):
            base = world.VESSEL_NAMES[(index * 7 + len(carrier.scac) * 3) % len(world.VESSEL_NAMES)]
            name = (
                f"{carrier.vessel_prefix} {base}".strip()
                if carrier.vessel_prefix
                else f"{base} Express"
            )
            if index >= len(world.VESSEL_NAMES) // 2:
                name = f"{name} {['II', 'III'][index % 2]}"
            ships.append(Vessel(name, imo_number(dice), carrier))
        out[carrier.scac] = ships
    return out


def schedule(config: SimulationConfig, dice: Dice, start: float, filings: int) -> list[Call]:
    """The vessel calls of the period, in order of arrival, sharing out ``filings``."""
    count = max(1, round(filings / config.filings_per_call))
    generator = dice.generator
    etas = sorted((start + generator.random(count) * config.days * DAY).astype(int).tolist())
    weights = generator.lognormal(0.0, CALL_SIZE_SIGMA, count)
    shares = generator.multinomial(filings, weights / weights.sum()).tolist()
    ships = fleets(dice)
    voyages: dict[str, int] = {}
    carriers = Weighted([(carrier, carrier.share) for carrier in world.CARRIERS])
    # Calls are shared out among the ports by systematic sampling, so each port gets its share
    # of calls to within one even in a short run; the order of the ports is then shuffled.
    offset = dice.u()
    cumulative = np.cumsum([port.share for port in world.DISCHARGE_PORTS])
    picks = np.searchsorted(cumulative / cumulative[-1], (np.arange(count) + offset) / count)
    order = generator.permutation(count).tolist()
    calls = []
    for eta, share, slot in zip(etas, shares, order, strict=True):
        port = world.DISCHARGE_PORTS[min(int(picks[slot]), len(world.DISCHARGE_PORTS) - 1)]
        vessel = dice.pick(ships[carriers.draw(dice).scac])
        voyages[vessel.imo] = voyages.get(vessel.imo, dice.integer(10, 80)) + 1
        bound = "E" if port.coast == "west" else "W"
        calls.append(
            Call(
                eta,
                port,
                Weighted(port.regions).draw(dice),
                vessel,
                f"{voyages[vessel.imo]:03d}{bound}",
                share,
            )
        )
    return calls


class Builder:
    """Builds the ordinary filing of one relationship on one vessel call."""

    def __init__(self, config: SimulationConfig, dice: Dice, population: Population) -> None:
        self.config = config
        self.dice = dice
        self.population = population
        self.counters = Counters()  # each call's own: see Traffic.call
        self._late = {True: config.chronic_late_rate, False: config.late_rate}
        self._currencies: dict[str, Weighted[str] | None] = {}

    def route(self, call: Call, rel: Relationship) -> list[str]:
        """The relationship's usual transshipment hubs on this lane (stable over time)."""
        lane = world.LANE_OF[(rel.region, call.port.coast)]
        mix = (rel.key * 2_654_435_761 % 1_000) / 1_000  # fixed per relationship: routes last
        if mix < lane.direct_share:
            return []
        hub = lane.hubs[rel.key % len(lane.hubs)]
        return [] if hub in (rel.port_of_loading, call.port.locode) else [hub]

    def loading_time(self, call: Call, origin: str, port_of_loading: str, hubs: list[str]) -> int:
        """When loading starts at the port of loading: the same for every bill of the call."""
        key = (port_of_loading, tuple(hubs))
        if key not in call.loading_times:
            lane = world.LANE_OF.get((world.REGION_OF.get(origin, "ASIA_EAST"), call.port.coast))
            low, high = lane.sailing_days if lane else (20, 30)
            days = self.dice.uniform(low, high) + 4.0 * len(hubs)
            call.loading_times[key] = int(call.eta - days * DAY) // HOUR * HOUR
        return call.loading_times[key]

    def received_at(self, loading: int, filer: Filer, late: bool | None = None) -> int:
        """When the gateway received the filing: usually well before the 24-hour deadline."""
        due = loading - world.LEAD_TIME_HOURS * HOUR
        if late is None:
            late = self.dice.chance(self._late[filer.chronically_late])
        if late:
            return int(due + self.dice.uniform(0.1, 40.0) * HOUR)
        return int(due - max(0.1, self.dice.lognormal(ON_TIME_MEDIAN_HOURS, 0.8)) * HOUR)

    def filing(
        self,
        call: Call,
        rel: Relationship,
        *,
        commodity: goods.Commodity | None = None,
        consignee: Party | None = None,
        value_q: tuple[float, float] = (0.0, 1.0),
        package_q: tuple[float, float] = (0.0, 1.0),
        late: bool | None = None,
    ) -> dict[str, Any]:
        """The filing of one bill of lading of ``rel`` on ``call``."""
        dice, variant_rate = self.dice, self.config.name_variant_rate
        carrier = call.vessel.carrier
        self.counters.bill += 1 + int(dice.u() * 3)
        forwarder = rel.forwarder
        if forwarder is None:
            filer = Filer(carrier.scac, carrier.name, False)
            document: dict[str, Any] = {
                "number": f"{carrier.scac}{self.counters.bill:010d}",
                "kind": "master",
            }
        else:
            filer = forwarder
            if forwarder.id not in call.masters:
                self.counters.bill += 1
                call.masters[forwarder.id] = f"{carrier.scac}{self.counters.bill:010d}"
            document = {
                "number": f"{forwarder.id}H{self.counters.bill:010d}",
                "kind": "house",
                "master_number": call.masters[forwarder.id],
            }
        hubs = self.route(call, rel)
        loading = self.loading_time(call, rel.origin, rel.port_of_loading, hubs)
        route: dict[str, Any] = {
            "place_of_receipt": rel.place_of_receipt,
            "port_of_loading": rel.port_of_loading,
            "loading_time": call.stamp(loading),
            "transshipment_ports": hubs,
            "port_of_discharge": call.port.locode,
            "discharge_eta": call.stamp(call.eta),
            "final_destination": rel.final_destination,
            "destination_country": rel.destination_country,
            "in_transit": rel.in_transit,
            "onward_mode": "rail" if rel.in_transit else "none",
        }
        if rel.border_crossing is not None:
            route["border_crossing"] = rel.border_crossing
        parties: dict[str, Any] = {
            "shipper": rel.shipper.document(dice, variant_rate),
            "consignee": (consignee or rel.consignee).document(dice, variant_rate),
        }
        if rel.notify is not None:
            parties["notify_party"] = rel.notify.document(dice, variant_rate)
        if rel.importer is not None:
            parties["importer"] = (consignee or rel.importer).document(dice, variant_rate)
        items, boxes = self.cargo(rel, carrier, commodity, value_q, package_q)
        return {
            "submission_id": self.counters.next_submission(filer.id),
            "filer": {"id": filer.id, "name": filer.name},
            "transport_document": document,
            "mode": "marine",
            "carrier": {"code": carrier.scac, "name": carrier.name},
            "vessel": {"name": call.vessel.name, "imo": call.vessel.imo},
            "voyage": call.voyage,
            "route": route,
            "parties": parties,
            "goods": items,
            "containers": boxes,
            "received_at": iso(self.received_at(loading, filer, late)),
        }

    def cargo(
        self,
        rel: Relationship,
        carrier: world.Carrier,
        commodity: goods.Commodity | None,
        value_q: tuple[float, float],
        package_q: tuple[float, float],
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Goods lines and the containers that carry them, consistent with the commodities."""
        dice = self.dice
        u = dice.u
        if commodity is not None:
            lines = [commodity]
        else:
            options = rel.commodities
            lines = [options[int(u() * len(options))] for _ in range(LINES.draw(dice))]
        first = lines[0]
        kind = world.CONTAINER_TYPES[first.size_types[int(u() * len(first.size_types))]]
        low, high = first.cargo_kg_per_box
        cap = kind.max_payload_kg
        loads = [min(low + (high - low) * u(), cap) for _ in range(BOXES.draw(dice))]
        splits = [0.3 + u() for _ in lines]
        share = sum(loads) / sum(splits)
        currency = self.currency(rel.origin)
        rate = world.USD_PER_UNIT[currency]
        items = []
        package_from, package_span = package_q[0], package_q[1] - package_q[0]
        value_from, value_span = value_q[0], value_q[1] - value_q[0]
        for line, (item, split) in enumerate(zip(lines, splits, strict=True), start=1):
            kg = share * split
            low, high = item.kg_per_package  # a draw in the window of the range
            per_package = low + (high - low) * (package_from + package_span * u())
            low, high = item.usd_per_kg
            usd = kg * (low + (high - low) * (value_from + value_span * u()))
            descriptions = item.descriptions
            goods_line: dict[str, Any] = {
                "line": line,
                "hs_code": item.hs_code,
                "description": descriptions[int(u() * len(descriptions))],
                "packages": {"count": max(1, round(kg / per_package)), "type": item.package_type},
                "gross_weight_kg": round(kg, 1),
                "origin_country": rel.origin,
                "value": {"amount": f"{max(usd / rate, 1.0):.2f}", "currency": currency},
            }
            if item.un_number is not None:
                goods_line["un_number"] = item.un_number
            items.append(goods_line)
        boxes: list[dict[str, Any]] = []
        numbers: set[str] = set()
        owners = carrier.owner_codes
        tare = kind.tare_kg
        every_line = list(range(1, len(items) + 1))
        for index, load in enumerate(loads):
            number = container_number(owners[int(u() * len(owners))], int(u() * 1_000_000))
            while number in numbers:
                number = container_number(owners[int(u() * len(owners))], int(u() * 1_000_000))
            numbers.add(number)
            held = [1 + index % len(items)] if len(loads) > 1 else every_line
            boxes.append(
                {
                    "number": number,
                    "size_type": kind.size_type,
                    "seals": self.seals(carrier),
                    "gross_weight_kg": float(round(tare + load)),
                    "goods_lines": held,
                }
            )
        if len(boxes) > 1:  # more lines than boxes: the last box holds the rest too
            boxes[-1]["goods_lines"].extend(range(len(boxes) + 1, len(items) + 1))
        return items, boxes

    def seals(self, carrier: world.Carrier) -> list[str]:
        """The carrier's bolt seal, and sometimes the shipper's own seal beside it."""
        self.counters.seal += 1 + int(self.dice.u() * SEAL_SKIP)
        seals = [seal_number(carrier.scac[:2], self.counters.seal)]
        if self.dice.chance(0.1):
            seals.append(seal_number("SH", self.dice.integer(100_000, 9_999_999)))
        self.counters.recent_seals.append(seals[0])
        return seals

    def currency(self, origin: str) -> str:
        """The invoice currency: mostly U.S. dollars; euros and pounds from Europe, some yen."""
        if origin not in self._currencies:
            table = world.CURRENCY_BY_COUNTRY.get(origin) or world.CURRENCY_BY_REGION.get(
                world.REGION_OF.get(origin, "")
            )
            self._currencies[origin] = Weighted(table) if table else None
        draw = self._currencies[origin]
        return draw.draw(self.dice) if draw is not None else "USD"
