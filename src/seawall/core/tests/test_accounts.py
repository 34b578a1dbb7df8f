"""Users, roles and API keys from the command line; keys are kept only as hashes."""

from __future__ import annotations

from sqlalchemy import select
from typer.testing import CliRunner

from seawall.cli import app
from seawall.core.accounts.models import ApiKey
from seawall.core.accounts.service import authenticate
from seawall.core.database import Database


def cli(database_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"SEAWALL_DATABASE_URL": database_url})
    return result.exit_code, result.stdout + result.stderr


def test_a_user_gets_a_key_that_authenticates(database: Database, database_url: str) -> None:
    code, output = cli(
        database_url, "users", "create", "pacific", "--role", "filer", "--filer-id", "FWD001"
    )
    assert code == 0, output
    code, key = cli(database_url, "keys", "create", "pacific")
    key = key.strip()
    assert code == 0
    with database.transaction(write=False) as session:
        principal = authenticate(session, key)
        digests = session.scalars(select(ApiKey.digest)).all()
    assert principal is not None
    assert (principal.name, principal.role, principal.filer_id) == ("pacific", "filer", "FWD001")
    assert key not in digests
    assert all(key not in digest for digest in digests)


def test_bad_user_requests_are_refused_clearly(database_url: str, database: Database) -> None:
    code, output = cli(database_url, "users", "create", "pacific", "--role", "filer")
    assert code == 1
    assert "--filer-id" in output
    code, output = cli(database_url, "users", "create", "Bad Name!", "--role", "analyst")
    assert code == 1
    assert "user name" in output
    code, output = cli(database_url, "users", "create", "x1", "--role", "emperor")
    assert code == 2
    assert "emperor" in output
    code, output = cli(database_url, "keys", "create", "nobody")
    assert code == 1
    assert "no user named 'nobody'" in output


def test_a_bad_setting_is_named(database_url: str) -> None:
    result = CliRunner().invoke(app, ["audit", "verify"], env={"SEAWALL_AGENCY": "canada"})
    assert result.exit_code == 2
    assert "SEAWALL_AGENCY" in result.stderr


def test_unknown_keys_do_not_authenticate(database: Database) -> None:
    with database.transaction(write=False) as session:
        assert authenticate(session, "sw_" + "a" * 43) is None
        assert authenticate(session, "not-even-shaped") is None
