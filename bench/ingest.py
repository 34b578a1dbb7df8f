"""Benchmark: ``seawall ingest`` of N filings (3 boxes, 4 goods items each), fully validated.

    python bench/ingest.py [--filings 1000000] [--backend sqlite|postgres|both]

Prints filings/s and the peak memory of the ingest process tree for each backend. The input is
generated here (deterministically) so the figure measures ingest alone.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import psycopg
from _measure import measure
from stdnum import iso6346

EXAMPLE = Path(__file__).parents[1] / "src/seawall/filings/examples/filing.json"
PORTS = ["CAPRR", "CAVAN", "CAMTR", "CAHAL"]
OWNERS = ["MSCU", "MAEU", "CMAU", "HLXU", "OOLU", "TGHU"]


def filing_records(count: int) -> Iterator[dict[str, Any]]:
    """``count`` distinct valid filings, 3 containers and 4 goods items each, as gateway records."""
    template = orjson.loads(EXAMPLE.read_bytes())
    goods = template["goods"][0]
    box = template["containers"][0]
    base = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(count):
        loading = base + timedelta(minutes=n % 50_000)
        record = dict(template)
        record["submission_id"] = f"B{n}"
        record["transport_document"] = {"number": f"DOC{n:010d}", "kind": "master"}
        record["route"] = template["route"] | {
            "port_of_discharge": PORTS[n % 4],
            "loading_time": loading.isoformat(),
            "discharge_eta": (loading + timedelta(days=14)).isoformat(),
        }
        # One in ten filed late: received 20 h before loading, the lead time being 24 h.
        record["received_at"] = (loading - timedelta(hours=30 if n % 10 else 20)).isoformat()
        record["goods"] = [
            goods | {"line": line, "gross_weight_kg": 1500.0 + n % 97} for line in (1, 2, 3, 4)
        ]
        containers = []
        for i, lines in enumerate(([1, 2], [3], [4])):
            body = f"{OWNERS[(n + i) % 6]}{(3 * n + i) % 1_000_000:06d}"
            number = body + iso6346.calc_check_digit(body)
            seal = f"CN{(3 * n + i) % 10_000_000:07d}"
            containers.append(box | {"number": number, "seals": [seal], "goods_lines": lines})
        record["containers"] = containers
        yield record


def write_filings(path: Path, count: int) -> None:
    """Write ``count`` filings as JSON Lines."""
    with path.open("wb") as handle:
        for record in filing_records(count):
            handle.write(orjson.dumps(record) + b"\n")


def postgres_url() -> str:
    name = "seawall_bench"
    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def run(backend: str, source: Path, workdir: Path, count: int) -> None:
    url = f"sqlite:///{workdir / 'bench.db'}" if backend == "sqlite" else postgres_url()
    env = os.environ | {"SEAWALL_DATABASE_URL": url, "CI": "1"}
    seawall = str(Path(sys.executable).with_name("seawall"))
    setup = measure([seawall, "db", "upgrade"], env)
    if setup.returncode:
        sys.exit(setup.stderr)
    result = measure([seawall, "ingest", str(source), "--json"], env)
    if result.returncode not in (0, 1):
        sys.exit(result.stderr)
    summary = orjson.loads(result.stdout.strip().splitlines()[-1])
    print(
        f"{backend:9} {count:>9,} filings in {result.seconds:7.1f} s = "
        f"{count / result.seconds:9,.0f} filings/s, "
        f"peak memory {result.peak_rss_bytes / 2**20:7,.0f} MiB, summary {summary}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        source = workdir / "filings.jsonl"
        write_filings(source, args.filings)
        print(f"input: {source.stat().st_size / 2**20:,.0f} MiB of JSON Lines")
        for backend in ["sqlite", "postgres"] if args.backend == "both" else [args.backend]:
            run(backend, source, workdir, args.filings)


if __name__ == "__main__":
    main()
