"""What processes import as they start: the ``seawall`` command, the API, bulk scoring's writer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _loaded_after(statement: str, env: dict[str, str] | None = None) -> set[str]:
    shown = "import sys; print(' '.join(sys.modules))"
    run = subprocess.run(
        [sys.executable, "-c", f"{statement}; {shown}"],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | (env or {}),
    )
    return set(run.stdout.split())


def test_the_writing_process_does_not_load_the_model_libraries() -> None:
    # A spawned process imports the command's script, then the module of what it runs: both
    # stay clear of LightGBM and scikit-learn, whose import took it seconds on two busy cores.
    loaded = _loaded_after("import seawall.__main__, seawall.risk.scoring.writing")
    assert "seawall.risk.scoring.store" in loaded
    assert not {"lightgbm", "sklearn", "seawall.cli"} & loaded


def test_a_command_starts_without_the_model_libraries_or_the_web_application() -> None:
    # The script registers every command; LightGBM, scikit-learn and the API's application
    # load when a command uses them (a model read or trained, the API served): with them,
    # `seawall --help` took 4 s.
    loaded = _loaded_after("import seawall.cli")
    assert "seawall.risk.scoring.service" in loaded
    assert not {"lightgbm", "sklearn", "fastapi", "seawall.app"} & loaded


def test_the_api_loads_the_model_libraries_as_it_starts(tmp_path: Path) -> None:
    # A model activated while the API serves must not cost a request LightGBM's import.
    start = (
        "from fastapi.testclient import TestClient; from seawall import migrations; "
        "from seawall.app import create_app; from seawall.core.node import Node; "
        "node = Node.from_environment(); migrations.upgrade(node.settings.url); "
        "client = TestClient(create_app(node.settings, node.database)); client.__enter__()"
    )
    loaded = _loaded_after(start, {"SEAWALL_DATA_DIR": str(tmp_path)})
    assert "lightgbm" in loaded


def test_python_dash_m_seawall_runs_the_command() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "seawall", "--help"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    assert "joint container-cargo targeting" in run.stdout
