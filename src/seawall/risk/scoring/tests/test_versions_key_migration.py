"""Migration b81e4c7f2a90 (no foreign key from an assessment to its filing version): the
assessments survive it both ways, and an assessment whose version was deleted by hand goes,
with its seals, before a downgrade restores the key."""

from __future__ import annotations

from typing import cast

from alembic import command
from conftest import KeyFactory
from fastapi.testclient import TestClient
from sqlalchemy import Table, insert, select

from seawall import migrations
from seawall.core.accounts.models import Role
from seawall.core.database import Database
from seawall.filings.tests.factories import filing_document
from seawall.risk.scoring.models import AssessedSeal, Assessment

BEFORE = "3f6b2d8e9a41"  # the migration before it
_ASSESSMENTS = cast(Table, Assessment.__table__)
_SEALS = cast(Table, AssessedSeal.__table__)


def _stored(database: Database) -> tuple[set[tuple[int, int]], set[int]]:
    """(assessment id, version id) of every assessment, and the assessments that have seals."""
    with database.transaction(write=False) as session:
        assessments = session.execute(select(_ASSESSMENTS.c.id, _ASSESSMENTS.c.filing_version_id))
        sealed = session.scalars(select(_SEALS.c.assessment_id).distinct())
        return {(id_, version) for id_, version in assessments}, set(sealed)


def test_assessments_survive_the_migration_both_ways_and_strays_are_dropped(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str
) -> None:
    response = client.post("/api/v1/filings", json=filing_document(), headers=auth(Role.FILER))
    assert response.status_code == 201
    scored = _stored(database)
    assessments, sealed = scored
    assert len(assessments) == 1
    assert sealed  # the factory's boxes are sealed
    with database.transaction() as session:
        row = session.execute(select(_ASSESSMENTS)).mappings().one()
        stray = 10**12  # an assessment of a version that no longer exists
        session.execute(
            insert(_ASSESSMENTS).values({**row, "id": stray, "filing_version_id": stray})
        )
        session.execute(insert(_SEALS).values(assessment_id=stray, seal="STRAY0001"))
    database.dispose()

    command.downgrade(migrations.config(database_url), BEFORE)
    assert _stored(database) == scored
    migrations.upgrade(database_url)
    assert _stored(database) == scored
