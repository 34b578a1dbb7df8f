"""Reading a watchlist file (CSV or JSON Lines) into entries, all or nothing.

Every row is checked and every problem is collected, with the line it is on, the field and
the reason; if there is any problem the whole file is refused (:class:`WatchlistRejected`),
so a list is never half loaded. The formats are described in ``docs/watchlists.md``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from seawall.core.files import UnreadableFileError, read_bytes
from seawall.risk.watchlists.schemas import WatchlistEntry

Format = Literal["csv", "jsonl"]
CSV_COLUMNS = (
    "id",
    "name",
    "aliases",
    "entity_type",
    "street",
    "city",
    "postal_code",
    "country",
    "identifiers",
    "source",
    "reason",
    "listed_on",
)
REQUIRED_COLUMNS = ("id", "name", "source", "reason")
LIST_SEPARATOR = "|"  # within a CSV cell: "alias one|alias two"
# A file, whole: 500,000 entries of the JSON Lines the docs show. Every entry is validated in
# memory before any is stored (all or nothing).
MAX_WATCHLIST_BYTES = 256 * 2**20
_ADDRESS_PARTS = ("street", "city", "postal_code", "country")
# Spellings of entity types other lists use, mapped to ours.
_ENTITY_TYPES = {
    "company": "organization",
    "org": "organization",
    "entity": "organization",
    "organisation": "organization",
    "individual": "person",
    "ship": "vessel",
}


@dataclass(frozen=True, slots=True)
class RowProblem:
    """What is wrong, where: ``row`` is the line number in the file (a CSV header is line 1)."""

    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.row}, {self.field}: {self.reason}"


class WatchlistRejected(ValueError):  # noqa: N818 - "rejected" is the domain's word
    """The file was refused: nothing from it was loaded. ``problems`` lists every reason."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"watchlist refused, {len(problems)} problem(s): {shown}{more}")


def load_watchlist(path: Path) -> list[WatchlistEntry]:
    """The entries of a ``.csv`` or ``.jsonl``/``.ndjson`` file; raises WatchlistRejected."""
    suffix = path.suffix.lower()
    fmt: Format
    if suffix == ".csv":
        fmt = "csv"
    elif suffix in {".jsonl", ".ndjson", ".json"}:
        fmt = "jsonl"
    else:
        reason = f"unknown file type {suffix!r}: expected .csv or .jsonl"
        raise WatchlistRejected([RowProblem(0, "file", reason)])
    try:
        data = read_bytes(path, limit=MAX_WATCHLIST_BYTES)
    except UnreadableFileError as error:
        raise WatchlistRejected([RowProblem(0, "file", str(error))]) from None
    return parse_watchlist(data, fmt)


def parse_watchlist(data: bytes | str, fmt: Format) -> list[WatchlistEntry]:
    """Validated entries from a file's content; raises WatchlistRejected listing every problem."""
    if isinstance(data, bytes):
        encoded = data
        try:
            data = encoded.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise WatchlistRejected([_not_utf8(encoded, error)]) from None
    problems: list[RowProblem] = []
    rows = _csv_rows(data, problems) if fmt == "csv" else _jsonl_rows(data, problems)
    entries: list[WatchlistEntry] = []
    first_line: dict[str, int] = {}
    for line, raw in rows:
        try:
            entry = WatchlistEntry.model_validate(raw)
        except ValidationError as error:
            problems.extend(_problems(line, error))
            continue
        if entry.id in first_line:
            problems.append(RowProblem(line, "id", f"duplicate of line {first_line[entry.id]}"))
            continue
        first_line[entry.id] = line
        entries.append(entry)
    if not problems and not entries:
        problems.append(RowProblem(0, "file", "no entries"))
    if problems:
        raise WatchlistRejected(problems)
    return entries


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> RowProblem:
    """Where the first undecodable byte is: its line, and its byte column on that line."""
    line = data.count(b"\n", 0, error.start) + 1
    column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
    byte = data[error.start : error.start + 1].hex()
    return RowProblem(line, "file", f"not UTF-8: byte 0x{byte} at byte {column} of the line")


def _problems(line: int, error: ValidationError) -> Iterator[RowProblem]:
    for detail in error.errors():
        field = ".".join(str(part) for part in detail["loc"]) or "row"
        yield RowProblem(line, field, detail["msg"].removeprefix("Value error, "))


def _csv_rows(text: str, problems: list[RowProblem]) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as error:
        problems.append(RowProblem(1, "header", f"unreadable CSV: {error}"))
        return
    if not header:
        problems.append(RowProblem(0, "file", "empty file: expected a header line"))
        return
    for column in header:
        if column not in CSV_COLUMNS:
            known = ", ".join(CSV_COLUMNS)
            problems.append(RowProblem(1, column[:60], f"unknown column; the columns are {known}"))
    for column in REQUIRED_COLUMNS:
        if column not in header:
            problems.append(RowProblem(1, column, "required column missing"))
    if problems:
        return
    start = 2
    try:
        for cells in reader:
            if None in cells:  # more cells than the header names
                problems.append(RowProblem(start, "row", "more cells than columns"))
            else:
                yield start, _csv_entry(cells)
            start = reader.line_num + 1
    except csv.Error as error:
        # A cell over the csv module's limit (128 KiB) or a stray NUL: the reader cannot
        # find the next row reliably after it, so the rest of the file is not read.
        problems.append(RowProblem(start, "row", f"unreadable CSV: {error}"))


def _csv_entry(cells: dict[str, str]) -> dict[str, Any]:
    """A row's cells as the entry's fields: lists split, blanks left out, address gathered."""
    raw: dict[str, Any] = {}
    address: dict[str, str] = {}
    for column, value in cells.items():
        value = (value or "").strip()
        if not value:
            continue
        if column in {"aliases", "identifiers"}:
            raw[column] = [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
        elif column in _ADDRESS_PARTS and column != "country":
            address[column] = value
        elif column == "entity_type":
            raw[column] = _ENTITY_TYPES.get(value.lower(), value.lower())
        else:
            raw[column] = value
    if address:
        raw["address"] = address
    return raw


def _jsonl_rows(text: str, problems: list[RowProblem]) -> Iterator[tuple[int, dict[str, Any]]]:
    for line, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue
        try:
            raw = orjson.loads(content)
        except orjson.JSONDecodeError as error:
            problems.append(RowProblem(line, "row", f"not JSON: {error}"))
            continue
        if not isinstance(raw, dict):
            problems.append(RowProblem(line, "row", "not a JSON object"))
            continue
        yield line, _json_entry(raw)


def _json_entry(raw: dict[str, Any]) -> dict[str, Any]:
    """Shapes other writers use, mapped to the entry's: ``type``, a street string, id objects."""
    raw = dict(raw)
    if "type" in raw and "entity_type" not in raw:
        raw["entity_type"] = raw.pop("type")
    if isinstance(raw.get("entity_type"), str):
        kind = raw["entity_type"].lower()
        raw["entity_type"] = _ENTITY_TYPES.get(kind, kind)
    if isinstance(raw.get("address"), str):
        raw["address"] = {"street": raw["address"]}
    elif raw.get("address") is None:
        raw.pop("address", None)
    identifiers = raw.get("identifiers")
    if isinstance(identifiers, list):
        raw["identifiers"] = [
            i["value"] if isinstance(i, dict) and "value" in i else i for i in identifiers
        ]
    return raw
