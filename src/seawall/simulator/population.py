"""The trading population: parties, their long-lived relationships and their volumes.

A relationship is a shipper selling one or a few commodities to one consignee through one port
of discharge, with the same notify party, importer and filer every time, as in life. Volumes
are heavy-tailed: a relationship's weight is lognormal, and parties are drawn from their
country's pool with a power law, so a few big shippers and importers carry much of the traffic.
The population is built once per seed and its size does not grow with the number of filings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from seawall.simulator import goods, names, world
from seawall.simulator.config import SimulationConfig
from seawall.simulator.dice import Dice, Weighted

# How strongly volume concentrates on the first parties of a pool: index = pool * u ** power.
SHIPPER_CONCENTRATION = 2.5
CONSIGNEE_CONCENTRATION = 2.0
RELATIONSHIP_SIGMA = 1.4  # log-scale spread of relationship volumes
FORWARDERS = 80
CHRONIC_LATE_SHARE = 0.08  # of forwarders
NOVEL_CITIES = {"CA": ("Brampton", "Vaughan"), "US": ("Elizabeth", "Edison")}
POSTAL = {"CA": "{}{}{} {}{}{}", "US": "{}{}{}{}{}"}


@dataclass(frozen=True)
class Party:
    """A shipper, consignee, notify party or importer."""

    key: str
    name: names.Name
    address: dict[str, str]
    identifier: str | None

    def document(self, dice: Dice, variant_rate: float) -> dict[str, Any]:
        """The party as written in one filing."""
        party: dict[str, Any] = {
            "name": self.name.written(dice, variant_rate),
            "address": self.address,
        }
        if self.identifier is not None:
            party["identifier"] = self.identifier
        return party


@dataclass(frozen=True)
class Filer:
    """Who files: a carrier for its master bills, a forwarder for house bills."""

    id: str
    name: str
    chronically_late: bool


@dataclass(frozen=True)
class Relationship:
    """A shipper and a consignee who trade the same goods over the same route."""

    key: int
    shipper: Party
    consignee: Party
    notify: Party | None
    importer: Party | None
    commodities: tuple[goods.Commodity, ...]
    origin: str
    region: str
    place_of_receipt: str
    port_of_loading: str
    port: world.DischargePort
    destination_country: str
    final_destination: str
    border_crossing: str | None
    forwarder: Filer | None
    volume: float

    @property
    def in_transit(self) -> bool:
        """Whether the boxes land in one country bound for the other."""
        return self.border_crossing is not None


def postal_code(dice: Dice, country: str) -> str:
    """A postal code of the country's shape (Canadian A1A 1A1, U.S. ZIP)."""
    if country == "CA":
        letters = "ABCEGHJKLMNPRSTVXY"
        return (
            f"{dice.pick(letters)}{dice.integer(0, 9)}{dice.pick(letters)} "
            f"{dice.integer(0, 9)}{dice.pick(letters)}{dice.integer(0, 9)}"
        )
    if country == "US":
        return f"{dice.integer(10_000, 99_950):05d}"
    return f"{dice.integer(10_000, 99_999)}"


def make_party(
    dice: Dice,
    key: str,
    country: str,
    city: str | None = None,
    residential: bool = False,
    identifier: bool = True,
) -> Party:
    """A new party based in ``country``."""
    if city is None:
        city = (
            dice.pick(names.CITIES.get(country, ()))
            if country in names.CITIES
            else f"{dice.pick(names.STEMS.get(country, ('Port',)))}"
        )
    address = {
        "street": names.street_address(dice, residential),
        "city": city,
        "postal_code": postal_code(dice, country),
        "country": country,
    }
    number = None
    if identifier:
        number = f"{country}{dice.integer(100_000_000, 999_999_999)}"
    return Party(key, names.company_name(dice, country), address, number)


