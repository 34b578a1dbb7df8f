"""``seawall backtest-rule`` on a real node: posted filings, exam outcomes, candidate rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import KeyFactory
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from seawall.cli import app
from seawall.core.accounts.models import Role
from seawall.core.database import Database, utcnow
from seawall.exams.models import ExamOutcome
from seawall.filings.tests.factories import filing_document

RULE = """\
id: XX-CAND-1
title: Several boxes on one bill
owner: CA
sharing: private
condition: container_count >= 2
score: 10
rationale: A candidate rule, to see what it would have selected.
effective_from: 2030-01-01
version: 1
"""

PACK = """\
pack: candidates
agency: shared
version: 1
rules:
  - id: HRM-CAND-1
    title: Several boxes on one bill
    owner: CA
    sharing: shared
    condition: container_count >= 2
    score: 10
    rationale: A candidate rule, to see what it would have selected.
    effective_from: 2024-01-01
    version: 1
  - id: HRM-CAND-2
    title: Never fires here
    owner: US
    sharing: shared
    condition: any hs_headings in ["9301"]
    score: 40
    rationale: A candidate rule that selects nothing in this history.
    effective_from: 2024-01-01
    version: 1
"""


def run(database_url: str, tmp_path: Path, *args: str) -> Any:
    env = {"SEAWALL_DATABASE_URL": database_url, "SEAWALL_DATA_DIR": str(tmp_path)}
    return CliRunner().invoke(app, ["backtest-rule", *args], env=env)


def post(client: TestClient, filer: dict[str, str], containers: int) -> tuple[int, list[str]]:
    document = filing_document(containers=containers, goods=containers)
    response = client.post("/api/v1/filings", json=document, headers=filer)
    assert response.status_code == 201, response.text
    return response.json()["filing_id"], [box["number"] for box in document["containers"]]


def examined(database: Database, filing_id: int, box: str, *, found: bool) -> None:
    with database.transaction() as session:
        session.add(
            ExamOutcome(
                filing_id=filing_id,
                container=box,
                port="CAPRR",
                examined_on=date(2026, 11, 15),
                exam_type="NII X-ray/gamma",
                selected_by="rules",
                found=found,
                finding="narcotics" if found else None,
                recorded_at=utcnow(),
            )
        )


@pytest.fixture
def history(client: TestClient, auth: KeyFactory, database: Database) -> dict[str, int]:
    """Five filings: two-box ones found (one box of it), clean, never examined; a one-box one
    found; a cancelled two-box one found (left out)."""
    filer = auth(Role.FILER)
    found, found_boxes = post(client, filer, 2)
    clean, clean_boxes = post(client, filer, 2)
    unexamined, _ = post(client, filer, 3)
    single, single_boxes = post(client, filer, 1)
    cancelled, cancelled_boxes = post(client, filer, 2)
    examined(database, found, found_boxes[0], found=False)
    examined(database, found, found_boxes[1], found=True)
    examined(database, clean, clean_boxes[0], found=False)
    examined(database, single, single_boxes[0], found=True)
    examined(database, cancelled, cancelled_boxes[0], found=True)
    response = client.post(
        f"/api/v1/filings/{cancelled}/cancel", json={"reason": "withdrawn"}, headers=filer
    )
    assert response.status_code == 200, response.text
    return {"found": found, "clean": clean, "unexamined": unexamined, "single": single}


def test_a_rule_file_is_counted_over_the_stored_history(
    history: dict[str, int], database_url: str, tmp_path: Path
) -> None:
    rule = tmp_path / "rule.yaml"
    rule.write_text(RULE)
    result = run(database_url, tmp_path, str(rule), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["history"] == {
        "rows": 4,
        "examined": 3,
        "findings": 2,
        "base_precision": pytest.approx(2 / 3, abs=1e-6),
    }
    (figures,) = report["rules"]
    assert figures == {
        "id": "XX-CAND-1",
        "title": "Several boxes on one bill",
        "score": 10,
        "rows": 4,
        "hits": 3,
        "hit_rate": 0.75,
        "examined_hits": 2,
        "hits_with_finding": 1,
        "precision": 0.5,
        "recall": 0.5,
    }
    table = run(database_url, tmp_path, str(rule))
    assert table.exit_code == 0, table.output
    assert "XX-CAND-1" in table.stdout
    assert "75.0%" in table.stdout


def test_a_pack_reports_each_rule_and_a_rule_in_force_is_found_by_id(
    history: dict[str, int], database_url: str, tmp_path: Path
) -> None:
    pack = tmp_path / "candidates.yaml"
    pack.write_text(PACK)
    result = run(database_url, tmp_path, str(pack), "--json")
    assert result.exit_code == 0, result.output
    rules = {rule["id"]: rule for rule in json.loads(result.stdout)["rules"]}
    assert (rules["HRM-CAND-1"]["hits"], rules["HRM-CAND-2"]["hits"]) == (3, 0)
    assert rules["HRM-CAND-2"]["precision"] is None
    assert rules["HRM-CAND-2"]["recall"] == 0.0
    in_force = run(database_url, tmp_path, "hrm-party-01", "--json")
    assert in_force.exit_code == 0, in_force.output
    (figures,) = json.loads(in_force.stdout)["rules"]
    assert (figures["id"], figures["rows"]) == ("HRM-PARTY-01", 4)
    assert run(database_url, tmp_path, "HRM-NOPE-99").exit_code == 1


def test_a_list_of_loose_rules_is_checked_one_by_one(
    history: dict[str, int], database_url: str, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.yaml"
    second = RULE.replace("XX-CAND-1", "XX-CAND-2").replace("owner: CA", "owner: US")
    rules.write_text(
        "".join("- " + text.replace("\n", "\n  ").rstrip() + "\n" for text in (RULE, second))
    )
    result = run(database_url, tmp_path, str(rules), "--json")
    assert result.exit_code == 0, result.output
    assert [rule["id"] for rule in json.loads(result.stdout)["rules"]] == ["XX-CAND-1", "XX-CAND-2"]


def test_an_empty_history_has_no_rates(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    rule = tmp_path / "rule.yaml"
    rule.write_text(RULE)
    result = run(database_url, tmp_path, str(rule), "--json")
    assert result.exit_code == 0, result.output
    (figures,) = json.loads(result.stdout)["rules"]
    assert (figures["rows"], figures["hit_rate"], figures["recall"]) == (0, None, None)


def test_a_bad_rule_is_the_parsers_error_with_the_rule_and_position(
    database: Database, database_url: str, tmp_path: Path
) -> None:
    rule = tmp_path / "bad.yaml"
    rule.write_text(RULE.replace("container_count >= 2", "container_cont >= 2"))
    result = run(database_url, tmp_path, str(rule))
    assert result.exit_code == 1
    assert f"{rule}: rule XX-CAND-1: line 1 col 1: unknown feature 'container_cont'" in (
        result.stderr
    )
    assert "did you mean container_count" in result.stderr
    pack = tmp_path / "bad-pack.yaml"
    broken = PACK.replace("container_count >= 2", "container_count >=").replace("40", "lots")
    pack.write_text(broken)
    result = run(database_url, tmp_path, str(pack))
    assert result.exit_code == 1
    assert "rule HRM-CAND-1: line 1 col" in result.stderr
    assert "rule HRM-CAND-2: score: Input should be a valid integer" in result.stderr
    missing = run(database_url, tmp_path, str(tmp_path / "missing.yaml"))
    assert missing.exit_code == 2
    assert "missing.yaml" in missing.stderr
    (tmp_path / "empty.yaml").write_text("")
    assert run(database_url, tmp_path, str(tmp_path / "empty.yaml")).exit_code == 1
