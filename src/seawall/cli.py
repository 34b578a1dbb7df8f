"""The ``seawall`` command: every feature's commands under one root."""

from __future__ import annotations

from typing import Annotated

import typer

from seawall import migrations, serving
from seawall.core.accounts.cli import keys, users
from seawall.core.audit.cli import audit
from seawall.core.node import Node, node_of
from seawall.demo import demo
from seawall.exams.cli import commands as exams_commands
from seawall.filings.cli import app as filings_cli
from seawall.risk.backtest.cli import app as backtest_cli
from seawall.risk.rules.cli import rules
from seawall.risk.scoring.cli import app as scoring_cli
from seawall.risk.scoring.parties import count_findings
from seawall.risk.training.cli import app as training_cli
from seawall.risk.training.cli import models
from seawall.risk.watchlists.cli import watchlist
from seawall.risk.worklist.cli import app as worklist_cli
from seawall.simulator.cli import app as simulator_cli

app = typer.Typer(
    help="Seawall: joint container-cargo targeting.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold API keys and filings
)
db = typer.Typer(help="The node's database schema.", no_args_is_help=True)


# Commands that set the schema up themselves, or need no database.
_OWN_SCHEMA = frozenset({"db", "serve", "demo", "simulate", "backtest"})


@app.callback()
def root(ctx: typer.Context) -> None:
    """Read the node's settings once for whatever command runs."""
    node = Node.from_environment()
    ctx.obj = node
    if ctx.invoked_subcommand not in _OWN_SCHEMA and not migrations.is_current(
        node.database.engine
    ):
        typer.echo(
            "error: the database is not set up, or its schema is out of date: "
            "run `seawall db upgrade` first",
            err=True,
        )
        raise typer.Exit(2)


@db.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Apply every migration the database lacks."""
    migrations.upgrade(node_of(ctx).settings.url)
    typer.echo("database is up to date")


@db.command("check")
def db_check(ctx: typer.Context) -> None:
    """Fail when the models and the migrations disagree."""
    migrations.check(node_of(ctx).settings.url)
    typer.echo("models and migrations agree")


@db.command("revision")
def db_revision(
    ctx: typer.Context, message: Annotated[str, typer.Option("-m", help="What it changes.")]
) -> None:
    """Write a new migration from the models (for developers)."""
    migrations.revision(node_of(ctx).settings.url, message)


@app.command("serve")
def serve(ctx: typer.Context) -> None:
    """Apply migrations and serve the API."""
    node = node_of(ctx)
    migrations.upgrade(node.settings.url)
    typer.echo(
        f"Seawall node {node.settings.agency}: API docs at http://{node.settings.host}:{node.settings.port}/docs"
    )
    serving.serve(node.settings, node.database)


app.add_typer(db, name="db")
app.add_typer(users, name="users")
app.add_typer(keys, name="keys")
app.add_typer(audit, name="audit")
app.add_typer(filings_cli)
app.add_typer(simulator_cli)
app.add_typer(backtest_cli)
app.add_typer(scoring_cli)
app.add_typer(worklist_cli)
app.add_typer(training_cli)
app.add_typer(models, name="models")
app.add_typer(rules, name="rules")
app.add_typer(watchlist, name="watchlist")
app.add_typer(exams_commands(on_found=[count_findings]), name="exams")
app.command("demo")(demo)
