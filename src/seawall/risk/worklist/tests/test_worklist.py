"""The worklist on a real node: filings posted and scored, read by API and command line."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import KeyFactory
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from seawall.app import create_app
from seawall.core.accounts.models import Role
from seawall.core.audit.models import AuditEntry
from seawall.core.database import Database
from seawall.core.node import Node
from seawall.core.settings import Settings, WorklistSettings
from seawall.filings.tests.factories import filing_document
from seawall.risk.scoring.models import Assessment
from seawall.risk.worklist.cli import app as worklist_cli

PORT = "CAPRR"
DAY = (datetime.now(UTC) + timedelta(days=20)).date()
URL = "/api/v1/worklist"


def node_settings(database_url: str, tmp_path: Path, **worklist: Any) -> Settings:
    return Settings(
        agency="CA",
        data_dir=tmp_path,
        database_url=database_url,
        worklist=WorklistSettings(compliance_salt=uuid.uuid4().hex, **worklist),
    )


@pytest.fixture
def capacity() -> dict[str, Any]:
    """Worklist settings of the test node (a test overrides it to change them)."""
    return {"capacity": {PORT: 5}, "compliance_share": 0.2}


@pytest.fixture
def node(database_url: str, tmp_path: Path, capacity: dict[str, Any]) -> Settings:
    return node_settings(database_url, tmp_path, **capacity)


@pytest.fixture
def api(node: Settings, database: Database) -> Iterator[TestClient]:
    """A client on the node's app."""
    app = create_app(node, database)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC).isoformat()


def post(
    api: TestClient,
    filer: dict[str, str],
    *,
    eta: str,
    port: str = PORT,
    containers: int = 1,
    score: float | None = None,
    database: Database | None = None,
) -> tuple[int, dict[str, Any]]:
    """Post a filing due at ``port`` at ``eta``; with ``score``, set its assessment's score."""
    loading = datetime.fromisoformat(eta) - timedelta(days=10)
    document = filing_document(containers=containers, goods=containers, loading_time=loading)
    document["route"]["discharge_eta"] = eta
    document["route"]["port_of_discharge"] = port
    response = api.post("/api/v1/filings", json=document, headers=filer)
    assert response.status_code == 201, response.text
    filing_id: int = response.json()["filing_id"]
    if score is not None:
        assert database is not None
        with database.transaction() as session:
            session.execute(
                update(Assessment).where(Assessment.filing_id == filing_id).values(score=score)
            )
    return filing_id, document


def reads(database: Database) -> int:
    with database.transaction(write=False) as session:
        query = select(func.count()).where(AuditEntry.action == "worklist:read")
        return session.scalar(query) or 0


def test_ranked_cut_at_capacity_in_containers_with_a_marked_reproducible_random_share(
    api: TestClient, auth: KeyFactory, database: Database
) -> None:
    filer = auth(Role.FILER)
    ids = {}
    for name, score, boxes in (
        ("A", 90, 1),
        ("B", 80, 1),
        ("G", 75, 2),
        ("C", 70, 1),
        ("D", 60, 1),
        ("E", 50, 1),
        ("F", 40, 1),
    ):
        ids[name], _ = post(
            api, filer, eta=at(DAY, 8), containers=boxes, score=score, database=database
        )
    officer = auth(Role.TARGETING_OFFICER)
    response = api.get(URL, params={"port": PORT, "date": DAY.isoformat()}, headers=officer)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["capacity"], body["risk_slots"], body["random_slots"]) == (5, 4, 1)
    assert (body["candidates"], body["candidate_containers"]) == (7, 8)
    entries = body["entries"]
    assert [(e["filing_id"], e["selected_by"], e["rank"]) for e in entries[:3]] == [
        (ids["A"], "risk", 1),
        (ids["B"], "risk", 2),
        (ids["G"], "risk", 3),
    ]
    (drawn,) = entries[3:]
    assert drawn["selected_by"] == "random"
    assert drawn["filing_id"] in {ids[name] for name in "CDEF"}
    assert body["selected_containers"] == 5
    first = entries[0]
    assert first["assessment"] == f"/api/v1/filings/{ids['A']}/assessment"
    assert first["score"] == 90
    assert len(first["containers"]) == 1
    explained = api.get(first["assessment"], headers=officer).json()["explanation"]
    titles = [rule["title"] for rule in explained["rules"] if rule["score"] > 0]
    assert all(reason.rsplit(" (+", 1)[0] in titles for reason in first["reasons"])
    assert len(first["reasons"]) == min(3, len(titles))
    again = api.get(URL, params={"port": PORT, "date": DAY.isoformat()}, headers=officer)
    assert again.json() == body
    assert reads(database) == 2


