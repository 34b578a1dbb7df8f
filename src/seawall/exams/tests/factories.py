"""Exam outcome rows for tests, and a command root with the exam and training commands.

The root mounts the features' Typer apps the way ``seawall/cli.py`` does, so these tests run
the real commands whether or not the composition root has registered them yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import typer
from typer.testing import CliRunner

from seawall.core.node import Node
from seawall.exams.cli import commands as exams_commands
from seawall.filings.cli import app as filings_cli
from seawall.risk.training.cli import app as training_cli
from seawall.risk.training.cli import models as models_cli


def cli() -> typer.Typer:
    """A ``seawall`` root with ingest, exams, train and models."""
    root = typer.Typer()

    @root.callback()
    def _root(ctx: typer.Context) -> None:
        ctx.obj = Node.from_environment()

    root.add_typer(filings_cli)
    root.add_typer(exams_commands(), name="exams")
    root.add_typer(training_cli)
    root.add_typer(models_cli, name="models")
    return root


def run(database_url: str, *args: str) -> tuple[int, str, str]:
    """Run a command on the test database: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli(), list(args), env={"SEAWALL_DATABASE_URL": database_url})
    return result.exit_code, result.stdout, result.stderr


def exam_row(document: dict[str, Any], box: int = 0, **changes: Any) -> dict[str, Any]:
    """An exam outcome of one box of a filing document, examined at its discharge."""
    row = {
        "document_number": document["transport_document"]["number"],
        "container": document["containers"][box]["number"],
        "exam_date": document["route"]["discharge_eta"][:10],
        "selected_by": "rules",
        "found": False,
        "exam_type": "NII X-ray/gamma",
    }
    return row | changes


def write_jsonl(path: Path, rows: Sequence[Any]) -> Path:
    """Rows as JSON Lines (bytes are written as they are)."""
    path.write_bytes(
        b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in rows)
    )
    return path
