"""Fixtures every feature's tests share: a real node database on each backend, an API client.

Each database is built once per run by the real migrations; after each test every table is
emptied, so tests never see each other's rows. (The code under test owns and commits its own
transactions, as the request or job does in production, so a per-test rollback would test
something else.) PostgreSQL tests are skipped, with the reason, when no server answers.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from seawall import migrations, tables
from seawall.app import create_app
from seawall.core.accounts.models import Role
from seawall.core.accounts.service import create_key, create_user
from seawall.core.database import Database
from seawall.core.settings import Settings

PG_SERVER = os.environ.get("SEAWALL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _postgres_reason() -> str | None:
    try:
        with psycopg.connect(PG_SERVER, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL not reachable at {PG_SERVER}: {error}".strip()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped at the end."""
    reason = _postgres_reason()
    if reason:
        pytest.skip(reason)
    name = f"seawall_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = PG_SERVER.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    yield f"{base}/{name}"
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file for this run."""
    return f"sqlite:///{tmp_path_factory.mktemp('node') / 'seawall.db'}"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Each backend in turn, migrated to the newest schema."""
    url: str = request.getfixturevalue(f"{request.param}_url")
    migrations.upgrade(url)
    return url


def _empty(database: Database) -> None:
    names = [table.name for table in reversed(tables.metadata.sorted_tables)]
    with database.transaction() as session:
        if database.dialect == "postgresql":
            session.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        else:
            for name in names:
                session.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """The node's database, empty at the start of the test."""
    db = Database.from_url(database_url)
    _empty(db)
    yield db
    db.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings of a Canadian node on the test database."""
    return Settings(agency="CA", data_dir=tmp_path, database_url=database_url)


@pytest.fixture
def client(settings: Settings, database: Database) -> Iterator[TestClient]:
    """An HTTP client on the node's API."""
    with TestClient(create_app(settings, database), raise_server_exceptions=False) as test_client:
        yield test_client


KeyFactory = Callable[..., dict[str, str]]


@pytest.fixture
def auth(database: Database) -> KeyFactory:
    """Make a user with a role and return the headers that authenticate as it."""

    def make(
        role: Role = Role.FILER, filer_id: str | None = "FWD001", name: str | None = None
    ) -> dict[str, str]:
        with database.transaction() as session:
            user = create_user(
                session,
                name or f"{role.value}-{uuid.uuid4().hex[:6]}",
                role,
                filer_id if role is Role.FILER else None,
                "test",
            )
            key = create_key(session, user.name, "test")
        return {"Authorization": f"Bearer {key}"}

    return make
