"""``seawall train`` and ``seawall models list|activate``."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any

import orjson
import typer

from seawall.core.node import CLI_ACTOR, node_of
from seawall.risk.scoring.service import rescore_in_play
from seawall.risk.training import registry
from seawall.risk.training.service import Trained, TrainingRefusedError, store, train_model

app = typer.Typer()
models = typer.Typer(help="The node's trained model versions.", no_args_is_help=True)


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date such as 2026-01-31") from None


@app.command("train")
def train_command(
    ctx: typer.Context,
    activate: Annotated[
        bool, typer.Option(help="Make the new version active and re-score what is in play.")
    ] = True,
    since: Annotated[
        str | None, typer.Option(help="Only exams on or after this day (YYYY-MM-DD).")
    ] = None,
    random_rate: Annotated[
        float | None,
        typer.Option(
            min=1e-6,
            max=1.0,
            help="Share of the boxes the rules passed over that were examined at random; "
            "default: estimated from the node's filings.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Train a model on the node's exam outcomes and store it as a new version.

    Exit 0: stored (and activated unless --no-activate); 1: too few outcomes or findings to
    train on, nothing stored.
    """
    node = node_of(ctx)
    try:
        trained = train_model(
            node.database, node.settings, since=_day(since), random_rate=random_rate
        )
    except TrainingRefusedError as error:
        typer.echo(f"error: {error}; nothing was stored", err=True)
        raise typer.Exit(1) from None
    with node.database.transaction() as session:
        activated = store(session, trained, CLI_ACTOR, activate=activate)
    rescored = rescore_in_play(node, actor=CLI_ACTOR) if activated else 0
    result = _result(trained, activated=activated, rescored=rescored)
    if as_json:
        sys.stdout.write(orjson.dumps(result).decode() + "\n")
        return
    _print(result)


def _result(trained: Trained, *, activated: bool, rescored: int) -> dict[str, Any]:
    meta = trained.model.metadata
    return {
        "version": trained.model.version,
        "activated": activated,
        "rescored": rescored,
        "data": trained.data,
        "train_period": meta["train_period"],
        "valid_period": meta["valid_period"],
        "train_rows": meta["train_rows"],
        "train_positives": meta["train_positives"],
        "best_iteration": meta["best_iteration"],
        "features": len(meta["features"]),
        "metrics": meta["metrics"],
    }


def _figures(name: str, metrics: dict[str, Any] | None) -> str:
    if not metrics:
        return f"{name}: none"
    auc = "n/a" if metrics["auc"] is None else f"{metrics['auc']:.3f}"
    brier = "n/a" if metrics["brier"] is None else f"{metrics['brier']:.4f}"
    return (
        f"{name}: {metrics['rows']:,} filings, {metrics['positives']:,} findings, "
        f"AUC {auc}, Brier {brier}"
    )


def _print(result: dict[str, Any]) -> None:
    data = result["data"]
    rate = "none (no random exams)" if data["random_rate"] is None else f"{data['random_rate']:.4%}"
    typer.echo(f"model {result['version']}")
    typer.echo(
        f"  trained on {data['filings']:,} examined filings, {data['findings']:,} with a finding, "
        f"{data['random_filings']:,} picked at random (compliance rate {rate})"
    )
    typer.echo(
        f"  train {result['train_period']['from']} to {result['train_period']['to']}: "
        f"{result['train_rows']:,} filings, {result['train_positives']:,} findings; "
        f"{result['best_iteration']} trees on {result['features']} inputs"
    )
    metrics = result["metrics"]
    typer.echo("  " + _figures("validation (weighted)", metrics.get("valid")))
    typer.echo("  " + _figures("validation, random share only", metrics.get("valid_random_share")))
    if result["activated"]:
        typer.echo(f"  active now; re-scored {result['rescored']:,} filings in play")
    else:
        typer.echo(f"  stored, not active: seawall models activate {result['version']}")


@models.command("list")
def models_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """Every stored model version, newest first, with its validation figures."""
    with node_of(ctx).database.transaction(write=False) as session:
        found = registry.versions(session)
    if as_json:
        rows = [
            {"version": v.version, "trained_at": v.trained_at.isoformat(),
             "trained_by": v.trained_by, "active": v.active, "metrics": v.metrics,
             "training": v.metadata.get("training")}
            for v in found
        ]  # fmt: skip
        sys.stdout.write(orjson.dumps(rows).decode() + "\n")
        return
    if not found:
        typer.echo("no model versions yet: seawall train")
        return
    for v in found:
        mark = "*" if v.active else " "
        when = f"{v.trained_at:%Y-%m-%d %H:%M}"
        typer.echo(
            f"{mark} {v.version}  {when}  {v.trained_by}  "
            + _figures("valid", v.metrics.get("valid"))
        )


@models.command("activate")
def models_activate(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument(help="The version id, as seawall models list shows.")],
) -> None:
    """Make a stored version the node's active model and re-score what is in play."""
    node = node_of(ctx)
    try:
        with node.database.transaction() as session:
            changed = registry.activate(session, version, CLI_ACTOR)
    except registry.ModelNotFoundError as error:
        typer.echo(f"error: {error.args[0]}", err=True)
        raise typer.Exit(1) from None
    if not changed:
        typer.echo(f"model {version} is already active")
        return
    rescored = rescore_in_play(node, actor=CLI_ACTOR)
    typer.echo(f"model {version} is active; re-scored {rescored:,} filings in play")