class Population:
    """Every party and relationship of one simulated world, with draw tables per vessel call."""

    def __init__(self, config: SimulationConfig, dice: Dice) -> None:
        self.dice = dice
        self._pools: dict[tuple[str, str], list[Party | None]] = {}
        self._by_city: dict[tuple[str, str], list[Party]] = {}
        self.forwarders = [
            Filer(f"FWD{index:03d}", names.forwarder_name(dice), dice.chance(CHRONIC_LATE_SHARE))
            for index in range(FORWARDERS)
        ]
        self._forwarder_draw = Weighted([(f, 1.0 / (i + 1)) for i, f in enumerate(self.forwarders)])
        self.brokers = {
            c: [make_party(dice, f"B{c}{i}", c) for i in range(40)] for c in ("CA", "US")
        }
        by_country: dict[str, list[tuple[goods.Commodity, float]]] = {}
        for commodity in goods.COMMODITIES:
            for country, weight in commodity.origins:
                by_country.setdefault(country, []).append((commodity, weight))
        self._commodities = {c: Weighted(pairs) for c, pairs in by_country.items()}
        self._ports = Weighted([(port, port.share) for port in world.DISCHARGE_PORTS])
        self.relationships = [
            self._relationship(dice, key, config) for key in range(config.relationships)
        ]
        buckets: dict[tuple[str, str], list[Relationship]] = {}
        for rel in self.relationships:
            buckets.setdefault((rel.region, rel.port.locode), []).append(rel)
        self.buckets = {
            key: Weighted([(r, r.volume) for r in rels]) for key, rels in buckets.items()
        }
        # The agricultural and novel typologies need particular relationships; any of the port's
        # will do, whatever the region of the call (boxes reach a call by transshipment too).
        self.agricultural: dict[str, list[Relationship]] = {}
        self.novel: dict[str, list[Relationship]] = {}
        for rel in self.relationships:
            if agricultural_risk(rel):
                self.agricultural.setdefault(rel.port.locode, []).append(rel)
            if rel.origin in goods.NOVEL_ORIGINS:
                self.novel.setdefault(rel.port.locode, []).append(rel)

    def _party(self, dice: Dice, role: str, country: str, pool_size: int, power: float) -> Party:
        pool = self._pools.setdefault((role, country), [None] * max(pool_size, 5))
        index = int(len(pool) * dice.u() ** power)
        party = pool[index]
        if party is None:
            party = make_party(dice, f"{role}-{country}-{index}", country)
            pool[index] = party
            self._by_city.setdefault((country, party.address["city"]), []).append(party)
        return party

    def _relationship(self, dice: Dice, key: int, config: SimulationConfig) -> Relationship:
        port = self._ports.draw(dice)
        region = Weighted(port.regions).draw(dice)
        countries = [(c, w) for c, w in world.REGION_COUNTRIES[region] if c in self._commodities]
        origin = Weighted(countries).draw(dice)
        table = self._commodities[origin]
        commodities = tuple(
            dict.fromkeys(table.draw(dice) for _ in range(1 + int(dice.u() ** 3 * 3)))
        )
        in_transit = dice.chance(port.in_transit_share)
        home = port.locode[:2]
        destination = ("US" if home == "CA" else "CA") if in_transit else home
        crossing = Weighted(port.crossings).draw(dice) if in_transit else None
        final = dice.pick(world.IN_TRANSIT_DESTINATIONS if in_transit else port.destinations)
        share = config.relationships / 40
        shipper = self._party(dice, "shipper", origin, int(share), SHIPPER_CONCENTRATION)
        consignee = self._party(
            dice, "consignee", destination, int(share * 6), CONSIGNEE_CONCENTRATION
        )
        kind = dice.u()
        notify = (
            dice.pick(self.brokers[destination])
            if kind < 0.6
            else consignee
            if kind < 0.85
            else None
        )
        kind = dice.u()
        importer = (
            consignee
            if kind < 0.5
            else self._party(dice, "importer", destination, int(share), CONSIGNEE_CONCENTRATION)
            if kind < 0.65
            else None
        )
        loading = dice.pick(world.LOADING_PORTS[origin])
        forwarder = (
            self._forwarder_draw.draw(dice) if dice.chance(config.house_bill_share) else None
        )
        return Relationship(
            key,
            shipper,
            consignee,
            notify,
            importer,
            commodities,
            origin,
            region,
            world.INLAND_RECEIPT.get(origin, loading),
            loading,
            port,
            destination,
            final,
            crossing,
            forwarder,
            dice.lognormal(1.0, RELATIONSHIP_SIGMA),
        )

    def consignees_in(self, country: str, cities: tuple[str, ...]) -> list[Party]:
        """Known consignees and importers in the given cities."""
        return [p for city in cities for p in self._by_city.get((country, city), [])]


def agricultural_risk(rel: Relationship) -> bool:
    """Whether a relationship ships goods with an agricultural record: wood or soil."""
    return any(
        (c.wood_packaging and rel.origin in goods.ISPM15_RISK_ORIGINS)
        or (c.soil_prone and rel.origin in goods.SOIL_RISK_ORIGINS)
        for c in rel.commodities
    )
