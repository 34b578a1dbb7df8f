"""``seawall watchlist load`` and ``seawall watchlist list``: the node's watchlists."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import orjson
import typer

from seawall.core.files import UnreadableFileError, format_of, read_bytes
from seawall.core.node import CLI_ACTOR, Node, node_of
from seawall.core.progress import progress
from seawall.risk.scoring.service import rescore_in_play
from seawall.risk.watchlists.loader import (
    MAX_WATCHLIST_BYTES,
    Format,
    WatchlistRejected,
    parse_watchlist,
)
from seawall.risk.watchlists.store import LoadReport, save_entries, source_summaries

watchlist = typer.Typer(
    help="The node's watchlists: load a list, see what is loaded.", no_args_is_help=True
)


@watchlist.command("load")
def load_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A CSV or JSON Lines watchlist file.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or jsonl; default by extension.")
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="The file is the whole list: remove its sources' other entries."
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Load a watchlist file, all or nothing; a changed entry re-scores the filings in play.

    Exit 0: loaded (or nothing to change); 1: refused, every problem on stderr; 2: the file
    could not be read.
    """
    node = node_of(ctx)
    data = _read(file)
    try:
        entries = parse_watchlist(data, _format(file, fmt))
    except WatchlistRejected as error:
        for problem in error.problems:
            typer.echo(f"{file}: {problem}", err=True)
        # A file that cannot be read as a list at all (not UTF-8, empty) is "unreadable".
        unreadable = all(problem.field == "file" for problem in error.problems)
        typer.echo(f"refused: nothing loaded ({len(error.problems)} problem(s))", err=True)
        raise typer.Exit(2 if unreadable else 1) from None
    with node.database.transaction() as session:
        report = save_entries(session, entries, actor=CLI_ACTOR, replace_source=replace)
    rescored = _rescore(node) if report.changed_anything else 0
    _print(report, rescored, as_json)


@watchlist.command("list")
def list_command(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the lists as JSON.")] = False,
) -> None:
    """Each list on the node: its entries and its latest load."""
    with node_of(ctx).database.transaction(write=False) as session:
        summaries = source_summaries(session)
    if as_json:
        rows = [
            {
                "source": s.source,
                "entries": s.entries,
                "loaded_at": s.loaded_at.isoformat(),
                "loaded_by": s.loaded_by,
            }
            for s in summaries
        ]
        sys.stdout.write(orjson.dumps(rows).decode() + "\n")
        return
    if not summaries:
        typer.echo("no watchlist entries loaded")
        return
    for s in summaries:
        when = s.loaded_at.strftime("%Y-%m-%d %H:%M UTC")
        typer.echo(f"{s.source}: {s.entries:,} entries, latest load {when} by {s.loaded_by}")


def _read(file: Path) -> bytes:
    try:
        return read_bytes(file, limit=MAX_WATCHLIST_BYTES)
    except UnreadableFileError as error:
        _unreadable(str(error))


def _format(file: Path, fmt: str | None) -> Format:
    try:
        found = format_of(file, fmt, ("csv", "jsonl"))
    except UnreadableFileError as error:
        _unreadable(str(error))
    return "csv" if found == "csv" else "jsonl"


def _unreadable(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _rescore(node: Node) -> int:
    # After the commit: the new entries are in force for whatever scores next; this brings
    # the filings still in play up to the new generation.
    with progress("re-score in play") as advance:
        return rescore_in_play(node, actor=CLI_ACTOR, advance=advance)


def _print(report: LoadReport, rescored: int, as_json: bool) -> None:
    if as_json:
        out: dict[str, Any] = {**report.as_dict(), "rescored": rescored}
        sys.stdout.write(orjson.dumps(out).decode() + "\n")
        return
    counts = ", ".join(f"{what} {count:,}" for what, count in report.counts().items())
    if not report.changed_anything:
        typer.echo(f"nothing changed ({counts})")
        return
    typer.echo(f"loaded: {counts}; generation {report.generation}")
    typer.echo(f"re-scored {rescored:,} filing(s) in play")
