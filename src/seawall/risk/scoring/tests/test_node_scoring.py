"""Scoring on a real node: in the POST, in bulk, the officer's view, and re-scoring on change."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from conftest import KeyFactory
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from seawall.cli import app
from seawall.core.accounts.models import Role
from seawall.core.audit.models import AuditEntry
from seawall.core.database import Database
from seawall.core.node import Node
from seawall.core.settings import Settings
from seawall.exams.tests.factories import exam_row, write_jsonl
from seawall.filings.tests.factories import filing_document
from seawall.risk.scoring import configuration, parties, store
from seawall.risk.scoring.models import AssessedSeal, Assessment, PartyHistory
from seawall.risk.scoring.service import _parts, _score_ids, rescore_in_play, score_pending

URL = "/api/v1/filings"


def _post(client: TestClient, headers: dict[str, str], document: dict[str, Any]) -> int:
    response = client.post(URL, json=document, headers=headers)
    assert response.status_code == 201, response.text
    filing_id: int = response.json()["filing_id"]
    return filing_id


def _assessments(database: Database) -> list[Assessment]:
    with database.transaction(write=False) as session:
        return list(session.scalars(select(Assessment).order_by(Assessment.id)))


def _cli(database_url: str, tmp_path: Path, *args: str) -> Any:
    env = {"SEAWALL_DATABASE_URL": database_url, "SEAWALL_DATA_DIR": str(tmp_path)}
    return CliRunner().invoke(app, list(args), env=env)


def test_a_posted_filing_is_scored_in_the_request_and_explained_to_officers(
    client: TestClient, auth: KeyFactory, database: Database
) -> None:
    filer = auth(Role.FILER)
    filing_id = _post(client, filer, filing_document())
    (stored,) = _assessments(database)
    assert (stored.filing_id, stored.version, stored.current) == (filing_id, 1, True)
    officer = auth(Role.TARGETING_OFFICER)
    view = client.get(f"{URL}/{filing_id}/assessment", headers=officer)
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["score"] == stored.score
    assert body["band"] in {"low", "medium", "high", "critical"}
    assert body["action"] in {"release", "review", "examine", "do-not-load"}
    explanation = body["explanation"]
    assert {"rules", "watchlist", "model", "rule_score"} <= set(explanation)
    assert explanation["rule_score"] == sum(rule["score"] for rule in explanation["rules"])
    assert all(rule["rationale"] for rule in explanation["rules"])
    with database.transaction(write=False) as session:
        reads = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "risk:read")
        )
    assert reads == 1


def test_a_filer_never_sees_a_risk_assessment(client: TestClient, auth: KeyFactory) -> None:
    filer = auth(Role.FILER)
    filing_id = _post(client, filer, filing_document())
    response = client.get(f"{URL}/{filing_id}/assessment", headers=filer)
    assert response.status_code == 403
    ack = client.get(f"{URL}/{filing_id}", headers=filer).json()
    assert "score" not in json.dumps(ack["versions"][0]["acknowledgement"])


def test_an_amendment_is_scored_and_becomes_the_current_assessment(
    client: TestClient, auth: KeyFactory, database: Database
) -> None:
    filer = auth(Role.FILER)
    first = filing_document()
    filing_id = _post(client, filer, first)
    _post(client, filer, first | {"submission_id": first["submission_id"] + "-A", "voyage": "9W"})
    rows = _assessments(database)
    assert [(row.version, row.current) for row in rows] == [(1, False), (2, True)]
    officer = auth(Role.TARGETING_OFFICER)
    assert client.get(f"{URL}/{filing_id}/assessment", headers=officer).json()["version"] == 2
    old = client.get(f"{URL}/{filing_id}/assessment?version=1", headers=officer).json()
    assert (old["version"], old["current"]) == (1, False)


def test_an_unknown_filing_has_no_assessment(client: TestClient, auth: KeyFactory) -> None:
    response = client.get(f"{URL}/999999/assessment", headers=auth(Role.ANALYST))
    assert response.status_code == 404
    assert "no assessment" in response.json()["detail"]


def _found(database_url: str, tmp_path: Path, document: dict[str, Any]) -> None:
    """An exam of the document's first box found something, imported as an agency would."""
    row = exam_row(document, 0, found=True, finding="narcotics", exam_date=str(date.today()))
    source = write_jsonl(tmp_path / "exams.jsonl", [row])
    assert _cli(database_url, tmp_path, "exams", "import", str(source)).exit_code == 0


