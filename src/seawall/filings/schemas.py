"""The harmonized advance cargo filing (BRIEF step 1) and its acknowledgement.

One filing per transport document. Field formats are checked here, field by field, so that
pydantic reports every format error at once with its path; checks that look across fields
(dates in order, goods in containers, weights) live in :mod:`seawall.filings.validation`.
Every field is documented in ``docs/filing.md``.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from seawall.filings import codes

# Descriptions the real regimes (US 24-hour rule, EU ICS2, Canada ACI) refuse because they do
# not say what the goods are. A description made only of these words is rejected.
GENERIC_DESCRIPTION_WORDS = frozenset(
    [
        "cargo",
        "consolidated",
        "consolidation",
        "general",
        "fak",
        "freight",
        "all",
        "kinds",
        "said",
        "to",
        "contain",
        "stc",
        "various",
        "misc",
        "miscellaneous",
        "goods",
        "merchandise",
        "items",
        "products",
        "stuff",
        "parts",
        "gifts",
        "samples",
        "sundries",
        "assorted",
        "mixed",
        "other",
        "others",
        "n/a",
        "na",
        "of",
        "and",
    ]
)
# Words in any script (letters only), and "n/a" as one word.
_WORD = re.compile(r"n/a|[^\W\d_]+")
_NUMBER = re.compile(r"\s*[+-]?\d+(\.\d*)?\s*")


@lru_cache(maxsize=65536)
def _specific_description(value: str) -> str:
    words = _WORD.findall(value.lower())
    if not words or all(word in GENERIC_DESCRIPTION_WORDS for word in words):
        raise ValueError(
            f"{value!r} does not say what the goods are; generic descriptions such as "
            "'general cargo', 'consolidated cargo' or 'FAK' are not accepted"
        )
    return value


# ISO 6346 letter values: 10 upward, skipping the multiples of 11 (the spaces).
_ISO6346_VALUES = {
    char: value
    for value, char in enumerate("0123456789A BCDEFGHIJK LMNOPQRSTU VWXYZ")
    if char != " "
}
_CANONICAL_CONTAINER = re.compile(r"[A-Z]{3}[UJZR][0-9]{7}")


def _container_number(value: str) -> str:
    # python-stdnum takes 6 µs a number and a filing carries several boxes, so a number already
    # in its canonical form has its check digit computed here (the same sum); any other goes
    # to stdnum, which compacts it or words the error.
    if _CANONICAL_CONTAINER.fullmatch(value):
        total = sum(map(int.__lshift__, map(_ISO6346_VALUES.__getitem__, value[:10]), range(10)))
        if str(total % 11 % 10) == value[10]:
            return value
    return codes.container_number(value)


def _timestamp_text(value: object) -> object:
    # Lax pydantic reads a number as seconds since 1970; in a filing that is a mistake.
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("give a date and time as ISO 8601 text with a zone, not a number")
    return value


Text = Annotated[str, Field(min_length=1, max_length=200)]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_timestamp_text)]
Reference = Annotated[
    str, Field(min_length=1, max_length=35, pattern=r"^[A-Za-z0-9][A-Za-z0-9\-/.]*$")
]
CountryCode = Annotated[str, Field(examples=["CA"]), AfterValidator(codes.country_code)]
LoCode = Annotated[str, Field(examples=["CAPRR"]), AfterValidator(codes.locode)]
CurrencyCode = Annotated[str, Field(examples=["USD"]), AfterValidator(codes.currency_code)]
HsCode = Annotated[str, Field(examples=["940360"]), AfterValidator(codes.hs_code)]
ContainerNumber = Annotated[
    str, Field(max_length=20, examples=["CSQU3054383"]), AfterValidator(_container_number)
]
SealNumber = Annotated[
    str, Field(max_length=20, examples=["HS1234567"]), AfterValidator(codes.seal_number)
]
ImoNumber = Annotated[
    str, Field(max_length=12, examples=["9321483"]), AfterValidator(codes.imo_number)
]
SizeType = Annotated[str, Field(examples=["45G1"]), AfterValidator(codes.size_type)]
Description = Annotated[
    str, Field(min_length=3, max_length=512), AfterValidator(_specific_description)
]
Weight = Annotated[float, Field(gt=0, le=1_000_000, description="kilograms")]


class Mode(StrEnum):
    """Transport mode of the leg the filing covers; it sets the filing's lead time."""

    MARINE = "marine"
    AIR = "air"
    RAIL = "rail"
    ROAD = "road"


class OnwardMode(StrEnum):
    """How an in-transit box leaves the port of discharge."""

    RAIL = "rail"
    ROAD = "road"
    INLAND_WATER = "inland_water"
    NONE = "none"


