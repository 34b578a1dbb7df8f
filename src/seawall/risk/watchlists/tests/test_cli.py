"""``seawall watchlist load|list``: reports, exit codes, refused files, re-scoring in play."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from seawall.core.database import Database
from seawall.core.node import Node
from seawall.core.settings import DEFAULT_LEAD_TIMES, Settings
from seawall.filings import sources
from seawall.filings.ingest import ingest
from seawall.filings.tests.factories import filing_document
from seawall.risk.scoring import configuration
from seawall.risk.scoring.models import Assessment
from seawall.risk.scoring.service import score_pending
from seawall.risk.watchlists.cli import watchlist
from seawall.risk.watchlists.loader import MAX_WATCHLIST_BYTES
from seawall.risk.watchlists.models import StoredEntry

HEADER = "id,name,aliases,entity_type,country,identifiers,source,reason\n"
ROWS = [
    "WL-1,Volga Machinery Trading OOO,Volgamash,organization,RU,7701234567,unit list,dual-use\n",
    "WL-2,Golden Crescent Exports,,organization,PK,,unit list,narcotics cover loads\n",
]


def root() -> typer.Typer:
    """The root command as ``seawall/cli.py`` builds it, with only this feature mounted."""
    app = typer.Typer()

    @app.callback()
    def node(ctx: typer.Context) -> None:
        ctx.obj = Node.from_environment()

    app.add_typer(watchlist, name="watchlist")
    return app


def run(database_url: str, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    env = {"SEAWALL_DATABASE_URL": database_url, "SEAWALL_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(root(), ["watchlist", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def state(database: Database) -> tuple[int, int]:
    """(stored entries, generation)."""
    with database.transaction(write=False) as session:
        rows = session.scalar(select(func.count()).select_from(StoredEntry)) or 0
        return rows, configuration.generation(session)


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def test_load_reports_then_a_reload_changes_nothing(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    source = write(tmp_path / "list.csv", HEADER + "".join(ROWS))
    code, out, _ = run(database_url, tmp_path, "load", str(source), "--json")
    assert code == 0
    report = json.loads(out)
    assert report["added"] == 2
    assert report["added_ids"] == ["WL-1", "WL-2"]
    assert report["generation"] == 1
    assert report["rescored"] == 0
    assert state(database) == (2, 1)

    code, out, _ = run(database_url, tmp_path, "load", str(source))
    assert code == 0
    assert out.startswith("nothing changed (added 0, changed 0, unchanged 2, removed 0)")
    assert state(database) == (2, 1)

    code, out, _ = run(database_url, tmp_path, "list")
    assert code == 0
    assert out.startswith("unit list: 2 entries, latest load ")
    assert out.rstrip().endswith("by cli:operator")


def test_replace_removes_what_the_reissued_list_left_out(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    run(database_url, tmp_path, "load", str(write(tmp_path / "a.csv", HEADER + "".join(ROWS))))
    shorter = write(tmp_path / "b.jsonl", orjson.dumps({
        "id": "WL-1", "name": "Volga Machinery Trading OOO", "aliases": ["Volgamash"],
        "entity_type": "organization", "country": "RU", "identifiers": ["7701234567"],
        "source": "unit list", "reason": "dual-use",
    }) + b"\n")  # fmt: skip
    code, out, _ = run(database_url, tmp_path, "load", str(shorter), "--replace", "--json")
    assert code == 0
    report = json.loads(out)
    assert (report["unchanged"], report["removed"], report["removed_ids"]) == (1, 1, ["WL-2"])
    assert state(database) == (1, 2)


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "bad.csv",
            HEADER + ROWS[0] + "WL-3,,,robot,XX,,unit list,\n" + ROWS[0],
            [
                "line 3, name: Field required",
                "line 3, entity_type: Input should be 'organization', 'person', 'vessel' or "
                "'unknown'",
                "line 3, country: 'XX' is not an ISO 3166-1 alpha-2 country code",
                "line 3, reason: Field required",
                "line 4, id: duplicate of line 2",
            ],
        ),
        (
            "columns.csv",
            "id,name,colour,source\nA,B,red,s\n",
            ["line 1, colour: unknown column", "line 1, reason: required column missing"],
        ),
        (
            "huge.csv",
            HEADER + ROWS[0] + "WL-9," + "x" * 200_000 + ",,,,,unit list,r\n",
            ["line 3, row: unreadable CSV: field larger than field limit (131072)"],
        ),
        (
            "huge.jsonl",
            '{"id": "A-1", "name": "' + "x" * 1_000_000 + '", "source": "s", "reason": "r"}\n',
            ["line 1, name: String should have at most 300 characters"],
        ),
        (
            "nul.csv",
            HEADER + "WL-1,Volga\x00 Trading,,,,,unit list,r\n",
            ["line 2, name: control character U+0000 is not allowed"],
        ),
        (
            "broken.jsonl",
            '{"id": "A-1", "name": "n", "source": "s", "reason": "r"}\n{"id": \n[1]\n',
            ["line 2, row: not JSON", "line 3, row: not a JSON object"],
        ),
    ],
)
def test_a_bad_file_is_refused_with_every_problem_and_changes_nothing(
    tmp_path: Path,
    database: Database,
    database_url: str,
    name: str,
    content: str,
    expected: list[str],
) -> None:
    run(database_url, tmp_path, "load", str(write(tmp_path / "good.csv", HEADER + ROWS[1])))
    before = state(database)
    code, out, err = run(database_url, tmp_path, "load", str(write(tmp_path / name, content)))
    assert code == 1
    assert out == ""
    problems = err.splitlines()
    assert len(problems) == len(expected) + 1
    for line, wanted in zip(problems, expected, strict=False):
        assert line.startswith(f"{tmp_path / name}: {wanted}")
    assert problems[-1].startswith("refused: nothing loaded")
    assert state(database) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.csv", HEADER.encode() + "WL-1,Café,,,,,s,r\n".encode("latin-1"),
         "line 2, file: not UTF-8: byte 0xe9 at byte 9 of the line"),
        ("empty.csv", b"", "line 0, file: empty file"),
        ("list.xlsx", b"PK\x03\x04", "cannot tell the format from '.xlsx'"),
        ("missing.csv", None, "No such file or directory"),
    ],
)  # fmt: skip
def test_an_unreadable_file_exits_2(
    tmp_path: Path, database: Database, database_url: str, name: str, content: bytes | None,
    message: str,
) -> None:  # fmt: skip
    path = tmp_path / name if content is None else write(tmp_path / name, content)
    code, _, err = run(database_url, tmp_path, "load", str(path))
    assert code == 2
    assert message in err
    assert state(database) == (0, 0)


def test_a_file_larger_than_a_watchlist_can_be_is_not_read(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as file:
        file.truncate(MAX_WATCHLIST_BYTES + 1)  # sparse: nothing is written, or read
    code, _, err = run(database_url, tmp_path, "load", str(huge))
    assert (code, err) == (
        2, f"error: {huge}: {MAX_WATCHLIST_BYTES + 1:,} bytes, more than the "
           f"{MAX_WATCHLIST_BYTES:,} allowed\n",
    )  # fmt: skip
    assert state(database) == (0, 0)


def test_a_format_can_be_given_for_any_file_name(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    source = write(tmp_path / "list.txt", HEADER + ROWS[0])
    assert run(database_url, tmp_path, "load", str(source), "--format", "csv")[0] == 0
    code, _, err = run(database_url, tmp_path, "load", str(source), "--format", "xml")
    assert (code, err) == (2, "error: --format must be one of csv, jsonl, not 'xml'\n")
    assert state(database) == (1, 1)


def test_a_changed_entry_rescores_the_filings_in_play(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    filing = tmp_path / "filings.jsonl"
    filing.write_bytes(orjson.dumps(filing_document()) + b"\n")
    ingest(database, sources.items(filing, "jsonl", 2_000_000), DEFAULT_LEAD_TIMES, "test")
    node = Node(Settings(agency="CA", data_dir=tmp_path, database_url=database_url))
    assert score_pending(node, lambda _units: None) == 1

    # The example filing's consignee, listed: the filing in play must be re-screened.
    listed = "WL-7,Lakeside Home Goods Inc,,organization,US,36-4567890,unit list,front company\n"
    code, out, _ = run(
        database_url, tmp_path, "load", str(write(tmp_path / "l.csv", HEADER + listed))
    )
    assert code == 0
    assert out.splitlines() == [
        "loaded: added 1, changed 0, unchanged 0, removed 0; generation 1",
        "re-scored 1 filing(s) in play",
    ]
    with database.transaction(write=False) as session:
        assessment = session.scalars(select(Assessment)).one()
    assert assessment.generation == 1
    assert assessment.watchlist_score >= 90
    assert "WL-7" in assessment.explanation
