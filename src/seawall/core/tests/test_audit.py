"""The audit log holds as a chain, and ``seawall audit verify`` finds the first broken row."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from seawall.cli import app
from seawall.core.audit.service import Event, record, verify
from seawall.core.database import Database


def write_events(database: Database, n: int) -> None:
    with database.transaction() as session:
        record(
            session,
            [Event("user:alice", "filing:read", "filing", str(i), {"i": i}) for i in range(n)],
        )


def verify_cli(database_url: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app, ["audit", "verify"], env={"SEAWALL_DATABASE_URL": database_url}
    )
    return result.exit_code, result.stdout + result.stderr


def test_an_untouched_chain_verifies(database: Database, database_url: str) -> None:
    write_events(database, 5)
    write_events(database, 3)
    code, output = verify_cli(database_url)
    assert code == 0
    assert "intact: 8 rows" in output


@pytest.mark.parametrize(
    ("tamper", "row", "says"),
    [
        ("UPDATE audit_log SET actor = 'user:mallory' WHERE seq = 4", 4, "content was changed"),
        ("UPDATE audit_log SET detail = '{}' WHERE seq = 2", 2, "content was changed"),
        ("DELETE FROM audit_log WHERE seq = 3", 4, "deleted or moved"),
        ("UPDATE audit_log SET seq = 99 WHERE seq = 5", 6, "deleted or moved"),
    ],
    ids=["actor-changed", "detail-changed", "row-deleted", "row-moved"],
)
def test_tampering_is_found_at_the_first_broken_row(
    database: Database, database_url: str, tamper: str, row: int, says: str
) -> None:
    write_events(database, 6)
    with database.transaction() as session:
        session.execute(text(tamper))
    code, output = verify_cli(database_url)
    assert code == 1
    assert f"broken at row {row}" in output
    assert says in output


def test_a_row_forged_at_the_end_does_not_follow(database: Database) -> None:
    write_events(database, 3)
    with database.transaction() as session:
        session.execute(
            text(
                "INSERT INTO audit_log (seq, at, actor, action, record_type, record_id, detail, "
                "prev_hash, hash) VALUES (4, CURRENT_TIMESTAMP, 'x', 'x', 'x', 'x', '{}', :p, :h)"
            ),
            {"p": "f" * 64, "h": "e" * 64},
        )
    with database.transaction(write=False) as session:
        checked, broken = verify(session)
    assert checked == 3
    assert broken is not None
    assert broken.seq == 4