def test_only_active_current_filings_due_that_utc_day_at_that_port(
    api: TestClient, auth: KeyFactory, database: Database
) -> None:
    filer = auth(Role.FILER)
    first, _ = post(api, filer, eta=at(DAY, 0, 0))
    last, _ = post(api, filer, eta=at(DAY, 23, 59))
    post(api, filer, eta=at(DAY - timedelta(days=1), 23, 59))
    post(api, filer, eta=at(DAY + timedelta(days=1), 0, 0))
    post(api, filer, eta=at(DAY, 12), port="CAHAL")
    cancelled, _ = post(api, filer, eta=at(DAY, 12))
    response = api.post(
        f"/api/v1/filings/{cancelled}/cancel", json={"reason": "withdrawn"}, headers=filer
    )
    assert response.status_code == 200, response.text
    moved, document = post(api, filer, eta=at(DAY, 12))
    amended = document | {"submission_id": document["submission_id"] + "-A"}
    amended["route"] = document["route"] | {"discharge_eta": at(DAY + timedelta(days=2), 12)}
    assert api.post("/api/v1/filings", json=amended, headers=filer).status_code == 201
    body = api.get(URL, params={"port": PORT, "date": str(DAY)}, headers=auth(Role.ANALYST)).json()
    assert body["candidates"] == 2
    assert sorted(entry["filing_id"] for entry in body["entries"]) == sorted([first, last])
    assert moved not in {entry["filing_id"] for entry in body["entries"]}


def test_a_filer_may_not_read_a_worklist_and_officers_may(
    api: TestClient, auth: KeyFactory
) -> None:
    for role, status in (
        (Role.FILER, 403),
        (Role.EXAMINER, 403),
        (Role.TARGETING_OFFICER, 200),
        (Role.ANALYST, 200),
        (Role.ADMIN, 200),
    ):
        response = api.get(URL, params={"port": PORT}, headers=auth(role))
        assert response.status_code == status, (role, response.text)
        if status == 403:
            assert response.headers["content-type"] == "application/problem+json"
    assert api.get(URL, params={"port": PORT}).status_code == 401


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"port": "caprr"}, "port"),
        ({"port": "CAPR1"}, "port"),
        ({"port": "CAPRR", "date": "2026-13-01"}, "date"),
        ({"port": "CAPRR", "date": "tomorrow"}, "date"),
        ({"port": "CAPRR", "date": "9999-12-31"}, "date"),
        ({}, "port"),
    ],
)
def test_a_bad_port_or_date_is_a_problem(
    api: TestClient, auth: KeyFactory, database: Database, params: dict[str, str], path: str
) -> None:
    response = api.get(URL, params=params, headers=auth(Role.TARGETING_OFFICER))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [error["path"] for error in response.json()["errors"]] == [path]
    assert reads(database) == 0


def command_root(settings: Settings) -> typer.Typer:
    """A ``seawall`` root with the worklist command, on the test node's settings."""
    root = typer.Typer()

    @root.callback()
    def _root(ctx: typer.Context) -> None:
        ctx.obj = Node(settings)

    root.add_typer(worklist_cli)
    return root


def test_the_command_prints_the_same_worklist_as_json_or_a_table(
    api: TestClient, auth: KeyFactory, database: Database, node: Settings
) -> None:
    filer = auth(Role.FILER)
    top, _ = post(api, filer, eta=at(DAY, 9), score=95, database=database)
    for score in (10, 20, 30, 40, 50):
        post(api, filer, eta=at(DAY, 9), score=score, database=database)
    runner = CliRunner()
    result = runner.invoke(
        command_root(node), ["worklist", "--port", PORT, "--date", str(DAY), "--json"]
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    headers = auth(Role.TARGETING_OFFICER)
    served = api.get(URL, params={"port": PORT, "date": str(DAY)}, headers=headers).json()
    assert printed == served
    assert [e["selected_by"] for e in printed["entries"]] == ["risk"] * 4 + ["random"]
    table = runner.invoke(command_root(node), ["worklist", "--port", PORT, "--date", str(DAY)])
    assert table.exit_code == 0, table.output
    assert f"/api/v1/filings/{top}/assessment" in table.stdout
    assert "random" in table.stdout
    bad = runner.invoke(command_root(node), ["worklist", "--port", "Prince Rupert"])
    assert bad.exit_code == 2
    assert "UN/LOCODE" in bad.output
    bad_day = runner.invoke(
        command_root(node), ["worklist", "--port", PORT, "--date", "2026-02-30"]
    )
    assert bad_day.exit_code == 2
    assert reads(database) == 3
