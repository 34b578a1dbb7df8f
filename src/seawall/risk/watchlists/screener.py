"""Screening parties against a node's watchlists: a pure object built from the entries.

The name score comes from :mod:`.index`; the party's identifier and address then raise or
lower it (points below), and a match is reported when the final score reaches the threshold.
Name results are cached by normalized name: in traffic the same few tens of thousands of
parties file again and again, so most parties cost one dictionary look-up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

import polars as pl

from seawall.filings.schemas import Parties, Party
from seawall.risk.watchlists.index import NameIndex, name_similarity
from seawall.risk.watchlists.normalize import normalize_identifier, normalize_name, normalize_place
from seawall.risk.watchlists.schemas import Adjustment, Match, WatchlistEntry

# Calibrated on the labelled pairs (F1-maximizing, see docs/watchlists.md and calibration.py).
DEFAULT_THRESHOLD = 89.4
# Same registered number: near-proof of the same party; never reported below the threshold.
IDENTIFIER_MATCH_POINTS = 30.0
# Both have numbers and none agree: weak evidence only, parties hold several registrations.
IDENTIFIER_DIFFERS_POINTS = -5.0
# Listed in one country, filing from another: less likely the same party.
COUNTRY_MISMATCH_POINTS = -10.0
# Same city as the listing: more likely the same party.
CITY_MATCH_POINTS = 5.0
ROLES = ("shipper", "consignee", "notify_party", "importer", "manufacturer", "stuffing_location")


@dataclass(frozen=True, slots=True)
class NameMatch:
    """A party name that scored against a listed name, before identifier and address."""

    entry_id: str
    entry_name: str
    matched_name: str
    matched_alias: bool
    name_normalized: str
    entry_normalized: str
    name_score: float


class PartyFacts(NamedTuple):
    """What screening reads of a party: its name, identifier, country and city."""

    name: str
    identifier: str | None
    country: str
    city: str

    @classmethod
    def of(cls, party: Party) -> PartyFacts:
        """The facts of a validated party."""
        return cls(party.name, party.identifier, party.address.country, party.address.city)

    @classmethod
    def of_document(cls, party: Mapping[str, Any]) -> PartyFacts:
        """The facts of a party in a stored filing document (``to_document`` form)."""
        address = party["address"]
        return cls(party["name"], party.get("identifier"), address["country"], address["city"])


@dataclass(frozen=True, slots=True)
class _Variant:
    entry: int
    name: str
    key: str
    alias: bool


_PARTIES_REMEMBERED = 200_000  # distinct parties a screener remembers: tens of MB at most


class Screener:
    """Screens party names, or whole parties, against a fixed set of watchlist entries."""

    def __init__(
        self,
        entries: Iterable[WatchlistEntry],
        threshold: float = DEFAULT_THRESHOLD,
        max_candidates: int = 40,
    ) -> None:
        self.entries = tuple(entries)
        self.threshold = threshold
        # A name this close may still reach the threshold when the city agrees.
        self.name_floor = threshold - CITY_MATCH_POINTS
        self._variants: list[_Variant] = []
        self._by_identifier: dict[str, list[int]] = {}
        for position, entry in enumerate(self.entries):
            keys: set[str] = set()
            for n, name in enumerate(entry.names()):
                key = normalize_name(name)
                if key and key not in keys:  # aliases that normalize alike are one name
                    keys.add(key)
                    self._variants.append(_Variant(position, name, key, n > 0))
            for identifier in entry.identifiers:
                normal = normalize_identifier(identifier)
                if normal:
                    self._by_identifier.setdefault(normal, []).append(position)
        self._index = NameIndex([v.key for v in self._variants], max_candidates)
        self._variants_of: dict[int, list[_Variant]] = {}
        for variant in self._variants:
            self._variants_of.setdefault(variant.entry, []).append(variant)
        # Keyed by normalized name; each hit keeps the entry's position in ``entries``.
        self._cache: dict[str, dict[int, NameMatch]] = {}
        # Whole parties: a busy shipper comes back in every bulk chunk and many POSTs, and
        # finishing its candidates again cost bulk scoring a second per 100,000 filings.
        self._screened = lru_cache(maxsize=_PARTIES_REMEMBERED)(self._screen)

    def match_name(self, name: str) -> tuple[NameMatch, ...]:
        """Entries whose best name scores at least ``name_floor`` against ``name``, best first."""
        return tuple(self._entry_hits(name).values())

    def _entry_hits(self, name: str) -> dict[int, NameMatch]:
        key = normalize_name(name)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        best: dict[int, NameMatch] = {}
        for hit in self._index.search(key, self.name_floor):
            variant = self._variants[hit.variant]
            if variant.entry not in best:  # hits come best first
                best[variant.entry] = self._name_match(variant, key, hit.score)
        self._cache[key] = best
        return best

    def screen_names(self, names: Sequence[str] | pl.Series) -> list[tuple[NameMatch, ...]]:
        """Bulk name screening: for each name, in order, the entries it may match by name.

        Meant for the distinct names of a batch (a Polars ``unique()``); repeated names cost a
        cache look-up. Returns candidates down to ``name_floor``; :meth:`screen_party` applies
        the identifier and address and the threshold.
        """
        values = names.to_list() if isinstance(names, pl.Series) else names
        return [self.match_name(name) if name else () for name in values]

    def screen_party(self, role: str, party: Party | PartyFacts) -> list[Match]:
        """Every entry ``party`` matches (final score at or above the threshold), best first."""
        if isinstance(party, Party):
            party = PartyFacts.of(party)
        return list(self._screened(role, party))

    def _screen(self, role: str, party: PartyFacts) -> tuple[Match, ...]:
        candidates = dict(self._entry_hits(party.name))
        identifier = normalize_identifier(party.identifier) if party.identifier else ""
        for position in self._by_identifier.get(identifier, ()):
            if position not in candidates:
                candidates[position] = self._best_name(position, party.name)
        matches = []
        for position, name_match in candidates.items():
            match = self._finish(role, party, self.entries[position], name_match, identifier)
            if match.score >= self.threshold:
                matches.append(match)
        matches.sort(key=lambda m: -m.score)
        return tuple(matches)

    def screen_parties(self, parties: Parties | Mapping[str, Any]) -> list[Match]:
        """Every watchlist match of every party of one filing, best first.

        ``parties`` is the validated model or the ``parties`` object of a stored document.
        """
        matches = []
        for role in ROLES:
            if isinstance(parties, Parties):
                party = getattr(parties, role)
                facts = None if party is None else PartyFacts.of(party)
            else:
                found = parties.get(role)
                facts = None if found is None else PartyFacts.of_document(found)
            if facts is not None:
                matches.extend(self.screen_party(role, facts))
        matches.sort(key=lambda m: -m.score)
        return matches

    def _name_match(self, variant: _Variant, key: str, score: float) -> NameMatch:
        entry = self.entries[variant.entry]
        return NameMatch(entry.id, entry.name, variant.name, variant.alias, key, variant.key, score)

    def _best_name(self, position: int, name: str) -> NameMatch:
        """The entry's closest name to ``name``, scored outside the index (identifier hits)."""
        key = normalize_name(name)
        scored = [(name_similarity(key, v.key), v) for v in self._variants_of[position]]
        score, variant = max(scored, key=lambda pair: pair[0])
        return self._name_match(variant, key, score)

    def _finish(
        self, role: str, party: PartyFacts, entry: WatchlistEntry, name: NameMatch, identifier: str
    ) -> Match:
        """The match with identifier and address adjustments applied and explained."""
        adjustments: list[Adjustment] = []
        identifier_match: bool | None = None
        entry_ids = {normalize_identifier(i) for i in entry.identifiers}
        if identifier and entry_ids:
            identifier_match = identifier in entry_ids
            if identifier_match:
                adjustments.append(Adjustment("identifier equal", IDENTIFIER_MATCH_POINTS))
            else:
                adjustments.append(Adjustment("identifier differs", IDENTIFIER_DIFFERS_POINTS))
        country_match: bool | None = None
        if entry.home_country:
            country_match = entry.home_country == party.country
            if not country_match:
                reason = f"country {party.country} not {entry.home_country}"
                adjustments.append(Adjustment(reason, COUNTRY_MISMATCH_POINTS))
        city_match: bool | None = None
        if entry.address.city:
            city_match = normalize_place(entry.address.city) == normalize_place(party.city)
            if city_match:
                adjustments.append(Adjustment(f"city {entry.address.city}", CITY_MATCH_POINTS))
        score = name.name_score + sum(a.points for a in adjustments)
        if identifier_match:
            # A listed number filed under another name is how a renamed front company shows:
            # always worth the officer's look, whatever the name scores.
            score = max(score, self.threshold)
        return Match(
            entry_id=entry.id,
            entry_name=entry.name,
            matched_name=name.matched_name,
            matched_alias=name.matched_alias,
            role=role,
            party_name=party.name,
            party_normalized=name.name_normalized,
            entry_normalized=name.entry_normalized,
            name_score=name.name_score,
            identifier_match=identifier_match,
            country_match=country_match,
            city_match=city_match,
            score=round(max(0.0, min(100.0, score)), 1),
            source=entry.source,
            reason=entry.reason,
            adjustments=tuple(adjustments),
        )
