"""``seawall exams import``: exam outcomes from a file, all rows or none."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, NoReturn

import orjson
import typer

from seawall.core.database import utcnow
from seawall.core.files import UnreadableFileError, format_of
from seawall.core.node import CLI_ACTOR, node_of
from seawall.exams import sources
from seawall.exams.service import ExamImportError, FoundHook, ImportSummary, import_outcomes


def commands(on_found: Sequence[FoundHook] = ()) -> typer.Typer:
    """The ``exams`` commands; ``on_found`` hooks run in each import's transaction (see
    ``service.import_outcomes``): the composition root passes the features that keep counts."""
    app = typer.Typer(help="Exam outcomes: what exams of containers found.", no_args_is_help=True)

    @app.command("import")
    def import_command(
        ctx: typer.Context,
        file: Annotated[Path, typer.Argument(help="Parquet, CSV or JSON Lines file of outcomes.")],
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="parquet, csv or jsonl; default by extension."),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    ) -> None:
        """Store exam outcomes, one row per examined container (see docs/exams.md).

        Exit 0: every row stored or already stored; 1: some rows are wrong and nothing was
        stored; 2: the file could not be read at all.
        """
        try:
            rows = sources.read(file, format_of(file, fmt, sources.FORMATS))
        except UnreadableFileError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
        node = node_of(ctx)
        try:
            with node.database.transaction() as session:
                today = utcnow().date()
                summary = import_outcomes(session, rows, CLI_ACTOR, file.name, today, on_found)
        except ExamImportError as error:
            _refused(error, len(rows), as_json)
        _report(summary, as_json)

    return app


def _refused(error: ExamImportError, rows: int, as_json: bool) -> NoReturn:
    failed = ImportSummary(rows=rows, problems=[str(p) for p in error.problems])
    if not as_json:
        for problem in failed.problems:
            typer.echo(problem, err=True)
        typer.echo(f"error: {len(failed.problems):,} problems; nothing was stored", err=True)
    _report(failed, as_json)
    raise typer.Exit(1) from None


def _report(summary: ImportSummary, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(summary.as_dict()).decode() + "\n")
        return
    if summary.problems:
        return
    typer.echo(
        f"rows {summary.rows:,}: imported {summary.imported:,} (found {summary.found:,}, "
        f"on {summary.filings:,} filings), already stored {summary.duplicates:,}"
    )
