"""Settings come from arguments, then SEAWALL_* variables, then seawall.toml."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from seawall.core.database import Database
from seawall.core.settings import Settings


def test_the_environment_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "seawall.toml").write_text(
        'agency = "US"\nport = 9000\n[lead_times]\nmarine = "PT36H"\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEAWALL_PORT", "8123")
    settings = Settings()
    assert (settings.agency, settings.port) == ("US", 8123)
    assert settings.lead_times["marine"] == timedelta(hours=36)
    assert settings.lead_times["air"] == timedelta(hours=4)


def test_the_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.url == f"sqlite:///{tmp_path / 'seawall.db'}"


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    database = Database.from_url(Settings(data_dir=tmp_path).url)
    with database.transaction(write=False) as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.dispose()


def test_bad_settings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="agency"):
        Settings(agency="Canada", data_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown transport mode marin"):
        Settings(lead_times={"marin": timedelta(hours=1)}, data_dir=tmp_path)
