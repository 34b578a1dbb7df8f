"""Watchlist entries as loaded, and the explained matches screening returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from seawall.filings.schemas import CountryCode


def _printable(value: str) -> str:
    """Refuse control characters: a NUL cannot be stored in PostgreSQL text, and none of them
    belongs in a name, a reason or an identifier (they hide differences from the officer)."""
    for char in value:
        if ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            raise ValueError(f"control character U+{ord(char):04X} is not allowed")
    return value


Text = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_printable)]


class EntityType(StrEnum):
    """What a watchlist entry names."""

    ORGANIZATION = "organization"
    PERSON = "person"
    VESSEL = "vessel"
    UNKNOWN = "unknown"


class EntryAddress(BaseModel):
    """Where a listed party is known to be; every part is optional on a watchlist."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    street: Text | None = None
    city: Text | None = None
    postal_code: Annotated[str, Field(max_length=20), AfterValidator(_printable)] | None = None
    country: CountryCode | None = None


class WatchlistEntry(BaseModel):
    """One listed party: its names, where it is, its identifiers, and why it is listed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][\w.\-:/]*$")]
    name: Text
    aliases: tuple[Text, ...] = Field(default=(), max_length=100)
    entity_type: EntityType = EntityType.UNKNOWN
    address: EntryAddress = EntryAddress()
    country: CountryCode | None = Field(
        default=None, description="Country of the party; the address's country if not given."
    )
    identifiers: tuple[
        Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_printable)], ...
    ] = Field(default=(), max_length=50)
    source: Text = Field(description="Who listed it: the list or the unit that owns the entry.")
    reason: Text = Field(description="Why it is listed, shown to the officer with each match.")
    listed_on: date | None = None

    @property
    def home_country(self) -> str | None:
        """The entry's country: the one given, else its address's."""
        return self.country or self.address.country

    def names(self) -> tuple[str, ...]:
        """The listed name first, then its aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """A change to the name score, and why: an identifier or the address agreed or not."""

    reason: str
    points: float


@dataclass(frozen=True, slots=True)
class Match:
    """One party matched to one watchlist entry, with everything that explains the score."""

    entry_id: str
    entry_name: str
    matched_name: str
    matched_alias: bool
    role: str
    party_name: str
    party_normalized: str
    entry_normalized: str
    name_score: float
    identifier_match: bool | None
    country_match: bool | None
    city_match: bool | None
    score: float
    source: str
    reason: str
    adjustments: tuple[Adjustment, ...] = field(default=())

    def explain(self) -> str:
        """One line an officer reads: who matched whom, on what, and why the entry is listed."""
        alias = f" (alias {self.matched_name!r})" if self.matched_alias else ""
        parts = [f"name {self.name_score:.0f}"]
        parts += [f"{a.reason} {a.points:+.0f}" for a in self.adjustments]
        return (
            f"{self.role} {self.party_name!r} matches {self.entry_id} {self.entry_name!r}{alias}: "
            f"{', '.join(parts)} = {self.score:.0f} [{self.source}: {self.reason}]"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the match, for storage with the filing's risk result."""
        return {
            "entry_id": self.entry_id,
            "entry_name": self.entry_name,
            "matched_name": self.matched_name,
            "matched_alias": self.matched_alias,
            "role": self.role,
            "party_name": self.party_name,
            "party_normalized": self.party_normalized,
            "entry_normalized": self.entry_normalized,
            "name_score": self.name_score,
            "identifier_match": self.identifier_match,
            "country_match": self.country_match,
            "city_match": self.city_match,
            "adjustments": [{"reason": a.reason, "points": a.points} for a in self.adjustments],
            "score": self.score,
            "source": self.source,
            "reason": self.reason,
        }