class Record(BaseModel):
    """Base of every filing part: unknown fields are errors, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Filer(Record):
    id: Reference = Field(description="The filer's code as registered with the agency.")
    name: Text


class TransportDocument(Record):
    number: Reference = Field(description="Bill of lading number.")
    kind: Literal["master", "house"] = "master"
    master_number: Reference | None = Field(
        default=None, description="The master bill a house bill belongs to."
    )


class Carrier(Record):
    code: Annotated[
        str, Field(pattern=r"^[A-Z0-9]{2,4}$", description="SCAC (marine) or IATA (air) code.")
    ]
    name: Text


class Vessel(Record):
    name: Text
    imo: ImoNumber


class Route(Record):
    place_of_receipt: LoCode
    port_of_loading: LoCode
    loading_time: Timestamp = Field(description="When loading at the foreign port begins.")
    transshipment_ports: list[LoCode] = Field(default_factory=list, max_length=10)
    port_of_discharge: LoCode
    discharge_eta: Timestamp
    final_destination: LoCode
    destination_country: CountryCode
    in_transit: bool = Field(
        default=False, description="Landed in one country for another (BRIEF: in-transit)."
    )
    onward_mode: OnwardMode = OnwardMode.NONE
    border_crossing: LoCode | None = Field(
        default=None, description="Land border port an in-transit box will cross at."
    )


class Address(Record):
    street: Text | None = None
    city: Text
    postal_code: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    country: CountryCode


class Party(Record):
    name: Text
    address: Address
    identifier: Reference | None = Field(
        default=None, description="Business or tax number the party is registered under."
    )


class Parties(Record):
    shipper: Party
    consignee: Party
    notify_party: Party | None = None
    importer: Party | None = None
    manufacturer: Party | None = None
    stuffing_location: Party | None = None


class Packages(Record):
    count: int = Field(gt=0, le=1_000_000)
    type: Annotated[str, Field(pattern=r"^[0-9A-Z]{2}$", description="UN/ECE Rec. 21 code.")]


class Money(Record):
    amount: Decimal = Field(gt=0, le=Decimal("1e12"), max_digits=16, decimal_places=2)
    currency: CurrencyCode


class GoodsItem(Record):
    line: int = Field(ge=1, le=999)
    hs_code: HsCode
    description: Description
    packages: Packages
    gross_weight_kg: Weight
    origin_country: CountryCode
    value: Money
    un_number: Annotated[str, Field(pattern=r"^[0-9]{4}$")] | None = Field(
        default=None, description="UN number of dangerous goods."
    )


class Container(Record):
    number: ContainerNumber
    size_type: SizeType
    seals: list[SealNumber] = Field(default_factory=list, max_length=4)
    gross_weight_kg: Weight = Field(description="Verified gross mass: cargo plus tare.")
    goods_lines: list[int] = Field(min_length=1, max_length=999)


class Filing(Record):
    """One advance cargo filing: a version of one transport document's data."""

    submission_id: Reference = Field(
        description="The filer's id for this submission; a retry with the same id is answered "
        "with the first acknowledgement and stores nothing new."
    )
    filer: Filer
    transport_document: TransportDocument
    mode: Mode = Mode.MARINE
    carrier: Carrier
    vessel: Vessel
    voyage: Reference
    route: Route
    parties: Parties
    goods: list[GoodsItem] = Field(min_length=1, max_length=999)
    containers: list[Container] = Field(min_length=1, max_length=999)


class IngestRecord(Filing):
    """A filing as a trade gateway hands it over in bulk, stamped with when it was received.

    Only ``seawall ingest`` reads this: over the API the node's own clock is the receipt time.
    """

    received_at: Timestamp | None = None


class FieldError(BaseModel):
    """One problem with one field."""

    path: str = Field(description="Dotted path to the field, e.g. containers.0.number.")
    message: str


class Timeliness(BaseModel):
    """Whether the filing came in the lead time before loading."""

    received_at: datetime
    due_by: datetime
    on_time: bool
    late_by_seconds: int = Field(ge=0)
    late_by: str = Field(description="How late, in words, e.g. '3 h 20 min'; empty when on time.")


class Acknowledgement(BaseModel):
    """What the filer gets back for one submission."""

    submission_id: str | None
    status: Literal["accepted", "rejected"]
    filing_id: int | None = None
    version: int | None = None
    timeliness: Timeliness | None = None
    errors: list[FieldError] = Field(default_factory=list)


class VersionView(BaseModel):
    """One stored version of a filing."""

    version: int
    submission_id: str
    received_at: datetime
    late_seconds: int
    superseded: bool
    document: dict[str, object]
    acknowledgement: Acknowledgement


class FilingSummary(BaseModel):
    """A filing as the list shows it."""

    id: int
    filer_id: str
    document_number: str
    status: Literal["active", "cancelled"]
    latest_version: int
    port_of_discharge: str
    destination_country: str
    in_transit: bool
    updated_at: datetime


class FilingView(FilingSummary):
    """A filing with every version it has had."""

    versions: list[VersionView]


class FilingPage(BaseModel):
    """A page of the filing list; pass ``next_cursor`` back as ``cursor`` for the next one."""

    items: list[FilingSummary]
    next_cursor: str | None


class BatchAcknowledgement(BaseModel):
    """The answer to a batch: one acknowledgement per filing, in the order sent."""

    accepted: int
    rejected: int
    acknowledgements: list[Acknowledgement]


class Cancellation(BaseModel):
    """Why a filer cancels a filing."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)
