"""Deliberately invalid filings: each has one realistic error that validation must catch.

The error is one a real filer makes: a mistyped container or IMO number, a description that
says nothing, a made-up port code, a weight typed with an extra digit, a house bill without its
master. The truth marks the filing invalid and names the error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from seawall.filings.codes import MAX_GROSS_KG
from seawall.simulator.dice import Dice

Record = dict[str, Any]


def _container_check_digit(record: Record, dice: Dice) -> None:
    box = record["containers"][0]
    digit = int(box["number"][-1])
    box["number"] = box["number"][:-1] + str((digit + 1 + int(dice.u() * 8)) % 10)


def _generic_description(record: Record, dice: Dice) -> None:
    record["goods"][0]["description"] = dice.pick(
        (
            "GENERAL CARGO",
            "FAK",
            "Said to contain: merchandise",
            "Consolidated cargo",
            "Various goods",
        )
    )


def _unknown_locode(record: Record, dice: Dice) -> None:
    route = record["route"]
    port = route["port_of_loading"]
    route["port_of_loading"] = dice.pick(
        (f"{port[:2]}-{port[2:]}", f"XX{port[2:]}", f"{port[:4]}1")
    )


def _bad_imo(record: Record, dice: Dice) -> None:
    imo = record["vessel"]["imo"]
    record["vessel"]["imo"] = imo[:-1] + str((int(imo[-1]) + 1 + int(dice.u() * 8)) % 10)


def _bad_seal(record: Record, dice: Dice) -> None:
    record["containers"][0]["seals"] = [dice.pick(("SEAL-12", "N/A", "123"))]


def _bad_hs(record: Record, dice: Dice) -> None:
    record["goods"][0]["hs_code"] = dice.pick(("7701", "770100", "99"))


def _overweight(record: Record, dice: Dice) -> None:
    box = record["containers"][0]
    limit = MAX_GROSS_KG[box["size_type"][0]]
    box["gross_weight_kg"] = float(round(limit + dice.uniform(500, 9_000)))  # a typing slip


def _goods_in_no_container(record: Record, _dice: Dice) -> None:
    for box in record["containers"]:
        box["goods_lines"] = [
            line if line != 1 else len(record["goods"]) + 1 for line in box["goods_lines"]
        ]


def _house_without_master(record: Record, _dice: Dice) -> None:
    document = record["transport_document"]
    document["kind"] = "house"
    document.pop("master_number", None)


def _discharge_before_loading(record: Record, _dice: Dice) -> None:
    route = record["route"]
    route["discharge_eta"], route["loading_time"] = route["loading_time"], route["discharge_eta"]


ERRORS: dict[str, Callable[[Record, Dice], None]] = {
    "bad container check digit": _container_check_digit,
    "generic goods description": _generic_description,
    "unknown UN/LOCODE": _unknown_locode,
    "bad IMO check digit": _bad_imo,
    "seal number of the wrong shape": _bad_seal,
    "HS code not in the nomenclature": _bad_hs,
    "container over its maximum gross mass": _overweight,
    "goods line in no container": _goods_in_no_container,
    "house bill without a master bill": _house_without_master,
    "discharge before loading": _discharge_before_loading,
}
_NAMES = tuple(ERRORS)


def corrupt(record: Record, dice: Dice) -> str:
    """Put one error in ``record`` (a fresh record, changed in place); returns the error's name."""
    reason = dice.pick(_NAMES)
    ERRORS[reason](record, dice)
    return reason
