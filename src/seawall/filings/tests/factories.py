"""Valid filing documents for tests, changed where a test says."""

from __future__ import annotations

import copy
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from stdnum import iso6346

EXAMPLE = Path(__file__).parents[1] / "examples" / "filing.json"
_serials = itertools.count(1)


def container_number(owner: str = "MSCU") -> str:
    """A fresh container number with a correct check digit."""
    body = f"{owner}{next(_serials):06d}"
    return body + iso6346.calc_check_digit(body)


def filing_document(
    *, containers: int = 3, goods: int = 4, loading_time: datetime | None = None, **top: Any
) -> dict[str, Any]:
    """A valid filing: ``goods`` items spread over ``containers`` boxes, loading in 3 days."""
    document: dict[str, Any] = json.loads(EXAMPLE.read_text())
    serial = next(_serials)
    document["submission_id"] = f"SUB-{serial}"
    document["transport_document"]["number"] = f"MAEU{serial:09d}"
    loading = loading_time or datetime.now(UTC) + timedelta(days=3)
    document["route"]["loading_time"] = loading.isoformat()
    document["route"]["discharge_eta"] = (loading + timedelta(days=14)).isoformat()
    item = document["goods"][0]
    document["goods"] = [
        item | {"line": line, "gross_weight_kg": 1500.0} for line in range(1, goods + 1)
    ]
    box = document["containers"][0]
    document["containers"] = [
        box
        | {"number": container_number(), "seals": [f"CN{next(_serials):07d}"], "goods_lines": []}
        for _ in range(containers)
    ]
    for line in range(1, goods + 1):
        document["containers"][(line - 1) % containers]["goods_lines"].append(line)
    document.update(top)
    return document


def changed(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of the document with the field at dotted ``path`` set to ``value``."""
    result = copy.deepcopy(document)
    target: Any = result
    parts = path.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last = parts[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return result
