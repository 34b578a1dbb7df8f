"""Data files handed to the node (filings, exam outcomes, watchlists): which format a file is
in, and the error for a file that cannot be read at all."""

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
