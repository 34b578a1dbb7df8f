"""Files handed to the node: which format a data file (filings, exam outcomes, watchlists) is
in, reading a whole file no larger than it can be (a rule pack, a backtest's mapping, a
watchlist), and the error for a file that cannot be read at all."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
}


class UnreadableFileError(Exception):
    """The file as a whole cannot be read: its name, format, size or bytes."""


def format_of(path: Path, given: str | None, formats: Sequence[str]) -> str:
    """The file's format, one of ``formats``: as ``--format`` gave it, or by its extension."""
    if given is not None:
        if given not in formats:
            raise UnreadableFileError(
                f"--format must be one of {', '.join(formats)}, not {given!r}"
            )
        return given
    found = EXTENSIONS.get(path.suffix.lower())
    if found is None or found not in formats:
        raise UnreadableFileError(
            f"{path}: cannot tell the format from {path.suffix!r}; use --format {'|'.join(formats)}"
        )
    return found


def read_bytes(path: Path, *, limit: int) -> bytes:
    """A file of at most ``limit`` bytes, whole; UnreadableFileError naming the file and why
    it cannot be read (missing, a folder, too large). The size is checked before reading: a
    rule pack or a mapping is kilobytes, a watchlist megabytes, and a file given by mistake
    may be gigabytes."""
    try:
        size = path.stat().st_size
        if size > limit:
            raise UnreadableFileError(f"{path}: {size:,} bytes, more than the {limit:,} allowed")
        return path.read_bytes()
    except OSError as error:
        raise UnreadableFileError(f"{path}: {error.strerror or error}") from None


def read_text(path: Path, *, limit: int) -> str:
    """:func:`read_bytes` of a UTF-8 text file, decoded; UnreadableFileError when it is not
    UTF-8, naming the first byte that is not."""
    data = read_bytes(path, limit=limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = f"not UTF-8 (byte {error.start}): {error.reason}"
        raise UnreadableFileError(f"{path}: {problem}") from None
