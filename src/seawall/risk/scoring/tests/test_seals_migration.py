"""Migration 7c1e0a9d3b52 (seals keyed by seal, no foreign key to their assessment): the
seals survive it both ways, and seals left behind by a deleted assessment do not stop a
downgrade (nothing cascades any more)."""

from __future__ import annotations

from alembic import command
from conftest import KeyFactory
from fastapi.testclient import TestClient
from sqlalchemy import select

from seawall import migrations
from seawall.core.accounts.models import Role
from seawall.core.database import Database
from seawall.filings.tests.factories import filing_document
from seawall.risk.scoring.models import AssessedSeal

BEFORE = "d4700317075e"  # the migration before it


def _seals(database: Database) -> set[tuple[int, str]]:
    with database.transaction(write=False) as session:
        rows = session.execute(select(AssessedSeal.assessment_id, AssessedSeal.seal))
        return {(assessment, seal) for assessment, seal in rows}


def test_seals_survive_the_migration_both_ways_and_strays_are_dropped(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str
) -> None:
    response = client.post("/api/v1/filings", json=filing_document(), headers=auth(Role.FILER))
    assert response.status_code == 201
    scored = _seals(database)
    assert scored  # the factory's boxes are sealed
    with database.transaction() as session:
        session.add(AssessedSeal(seal="STRAY0001", assessment_id=10**12))  # no such assessment
    database.dispose()

    command.downgrade(migrations.config(database_url), BEFORE)
    assert _seals(database) == scored
    migrations.upgrade(database_url)
    assert _seals(database) == scored
