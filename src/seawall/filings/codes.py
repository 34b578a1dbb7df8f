"""Format checks for the coded fields of a filing: each returns the cleaned value or raises.

They raise ``ValueError`` with a plain sentence; pydantic turns it into a field error with the
field's path. Look-ups of reference lists are cached because ports, countries and currencies
repeat across millions of filings.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry
from stdnum import imo, iso6346
from stdnum.exceptions import ValidationError as StdnumError

# ISO 17712 says a seal is marked with a unique identifier but fixes no universal pattern; this
# is the shape the bolt-seal makers' numbers take: up to 4 letters of prefix then 5-12 digits.
_SEAL = re.compile(r"[A-Z]{0,4}[0-9]{5,12}")
_LOCODE = re.compile(r"[A-Z]{2}[A-Z2-9]{3}")
_HS = re.compile(r"[0-9]{6,10}")
# ISO 6346 size-type code: length, height/width, then a type group letter and a detail digit.
_SIZE_TYPE = re.compile(r"[1-4LMNP][0-9A-Z][A-Z][0-9A-Z]")
# HS chapter 77 is reserved for future use; 98 and 99 are national chapters, not harmonized.
_HS_CHAPTERS = frozenset(f"{n:02d}" for n in range(1, 98)) - {"77"}

# Maximum gross mass by the first character of the size-type code (the length), in kg: the
# ISO 668 ratings, except for 20-foot boxes, where 36 t heavy-tested units are common enough
# that the plausibility limit follows them rather than the 30,480 kg base rating.
MAX_GROSS_KG: dict[str, float] = {
    "1": 10_160.0,
    "2": 36_000.0,
    "3": 30_480.0,
    "4": 32_500.0,
    "L": 32_500.0,
    "M": 32_500.0,
    "N": 32_500.0,
    "P": 32_500.0,
}


def container_number(value: str) -> str:
    """An ISO 6346 container number with a correct check digit, compacted."""
    try:
        return str(iso6346.validate(value))
    except StdnumError as error:
        raise ValueError(f"{value!r} is not an ISO 6346 container number: {error}") from None


@lru_cache(maxsize=16384)
def imo_number(value: str) -> str:
    """A vessel IMO number (7 digits, correct check digit), without the ``IMO`` prefix."""
    try:
        return str(imo.validate(value))
    except StdnumError as error:
        raise ValueError(f"{value!r} is not a valid IMO ship number: {error}") from None


def seal_number(value: str) -> str:
    """A seal number of the shape ISO 17712 bolt seals carry."""
    cleaned = value.strip().upper()
    if not _SEAL.fullmatch(cleaned):
        raise ValueError(
            f"{value!r} is not a seal number: expected up to 4 letters then 5 to 12 digits"
        )
    return cleaned


# Kosovo's code is user-assigned in ISO 3166-1 but used by UN/LOCODE and the customs world.
_EXTRA_COUNTRIES = frozenset({"XK"})


def _is_country(code: str) -> bool:
    return code in _EXTRA_COUNTRIES or pycountry.countries.get(alpha_2=code) is not None


@lru_cache(maxsize=4096)
def country_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 country code, in capitals, of a country that exists."""
    if len(value) != 2 or not value.isupper() or not _is_country(value):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code such as CA")
    return value


@lru_cache(maxsize=16384)
def locode(value: str) -> str:
    """A UN/LOCODE: a real country code then three letters or digits 2-9."""
    if not _LOCODE.fullmatch(value):
        raise ValueError(f"{value!r} is not a UN/LOCODE: expected 2 letters then 3 of A-Z or 2-9")
    if not _is_country(value[:2]):
        raise ValueError(f"{value!r} is not a UN/LOCODE: {value[:2]!r} is not a country")
    return value


@lru_cache(maxsize=512)
def currency_code(value: str) -> str:
    """An ISO 4217 currency code."""
    if len(value) != 3 or not value.isupper() or pycountry.currencies.get(alpha_3=value) is None:
        raise ValueError(f"{value!r} is not an ISO 4217 currency code such as USD")
    return value


def hs_code(value: str) -> str:
    """An HS code of 6 to 10 digits whose first two digits are a harmonized chapter."""
    if not _HS.fullmatch(value):
        raise ValueError(f"{value!r} is not an HS code: expected 6 to 10 digits")
    if value[:2] not in _HS_CHAPTERS:
        raise ValueError(f"{value!r} is not an HS code: chapter {value[:2]} does not exist")
    return value


def size_type(value: str) -> str:
    """An ISO 6346 size-type code such as ``22G1`` or ``45R1``."""
    if not _SIZE_TYPE.fullmatch(value):
        raise ValueError(f"{value!r} is not an ISO 6346 size-type code such as 22G1 or 45G1")
    return value
