"""Identifiers with check digits: ISO 6346 container numbers, IMO ship numbers, seal numbers.

Computed here rather than with python-stdnum because the simulator makes millions of them;
the tests check every one against stdnum, which Seawall's validation uses.
"""

from __future__ import annotations

from seawall.simulator.dice import Dice

# ISO 6346 letter values: A=10 and upwards, skipping multiples of 11.
_LETTER_VALUES: dict[str, int] = {}
_value = 10
for _letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
    if _value % 11 == 0:
        _value += 1
    _LETTER_VALUES[_letter] = _value
    _value += 1
_WEIGHTS = tuple(2**position for position in range(10))


def container_check_digit(owner_and_serial: str) -> int:
    """The ISO 6346 check digit of an owner code, category letter and 6-digit serial."""
    total = 0
    for weight, char in zip(_WEIGHTS, owner_and_serial, strict=True):
        total += weight * (_LETTER_VALUES[char] if char.isalpha() else int(char))
    return total % 11 % 10


_OWNER_SUMS: dict[str, int] = {}
# Weighted digit sums of the serial's first and last three digits, looked up rather than summed.
_HIGH = [
    sum(w * int(d) for w, d in zip(_WEIGHTS[4:7], f"{k:03d}", strict=True)) for k in range(1_000)
]
_LOW = [
    sum(w * int(d) for w, d in zip(_WEIGHTS[7:10], f"{k:03d}", strict=True)) for k in range(1_000)
]


def container_number(owner_code: str, serial: int) -> str:
    """A complete ISO 6346 container number, e.g. ``CSQU3054383``."""
    owner = _OWNER_SUMS.get(owner_code)
    if owner is None:  # the owner code's part of the sum is the same for all its boxes
        owner = _OWNER_SUMS[owner_code] = sum(
            weight * _LETTER_VALUES[char]
            for weight, char in zip(_WEIGHTS[:4], owner_code, strict=True)
        )
    total = owner + _HIGH[serial // 1_000] + _LOW[serial % 1_000]
    return f"{owner_code}{serial:06d}{total % 11 % 10}"


def imo_check_digit(six_digits: str) -> int:
    """The IMO ship number check digit: digits weighted 7 down to 2, last digit of the sum."""
    return sum(int(digit) * (7 - index) for index, digit in enumerate(six_digits)) % 10


def imo_number(dice: Dice) -> str:
    """A 7-digit IMO number of the 9xxxxxx range container ships carry, check digit valid."""
    body = f"9{dice.integer(10_000, 99_999):05d}"
    return f"{body}{imo_check_digit(body)}"


def seal_number(prefix: str, serial: int) -> str:
    """A bolt-seal number of the shape ISO 17712 seals carry: a prefix and 7 to 8 digits."""
    return f"{prefix}{serial:07d}"
