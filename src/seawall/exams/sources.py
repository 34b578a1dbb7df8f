"""Reading exam outcome files: Parquet, CSV or JSON Lines, one row per examined container.

Exam files are small (an agency examines thousands of boxes a year, not millions), so a file
is read whole. Row numbers count data rows from 1 in every format (a CSV header is not a row;
blank JSON lines are skipped). Columns the import does not know (the simulator writes
``submission_id``, ``agency``, ``rules_score``) are ignored.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from seawall.core.files import UnreadableFileError

FORMATS = ("parquet", "csv", "jsonl")
REQUIRED = ("document_number", "container", "exam_date", "selected_by", "found")
OPTIONAL = ("filer_id", "exam_type", "finding", "port")
MAX_BYTES = 200 * 1024 * 1024  # a year of a large port's exams is a few MB


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: its number, and its values (None where the row could not be parsed)."""

    number: int
    values: dict[str, Any] | None
    problem: str | None = None


def read(path: Path, fmt: str) -> list[RawRow]:
    """Every data row of the file; UnreadableFileError when the file as a whole is not one."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFileError(f"{path}: {error.strerror}") from None
    if size == 0:
        raise UnreadableFileError(f"{path}: the file is empty")
    if size > MAX_BYTES:
        raise UnreadableFileError(f"{path}: {size:,} bytes is more than {MAX_BYTES:,}")
    if fmt == "parquet":
        return _parquet(path)
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise UnreadableFileError(f"{path}: not a text file (it holds NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(f"{path}: not UTF-8 ({error.reason})") from None
    return _csv(path, text) if fmt == "csv" else _jsonl(text)


def _missing(path: Path, columns: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise UnreadableFileError(f"{path}: missing required columns: {', '.join(missing)}")


def _parquet(path: Path) -> list[RawRow]:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise UnreadableFileError(f"{path}: not a readable Parquet file: {error}") from None
    _missing(path, table.column_names)
    keep = [name for name in (*REQUIRED, *OPTIONAL) if name in table.column_names]
    return [
        RawRow(number, {key: value for key, value in row.items() if value is not None})
        for number, row in enumerate(table.select(keep).to_pylist(), start=1)
    ]


def _csv(path: Path, text: str) -> list[RawRow]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        _missing(path, list(reader.fieldnames or []))
        rows = []
        for number, row in enumerate(reader, start=1):
            if None in row:
                rows.append(RawRow(number, None, "the row has more cells than the header"))
            elif any(value is None for value in row.values()):
                rows.append(RawRow(number, None, "the row has fewer cells than the header"))
            else:
                # An empty cell is a missing value, as a null is in the other formats.
                rows.append(RawRow(number, {k: v for k, v in row.items() if v.strip() != ""}))
    except csv.Error as error:
        raise UnreadableFileError(f"{path}: line {reader.line_num}: {error}") from None
    return rows


def _jsonl(text: str) -> list[RawRow]:
    rows = []
    number = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        number += 1
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            rows.append(RawRow(number, None, f"not JSON: {error}"))
            continue
        if not isinstance(value, dict):
            rows.append(RawRow(number, None, "not a JSON object"))
            continue
        rows.append(RawRow(number, {k: v for k, v in value.items() if v is not None}))
    return rows
