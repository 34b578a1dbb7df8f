"""One simulated world and the stream of filings it produces, in file order.

The population, the watchlists, the live traffic, the history traffic and the exams each draw
from their own child of the seed, so asking for history or watchlists does not change the
live traffic's bytes. Filings stream out call by call: memory holds the population and one call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import numpy as np
import orjson

from seawall.simulator import goods, names
from seawall.simulator.config import SimulationConfig, Typology
from seawall.simulator.dice import Dice, Weighted
from seawall.simulator.invalid import corrupt
from seawall.simulator.population import Population, Relationship
from seawall.simulator.threats import Planter
from seawall.simulator.traffic import HOUR, Builder, Call, Shipment, iso, schedule
from seawall.simulator.watchlists import Entity, build_entities

AMENDMENTS = Weighted(
    [
        ("packages", 0.40),
        ("description", 0.25),
        ("notify_party", 0.20),
        ("weight", 0.10),
        ("consignee", 0.05),
    ]
)


class World:
    """The population and watched entities of one seed."""

    def __init__(self, config: SimulationConfig) -> None:
        self.config = config
        streams = np.random.SeedSequence(config.seed).spawn(5)
        self._seeds = streams
        self.population = Population(config, Dice(np.random.Generator(np.random.PCG64(streams[0]))))
        self.entities: list[Entity] = build_entities(
            config, Dice(np.random.Generator(np.random.PCG64(streams[1])))
        )

    def dice(self, stream: int) -> Dice:
        """Dice for one of the streams: 2 live traffic, 3 history traffic, 4 exams and lists."""
        return Dice(np.random.Generator(np.random.PCG64(self._seeds[stream])))

    def live(self) -> Iterator[Shipment]:
        """The filings of the simulated period, in file order."""
        start = self.config.start.timestamp()
        return Traffic(self, self.dice(2)).shipments(start, self.config.filings)

    def history(self, days: float, filings: int) -> Iterator[Shipment]:
        """The filings of the ``days`` before the simulated period, for past exam outcomes."""
        start = (self.config.start - timedelta(days=days)).timestamp()
        config = replace(self.config, days=days)
        return Traffic(self, self.dice(3), config).shipments(start, filings)


class Traffic:
    """Turns a schedule of vessel calls into filings, threats, errors and amendments."""

    def __init__(self, world: World, dice: Dice, config: SimulationConfig | None = None) -> None:
        self.config = config or world.config
        self.dice = dice
        self.population = world.population
        self.builder = Builder(self.config, dice, world.population)
        self.planter = Planter(self.builder, world.population, world.entities)
        self.typologies = list(self.config.threat_rates.items())

    def shipments(self, start: float, filings: int) -> Iterator[Shipment]:
        """Every filing record of the period, call after call."""
        for call in schedule(self.config, self.dice, start, filings):
            if call.filings:
                yield from self._call(call)

    def _typology(self, draw: float) -> Typology | None:
        for typology, rate in self.typologies:
            if draw < rate:
                return typology
            draw -= rate
        return None

    def _call(self, call: Call) -> list[Shipment]:
        dice, builder, config = self.dice, self.builder, self.config
        bucket = self._bucket(call)
        originals: list[Shipment] = []
        later: list[Shipment] = []
        while (room := call.filings - len(originals) - len(later)) > 0:
            rel = bucket.draw(dice)
            draw = dice.u()
            if draw < config.invalid_rate:
                shipment = Shipment(builder.filing(call, rel))
                shipment.invalid_reason = corrupt(shipment.record, dice)
                originals.append(shipment)
                continue
            typology = self._typology(draw - config.invalid_rate)
            if typology is None:
                shipment = Shipment(builder.filing(call, rel))
            else:
                shipment, *amended = self.planter.plant(typology, call, rel, room)
                later.extend(amended)
            originals.append(shipment)
            if room - len(later) >= 2 and dice.chance(config.amendment_rate):
                later.append(self._amend(shipment, rel))
        return originals + later

    def _bucket(self, call: Call) -> Weighted[Relationship]:
        buckets = self.population.buckets
        key = (call.region, call.port.locode)
        if key in buckets:
            return buckets[key]
        return next(
            buckets[(r, call.port.locode)]
            for r, _ in call.port.regions
            if (r, call.port.locode) in buckets
        )

    def _amend(self, shipment: Shipment, rel: Relationship) -> Shipment:
        """A later version of the filing: a correction, as filers send every day."""
        dice = self.dice
        record = orjson.loads(orjson.dumps(shipment.record))  # a deep copy, fast
        record["submission_id"] = self.builder.counters.next_submission(record["filer"]["id"])
        received = _epoch(record["received_at"]) + dice.uniform(1, 72) * HOUR
        item = record["goods"][0]
        change = AMENDMENTS.draw(dice)
        if change == "packages":
            item["packages"]["count"] = max(
                1, round(item["packages"]["count"] * dice.uniform(0.9, 1.1))
            )
        elif change == "description":
            item["description"] = dice.pick(goods.BY_HS[item["hs_code"]].descriptions)
        elif change == "notify_party":
            broker = dice.pick(self.population.brokers[rel.destination_country])
            record["parties"]["notify_party"] = broker.document(dice, 0.0)
        elif change == "weight":
            item["gross_weight_kg"] = round(item["gross_weight_kg"] * dice.uniform(0.97, 0.995), 1)
        else:  # a consignee changed, now and then after loading, by honest traders too
            others = self.population.consignees_in(
                rel.destination_country, names.CITIES[rel.destination_country]
            )
            if others:
                record["parties"]["consignee"] = dice.pick(others).document(dice, 0.0)
        record["received_at"] = iso(received)
        return replace(shipment, record=record, amendment=True)


def _epoch(text: str) -> float:
    """Seconds since the epoch of a ``YYYY-MM-DDTHH:MM:SSZ`` timestamp."""
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()
