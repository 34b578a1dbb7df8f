"""``seawall backtest``: random, rules, model and both on a labelled file (docs/backtest.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from seawall.core.progress import progress
from seawall.risk.backtest.mapping import BacktestError, load_mapping
from seawall.risk.backtest.rule_cli import backtest_rule_command
from seawall.risk.backtest.run import METHODS, STEPS, backtest, rate_key, read_data

app = typer.Typer(help="Backtest targeting methods on labelled declarations.")
app.command("backtest-rule")(backtest_rule_command)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


def parse_rates(text: str) -> list[float]:
    """``1,2,5,10`` as percentages in (0, 100]; BacktestError otherwise."""
    rates = []
    for part in text.split(","):
        try:
            rate = float(part)
        except ValueError:
            raise BacktestError(f"--rates: {part.strip()!r} is not a number") from None
        if not 0.0 < rate <= 100.0:
            raise BacktestError(f"--rates: {rate:g} is not a percentage in (0, 100]")
        rates.append(rate)
    return rates


def _table(title: str, section: dict[str, Any], rates: list[float]) -> list[str]:
    head = "".join(f"{rate_key(r) + '% prec':>12}{rate_key(r) + '% rec':>11}" for r in rates)
    lines = [title, f"{'method':<10}{head}"]
    for method in METHODS:
        cells = ""
        for rate in rates:
            cell = section[method][rate_key(rate)]
            for value, width in ((cell["precision"], 12), (cell["recall"], 11)):
                cells += f"{'-' if value is None else f'{value:.3f}':>{width}}"
        lines.append(f"{method:<10}{cells}")
    return lines


@app.command("backtest")
def backtest_command(
    data: Annotated[
        Path, typer.Option("--data", help="Labelled declarations: CSV, Parquet, JSONL, a sheet.")
    ],
    mapping: Annotated[Path, typer.Option("--mapping", help="MAP.yaml: columns to features.")],
    label: Annotated[str, typer.Option("--label", help="The column saying a finding was made.")],
    split_date: Annotated[
        str, typer.Option("--split-date", help="Train before this date, test from it on.")
    ],
    rates: Annotated[str, typer.Option("--rates", help="Exam rates in percent.")] = "1,2,5,10",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    seed: Annotated[int, typer.Option("--seed", min=0, help="LightGBM's seed.")] = 0,
) -> None:
    """Precision and recall at each exam rate: random, rules alone, model alone, combined."""
    try:
        split = date.fromisoformat(split_date)
    except ValueError:
        raise _fail(f"--split-date: {split_date!r} is not a date such as 2026-04-01") from None
    try:
        chosen = parse_rates(rates)
        columns = load_mapping(mapping)
        with progress("backtest", total=1 + STEPS) as advance:
            declarations = read_data(data, columns)
            advance()
            report = backtest(declarations, columns, label, split, chosen, seed, advance)
    except BacktestError as error:
        raise _fail(str(error)) from None
    for warning in report.data["warnings"]:
        typer.echo(f"warning: {warning}", err=True)
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    facts = report.data
    lines = [
        f"train: {facts['train_rows']} rows, {facts['train_positives']} positive, before {split}",
        f"test:  {facts['test_rows']} rows, {facts['test_positives']} positive",
        *_dropped(facts),
        "",
        *_table("all test rows", report.sections["all"], chosen),
        "",
        *_table(
            f"test rows with no identical twin in training ({facts['no_twin_rows']} rows, "
            f"{facts['no_twin_positives']} positive; key: {', '.join(facts['key']) or 'none'})",
            report.sections["no_twin"],
            chosen,
        ),
    ]
    typer.echo("\n".join(lines))


def _dropped(facts: dict[str, Any]) -> list[str]:
    """The line saying which rows were left out and why, when some were."""
    reasons = [(facts["dropped_unlabelled"], "no label"), (facts["dropped_undated"], "no time")]
    said = [f"{count} with {why}" for count, why in reasons if count]
    return [f"left out: {', '.join(said)}"] if said else []
