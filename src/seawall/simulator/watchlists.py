"""The parties the two agencies watch, and each agency's own list of them.

The agencies keep "different databases" (2003 cable): an entity may be on one list, the other
or both, and a shared entity may be spelt differently on each. Threat typology 1 plants these
entities in filings, written exactly or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from seawall.simulator import names
from seawall.simulator.config import Finding, SimulationConfig
from seawall.simulator.dice import Dice, Weighted

AGENCIES = ("CA", "US")
# Where listed entities are based: trading hubs abroad and importers at home.
FOREIGN = Weighted(
    [
        ("AE", 4),
        ("CN", 3),
        ("HK", 2),
        ("PK", 2),
        ("CO", 2),
        ("EC", 1),
        ("TR", 1),
        ("RU", 1),
        ("IR", 1),
        ("VN", 1),
    ]
)
REASONS = Weighted(
    [
        (("narcotics trafficking", Finding.NARCOTICS), 0.35),
        (("weapons and arms trafficking", Finding.SECURITY), 0.18),
        (("proliferation of nuclear materials", Finding.RADIOLOGICAL), 0.03),
        (("sanctions evasion", Finding.CONTRABAND), 0.16),
        (("smuggling of contraband", Finding.CONTRABAND), 0.13),
        (("commercial fraud and misdeclaration", Finding.MISDECLARED), 0.15),
    ]
)
MEMBERSHIP = Weighted([(("CA",), 0.30), (("US",), 0.30), (("CA", "US"), 0.40)])
FOREIGN_CITIES = {
    "AE": "Dubai",
    "CN": "Shenzhen",
    "HK": "Hong Kong",
    "PK": "Karachi",
    "CO": "Barranquilla",
    "EC": "Guayaquil",
    "TR": "Istanbul",
    "RU": "Saint Petersburg",
    "IR": "Bandar Abbas",
    "VN": "Ho Chi Minh City",
}
SOURCES = {
    "CA": ("national targeting centre", "RCMP referral", "sanctions list (SEMA)"),
    "US": ("national targeting center", "OFAC SDN list", "DEA referral"),
}


@dataclass(frozen=True)
class Entity:
    """A watched party: the name each agency lists it under, aliases, where it is based."""

    key: str
    kind: str  # "organization" or "individual"
    spellings: dict[str, str]  # agency -> name on that agency's list
    aliases: tuple[str, ...]
    address: dict[str, str]
    identifier: str
    reason: str
    finding: Finding
    agencies: tuple[str, ...]
    listed_on: str

    @property
    def country(self) -> str:
        """Where the entity is based."""
        return self.address["country"]


# Words of the listed companies' names. Ordinary parties do not use them, so a listed name in a
# filing comes from a planted threat or from a near miss a fuzzy matcher has to weigh.
WATCH_WORDS = (
    "Crescent",
    "Falcon",
    "Orient",
    "Silverline",
    "Blue Star",
    "Red Sea",
    "Phoenix",
    "Sahara",
    "Caspian",
    "Andes Gold",
    "Black Pearl",
    "Evergreen Star",
    "Jade",
)


def _name(dice: Dice, country: str, individual: bool) -> str:
    if individual:
        return names.person_name(dice)
    stem = (
        dice.pick(names.FAMILY)
        if dice.chance(0.5)
        else dice.pick(names.STEMS.get(country, ("Global",)))
    )
    form = dice.pick(names.SUFFIXES.get(country, (("Ltd.",),)))[0]
    return f"{stem} {dice.pick(WATCH_WORDS)} {dice.pick(names.TRADES)} {form}"


def build_entities(config: SimulationConfig, dice: Dice) -> list[Entity]:
    """The watched entities of one simulated world."""
    out = []
    for index in range(config.watchlist_entities):
        country = FOREIGN.draw(dice) if dice.chance(0.55) else dice.pick(("CA", "US"))
        individual = dice.chance(0.25)
        name = _name(dice, country, individual)
        aliases = [_name(dice, country, individual)]
        if (other := names.transliterate(dice, name)) is not None:
            aliases.append(other)
        if (native := names.NATIVE_SCRIPT.get(country)) and dice.chance(0.5):
            # With a watch word, as the primary name has: a province and a trade alone would
            # be the name of many an ordinary company ("江苏 Commerce", "Jiangsu Commerce").
            aliases.append(
                f"{dice.pick(native)} {dice.pick(WATCH_WORDS)} {dice.pick(names.TRADES)}"
            )
        agencies = MEMBERSHIP.draw(dice)
        spellings = dict.fromkeys(agencies, name)
        if len(agencies) == 2 and len(aliases) > 1 and dice.chance(0.5):
            spellings["US"] = aliases[1]  # the two databases romanize the name differently
        reason, finding = REASONS.draw(dice)
        listed = config.start - timedelta(days=dice.uniform(30, 2_000))
        city = (
            dice.pick(names.CITIES[country]) if country in names.CITIES else FOREIGN_CITIES[country]
        )
        address = {"street": names.street_address(dice), "city": city, "country": country}
        out.append(
            Entity(
                f"WL{index:05d}",
                "individual" if individual else "organization",
                spellings,
                tuple(aliases),
                address,
                f"{country}{dice.integer(100_000_000, 999_999_999)}",
                reason,
                finding,
                agencies,
                listed.date().isoformat(),
            )
        )
    return out


def listing(entity: Entity, agency: str, dice: Dice) -> dict[str, Any]:
    """The entity as one agency's watchlist file holds it."""
    name = entity.spellings[agency]
    return {
        "id": f"{agency}-{entity.key}",
        "name": name,
        "aliases": [alias for alias in entity.aliases if alias != name],
        "entity_type": entity.kind,
        "address": entity.address,
        "country": entity.country,
        "identifiers": [{"type": "registration", "value": entity.identifier}],
        "source": dice.pick(SOURCES[agency]),
        "reason": entity.reason,
        "listed_on": entity.listed_on,
    }


def agency_lists(entities: list[Entity], dice: Dice) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Each agency and its list."""
    for agency in AGENCIES:
        yield agency, [listing(e, agency, dice) for e in entities if agency in e.agencies]


def written_name(entity: Entity, dice: Dice) -> tuple[str, str]:
    """How a filer writes a watched party's name this time, and which form that is."""
    form = dice.u()
    exact = dice.pick(list(entity.spellings.values()))
    if form < 0.30:
        return exact, "exact"
    if form < 0.55:
        return names.misspell(dice, exact), "misspelled"
    if form < 0.75 and (other := names.transliterate(dice, exact)) is not None:
        return other, "transliterated"
    return dice.pick(entity.aliases), "alias"
