"""Progress bars go to stderr: a command's output stays whole wherever it goes."""

from __future__ import annotations

import pytest
import typer

from seawall.core import progress as progress_module
from seawall.core.progress import progress


def test_a_bar_drawn_on_a_terminal_leaves_stdout_to_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # `seawall backtest --json > out.json` typed at a terminal: stderr is the terminal.
    monkeypatch.setattr(progress_module, "shown", lambda: True)
    with progress("backtest", total=2) as advance:
        advance()
        advance()
        typer.echo('{"scored": 2}')  # what a command's --json prints
    out, err = capsys.readouterr()
    assert out == '{"scored": 2}\n'
    assert "backtest" in err
    assert "2/2" in err
