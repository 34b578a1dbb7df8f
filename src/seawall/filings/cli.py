"""``seawall ingest``: bulk filing files into the node."""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, BinaryIO, NoReturn

import orjson
import typer

from seawall.core.files import UnreadableFileError, format_of
from seawall.core.node import CLI_ACTOR, node_of
from seawall.core.progress import progress
from seawall.filings import sources
from seawall.filings.ingest import Summary, ingest

app = typer.Typer()


@app.command("ingest")
def ingest_command(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="JSON Lines, CSV or Parquet files.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="jsonl, csv or parquet; default by extension.")
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option(help="Write every rejected record here, as JSON Lines.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Processes that validate; default: the cores.")
    ] = os.cpu_count() or 1,
) -> None:
    """Validate and store filings from files.

    Exit 0: all accepted; 1: some rejected; 2: a file could not be read at all.
    """
    try:  # every file's format known before the first is read
        formats = [format_of(path, fmt, sources.FORMATS) for path in files]
    except UnreadableFileError as error:
        _fail(str(error))
    node = node_of(ctx)
    summary = Summary()
    with ExitStack() as stack:
        sink: BinaryIO | None = stack.enter_context(rejects.open("wb")) if rejects else None
        for path, found in zip(files, formats, strict=True):
            try:
                records = sources.items(path, found, node.settings.max_body_bytes)
                with progress(f"ingest {path.name}") as advance:
                    ingest(
                        node.database,
                        records,
                        node.settings.lead_times,
                        CLI_ACTOR,
                        workers=workers,
                        rejects=sink,
                        advance=advance,
                        summary=summary,
                    )
            except UnreadableFileError as error:
                typer.echo(f"error: {error}", err=True)
                # What was stored before the file broke off stays stored; say how much.
                _report(summary, as_json)
                raise typer.Exit(2) from None
    _report(summary, as_json)
    raise typer.Exit(1 if summary.rejected else 0)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _report(summary: Summary, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(summary.as_dict()).decode() + "\n")
        return
    typer.echo(
        f"accepted {summary.accepted:,}, rejected {summary.rejected:,}, "
        f"late {summary.late:,}, duplicates {summary.duplicates:,}"
    )
