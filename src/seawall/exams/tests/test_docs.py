"""docs/exams.md documents every column the import reads and every exit code."""

from __future__ import annotations

from pathlib import Path

from seawall.exams.sources import OPTIONAL, REQUIRED

DOC = Path(__file__).parents[4] / "docs" / "exams.md"


def test_every_column_and_exit_code_is_documented() -> None:
    text = DOC.read_text()
    for column in (*REQUIRED, *OPTIONAL):
        assert f"| `{column}` |" in text, column
    for code in ("exit 2", "exits **1**", "exit **0**"):
        assert code in text.replace("**exit 2**", "exit 2"), code
