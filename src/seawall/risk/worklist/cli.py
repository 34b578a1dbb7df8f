"""``seawall worklist``: a port's exams for a day, as a table or JSON."""

from __future__ import annotations

import re
import sys
from datetime import date
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from seawall.core.database import utcnow
from seawall.core.node import CLI_ACTOR, node_of
from seawall.core.settings import LOCODE
from seawall.risk.worklist import service
from seawall.risk.worklist.schemas import Worklist

app = typer.Typer()
COLUMNS = (
    "#",
    "filing",
    "document",
    "score",
    "band",
    "action",
    "by",
    "boxes",
    "reasons",
    "explanation",
)
NUMBERS = {"#", "filing", "score", "boxes"}


def _port(value: str) -> str:
    if not re.fullmatch(LOCODE, value):
        raise typer.BadParameter(f"{value!r} is not a UN/LOCODE such as CAPRR")
    return value


def _day(value: str | None) -> date:
    if value is None:
        return utcnow().date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date such as 2026-11-02", param_hint="--date"
        ) from None


def _table(found: Worklist) -> Table:
    table = Table(
        title=f"Worklist {found.port} {found.date} (UTC): {found.selected_containers} of "
        f"capacity {found.capacity} containers ({found.random_slots} kept for random), "
        f"{found.candidates} filings due",
        title_justify="left",
    )
    for name in COLUMNS:
        table.add_column(name, justify="right" if name in NUMBERS else "left")
    for entry in found.entries:
        table.add_row(
            str(entry.rank),
            str(entry.filing_id),
            entry.document_number,
            f"{entry.score:.1f}",
            entry.band,
            entry.action,
            entry.selected_by,
            str(len(entry.containers)),
            "; ".join(entry.reasons) or "-",
            entry.assessment,
        )
    return table


@app.command("worklist")
def worklist_command(
    ctx: typer.Context,
    port: Annotated[
        str, typer.Option("--port", callback=_port, help="UN/LOCODE of the port, CAPRR.")
    ],
    day: Annotated[
        str | None,
        typer.Option("--date", help="UTC date of the discharge ETA; default today."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the worklist as JSON.")] = False,
) -> None:
    """A port's exams for a day: by risk within its capacity, plus random compliance exams."""
    on = _day(day)
    node = node_of(ctx)
    settings = node.settings.worklist
    with node.database.transaction() as session:
        found = service.worklist(session, settings, port, on, CLI_ACTOR)
    if as_json:
        sys.stdout.write(orjson.dumps(found.model_dump(mode="json")).decode() + "\n")
        return
    # A pipe or a log gets a wide table rather than one folded at 80 columns.
    console = Console() if sys.stdout.isatty() else Console(width=180)
    console.print(_table(found))
