"""``seawall demo``: a node on the embedded default, fed with simulated traffic, API left up.

What ``make demo`` runs, the flow of an agency's targeting centre: set up the database;
simulate two months of past traffic with its exam outcomes, the node's watchlist, and a month
of current traffic (once; a second run reuses the files and finds everything already stored);
ingest the past traffic and its exam outcomes, train the model, load the watchlist; ingest the
current traffic and score it; issue a key for an admin user and serve the API with its docs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import func, select

from seawall import migrations, serving
from seawall.core.accounts.models import Role, User
from seawall.core.accounts.service import create_key, create_user
from seawall.core.node import CLI_ACTOR, Node, node_of
from seawall.core.progress import progress
from seawall.exams import sources as exam_sources
from seawall.exams.service import import_outcomes
from seawall.filings import sources
from seawall.filings.ingest import ingest
from seawall.risk.scoring.models import Assessment
from seawall.risk.scoring.parties import count_findings
from seawall.risk.scoring.service import rescore_in_play, score_pending
from seawall.risk.training.service import TrainingRefusedError, store, train_model
from seawall.risk.watchlists import load_watchlist
from seawall.risk.watchlists.store import save_entries
from seawall.simulator.config import SimulationConfig
from seawall.simulator.service import history_path, simulate

DEMO_USER = "demo-admin"


def _traffic(data_dir: Path, filings: int) -> Path:
    path = data_dir / "demo-traffic.jsonl"
    if not path.exists():
        # Traffic of the last three weeks and the next week, so timeliness reads as today's,
        # and the two months before it with their exams. More threats than the default mix,
        # so that a few thousand filings hold enough findings to train on.
        start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        config = SimulationConfig(
            filings=filings, seed=1, start=start - timedelta(days=21), days=28
        ).with_threat_rate(0.03)
        simulate(config, path, watchlists=data_dir / "demo-watchlists", history_days=60,
                 exams=data_dir / "demo-exams.parquet")  # fmt: skip
    return path


def _ingest(node: Node, path: Path) -> None:
    settings = node.settings
    with progress(f"ingest {path.name}") as advance:
        summary = ingest(
            node.database,
            sources.items(path, "jsonl", settings.max_body_bytes),
            settings.lead_times,
            CLI_ACTOR,
            workers=2,
            advance=advance,
        )
    typer.echo(
        f"ingested {path.name}: accepted {summary.accepted:,}, rejected {summary.rejected:,} "
        f"(the simulator plants invalid filings), late {summary.late:,}, "
        f"duplicates {summary.duplicates:,}"
    )


def _learn(node: Node, data_dir: Path) -> None:
    """Exam outcomes in, a model trained on them, the agency's watchlist loaded."""
    exams = exam_sources.read(data_dir / "demo-exams.parquet", "parquet")
    with node.database.transaction() as session:
        today = datetime.now(UTC).date()
        imported = import_outcomes(session, exams, CLI_ACTOR, "demo", today, [count_findings])
    typer.echo(f"exam outcomes: {imported.imported:,} stored, {imported.duplicates:,} known")
    try:
        trained = train_model(node.database, node.settings)
    except TrainingRefusedError as error:
        typer.echo(f"no model yet ({error}): scoring with rules and watchlists")
    else:
        with node.database.transaction() as session:
            store(session, trained, CLI_ACTOR, activate=True)
        typer.echo(f"model {trained.model.version} trained and active")
    listed = load_watchlist(
        data_dir / "demo-watchlists" / f"{node.settings.agency}.watchlist.jsonl"
    )
    with node.database.transaction() as session:
        report = save_entries(session, listed, actor=CLI_ACTOR, replace_source=True)
    typer.echo(f"watchlist: {report.counts()}")


def _busiest_day(node: Node) -> tuple[str, date] | None:
    """The port and day, from today on, with the most boxes due: a worklist worth showing."""
    day = func.date(Assessment.discharge_eta)
    with node.database.transaction(write=False) as session:
        found = session.execute(
            select(Assessment.port_of_discharge, day)
            .where(Assessment.current, Assessment.discharge_eta >= datetime.now(UTC))
            .group_by(Assessment.port_of_discharge, day)
            .order_by(func.count().desc())
            .limit(1)
        ).first()
    return None if found is None else (found[0], date.fromisoformat(str(found[1])))


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
    _ingest(node, history_path(path))
    _learn(node, settings.data_dir)
    _ingest(node, path)
    with progress("score") as advance:
        scored = score_pending(node, advance)
    rescored = rescore_in_play(node, actor=CLI_ACTOR)
    typer.echo(f"scored {scored:,} filing versions, re-scored {rescored:,}")
    busiest = _busiest_day(node)
    if busiest is not None:
        port, day = busiest
        typer.echo(f"a busy day ahead: seawall worklist --port {port} --date {day}")
    key = _demo_key(node)
    base = f"http://{settings.host}:{settings.port}"
    typer.echo(f"API key of user {DEMO_USER}: {key}")
    typer.echo(f"API docs: {base}/docs  (Authorize with the key above)")
    typer.echo(f"try: curl -H 'Authorization: Bearer {key}' '{base}/api/v1/filings?limit=3'")
    typer.echo(f"     curl -H 'Authorization: Bearer {key}' '{base}/api/v1/filings/1/assessment'")
    if serve:
        serving.serve(settings, node.database)
