"""The party history counts stay in step with assessments and exams, on every path that moves
them: a POST, an amendment, an exam import, bulk scoring; a recount finds nothing to mend."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
from alembic import command
from conftest import KeyFactory
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from seawall import migrations
from seawall.cli import app
from seawall.core.accounts.models import Role
from seawall.core.database import Database
from seawall.exams.tests.factories import exam_row, write_jsonl
from seawall.filings.tests.factories import filing_document
from seawall.risk.rules.history import party_key
from seawall.risk.scoring import parties, store
from seawall.risk.scoring.documents import Stored
from seawall.risk.scoring.models import Assessment, PartyHistory
from seawall.risk.scoring.scorer import Assessed

URL = "/api/v1/filings"
BEFORE_COUNTS = "952a9285e8c4"  # the migration before risk_party_history


def _cli(database_url: str, tmp_path: Path, *args: str) -> Any:
    env = {"SEAWALL_DATABASE_URL": database_url, "SEAWALL_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result


def _counts(database: Database) -> dict[tuple[str, str], tuple[int, int]]:
    with database.transaction(write=False) as session:
        rows = session.execute(select(PartyHistory)).scalars()
        return {(row.role, row.party_key): (row.filings, row.findings) for row in rows}


def _key(document: dict[str, Any], role: str) -> tuple[str, str]:
    return role, party_key(document["parties"][role])


def _found(database_url: str, tmp_path: Path, document: dict[str, Any]) -> None:
    """An exam of the document's first box found something, imported as an agency would."""
    row = exam_row(document, 0, found=True, finding="narcotics", exam_date=str(date.today()))
    source = write_jsonl(tmp_path / f"exam-{document['submission_id']}.jsonl", [row])
    _cli(database_url, tmp_path, "exams", "import", str(source))


def _recounted(database: Database) -> int:
    with database.transaction() as session:
        return parties.recount(session)


def test_posts_amendments_and_exam_imports_keep_the_counts(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str, tmp_path: Path
) -> None:
    filer = auth(Role.FILER)
    first, second = filing_document(), filing_document()
    second["parties"]["shipper"] = first["parties"]["shipper"]
    for document in (first, second):
        assert client.post(URL, json=document, headers=filer).status_code == 201
    shipper, consignee = _key(first, "shipper"), _key(first, "consignee")
    assert _counts(database)[shipper] == (2, 0)

    _found(database_url, tmp_path, first)
    _found(database_url, tmp_path, first | {"containers": first["containers"][1:]})
    assert _counts(database)[shipper] == (2, 1)  # one filing found, however many boxes
    assert _counts(database)[consignee] == (2, 1)

    # The found filing is amended to another shipper: its filing and its finding move along.
    moved = first | {"submission_id": first["submission_id"] + "-A"}
    moved["parties"] = first["parties"] | {"shipper": {**first["parties"]["shipper"],
                                                      "name": "Other Exports Ltd"}}  # fmt: skip
    assert client.post(URL, json=moved, headers=filer).status_code == 201
    counts = _counts(database)
    assert counts[shipper] == (1, 0)
    assert counts[_key(moved, "shipper")] == (1, 1)
    assert counts[consignee] == (2, 1)
    assert _recounted(database) == 0


