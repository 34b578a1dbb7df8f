"""Reading bulk filing files, streamed: JSON Lines, CSV (one row per goods item) and Parquet.

Each reader yields ``Item``s: where the record came from and its raw form (JSON text or a
decoded object), or the reason it could not be read. A file that cannot be read at all raises
``UnreadableFileError`` before anything is yielded, or at the point it stops making sense.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import pyarrow as pa
import pyarrow.parquet as pq

from seawall.core.files import UnreadableFileError
from seawall.filings.flattening import FlatteningError, header_errors, unflatten

FORMATS = ("jsonl", "csv", "parquet")
_SNIFF = 8192


class Item(NamedTuple):
    """One record of a file: its place, and its raw content or why it could not be read.

    A named tuple: a million of them cross to the checking processes, and a tuple pickles in
    a quarter of a slotted dataclass's time.
    """

    source: str
    raw: bytes | dict[str, Any] | None
    problem: str | None = None


def items(path: Path, fmt: str, max_record_bytes: int) -> Iterator[Item]:
    """Every record of the file, streamed."""
    _check_readable(path, binary_ok=fmt == "parquet")
    if fmt == "jsonl":
        return _jsonl(path, max_record_bytes)
    if fmt == "csv":
        return _csv(path)
    return _parquet(path)


def _check_readable(path: Path, *, binary_ok: bool) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF)
    except OSError as error:
        raise UnreadableFileError(f"{path}: {error.strerror}") from None
    if not head:
        raise UnreadableFileError(f"{path}: the file is empty")
    if not binary_ok and b"\x00" in head:
        raise UnreadableFileError(f"{path}: not a text file (it holds NUL bytes)")


def _jsonl(path: Path, limit: int) -> Iterator[Item]:
    with path.open("rb") as handle:
        number = 0
        while True:
            line = handle.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith(b"\n"):
                _skip_rest_of_line(handle, limit)
                yield Item(f"line {number}", None, f"the line is longer than {limit:,} bytes")
            elif line.strip():
                yield Item(f"line {number}", line)


def _skip_rest_of_line(handle: BinaryIO, limit: int) -> None:
    while True:
        chunk = handle.readline(limit)
        if not chunk or chunk.endswith(b"\n"):
            return


def _csv(path: Path) -> Iterator[Item]:
    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        reader = csv.DictReader(text)
        try:
            header = list(reader.fieldnames or [])
            problems = header_errors(header)
            if problems:
                raise UnreadableFileError(f"{path}: header: {'; '.join(problems)}")
            numbered = ((reader.line_num, row) for row in reader)
            # Where each submission began: its rows must be consecutive, and a second run of
            # them would otherwise pass for a retry and be dropped as a duplicate.
            began: dict[str, int] = {}
            for submission, group in groupby(
                numbered, key=lambda pair: pair[1].get("submission_id")
            ):
                rows = list(group)
                if submission in began:
                    yield Item(
                        f"line {rows[0][0]}",
                        None,
                        f"submission {submission!r} already had rows from line "
                        f"{began[submission]}; a filing's rows must be consecutive",
                    )
                    continue
                began[str(submission)] = rows[0][0]
                yield _csv_filing(rows)
        except UnicodeDecodeError as error:
            raise UnreadableFileError(
                f"{path}: not UTF-8 after line {reader.line_num}: {error.reason}"
            ) from None
        except csv.Error as error:
            raise UnreadableFileError(f"{path}: line {reader.line_num}: {error}") from None


def _csv_filing(group: list[tuple[int, dict[str, Any]]]) -> Item:
    first, last = group[0][0], group[-1][0]
    source = f"line {first}" if first == last else f"lines {first}-{last}"
    for number, row in group:
        if None in row:
            return Item(source, None, f"line {number} has more cells than the header")
        if any(value is None for value in row.values()):
            return Item(source, None, f"line {number} has fewer cells than the header")
    try:
        return Item(source, unflatten([row for _, row in group], first))
    except FlatteningError as error:
        return Item(source, None, f"{error.path}: {error.message}")


def _parquet(path: Path) -> Iterator[Item]:
    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise UnreadableFileError(f"{path}: not a readable Parquet file: {error}") from None
    number = 0
    for batch in parquet.iter_batches(batch_size=1000):
        for record in batch.to_pylist():
            number += 1
            yield Item(f"row {number}", _without_nulls(record))


def _without_nulls(value: Any) -> Any:
    # A columnar file writes every optional field, absent ones as null; the schema wants them
    # left out instead (a null list is not an empty list).
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value
