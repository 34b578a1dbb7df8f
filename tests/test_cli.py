"""The ``seawall`` root: commands refuse a database whose schema is not set up."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from seawall.cli import app


def test_a_command_on_an_unmigrated_database_says_what_to_do(tmp_path: Path) -> None:
    env = {"SEAWALL_DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    result = CliRunner().invoke(app, ["rules", "list"], env=env)
    assert result.exit_code == 2
    assert "run `seawall db upgrade` first" in result.output
    assert "Traceback" not in result.output
    upgraded = CliRunner().invoke(app, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0
    assert CliRunner().invoke(app, ["rules", "list"], env=env).exit_code == 0
