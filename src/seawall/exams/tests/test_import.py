"""``seawall exams import``: matching, validation, all or nothing, idempotence, formats."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from seawall.core.audit.models import AuditEntry
from seawall.core.database import Database
from seawall.exams import sources
from seawall.exams.models import ExamOutcome
from seawall.exams.queries import findings_by_filing, outcomes_frame
from seawall.exams.service import import_outcomes
from seawall.exams.tests.factories import exam_row, run, write_jsonl
from seawall.filings.models import Filing
from seawall.filings.tests.factories import filing_document


def past_filing(**top: Any) -> dict[str, Any]:
    """A filing whose box arrived ten days ago, filed well before loading."""
    loading = datetime.now(UTC) - timedelta(days=24)
    received = (loading - timedelta(days=2)).isoformat()
    return filing_document(loading_time=loading, received_at=received, **top)


def ingest(tmp_path: Path, database_url: str, documents: list[dict[str, Any]]) -> None:
    source = write_jsonl(tmp_path / "filings.jsonl", documents)
    code, out, err = run(database_url, "ingest", str(source), "--workers", "1")
    assert code == 0, out + err


def stored(database: Database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(ExamOutcome)) or 0


def imports_audited(database: Database) -> int:
    with database.transaction(write=False) as session:
        query = select(func.count()).where(AuditEntry.action == "exam:imported")
        return session.scalar(query) or 0


def test_outcomes_are_imported_once_and_read_back(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    documents = [past_filing() for _ in range(3)]
    ingest(tmp_path, database_url, documents)
    rows = [
        exam_row(documents[0], 0, found=True, finding="narcotics"),
        exam_row(documents[0], 1),
        exam_row(documents[1], 0, selected_by="random"),
        exam_row(documents[2], 2, container=documents[2]["containers"][2]["number"].lower()),
    ]
    source = write_jsonl(tmp_path / "exams.jsonl", rows)
    code, out, err = run(database_url, "exams", "import", str(source), "--json")
    assert (code, err) == (0, "")
    summary = json.loads(out)
    assert summary == {"rows": 4, "imported": 4, "duplicates": 0, "filings": 3, "found": 1,
                       "problems": []}  # fmt: skip

    code, out, _ = run(database_url, "exams", "import", str(source), "--json")
    assert code == 0
    assert json.loads(out)["duplicates"] == 4
    assert json.loads(out)["imported"] == 0
    assert stored(database) == 4
    assert imports_audited(database) == 2

    with database.transaction(write=False) as session:
        ids = dict(session.execute(select(Filing.document_number, Filing.id)).all())
        frame = outcomes_frame(session)
        first = ids[documents[0]["transport_document"]["number"]]
        second = ids[documents[1]["transport_document"]["number"]]
        findings = findings_by_filing(session, [first, second, 999_999])
    assert findings == {first: True, second: False}
    assert frame.height == 4
    assert frame.columns[:4] == ["filing_id", "container", "port", "examined_on"]
    assert frame.filter(frame["filing_id"] == second)["selected_by"].to_list() == ["random"]
    assert frame["port"].to_list() == [documents[0]["route"]["port_of_discharge"]] * 4
    assert set(frame["examined_on"].to_list()) == {
        date.fromisoformat(d["route"]["discharge_eta"][:10]) for d in documents
    }


def test_a_bad_file_stores_nothing_and_names_every_problem(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    documents = [past_filing(), past_filing()]
    ingest(tmp_path, database_url, documents)
    other = past_filing()  # never ingested
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    rows: list[Any] = [
        exam_row(documents[0]),  # good, but must not be stored
        exam_row(documents[0], container="MSCU1234560"),  # bad check digit
        exam_row(other),  # unknown filing
        exam_row(documents[1], container=documents[0]["containers"][1]["number"]),  # wrong box
        exam_row(documents[1], selected_by="hunch"),
        exam_row(documents[1], exam_date="31/01/2026"),
        exam_row(documents[1], exam_date=tomorrow),
        exam_row(documents[1], found="maybe"),
        exam_row(documents[1], found=False, finding="narcotics"),
        exam_row(documents[1], exam_date="2000-01-01"),  # before the filing
        {"container": documents[1]["containers"][0]["number"]},  # required fields missing
        b"[1, 2]",
        b'{"broken": ',
    ]
    source = write_jsonl(tmp_path / "exams.jsonl", rows)
    code, _, err = run(database_url, "exams", "import", str(source))
    assert code == 1
    lines = err.strip().splitlines()
    number = other["transport_document"]["number"]
    expected = [
        "row 2, container: 'MSCU1234560' is not an ISO 6346 container number",
        f"row 3, document_number: no filing {number} on this node",
        "row 4, container: ",
        "row 5, selected_by: must be rules or random, not 'hunch'",
        "row 6, exam_date: ",
        "row 7, exam_date: ",
        "row 8, found: expected true or false, got 'maybe'",
        "row 9, finding: 'narcotics' is given but found is false",
        "row 10, exam_date: 2000-01-01 is before the filing was received",
        "row 11, document_number: required",
        "row 11, exam_date: required",
        "row 11, selected_by: required",
        "row 11, found: required",
        "row 12, (row): not a JSON object",
        "row 13, (row): not JSON",
    ]
    for start in expected:
        assert any(line.startswith(start) for line in lines), (start, lines)
    assert "in the future" in err
    assert "is not on filing" in err
    assert lines[-1] == f"error: {len(lines) - 1} problems; nothing was stored"
    assert stored(database) == 0
    assert imports_audited(database) == 0


def test_a_document_number_of_two_filers_needs_the_filer(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    first = past_filing()
    second = past_filing(filer={"id": "FWD777", "name": "Other Forwarding Ltd"})
    second["transport_document"]["number"] = first["transport_document"]["number"]
    ingest(tmp_path, database_url, [first, second])
    source = write_jsonl(tmp_path / "exams.jsonl", [exam_row(second)])
    code, _, err = run(database_url, "exams", "import", str(source))
    assert code == 1
    assert "give filer_id to say which" in err
    assert "FWD777" in err

    source = write_jsonl(tmp_path / "exams.jsonl", [exam_row(second, filer_id="FWD777")])
    code, _, err = run(database_url, "exams", "import", str(source))
    assert (code, err) == (0, "")
    source = write_jsonl(tmp_path / "exams.jsonl", [exam_row(second, filer_id="NOBODY")])
    code, _, err = run(database_url, "exams", "import", str(source))
    assert code == 1
    assert "of filer NOBODY" in err


def test_an_outcome_cannot_be_changed_by_reimporting_it(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    document = past_filing()
    ingest(tmp_path, database_url, [document])
    source = write_jsonl(tmp_path / "a.jsonl", [exam_row(document)])
    assert run(database_url, "exams", "import", str(source))[0] == 0
    changed = write_jsonl(tmp_path / "b.jsonl", [exam_row(document, found=True)])
    code, _, err = run(database_url, "exams", "import", str(changed))
    assert code == 1
    assert "found False there, True here" in err
    twice = write_jsonl(tmp_path / "c.jsonl", [exam_row(document, 1), exam_row(document, 1)])
    code, out, _ = run(database_url, "exams", "import", str(twice), "--json")
    assert code == 0
    assert json.loads(out)["imported"] == 1
    assert json.loads(out)["duplicates"] == 1
    assert stored(database) == 2


def test_csv_and_parquet_files(tmp_path: Path, database: Database, database_url: str) -> None:
    documents = [past_filing(), past_filing()]
    ingest(tmp_path, database_url, documents)
    csv_path = tmp_path / "exams.csv"
    with csv_path.open("w", newline="") as handle:
        columns = ["document_number", "container", "exam_date", "selected_by", "found",
                   "finding", "agency"]  # fmt: skip
        writer = csv.DictWriter(handle, columns, extrasaction="ignore")  # no exam_type column
        writer.writeheader()
        writer.writerow(exam_row(documents[0], found="true", finding="soil", agency="CA"))
        writer.writerow(exam_row(documents[0], 1, found="false", finding="", agency="CA"))
    code, out, err = run(database_url, "exams", "import", str(csv_path), "--json")
    assert (code, err) == (0, ""), out
    assert json.loads(out)["found"] == 1

    parquet_path = tmp_path / "exams.parquet"
    pq.write_table(pa.Table.from_pylist([exam_row(documents[1], rules_score=3)]), parquet_path)
    code, out, err = run(database_url, "exams", "import", str(parquet_path), "--json")
    assert (code, err) == (0, ""), out
    assert stored(database) == 3
    with database.transaction(write=False) as session:
        types = set(session.scalars(select(ExamOutcome.exam_type)))
    assert types == {"unspecified", "NII X-ray/gamma"}


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("exams.csv", b"document_number,container\nX,Y\n", "missing required columns: exam_date"),
        ("exams.txt", b"{}\n", "cannot tell the format"),
        ("exams.jsonl", b"", "the file is empty"),
        ("exams.parquet", b"not parquet at all", "not a readable Parquet file"),
    ],
    ids=["columns", "extension", "empty", "parquet"],
)
def test_an_unreadable_file_exits_2(
    tmp_path: Path, database: Database, database_url: str, name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, _, err = run(database_url, "exams", "import", str(path))
    assert code == 2
    assert says in err
    assert stored(database) == 0


def test_an_import_tells_its_hooks_the_filings_it_gives_a_first_finding(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    documents = [past_filing() for _ in range(3)]
    ingest(tmp_path, database_url, documents)
    told: list[list[int]] = []

    def load(*rows: dict[str, Any]) -> None:
        raw = sources.read(write_jsonl(tmp_path / "exams.jsonl", rows), "jsonl")
        with database.transaction() as session:
            import_outcomes(session, raw, "test", "exams.jsonl", date.today(), [hook])

    def hook(_session: Session, filing_ids: list[int]) -> None:
        told.append(filing_ids)

    load(exam_row(documents[0], 0, found=True, finding="weapons"), exam_row(documents[1], 0))
    load(exam_row(documents[0], 1, found=True, finding="weapons"),
         exam_row(documents[1], 1, found=True, finding="narcotics"))  # fmt: skip
    with database.transaction(write=False) as session:
        ids = dict(session.execute(select(Filing.document_number, Filing.id)).all())
    first, second = (ids[d["transport_document"]["number"]] for d in documents[:2])
    # The second import's find on the first filing is not its first: only the second's is.
    assert told == [[first], [second]]
