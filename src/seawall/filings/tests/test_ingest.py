"""``seawall ingest``: JSON Lines, CSV and Parquet files, rejects, summary, exit codes."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from seawall.cli import app
from seawall.core.database import Database
from seawall.filings.flattening import COLUMNS, flatten
from seawall.filings.models import FilingVersion
from seawall.filings.tests.factories import filing_document


def run(database_url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"SEAWALL_DATABASE_URL": database_url})
    return result.exit_code, result.stdout, result.stderr


def summary_of(stdout: str) -> dict[str, int]:
    summary: dict[str, int] = json.loads(stdout.strip().splitlines()[-1])
    return summary


def versions(database: Database) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(FilingVersion)) or 0


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_bytes(
        b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in records)
    )
    return path


def test_a_jsonl_file_is_ingested_with_rejects_and_summary(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    good = [filing_document() for _ in range(5)]
    bad_box = filing_document()
    bad_box["containers"][0]["number"] = "CSQU3054384"
    source = write_jsonl(tmp_path / "in.jsonl", [*good[:2], b'{"broken": ', bad_box, *good[2:]])
    rejects = tmp_path / "rejects.jsonl"
    code, out, _ = run(
        database_url, "ingest", str(source), "--rejects", str(rejects), "--json", "--workers", "1"
    )
    assert code == 1
    assert summary_of(out) == {"accepted": 5, "rejected": 2, "late": 0, "duplicates": 0}
    lines = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [line["source"] for line in lines] == ["line 3", "line 4"]
    assert "not JSON" in lines[0]["errors"][0]["message"]
    assert lines[1]["errors"][0]["path"] == "containers.0.number"
    assert lines[1]["submission_id"] == bad_box["submission_id"]
    assert versions(database) == 5

    code, out, _ = run(database_url, "ingest", str(source), "--json", "--workers", "2")
    assert summary_of(out) == {"accepted": 0, "rejected": 2, "late": 0, "duplicates": 5}
    assert versions(database) == 5


def test_late_filings_are_counted_and_kept(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    record = filing_document()
    loading = datetime.fromisoformat(record["route"]["loading_time"])
    record["received_at"] = (loading - timedelta(hours=2)).isoformat()
    source = write_jsonl(tmp_path / "late.jsonl", [record, filing_document()])
    code, out, _ = run(database_url, "ingest", str(source), "--json", "--workers", "1")
    assert code == 0
    assert summary_of(out) == {"accepted": 2, "rejected": 0, "late": 1, "duplicates": 0}


def write_csv(
    path: Path, documents: list[dict[str, Any]], columns: tuple[str, ...] | list[str] = COLUMNS
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for document in documents:
            writer.writerows(flatten(document))
    return path


def test_a_csv_file_round_trips(tmp_path: Path, database: Database, database_url: str) -> None:
    documents = [filing_document(goods=4, containers=2) for _ in range(3)]
    source = write_csv(tmp_path / "in.csv", documents)
    code, out, err = run(database_url, "ingest", str(source), "--json", "--workers", "1")
    assert (code, err) == (0, "")
    assert summary_of(out)["accepted"] == 3
    with database.transaction(write=False) as session:
        stored = session.scalars(select(FilingVersion.document).order_by(FilingVersion.id)).all()
    assert [orjson.loads(d)["containers"] for d in stored] == [d["containers"] for d in documents]


@pytest.mark.parametrize(
    ("columns", "says"),
    [
        ([c for c in COLUMNS if c != "vessel.imo"], "missing required columns: vessel.imo"),
        ([*COLUMNS, "bribe"], "unknown columns: bribe"),
    ],
    ids=["missing", "extra"],
)
def test_a_csv_with_wrong_columns_is_refused_whole(
    tmp_path: Path, database: Database, database_url: str, columns: list[str], says: str
) -> None:
    source = write_csv(tmp_path / "in.csv", [filing_document()], columns)
    code, _, err = run(database_url, "ingest", str(source))
    assert code == 2
    assert says in err
    assert versions(database) == 0


def test_a_csv_row_with_missing_cells_is_rejected(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    source = write_csv(tmp_path / "in.csv", [filing_document(), filing_document()])
    lines = source.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 3)[0]
    source.write_text("\n".join(lines) + "\n")
    code, out, _ = run(database_url, "ingest", str(source), "--json", "--workers", "1")
    assert code == 1
    assert summary_of(out)["accepted"] == 1


def test_a_parquet_file_is_ingested(tmp_path: Path, database: Database, database_url: str) -> None:
    documents = [filing_document() for _ in range(4)]
    documents[0]["parties"]["notify_party"] = documents[0]["parties"]["consignee"]
    source = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(documents), source)
    code, out, _ = run(database_url, "ingest", str(source), "--json", "--workers", "1")
    assert code == 0, out
    assert summary_of(out)["accepted"] == 4


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"", "empty.jsonl", "the file is empty"),
        (b"\x00\x01binary", "blob.jsonl", "not a text file"),
        (b"PAR1 not really", "fake.parquet", "not a readable Parquet file"),
        (b"a,b\n1,2\n", "data.txt", "cannot tell the format"),
        (b"\xff\xfe\xfa,\n", "bad.csv", "not UTF-8"),
    ],
)
def test_unreadable_files_exit_2_and_store_nothing(
    tmp_path: Path, database: Database, database_url: str, content: bytes, name: str, says: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    code, _, err = run(database_url, "ingest", str(source))
    assert code == 2
    assert says in err
    assert "Traceback" not in err
    assert versions(database) == 0


@pytest.mark.parametrize(
    ("option", "says"),
    [((), "cannot tell the format from '.txt'"), (("--format", "xml"), "--format must be one of")],
)
def test_a_file_of_unknown_format_stops_the_run_before_any_file_is_read(
    tmp_path: Path, database: Database, database_url: str, option: tuple[str, ...], says: str
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [filing_document()])
    odd = write_jsonl(tmp_path / "odd.txt", [filing_document()])
    code, _, err = run(database_url, "ingest", str(good), str(odd), *option)
    assert code == 2
    assert says in err
    assert versions(database) == 0


def test_a_missing_file_is_named(tmp_path: Path, database_url: str) -> None:
    code, _, err = run(database_url, "ingest", str(tmp_path / "nowhere.jsonl"))
    assert code == 2
    assert "nowhere.jsonl" in err


def test_a_two_gigabyte_file_is_refused_without_reading_it(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    source = tmp_path / "huge.jsonl"
    with source.open("wb") as handle:
        handle.write(b'{"submission_id": "A"')
        handle.truncate(2 * 1024**3)  # sparse: 2 GB long, nothing written after the first bytes
    code, _, err = run(database_url, "ingest", str(source))
    assert code == 2
    assert "not a text file" in err
    assert versions(database) == 0


def test_an_overlong_line_is_rejected_and_the_next_one_read(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    huge = filing_document()
    huge["goods"][0]["description"] = "x" * 3_000_000
    source = write_jsonl(tmp_path / "in.jsonl", [huge, filing_document()])
    rejects = tmp_path / "rejects.jsonl"
    code, out, _ = run(
        database_url, "ingest", str(source), "--json", "--rejects", str(rejects), "--workers", "1"
    )
    assert code == 1
    assert summary_of(out) == {"accepted": 1, "rejected": 1, "late": 0, "duplicates": 0}
    assert "longer than" in rejects.read_text()


def test_received_at_is_not_stored_in_the_document(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    record = filing_document(received_at=datetime.now(UTC).isoformat())
    run(database_url, "ingest", str(write_jsonl(tmp_path / "in.jsonl", [record])), "--workers", "1")
    with database.transaction(write=False) as session:
        document = session.scalars(select(FilingVersion.document)).one()
    assert "received_at" not in orjson.loads(document)


def test_hostile_lines_are_rejected_one_by_one(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    lines = [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"submission_id": "\xff\xfe"}',
        orjson.dumps(filing_document() | {"extra": 1}),
        b'"just a string"',
        orjson.dumps(filing_document()),
    ]
    source = write_jsonl(tmp_path / "in.jsonl", lines)
    rejects = tmp_path / "rejects.jsonl"
    code, out, err = run(
        database_url, "ingest", str(source), "--json", "--rejects", str(rejects), "--workers", "1"
    )
    assert code == 1
    assert "Traceback" not in err
    assert summary_of(out) == {"accepted": 1, "rejected": 4, "late": 0, "duplicates": 0}
    found = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert [r["source"] for r in found] == ["line 1", "line 2", "line 3", "line 4"]
    assert "not JSON" in found[0]["errors"][0]["message"]
    assert "not JSON" in found[1]["errors"][0]["message"]
    assert found[2]["errors"] == [{"path": "extra", "message": "unknown field"}]
    assert "should be an object" in found[3]["errors"][0]["message"]
    assert versions(database) == 1


def test_csv_rows_of_a_filing_must_be_consecutive(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    first, second = filing_document(goods=2, containers=2), filing_document()
    rows = list(flatten(first))
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows([rows[0], *flatten(second), rows[1]])
    rejects = tmp_path / "rejects.jsonl"
    code, out, _ = run(
        database_url, "ingest", str(source), "--json", "--rejects", str(rejects), "--workers", "1"
    )
    assert code == 1
    assert "must be consecutive" in rejects.read_text()
    assert summary_of(out)["duplicates"] == 0


def test_a_file_that_breaks_off_reports_what_was_stored(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [filing_document(), filing_document()])
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    code, out, err = run(database_url, "ingest", str(good), str(empty), "--json", "--workers", "1")
    assert code == 2
    assert "the file is empty" in err
    assert summary_of(out)["accepted"] == 2
