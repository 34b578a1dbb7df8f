"""``seawall rules load|list|show``: the rule packs the node runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

from seawall.core.files import UnreadableFileError, read_text
from seawall.core.node import CLI_ACTOR, node_of
from seawall.core.progress import progress
from seawall.risk.rules.packs import MAX_PACK_BYTES, CompiledRule, PackError
from seawall.risk.rules.store import find_rule, packs_in_force, save_pack
from seawall.risk.scoring import configuration
from seawall.risk.scoring.service import rescore_in_play

rules = typer.Typer(
    help="The node's rule packs: load a reviewed pack, list, show a rule.", no_args_is_help=True
)


@rules.command("load")
def load_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A rule pack, YAML (see docs/rules.md).")],
) -> None:
    """Load a rule pack, all or nothing; the filings in play are re-scored under it.

    Exit 0: loaded (or already loaded); 1: refused, every problem on stderr, nothing changed;
    2: the file could not be read.
    """
    node = node_of(ctx)
    try:
        text = read_text(file, limit=MAX_PACK_BYTES)
    except UnreadableFileError as error:
        _exit(2, f"error: {error}")
    try:
        with node.database.transaction() as session:
            before = configuration.generation(session)
            pack = save_pack(
                session, text, source=str(file), actor=CLI_ACTOR, agency=node.settings.agency
            )
            after = configuration.generation(session)
    except PackError as error:
        for problem in error.problems:
            typer.echo(f"{file}: {problem}", err=True)
        _exit(1, f"refused: nothing changed ({len(error.problems)} problem(s))")
    summary = f"pack {pack.name} version {pack.version}: {len(pack.rules)} rules"
    if after == before:
        typer.echo(f"{summary}: already loaded, nothing changed")
        return
    typer.echo(f"loaded {summary}; generation {after}")
    # After the commit: the pack is in force for whatever scores next; this brings the
    # filings still in play up to the new generation.
    with progress("re-score in play") as advance:
        rescored = rescore_in_play(node, actor=CLI_ACTOR, advance=advance)
    typer.echo(f"re-scored {rescored:,} filing(s) in play")


@rules.command("list")
def list_command(
    ctx: typer.Context,
    with_rules: Annotated[
        bool, typer.Option("--rules", help="Each pack's rules too: id, points, title, dates.")
    ] = False,
) -> None:
    """The packs in force, in the order their rules run: shipped, or loaded by whom and when."""
    node = node_of(ctx)
    try:
        with node.database.transaction(write=False) as session:
            found = packs_in_force(session, node.settings.agency)
    except PackError as error:
        _exit(1, f"error: {error}")
    for item in found:
        pack = item.pack
        origin = (
            "shipped with Seawall"
            if item.loaded_at is None
            else f"loaded {item.loaded_at:%Y-%m-%d %H:%M} UTC by {item.loaded_by}"
        )
        typer.echo(
            f"{pack.name}  version {pack.version}  {pack.agency}  {len(pack.rules)} rules  {origin}"
        )
        if with_rules:
            width = max((len(rule.id) for rule in pack.rules), default=0)
            for rule in pack.rules:
                typer.echo(
                    f"  {rule.id:<{width}}  {rule.score:+4d}  {rule.title}  ({_dates(rule)})"
                )


@rules.command("show")
def show_command(
    ctx: typer.Context, rule_id: Annotated[str, typer.Argument(help="A rule id, HRM-TIME-01.")]
) -> None:
    """One rule in force: its condition, score, rationale, dates and sources."""
    node = node_of(ctx)
    try:
        with node.database.transaction(write=False) as session:
            item, rule = find_rule(session, node.settings.agency, rule_id)
    except PackError as error:
        _exit(1, f"error: {error}")
    except KeyError:
        _exit(1, f"error: no rule {rule_id!r} in the packs in force (seawall rules list --rules)")
    lines = [
        f"{rule.id} (version {rule.version}): {rule.title}",
        f"pack: {item.pack.name} version {item.pack.version}"
        f" ({'shipped' if item.shipped else 'loaded'}); owner {rule.owner}, {rule.sharing}",
        f"score: {rule.score:+d}",
        f"in effect: {_dates(rule)}",
        "condition:",
        *(f"  {line}" for line in rule.condition.strip().splitlines()),
        f"rationale: {rule.rationale}",
        "sources:",
        *(f"  - {source}" for source in rule.sources or ("(none given)",)),
    ]
    typer.echo("\n".join(lines))


def _dates(rule: CompiledRule) -> str:
    """When a rule is in effect: ``2024-01-01 on`` or ``2024-01-01 to 2026-06-30``."""
    return f"{rule.effective_from} {f'to {rule.effective_to}' if rule.effective_to else 'on'}"


def _exit(code: int, message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)
