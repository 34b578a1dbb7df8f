"""The filings API on a real database: submit, amend, idempotency, cancel, read, list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import KeyFactory
from fastapi.testclient import TestClient

from seawall.core.accounts.models import Role
from seawall.filings.tests.factories import filing_document

URL = "/api/v1/filings"


def test_an_accepted_filing_is_acknowledged_and_kept(client: TestClient, auth: KeyFactory) -> None:
    filer = auth(Role.FILER)
    document = filing_document()
    response = client.post(URL, json=document, headers=filer)
    assert response.status_code == 201, response.text
    ack = response.json()
    assert ack["status"] == "accepted"
    assert ack["version"] == 1
    assert ack["timeliness"]["on_time"] is True
    stored = client.get(f"{URL}/{ack['filing_id']}", headers=filer).json()
    assert stored["versions"][0]["document"]["containers"] == document["containers"]


def test_a_late_filing_is_kept_and_says_how_late(client: TestClient, auth: KeyFactory) -> None:
    loading = datetime.now(UTC) + timedelta(hours=20, minutes=30)
    response = client.post(URL, json=filing_document(loading_time=loading), headers=auth())
    timeliness = response.json()["timeliness"]
    assert response.status_code == 201
    assert timeliness["on_time"] is False
    assert 3 * 3600 <= timeliness["late_by_seconds"] <= 3 * 3600 + 60 * 31
    assert timeliness["late_by"].startswith("3 h")


def test_resubmitting_makes_a_new_version_and_keeps_the_old(
    client: TestClient, auth: KeyFactory
) -> None:
    filer = auth()
    first = filing_document()
    second = first | {"submission_id": first["submission_id"] + "-A", "voyage": "052E"}
    one = client.post(URL, json=first, headers=filer).json()
    two = client.post(URL, json=second, headers=filer).json()
    assert (one["filing_id"], two["filing_id"]) == (one["filing_id"], one["filing_id"])
    assert two["version"] == 2
    versions = client.get(f"{URL}/{one['filing_id']}", headers=filer).json()["versions"]
    assert [v["document"]["voyage"] for v in versions] == ["051E", "052E"]
    assert [v["superseded"] for v in versions] == [True, False]


def test_a_retry_returns_the_same_acknowledgement_and_stores_nothing(
    client: TestClient, auth: KeyFactory
) -> None:
    filer = auth()
    document = filing_document()
    first = client.post(URL, json=document, headers=filer)
    retry = client.post(URL, json=document, headers=filer)
    assert retry.json() == first.json()
    versions = client.get(f"{URL}/{first.json()['filing_id']}", headers=filer).json()["versions"]
    assert len(versions) == 1


def test_a_cancelled_filing_takes_no_new_version(client: TestClient, auth: KeyFactory) -> None:
    filer = auth()
    document = filing_document()
    filing_id = client.post(URL, json=document, headers=filer).json()["filing_id"]
    cancelled = client.post(
        f"{URL}/{filing_id}/cancel", json={"reason": "shipment withdrawn"}, headers=filer
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    again = client.post(f"{URL}/{filing_id}/cancel", json={"reason": "twice"}, headers=filer)
    assert again.status_code == 409
    amended = client.post(URL, json=document | {"submission_id": "NEW-1"}, headers=filer)
    assert amended.status_code == 422
    assert amended.json()["errors"][0]["path"] == "transport_document.number"


def test_a_filer_sees_only_its_own_filings(client: TestClient, auth: KeyFactory) -> None:
    mine, theirs = auth(filer_id="FWD001"), auth(filer_id="FWD002")
    filing_id = client.post(URL, json=filing_document(), headers=mine).json()["filing_id"]
    assert client.get(f"{URL}/{filing_id}", headers=theirs).status_code == 404
    assert client.get(URL, headers=theirs).json()["items"] == []
    assert len(client.get(URL, headers=mine).json()["items"]) == 1
    officer = auth(Role.TARGETING_OFFICER)
    assert client.get(f"{URL}/{filing_id}", headers=officer).status_code == 200


def test_a_filer_cannot_file_for_another_filer(client: TestClient, auth: KeyFactory) -> None:
    response = client.post(URL, json=filing_document(), headers=auth(filer_id="FWD999"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "filer.id", "message": "you file as 'FWD999', not 'FWD001'"}
    ]


def test_roles_are_enforced(client: TestClient, auth: KeyFactory) -> None:
    assert client.post(URL, json=filing_document()).status_code == 401
    bad_key = {"Authorization": "Bearer sw_not-a-key"}
    assert client.get(URL, headers=bad_key).status_code == 401
    response = client.post(URL, json=filing_document(), headers=auth(Role.EXAMINER))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"


def test_the_list_filters_and_pages(client: TestClient, auth: KeyFactory) -> None:
    filer = auth()
    for port in ["CAPRR", "CAPRR", "CAPRR", "CAVAN"]:
        document = filing_document()
        document["route"]["port_of_discharge"] = port
        assert client.post(URL, json=document, headers=filer).status_code == 201
    page = client.get(URL, params={"port_of_discharge": "CAPRR", "limit": 2}, headers=filer).json()
    assert len(page["items"]) == 2
    rest = client.get(
        URL, params={"port_of_discharge": "CAPRR", "cursor": page["next_cursor"]}, headers=filer
    ).json()
    assert len(rest["items"]) == 1
    assert rest["next_cursor"] is None
    assert client.get(URL, params={"in_transit": "false"}, headers=filer).json()["items"] == []
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert client.get(URL, params={"since": future}, headers=filer).json()["items"] == []
    assert client.get(URL, params={"cursor": "garbage"}, headers=filer).status_code == 422


def test_a_batch_acknowledges_each_filing_on_its_own(client: TestClient, auth: KeyFactory) -> None:
    good, bad = filing_document(), filing_document()
    bad["vessel"]["imo"] = "1"
    response = client.post(f"{URL}/batch", json=[good, bad], headers=auth())
    body = response.json()
    assert response.status_code == 200
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert body["acknowledgements"][1]["errors"][0]["path"] == "vessel.imo"


def test_schema_health_and_openapi(client: TestClient) -> None:
    schema = client.get("/api/v1/schema/filing").json()
    assert "containers" in schema["properties"]
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "Filing" in spec["components"]["schemas"]


def test_a_submission_id_reused_for_other_content_is_refused(
    client: TestClient, auth: KeyFactory
) -> None:
    filer = auth()
    document = filing_document()
    assert client.post(URL, json=document, headers=filer).status_code == 201
    changed = document | {"voyage": "099W"}
    response = client.post(URL, json=changed, headers=filer)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "submission_id"
    assert "new submission id" in response.json()["errors"][0]["message"]
