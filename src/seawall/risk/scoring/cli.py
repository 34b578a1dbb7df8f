"""``seawall score``: bulk scoring of the filing versions stored and not yet scored."""

from __future__ import annotations

import sys
import time
from typing import Annotated

import orjson
import typer

from seawall.core.node import CLI_ACTOR, node_of
from seawall.core.progress import progress
from seawall.risk.scoring.service import recount_parties, rescore_in_play, score_pending

app = typer.Typer()


@app.command("score")
def score_command(
    ctx: typer.Context,
    rescore: Annotated[
        bool,
        typer.Option(help="Also re-score the filings in play scored under an older configuration."),
    ] = False,
    recount: Annotated[
        bool,
        typer.Option(help="First rebuild the party history counts from the assessments."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Score every stored filing version that has no assessment yet (vectorized, in chunks)."""
    node = node_of(ctx)
    clock = time.perf_counter()
    recounted = recount_parties(node) if recount else 0
    with progress("score") as advance:
        scored = score_pending(node, advance)
    rescored = 0
    if rescore:
        with progress("re-score in play") as advance:
            rescored = rescore_in_play(node, actor=CLI_ACTOR, advance=advance)
    seconds = time.perf_counter() - clock
    if as_json:
        summary = {"scored": scored, "rescored": rescored, "seconds": round(seconds, 3)}
        if recount:
            summary["recounted"] = recounted
        sys.stdout.write(orjson.dumps(summary).decode() + "\n")
        return
    rate = (scored + rescored) / seconds if seconds else 0.0
    if recount:
        typer.echo(f"party history counts: {recounted:,} parties were off and are corrected")
    typer.echo(
        f"scored {scored:,} versions, re-scored {rescored:,}, {seconds:.1f} s ({rate:,.0f}/s)"
    )