def test_bulk_scoring_counts_what_it_scores_and_exams_imported_before_it(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    documents = [filing_document() for _ in range(3)]
    for n, document in enumerate(documents):  # three shippers, one consignee
        document["parties"]["shipper"] = document["parties"]["shipper"] | {"name": f"Mill {n}"}
    source = write_jsonl(tmp_path / "filings.jsonl", documents)
    _cli(database_url, tmp_path, "ingest", str(source), "--workers", "1")
    _found(database_url, tmp_path, documents[1])  # before any assessment exists
    assert _counts(database) == {}

    _cli(database_url, tmp_path, "score")
    counts = _counts(database)
    assert counts[_key(documents[0], "consignee")] == (3, 1)
    assert [counts[_key(d, "shipper")] for d in documents] == [(1, 0), (1, 1), (1, 0)]
    assert _recounted(database) == 0


def test_a_recount_mends_counts_that_drifted(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str, tmp_path: Path
) -> None:
    document = filing_document()
    assert client.post(URL, json=document, headers=auth(Role.FILER)).status_code == 201
    role, key = _key(document, "shipper")
    with database.transaction() as session:
        session.execute(
            update(PartyHistory)
            .where(PartyHistory.role == role, PartyHistory.party_key == key)
            .values(filings=7, findings=2)
        )
        session.add(PartyHistory(role="consignee", party_key="XX|nobody", filings=1, findings=0))

    result = _cli(database_url, tmp_path, "score", "--recount", "--json")
    assert json.loads(result.output)["recounted"] == 2
    counts = _counts(database)
    assert counts[(role, key)] == (1, 0)
    assert ("consignee", "XX|nobody") not in counts
    assert _recounted(database) == 0


def test_the_migration_counts_what_was_stored_before_it(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str, tmp_path: Path
) -> None:
    documents = [filing_document() for _ in range(2)]
    for document in documents:
        assert client.post(URL, json=document, headers=auth(Role.FILER)).status_code == 201
    _found(database_url, tmp_path, documents[0])
    counted = _counts(database)
    assert counted[_key(documents[0], "shipper")] == (2, 1)

    command.downgrade(migrations.config(database_url), BEFORE_COUNTS)
    migrations.upgrade(database_url)
    assert _counts(database) == counted


def test_versions_scored_after_a_later_one_leave_it_current(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str, tmp_path: Path
) -> None:
    first = filing_document()
    versions = [first | {"submission_id": first["submission_id"] + suffix, "voyage": voyage}
                for suffix, voyage in (("", "1W"), ("-A", "2W"), ("-B", "3W"))]  # fmt: skip
    source = write_jsonl(tmp_path / "filings.jsonl", versions[:2])
    _cli(database_url, tmp_path, "ingest", str(source), "--workers", "1")
    assert client.post(URL, json=versions[2], headers=auth(Role.FILER)).status_code == 201

    _cli(database_url, tmp_path, "score")  # versions 1 and 2, after 3
    with database.transaction(write=False) as session:
        current = (
            session.execute(select(Assessment.version).where(Assessment.current)).scalars().all()
        )
    assert current == [3]
    assert _counts(database)[_key(first, "shipper")] == (1, 0)
    assert _recounted(database) == 0


def test_a_failed_write_is_undone_to_its_savepoint_and_the_transaction_goes_on(
    database: Database,
) -> None:
    # How a POST's scoring hook fails (routes.install): in a savepoint. The writes go
    # pipelined on PostgreSQL; a constraint that fails there must leave the POST's own
    # transaction usable. An assessment without a port makes a real one (NOT NULL) fail.
    now = datetime.now(UTC)
    portless = cast(str, None)
    ghost = Stored(10**9, 10**9, 1, True, now, "GHOST", portless, now, "CA|g", "CA|g", ["S1"])
    assessed = Assessed("ghost", 1.0, "low", "release", 0, 0.0, None, None, {"rules": []})
    refused = (psycopg.errors.NotNullViolation, sqlite3.IntegrityError)
    with database.transaction() as session:
        with pytest.raises(refused), session.begin_nested():
            store.save(session, [ghost], [assessed], 0, store.Taken([10**9], {}, []))
        session.add(PartyHistory(role="shipper", party_key="CA|after", filings=1, findings=0))
    assert _counts(database) == {("shipper", "CA|after"): (1, 0)}


def test_a_batch_with_an_amendment_scores_each_version_and_keeps_the_counts(
    client: TestClient, auth: KeyFactory, database: Database, database_url: str, tmp_path: Path
) -> None:
    # A batch's versions are looked up together (one round trip on PostgreSQL): each gets its
    # assessment, the amendment takes over from its filing's earlier one, and the counts
    # follow as if they had come one by one.
    filer = auth(Role.FILER)
    first = filing_document()
    assert client.post(URL, json=first, headers=filer).status_code == 201
    _found(database_url, tmp_path, first)
    amended = first | {"submission_id": first["submission_id"] + "-A"}
    amended["parties"] = first["parties"] | {"shipper": {**first["parties"]["shipper"],
                                                        "name": "Other Exports Ltd"}}  # fmt: skip
    sibling = filing_document()
    sibling["parties"]["shipper"] = first["parties"]["shipper"]
    answer = client.post(f"{URL}/batch", json=[amended, sibling], headers=filer)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 2
    with database.transaction(write=False) as session:
        rows = session.execute(
            select(Assessment.document_number, Assessment.version, Assessment.current)
        ).all()
    assert sorted(rows) == sorted([
        (first["transport_document"]["number"], 1, False),
        (first["transport_document"]["number"], 2, True),
        (sibling["transport_document"]["number"], 1, True),
    ])  # fmt: skip
    counts = _counts(database)
    assert counts[_key(first, "shipper")] == (1, 0)  # the sibling's; the amendment moved away
    assert counts[_key(amended, "shipper")] == (1, 1)  # the finding moved with it
    assert _recounted(database) == 0
