"""Hostile and malformed input to the API: a precise problem, never a 5xx, nothing stored."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from conftest import KeyFactory
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from seawall.app import create_app
from seawall.core.database import Database
from seawall.core.settings import Settings
from seawall.filings.models import Filing, FilingVersion
from seawall.filings.tests.factories import filing_document

URL = "/api/v1/filings"


def stored(database: Database) -> tuple[int, int]:
    with database.transaction(write=False) as session:
        filings = session.scalar(select(func.count()).select_from(Filing))
        versions = session.scalar(select(func.count()).select_from(FilingVersion))
    return filings or 0, versions or 0


def problem(response_json: dict[str, object]) -> str:
    return f"{response_json['title']}: {response_json['detail']} {response_json.get('errors', '')}"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b'{"submission_id": "A1", ', 400, "not JSON"),
        (b"", 400, "not JSON"),
        (b"\xff\xfe{\x00}", 400, "not JSON"),
        (b"[" * 10_000 + b"]" * 10_000, 400, "not JSON"),
        (b'"just a string"', 422, "valid dictionary"),
        (b"[]", 422, "valid dictionary"),
    ],
    ids=["truncated", "empty", "non-utf8", "nested-10000", "string", "array"],
)
def test_malformed_bodies_get_a_precise_problem(
    client: TestClient, auth: KeyFactory, database: Database, body: bytes, status: int, says: str
) -> None:
    response = client.post(URL, content=body, headers=auth() | {"Content-Type": "application/json"})
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert says in problem(response.json())
    assert stored(database) == (0, 0)


def test_a_huge_string_field_is_refused_by_size(
    client: TestClient, auth: KeyFactory, database: Database
) -> None:
    document = filing_document()
    document["goods"][0]["description"] = "x" * 10_000_000
    response = client.post(URL, json=document, headers=auth())
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert stored(database) == (0, 0)


def test_a_long_string_under_the_body_limit_is_a_field_error(
    client: TestClient, auth: KeyFactory, database: Database
) -> None:
    document = filing_document()
    document["parties"]["shipper"]["name"] = "N" * 100_000
    response = client.post(URL, json=document, headers=auth())
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "parties.shipper.name"
    assert "at most 200 characters" in response.json()["errors"][0]["message"]
    assert stored(database) == (0, 0)


def test_wrong_types_and_unknown_fields_are_each_named(
    client: TestClient, auth: KeyFactory, database: Database
) -> None:
    document = filing_document()
    document["containers"][0]["gross_weight_kg"] = "heavy"
    document["route"]["loading_time"] = 17
    document["route"]["secret_route"] = "CNSHA"
    response = client.post(URL, json=document, headers=auth())
    paths = {error["path"] for error in response.json()["errors"]}
    assert response.status_code == 422
    assert paths == {"containers.0.gross_weight_kg", "route.loading_time", "route.secret_route"}
    assert stored(database) == (0, 0)


def test_a_batch_over_the_limit_is_refused_whole(
    client: TestClient, auth: KeyFactory, database: Database
) -> None:
    response = client.post(f"{URL}/batch", json=[filing_document()] * 1001, headers=auth())
    assert response.status_code == 422
    assert "1 to 1000" in response.json()["detail"]
    assert stored(database) == (0, 0)


def test_bad_query_parameters_are_named(client: TestClient, auth: KeyFactory) -> None:
    response = client.get(URL, params={"limit": 0, "port_of_discharge": "nope"}, headers=auth())
    assert response.status_code == 422
    assert {e["path"] for e in response.json()["errors"]} == {"limit", "port_of_discharge"}


@pytest.fixture
def live_node(settings: Settings, database: Database) -> Iterator[tuple[str, int]]:
    """The API on a real socket, for what a test client cannot send (a 2 GB upload)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, database), host="127.0.0.1", port=port, log_level="error"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield "127.0.0.1", port
    server.should_exit = True
    thread.join(timeout=10)


def read_answer(connection: socket.socket) -> str:
    """The node's whole answer: headers and body may come in separate packets."""
    received = b""
    while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return received.decode()


def test_a_two_gigabyte_upload_is_refused_before_it_is_read(
    live_node: tuple[str, int], auth: KeyFactory, database: Database
) -> None:
    key = auth()["Authorization"]
    head = (
        f"POST {URL} HTTP/1.1\r\nHost: x\r\nAuthorization: {key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {2 * 1024**3}\r\n\r\n"
    )
    with socket.create_connection(live_node, timeout=10) as connection:
        connection.sendall(head.encode() + b"{")
        answer = read_answer(connection)
    assert answer.startswith("HTTP/1.1 413")
    assert "limit" in answer
    assert stored(database) == (0, 0)


def test_a_chunked_upload_is_cut_off_at_the_limit(
    live_node: tuple[str, int], auth: KeyFactory, database: Database
) -> None:
    key = auth()["Authorization"]
    head = (
        f"POST {URL} HTTP/1.1\r\nHost: x\r\nAuthorization: {key}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    # Just past the 2,000,000-byte limit, so the node has read all that was sent when it answers.
    chunks = [b" " * 1_000_000, b" " * 1_000_000, b" " * 10_000]
    with socket.create_connection(live_node, timeout=10) as connection:
        connection.sendall(head.encode())
        for chunk in chunks:
            connection.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        answer = read_answer(connection)
    assert answer.startswith("HTTP/1.1 413")
    assert stored(database) == (0, 0)
