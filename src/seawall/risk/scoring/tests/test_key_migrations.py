"""Migrations that dropped the bulk tables' foreign keys: 7c1e0a9d3b52 (seals keyed by seal,
no key to their assessment) and b81e4c7f2a90 (no key from an assessment to its version).
What they keep survives them both ways, and rows left behind by deletions made by hand
(nothing cascades or checks any more) are dropped before a downgrade restores a key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from alembic import command
from conftest import KeyFactory
from fastapi.testclient import TestClient
from sqlalchemy import Table, insert, select

from seawall import migrations
from seawall.core.accounts.models import Role
from seawall.core.database import Database
from seawall.filings.tests.factories import filing_document
from seawall.risk.scoring.models import AssessedSeal, Assessment

_ASSESSMENTS = cast(Table, Assessment.__table__)
_SEALS = cast(Table, AssessedSeal.__table__)
STRAY = 10**12  # an id nothing has


def _seals(database: Database) -> set[tuple[int, str]]:
    with database.transaction(write=False) as session:
        rows = session.execute(select(_SEALS.c.assessment_id, _SEALS.c.seal))
        return {(assessment, seal) for assessment, seal in rows}


def _assessments(database: Database) -> tuple[set[tuple[int, int]], set[int]]:
    """(assessment id, version id) of every assessment, and the assessments that have seals."""
    with database.transaction(write=False) as session:
        assessments = session.execute(select(_ASSESSMENTS.c.id, _ASSESSMENTS.c.filing_version_id))
        sealed = session.scalars(select(_SEALS.c.assessment_id).distinct())
        return {(id_, version) for id_, version in assessments}, set(sealed)


def _post_one(client: TestClient, auth: KeyFactory) -> None:
    response = client.post("/api/v1/filings", json=filing_document(), headers=auth(Role.FILER))
    assert response.status_code == 201


def _down_and_up(
    database: Database, url: str, before: str, read: Callable[[Database], Any], kept: Any
) -> None:
    """Down to ``before`` and back up: each time, ``read`` finds what was ``kept``."""
    database.dispose()
    command.downgrade(migrations.config(url), before)
    assert read(database) == kept
    migrations.upgrade(url)
    assert read(database) == kept


def test_seals_survive_their_migration_both_ways_and_strays_are_dropped(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str
) -> None:
    _post_one(client, auth)
    scored = _seals(database)
    assert scored  # the factory's boxes are sealed
    with database.transaction() as session:
        session.execute(insert(_SEALS).values(assessment_id=STRAY, seal="STRAY0001"))
    _down_and_up(database, database_url, "d4700317075e", _seals, scored)


def test_assessments_survive_their_migration_both_ways_and_strays_are_dropped(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str
) -> None:
    _post_one(client, auth)
    scored = _assessments(database)
    assessments, sealed = scored
    assert len(assessments) == 1
    assert sealed
    with database.transaction() as session:
        row = session.execute(select(_ASSESSMENTS)).mappings().one()
        orphan = {**row, "id": STRAY, "filing_version_id": STRAY}  # its version is gone
        session.execute(insert(_ASSESSMENTS).values(orphan))
        session.execute(insert(_SEALS).values(assessment_id=STRAY, seal="STRAY0001"))
    _down_and_up(database, database_url, "3f6b2d8e9a41", _assessments, scored)
