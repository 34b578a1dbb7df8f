"""The CSV form of filings: one row per goods item and container, documented in docs/filing.md.

A filing's rows are consecutive and share its ``submission_id``. Filing-level columns repeat on
every row; a goods item in two containers takes two rows; lists inside a cell (transshipment
ports, seals) are separated by ``;``. An empty cell is an absent value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, get_args

from pydantic import BaseModel

from seawall.filings.schemas import Container, GoodsItem, IngestRecord

LIST_SEPARATOR = ";"
ROLES = ("shipper", "consignee", "notify_party", "importer", "manufacturer", "stuffing_location")
_PARTY_FIELDS = (
    "name",
    "address.street",
    "address.city",
    "address.postal_code",
    "address.country",
    "identifier",
)
FILING_COLUMNS = (
    "submission_id",
    "received_at",
    "filer.id",
    "filer.name",
    "transport_document.number",
    "transport_document.kind",
    "transport_document.master_number",
    "mode",
    "carrier.code",
    "carrier.name",
    "vessel.name",
    "vessel.imo",
    "voyage",
    "route.place_of_receipt",
    "route.port_of_loading",
    "route.loading_time",
    "route.transshipment_ports",
    "route.port_of_discharge",
    "route.discharge_eta",
    "route.final_destination",
    "route.destination_country",
    "route.in_transit",
    "route.onward_mode",
    "route.border_crossing",
    *(f"parties.{role}.{field}" for role in ROLES for field in _PARTY_FIELDS),
)
GOODS_COLUMNS = (
    "goods.line",
    "goods.hs_code",
    "goods.description",
    "goods.packages.count",
    "goods.packages.type",
    "goods.gross_weight_kg",
    "goods.origin_country",
    "goods.value.amount",
    "goods.value.currency",
    "goods.un_number",
)
CONTAINER_COLUMNS = (
    "container.number",
    "container.size_type",
    "container.seals",
    "container.gross_weight_kg",
)
COLUMNS = FILING_COLUMNS + GOODS_COLUMNS + CONTAINER_COLUMNS
_LIST_COLUMNS = frozenset({"route.transshipment_ports", "container.seals"})


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None


def _required(model: type[BaseModel], path: str) -> bool:
    """Whether the schema requires the field at ``path``: required at every step of it."""
    for part in path.split("."):
        field = model.model_fields[part]
        if not field.is_required():
            return False
        inner = _inner_model(field.annotation)
        if inner is not None:
            model = inner
    return True


# Columns a CSV file must have: those of fields the schema requires. Any other may be left out.
REQUIRED_COLUMNS = frozenset(
    [c for c in FILING_COLUMNS if _required(IngestRecord, c)]
    + [c for c in GOODS_COLUMNS if _required(GoodsItem, c.removeprefix("goods."))]
    + [c for c in CONTAINER_COLUMNS if _required(Container, c.removeprefix("container."))]
)


class FlatteningError(ValueError):
    """Rows that cannot be put back together into one filing."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def header_errors(header: list[str]) -> list[str]:
    """What is wrong with a CSV header: unknown, repeated or missing required columns."""
    problems = []
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        problems.append(f"unknown columns: {', '.join(unknown)}")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(f"columns given more than once: {', '.join(repeated)}")
    missing = sorted(REQUIRED_COLUMNS - set(header))
    if missing:
        problems.append(f"missing required columns: {', '.join(missing)}")
    return problems


def _get(document: Mapping[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def flatten(document: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """The CSV rows of one filing document (as produced by ``to_document``)."""
    head = {column: _cell(_get(document, column)) for column in FILING_COLUMNS}
    goods = {item["line"]: item for item in document["goods"]}
    for box in document["containers"]:
        box_cells = {
            column: _cell(box.get(column.removeprefix("container.")))
            for column in CONTAINER_COLUMNS
        }
        for line in box["goods_lines"]:
            item = goods.get(line, {"line": line})
            goods_cells = {
                column: _cell(_get(item, column.removeprefix("goods."))) for column in GOODS_COLUMNS
            }
            yield head | goods_cells | box_cells


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _nest(row: Mapping[str, str], columns: tuple[str, ...], prefix: str) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for column in columns:
        cell = row.get(column) or ""
        if cell == "":
            continue
        value: Any = cell.split(LIST_SEPARATOR) if column in _LIST_COLUMNS else cell
        _put(nested, column.removeprefix(prefix), value)
    return nested


def unflatten(rows: list[Mapping[str, str]], first_row: int) -> dict[str, Any]:
    """One filing document from its consecutive CSV rows (numbered from ``first_row``).

    Raises FlatteningError when the rows disagree about the filing, a goods item or a box.
    """
    document = _nest(rows[0], FILING_COLUMNS, "")
    goods: dict[str, dict[str, Any]] = {}
    boxes: dict[str, dict[str, Any]] = {}
    for offset, row in enumerate(rows):
        number = first_row + offset
        for column in FILING_COLUMNS:
            if (row.get(column) or "") != (rows[0].get(column) or ""):
                raise FlatteningError(
                    column, f"row {number}: {column} differs from row {first_row} of the filing"
                )
        item = _nest(row, GOODS_COLUMNS, "goods.")
        line = str(item.get("line", ""))
        if goods.setdefault(line, item) != item:
            raise FlatteningError(
                "goods", f"row {number}: goods line {line} differs from an earlier row"
            )
        box = _nest(row, CONTAINER_COLUMNS, "container.")
        key = str(box.get("number", ""))
        known = boxes.setdefault(key, box | {"goods_lines": []})
        if {k: v for k, v in known.items() if k != "goods_lines"} != box:
            raise FlatteningError(
                "containers", f"row {number}: container {key} differs from an earlier row"
            )
        if line not in known["goods_lines"]:
            known["goods_lines"].append(line)
    document["goods"] = list(goods.values())
    document["containers"] = list(boxes.values())
    return document
