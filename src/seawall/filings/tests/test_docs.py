"""docs/filing.md documents every field of the filing and every CSV column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from seawall.filings.flattening import COLUMNS
from seawall.filings.schemas import Filing

DOC = Path(__file__).parents[4] / "docs" / "filing.md"


def _paths(node: dict[str, Any], defs: dict[str, Any], prefix: str = "") -> list[str]:
    """Every dotted field path under a JSON Schema node, following $ref, anyOf and items."""
    if "$ref" in node:
        return _paths(defs[node["$ref"].rsplit("/", 1)[-1]], defs, prefix)
    found: list[str] = []
    for option in node.get("anyOf", []) + node.get("allOf", []):
        found += _paths(option, defs, prefix)
    if "items" in node:
        found += _paths(node["items"], defs, prefix)
    for name, child in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        found += [path, *_paths(child, defs, path)]
    return found


def _field_paths() -> list[str]:
    schema = Filing.model_json_schema()
    return sorted(set(_paths(schema, schema.get("$defs", {}))))


def test_the_walk_reaches_nested_fields() -> None:
    paths = _field_paths()
    for expected in ("route.port_of_loading", "goods.packages.count", "containers.goods_lines"):
        assert expected in paths
    assert "parties.notify_party.address.postal_code" in paths


@pytest.mark.parametrize("path", _field_paths())
def test_every_filing_field_is_documented(path: str) -> None:
    assert f"`{path}`" in DOC.read_text(encoding="utf-8"), f"{path} is not in {DOC}"


@pytest.mark.parametrize("column", COLUMNS)
def test_every_csv_column_is_documented(column: str) -> None:
    assert f"`{column}`" in DOC.read_text(encoding="utf-8"), f"CSV column {column} is not in {DOC}"