def test_bulk_scoring_agrees_with_the_post_on_history(
    client: TestClient,
    auth: KeyFactory,
    database: Database,
    database_url: str,
    settings: Settings,
    tmp_path: Path,
) -> None:
    filer = auth(Role.FILER)
    first = filing_document()
    _post(client, filer, first)
    _found(database_url, tmp_path, first)
    shipper = first["parties"]["shipper"]
    for n in range(3):
        document = filing_document()
        document["parties"]["shipper"] = shipper
        if n == 1:  # a seal of the first filing, declared again on another bill
            document["containers"][0]["seals"] = first["containers"][0]["seals"]
        _post(client, filer, document)
    posted = {
        row.filing_version_id: orjson.loads(row.explanation) for row in _assessments(database)
    }
    hits = [{rule["id"] for rule in e["rules"]} for e in posted.values()]
    assert "HRM-PARTY-01" in hits[0]  # nobody had filed before the first
    assert all("HRM-PARTY-02" in found for found in hits[1:])  # the shipper's earlier finding
    assert ["HRM-SEAL-01" in found for found in hits] == [False, False, True, False]
    # Forget the assessments, then score the same versions in bulk.
    with database.transaction() as session:
        session.execute(delete(AssessedSeal))
        session.execute(delete(Assessment))
        session.execute(delete(PartyHistory))
    result = _cli(database_url, tmp_path, "score", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["scored"] == 4
    bulk = {row.filing_version_id: orjson.loads(row.explanation) for row in _assessments(database)}
    assert bulk == posted
    again = _cli(database_url, tmp_path, "score", "--json")
    assert json.loads(again.output)["scored"] == 0
    # Re-scoring in play reads the same history back from the assessments table.
    with database.transaction() as session:
        configuration.changed(session, "a new pack")
    assert rescore_in_play(Node(settings), actor="test") == 4
    rescored = {
        row.filing_version_id: orjson.loads(row.explanation) | {"generation": 0}
        for row in _assessments(database)
    }
    assert rescored == {key: value | {"generation": 0} for key, value in posted.items()}


def test_bulk_scoring_in_many_chunks_agrees_with_the_post(
    client: TestClient, auth: KeyFactory, database: Database, settings: Settings
) -> None:
    filer = auth(Role.FILER)
    for _ in range(5):  # one shipper: its history grows from chunk to chunk
        _post(client, filer, filing_document())
    posted = {row.filing_version_id: row.explanation for row in _assessments(database)}
    with database.transaction() as session:
        for table in (AssessedSeal, Assessment, PartyHistory):
            session.execute(delete(table))
        ids = store.unscored_ids(session)
    # Four parts (short first and last ones), written by a process of its own, which opens
    # the database itself.
    assert _score_ids(database, settings, ids, lambda _units: None, chunk=2) == 5
    assert {row.filing_version_id: row.explanation for row in _assessments(database)} == posted
    with database.transaction() as session:
        assert parties.recount(session) == 0


def test_two_scoring_runs_at_once_neither_fails_nor_doubles(
    client: TestClient, auth: KeyFactory, database: Database, settings: Settings
) -> None:
    filer = auth(Role.FILER)
    for _ in range(3):
        _post(client, filer, filing_document())
    posted = {row.filing_version_id: row.explanation for row in _assessments(database)}
    with database.transaction() as session:
        session.execute(delete(AssessedSeal))
        session.execute(delete(Assessment))
        stale = store.unscored_ids(session)  # what a second run read before the first wrote
    node = Node(settings)
    assert score_pending(node, lambda _units: None) == 3
    assert _score_ids(database, settings, stale, lambda _units: None) == 3
    assert {row.filing_version_id: row.explanation for row in _assessments(database)} == posted


def test_a_watchlist_change_rescores_the_filings_in_play(
    client: TestClient,
    auth: KeyFactory,
    database: Database,
    database_url: str,
    tmp_path: Path,
) -> None:
    document = filing_document()
    filing_id = _post(client, auth(Role.FILER), document)
    (before,) = _assessments(database)
    assert orjson.loads(before.explanation)["watchlist"] == []
    shipper = document["parties"]["shipper"]
    listing = tmp_path / "list.jsonl"
    entry = {
        "id": "WL-1",
        "name": shipper["name"],
        "country": shipper["address"]["country"],
        "source": "test unit",
        "reason": "front company for a listed network",
    }
    listing.write_text(json.dumps(entry) + "\n")
    result = _cli(database_url, tmp_path, "watchlist", "load", str(listing))
    assert result.exit_code == 0, result.output
    (after,) = _assessments(database)
    assert after.generation > before.generation
    match = orjson.loads(after.explanation)["watchlist"][0]
    assert (match["entry_id"], match["role"]) == ("WL-1", "shipper")
    assert after.watchlist_score >= 89.4
    assert after.action != "release"
    officer = auth(Role.TARGETING_OFFICER)
    view = client.get(f"{URL}/{filing_id}/assessment", headers=officer).json()
    assert view["explanation"]["watchlist"][0]["reason"] == "front company for a listed network"


def test_only_filings_in_play_are_rescored(
    client: TestClient, auth: KeyFactory, database: Database, settings: Settings
) -> None:
    filer = auth(Role.FILER)
    _post(client, filer, filing_document())
    cancelled = _post(client, filer, filing_document())
    response = client.post(
        f"{URL}/{cancelled}/cancel", json={"reason": "shipment withdrawn"}, headers=filer
    )
    assert response.status_code == 200, response.text
    with database.transaction() as session:
        configuration.changed(session, "a new pack")
    node = Node(settings)
    assert rescore_in_play(node, actor="test") == 1  # the active one; not the cancelled
    assert rescore_in_play(node, actor="test") == 0  # already under the new generation


def test_bulk_parts_cover_every_version_once_in_order_with_short_ends() -> None:
    ids = list(range(1_000))
    parts = _parts(ids, 100)
    assert [i for part in parts for i in part] == ids
    assert [len(part) for part in parts] == [25] + [100] * 9 + [50, 25]
    assert _parts(ids[:100], 100) == [ids[:100]]  # one part: nothing to overlap
    assert _parts([], 100) == []
