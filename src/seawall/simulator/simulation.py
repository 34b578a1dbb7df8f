"""One simulated world and the stream of filings it produces, in file order.

The population, the watchlists, the live traffic, the history traffic and the exams each draw
from their own child of the seed, so asking for history or watchlists does not change the
live traffic's bytes. Within a period, the schedule of vessel calls draws from one child of the
period's seed and every call from a child of its own, numbered by the call's place in the
schedule; the call's sequence numbers (submission, bill and seal counters) start where the
schedule says. A call is therefore the same whoever builds it and whenever: calls can be built
in parallel and written in order with the same bytes. Filings stream out call by call.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np
import orjson

from seawall.simulator import goods, names
from seawall.simulator.config import SimulationConfig, Typology
from seawall.simulator.dice import Dice, Weighted
from seawall.simulator.invalid import corrupt
from seawall.simulator.population import Population, Relationship
from seawall.simulator.threats import Planter
from seawall.simulator.traffic import (
    BILLS_PER_FILING,
    HOUR,
    SEALS_PER_FILING,
    Builder,
    Call,
    Counters,
    Shipment,
    iso,
    schedule,
)
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
LIVE, HISTORY, EXAMS = 2, 3, 4  # the seed's children the traffic and the exams draw from
SUBMISSIONS_PER_STREAM = 500_000_000  # history ids start here: nine digits either way


def child(seed: np.random.SeedSequence, *key: int) -> np.random.SeedSequence:
    """The child of ``seed`` named ``key``: the same whatever else was drawn or spawned."""
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, *key))


@dataclass(frozen=True)
class Period:
    """A stretch of traffic: which seed stream, when it starts, how long, how many filings."""

    stream: int
    start: float  # epoch seconds
    days: float
    filings: int


class World:
    """The population and watched entities of one seed."""

    def __init__(self, config: SimulationConfig) -> None:
        self.config = config
        streams = np.random.SeedSequence(config.seed).spawn(5)
        self._seeds = streams
        self.population = Population(config, Dice.of(streams[0]))
        self.entities: list[Entity] = build_entities(config, Dice.of(streams[1]))
        self._traffic: dict[Period, Traffic] = {}

    def seed(self, stream: int) -> np.random.SeedSequence:
        """The seed of one stream: 2 live traffic, 3 history traffic, 4 exams and lists."""
        return self._seeds[stream]

    def dice(self, stream: int) -> Dice:
        """Dice for one of the streams: 2 live traffic, 3 history traffic, 4 exams and lists."""
        return Dice.of(self._seeds[stream])

    def live_period(self) -> Period:
        """The simulated period."""
        config = self.config
        return Period(LIVE, config.start.timestamp(), config.days, config.filings)

    def history_period(self, days: float, filings: int) -> Period:
        """The ``days`` before the simulated period, for past exam outcomes."""
        start = (self.config.start - timedelta(days=days)).timestamp()
        return Period(HISTORY, start, days, filings)

    def traffic(self, period: Period) -> Traffic:
        """The traffic of a period (kept: building it again would give the same)."""
        if period not in self._traffic:
            self._traffic[period] = Traffic(self, period)
        return self._traffic[period]

    def live(self) -> Iterator[Shipment]:
        """The filings of the simulated period, in file order."""
        return self.traffic(self.live_period()).shipments()

    def history(self, days: float, filings: int) -> Iterator[Shipment]:
        """The filings of the ``days`` before the simulated period, for past exam outcomes."""
        return self.traffic(self.history_period(days, filings)).shipments()


class Traffic:
    """Turns a schedule of vessel calls into filings, threats, errors and amendments."""

    def __init__(self, world: World, period: Period) -> None:
        self.config = replace(world.config, days=period.days)
        self.period = period
        self.seed = world.seed(period.stream)
        self.dice = Dice.of(child(self.seed, 0))  # replaced by each call's own dice
        self.population = world.population
        self.builder = Builder(self.config, self.dice, world.population)
        self.planter = Planter(self.builder, world.population, world.entities)
        self.typologies = list(self.config.threat_rates.items())
        self._calls: list[Call] | None = None

    def calls(self) -> list[Call]:
        """The vessel calls of the period, numbered, each with the counters it starts from."""
        if self._calls is None:
            dice = Dice.of(child(self.seed, 0))
            calls = schedule(self.config, dice, self.period.start, self.period.filings)
            bill = dice.integer(100_000_000, 400_000_000)
            seal = dice.integer(1_000_000, 5_000_000)
            before = 0
            # Submission ids are numbered per period from its own base, so the history period's
            # never collide with the live period's (a node that ingests both refuses reuse).
            base = SUBMISSIONS_PER_STREAM * (self.period.stream - LIVE)
            for index, call in enumerate(calls):
                call.index = index
                call.counters = Counters(
                    base + before,
                    bill + BILLS_PER_FILING * before,
                    seal + SEALS_PER_FILING * before,
                )
                before += call.filings
            self._calls = calls
        return self._calls

    def shipments(self) -> Iterator[Shipment]:
        """Every filing record of the period, call after call."""
        for call in self.calls():
            yield from self.call(call)

    def call(self, call: Call) -> list[Shipment]:
        """The filing records of one call, in file order: the same every time it is asked."""
        if not call.filings:
            return []
        call = replace(call, loading_times={}, stamps={}, masters={})
        dice = Dice.of(child(self.seed, 1, call.index))
        self.dice = self.builder.dice = self.planter.dice = dice
        self.builder.counters = replace(call.counters, recent_seals=deque(maxlen=20_000))
        return self._call(call)

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
