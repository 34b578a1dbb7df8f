"""``seawall backtest-rule FILE_OR_ID``: a candidate rule over the node's stored history."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from seawall.core.files import UnreadableFileError, read_text
from seawall.core.node import Node, node_of
from seawall.core.progress import progress
from seawall.risk.backtest.candidates import rules_from_text
from seawall.risk.backtest.rule import backtest_rules
from seawall.risk.backtest.stored import history_chunks
from seawall.risk.rules.packs import MAX_PACK_BYTES, CompiledRule, PackError
from seawall.risk.rules.store import find_rule


def _exit(code: int, message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _is_file(target: str) -> bool:
    path = Path(target)
    return path.exists() or path.suffix.lower() in (".yaml", ".yml") or "/" in target


def _from_file(target: str) -> tuple[CompiledRule, ...]:
    try:
        text = read_text(Path(target), limit=MAX_PACK_BYTES)
    except UnreadableFileError as error:
        _exit(2, f"error: {error}")
    try:
        return rules_from_text(text, target)
    except PackError as error:
        for problem in error.problems:
            typer.echo(f"{target}: {problem}", err=True)
        _exit(1, f"error: {len(error.problems)} problem(s); nothing was backtested")


def _in_force(node: Node, rule_id: str) -> tuple[CompiledRule, ...]:
    try:
        with node.database.transaction(write=False) as session:
            _, rule = find_rule(session, node.settings.agency, rule_id)
    except PackError as error:
        _exit(1, f"error: {error}")
    except KeyError:
        _exit(1, f"error: no file and no rule {rule_id!r} in force (seawall rules list)")
    return (rule,)


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def _print(report: dict[str, Any]) -> None:
    history = report["history"]
    summary = (
        f"{history['rows']:,} filings in history, {history['examined']:,} examined, "
        f"{history['findings']:,} with a finding (precision of the exams made: "
        f"{_rate(history['base_precision'])})"
    )
    table = Table()
    for name in (
        "rule",
        "hits",
        "hit rate",
        "examined hits",
        "with finding",
        "precision",
        "recall",
    ):
        table.add_column(name, justify="left" if name == "rule" else "right")
    for rule in report["rules"]:
        table.add_row(
            rule["id"],
            f"{rule['hits']:,}",
            _rate(rule["hit_rate"]),
            f"{rule['examined_hits']:,}",
            f"{rule['hits_with_finding']:,}",
            _rate(rule["precision"]),
            _rate(rule["recall"]),
        )
    console = Console() if sys.stdout.isatty() else Console(width=160)
    console.print(summary)
    console.print(table)


def backtest_rule_command(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="FILE_OR_ID",
            help="A YAML file with one rule, a list of rules or a pack; or the id of a rule "
            "in force on the node.",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """How often a candidate rule would have fired on the stored history, and on how many
    filings whose exams found something.

    Exit 0: backtested. 1: a rule does not load (each problem on stderr), or no such rule.
    2: the file cannot be read.
    """
    node = node_of(ctx)
    rules = _from_file(target) if _is_file(target) else _in_force(node, target)
    with progress("backtest-rule") as advance:
        report = backtest_rules(rules, history_chunks(node.database, node.settings, advance))
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    _print(report.to_json())
