"""The simulator's parameters: one typed settings object, documented in docs/simulator.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


class Typology(StrEnum):
    """The ways a threat hides in traffic; each is labelled in the ground truth."""

    WATCHLIST = "watchlist_party"
    MISDECLARED = "misdeclared_goods"
    ROUTING = "concealment_routing"
    SHELL = "shell_consignee"
    AGRICULTURAL = "agricultural_risk"
    DOCUMENTS = "document_anomaly"
    NOVEL = "novel"


class Finding(StrEnum):
    """What an examination of a threat box would find (the exam finding categories)."""

    SECURITY = "security/weapons"
    RADIOLOGICAL = "radiological/nuclear"
    NARCOTICS = "narcotics"
    CONTRABAND = "other contraband"
    MISDECLARED = "undeclared/misdeclared goods"
    WOOD = "agricultural: wood packaging ISPM 15"
    SOIL = "agricultural: soil"
    PESTS = "agricultural: pests"


# Default share of filings carrying each typology: about 0.5% of filings in all.
DEFAULT_RATES: dict[Typology, float] = {
    Typology.WATCHLIST: 0.0008,
    Typology.MISDECLARED: 0.0010,
    Typology.ROUTING: 0.0006,
    Typology.SHELL: 0.0005,
    Typology.AGRICULTURAL: 0.0012,
    Typology.DOCUMENTS: 0.0005,
    Typology.NOVEL: 0.0004,
}


@dataclass(frozen=True)
class SimulationConfig:
    """Everything that shapes one run; the same config and seed give the same bytes."""

    filings: int
    seed: int
    start: datetime = datetime(2026, 1, 5, tzinfo=UTC)
    days: float = 30.0
    threat_rates: dict[Typology, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    invalid_rate: float = 0.005
    amendment_rate: float = 0.03  # of filings, amended once later in the file
    late_rate: float = 0.04  # of filings from ordinary filers, received after the due time
    chronic_late_rate: float = 0.35  # of filings from the chronically late filers
    house_bill_share: float = 0.45  # filed by a forwarder under a carrier's master bill
    filings_per_call: float = 400.0  # mean filings one vessel call brings
    relationships: int = 30_000  # long-lived shipper-consignee trading relationships
    watchlist_entities: int = 600
    name_variant_rate: float = 0.12  # filings that write a party's name in another form

    @property
    def threat_rate(self) -> float:
        """The share of filings carrying any threat."""
        return sum(self.threat_rates.values())

    def with_threat_rate(self, total: float) -> SimulationConfig:
        """The same mix of typologies scaled to a new total rate."""
        scale = total / self.threat_rate if self.threat_rate else 0.0
        rates = {typology: rate * scale for typology, rate in self.threat_rates.items()}
        return SimulationConfig(**{**self.__dict__, "threat_rates": rates})
