"""``seawall rules load|list|show``: exit codes, every problem on stderr, nothing changed."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from seawall.core.database import Database
from seawall.core.node import Node
from seawall.risk.rules.cli import rules
from seawall.risk.rules.models import StoredPack
from seawall.risk.rules.packs import MAX_PACK_BYTES
from seawall.risk.rules.tests.packtext import pack, rule
from seawall.risk.scoring import configuration


def root() -> typer.Typer:
    """The root command as ``seawall/cli.py`` builds it, with only this feature mounted."""
    app = typer.Typer()

    @app.callback()
    def node(ctx: typer.Context) -> None:
        ctx.obj = Node.from_environment()

    app.add_typer(rules, name="rules")
    return app


def run(database_url: str, tmp_path: Path, *args: str, agency: str = "CA") -> tuple[int, str, str]:
    env = {
        "SEAWALL_DATABASE_URL": database_url,
        "SEAWALL_DATA_DIR": str(tmp_path),
        "SEAWALL_AGENCY": agency,
    }
    result = CliRunner().invoke(root(), ["rules", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def state(database: Database) -> tuple[int, int]:
    """(stored packs, generation)."""
    with database.transaction(write=False) as session:
        packs = session.scalar(select(func.count()).select_from(StoredPack)) or 0
        return packs, configuration.generation(session)


def test_load_list_and_show(tmp_path: Path, database: Database, database_url: str) -> None:
    source = tmp_path / "ports.yaml"
    source.write_text(pack("ca-ports", rule("CA-PORT-01", 'any hs_headings in ["9301"]')))
    code, out, _ = run(database_url, tmp_path, "load", str(source))
    assert code == 0
    assert out.splitlines() == [
        "loaded pack ca-ports version 1: 1 rules; generation 1",
        "re-scored 0 filing(s) in play",
    ]
    code, out, _ = run(database_url, tmp_path, "load", str(source))
    assert (code, out) == (0, "pack ca-ports version 1: 1 rules: already loaded, nothing changed\n")
    assert state(database) == (1, 1)

    code, out, _ = run(database_url, tmp_path, "list")
    assert code == 0
    listed = out.splitlines()
    assert listed[0] == "harmonized  version 1  shared  45 rules  shipped with Seawall"
    assert listed[1] == "ca  version 1  CA  7 rules  shipped with Seawall"
    assert listed[2].startswith("ca-ports  version 1  CA  1 rules  loaded ")
    assert listed[2].endswith(" UTC by cli:operator")
    code, out, _ = run(database_url, tmp_path, "list", "--rules")
    assert code == 0
    listed = out.splitlines()
    assert len(listed) == 3 + 45 + 7 + 1
    first = "  HRM-TIME-01    +10  Filed after the advance-data deadline  (2024-01-01 on)"
    assert listed[1] == first
    assert listed[-2].startswith("ca-ports  version 1")
    assert listed[-1] == "  CA-PORT-01   +15  Test rule CA-PORT-01  (2024-01-01 on)"

    code, out, _ = run(database_url, tmp_path, "show", "CA-PORT-01")
    assert code == 0
    assert out.splitlines() == [
        "CA-PORT-01 (version 1): Test rule CA-PORT-01",
        "pack: ca-ports version 1 (loaded); owner CA, private",
        "score: +15",
        "in effect: 2024-01-01 on",
        "condition:",
        '  any hs_headings in ["9301"]',
        "rationale: A rule written for the tests of loading packs.",
        "sources:",
        "  - Test source one",
        "  - Test source two",
    ]
    code, out, _ = run(database_url, tmp_path, "show", "hrm-time-01")
    assert code == 0
    assert "pack: harmonized version 1 (shipped)" in out


def test_a_bad_pack_exits_1_with_every_problem_and_changes_nothing(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    source = tmp_path / "bad.yaml"
    source.write_text(
        pack("ca-ports", rule("CA-PORT-01", "hours_late >"), rule("CA-FIRE-01"), rule("CA-X_1"))
    )
    code, out, err = run(database_url, tmp_path, "load", str(source))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{source}: rule CA-PORT-01: line 1 col 13: the condition ends too early",
        f"{source}: rule CA-X_1: id: String should match pattern '^[A-Z]{{2,4}}(-[A-Z0-9]+)+$'",
        "refused: nothing changed (2 problem(s))",
    ]
    assert state(database) == (0, 0)

    # Once the pack compiles, the clash with the shipped Canadian pack is what is left.
    source.write_text(pack("ca-ports", rule("CA-PORT-01"), rule("CA-FIRE-01")))
    code, _, err = run(database_url, tmp_path, "load", str(source))
    assert code == 1
    assert err.splitlines()[0] == f"{source}: rule CA-FIRE-01: also in pack ca"
    assert state(database) == (0, 0)

    source.write_text(pack("us-extra", rule("US-X-01", owner="US"), agency="US"))
    code, _, err = run(database_url, tmp_path, "load", str(source))
    assert code == 1
    assert "a private US pack cannot run on the CA node" in err
    # The same pack is the U.S. node's own.
    assert run(database_url, tmp_path, "load", str(source), agency="US")[0] == 0


def test_unreadable_files_and_unknown_rules(
    tmp_path: Path, database: Database, database_url: str
) -> None:
    code, _, err = run(database_url, tmp_path, "load", str(tmp_path / "missing.yaml"))
    assert (code, "No such file or directory" in err) == (2, True)
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("pack: café\n".encode("latin-1"))
    code, _, err = run(database_url, tmp_path, "load", str(latin1))
    assert (code, "not UTF-8" in err) == (2, True)
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as file:
        file.truncate(MAX_PACK_BYTES + 1)  # sparse: nothing is written, or read
    code, _, err = run(database_url, tmp_path, "load", str(huge))
    assert (code, f"{MAX_PACK_BYTES + 1:,} bytes, more than the" in err) == (2, True)
    garbage = tmp_path / "garbage.yaml"
    garbage.write_text("pack: [unclosed\n")
    code, _, err = run(database_url, tmp_path, "load", str(garbage))
    assert (code, "not valid YAML" in err) == (1, True)
    code, _, err = run(database_url, tmp_path, "show", "CA-NOPE-01")
    assert (code, err) == (
        1,
        "error: no rule 'CA-NOPE-01' in the packs in force (seawall rules list --rules)\n",
    )
    assert state(database) == (0, 0)
