"""Entries and parties for the watchlist tests."""

from __future__ import annotations

from typing import Any

from seawall.filings.schemas import Address, Parties, Party
from seawall.risk.watchlists.schemas import WatchlistEntry


def entry(**fields: Any) -> WatchlistEntry:
    """A listed organization; fields override the defaults."""
    values: dict[str, Any] = {
        "id": "WL-1",
        "name": "Volga Machinery Trading OOO",
        "aliases": ["Volgamash"],
        "entity_type": "organization",
        "country": "RU",
        "identifiers": ["7701234567"],
        "address": {"city": "Samara"},
        "source": "unit list",
        "reason": "dual-use exports",
    }
    values.update(fields)
    return WatchlistEntry.model_validate(values)


def party(
    name: str, country: str = "RU", city: str = "Samara", identifier: str | None = None
) -> Party:
    """A filed party."""
    return Party(name=name, address=Address(city=city, country=country), identifier=identifier)


def parties(consignee: Party, shipper: Party | None = None) -> Parties:
    """A filing's parties with an unrelated shipper."""
    return Parties(
        shipper=shipper or party("Maple Leaf Foods Inc.", "CA", "Toronto"), consignee=consignee
    )
