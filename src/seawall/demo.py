"""``seawall demo``: a node on the embedded default, fed with simulated traffic, API left up.

What ``make demo`` runs. It sets up the database, simulates a few thousand filings (once; a
second run reuses them and the ingest finds them all duplicates), ingests them, issues a key
for an admin user, and serves the API with its docs page.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy import select

from seawall import migrations
from seawall.app import create_app
from seawall.core.accounts.models import Role, User
from seawall.core.accounts.service import create_key, create_user
from seawall.core.node import CLI_ACTOR, Node, node_of
from seawall.core.progress import progress
from seawall.filings import sources
from seawall.filings.ingest import ingest
from seawall.simulator.config import SimulationConfig
from seawall.simulator.service import simulate

DEMO_USER = "demo-admin"


def _traffic(data_dir: Path, filings: int) -> Path:
    path = data_dir / "demo-traffic.jsonl"
    if not path.exists():
        # Traffic of the last three weeks and the next week, so timeliness reads as today's.
        start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        config = SimulationConfig(
            filings=filings, seed=1, start=start - timedelta(days=21), days=28
        )
        simulate(config, path)
    return path


def _demo_key(node: Node) -> str:
    with node.database.transaction() as session:
        if session.scalar(select(User.id).where(User.name == DEMO_USER)) is None:
            create_user(session, DEMO_USER, Role.ADMIN, None, CLI_ACTOR)
        return create_key(session, DEMO_USER, CLI_ACTOR)


def demo(
    ctx: typer.Context,
    filings: Annotated[int, typer.Option(min=1, help="Simulated filings to ingest.")] = 5_000,
    serve: Annotated[bool, typer.Option(help="Leave the API up when done.")] = True,
) -> None:
    """Set up a node, ingest simulated filings and serve the API."""
    node = node_of(ctx)
    settings = node.settings
    migrations.upgrade(settings.url)
    path = _traffic(settings.data_dir, filings)
    with progress("demo ingest") as advance:
        summary = ingest(
            node.database,
            sources.items(path, "jsonl", settings.max_body_bytes),
            settings.lead_times,
            CLI_ACTOR,
            workers=2,
            advance=advance,
        )
    typer.echo(
        f"ingested {path}: accepted {summary.accepted:,}, rejected {summary.rejected:,} "
        f"(the simulator plants invalid filings), late {summary.late:,}, "
        f"duplicates {summary.duplicates:,}"
    )
    key = _demo_key(node)
    base = f"http://{settings.host}:{settings.port}"
    typer.echo(f"API key of user {DEMO_USER}: {key}")
    typer.echo(f"API docs: {base}/docs  (Authorize with the key above)")
    typer.echo(f"try: curl -H 'Authorization: Bearer {key}' '{base}/api/v1/filings?limit=3'")
    if serve:
        uvicorn.run(
            create_app(settings, node.database),
            host=settings.host,
            port=settings.port,
            log_level="warning",
        )
