"""``seawall audit verify``."""

from __future__ import annotations

import typer

from seawall.core.audit.service import verify
from seawall.core.node import node_of

audit = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check the whole hash chain; exit 1 and name the first broken row if it does not hold."""
    with node_of(ctx).database.transaction(write=False) as session:
        checked, broken = verify(session)
    if broken is not None:
        typer.echo(
            f"audit log broken at row {broken.seq}: {broken.reason} "
            f"({checked} rows before it hold)",
            err=True,
        )
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {checked} rows")
