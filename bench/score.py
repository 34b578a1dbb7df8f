"""Benchmark: bulk scoring of N stored filings, and what scoring adds to a filing POST.

    python bench/score.py [--filings 1000000] [--entries 10000] [--keep DIR]
                          [--backend sqlite|postgres]

Sets up a node (SQLite, or with ``--backend postgres`` a database ``seawall_score_bench`` on the
local PostgreSQL) as an agency would have it: simulated traffic ingested, the CA watchlist
padded to ``--entries`` entries, the shipped harmonized and CA packs, and an active model
(trained on a sample of the stored filings, labelled from the simulator's truth). Then:

1. ``seawall score`` over every stored version: wall time, filings/s, peak memory of the process;
2. the scoring step of a POST (``score_posted``: look-ups, features, rules, screening,
   model, writing the assessment) on 2,000 stored versions, handed over as a POST has them,
   each inside a transaction that has run a statement already (as a POST's has): p50 and
   p99, with the commit's and the whole transaction's beside it.

``--keep DIR`` keeps the set-up node in DIR (and the PostgreSQL database) and reuses it on the
next run (set-up takes minutes at 1M filings: simulation and ingest). Peak memory is the
seawall process's; PostgreSQL's server processes are not counted.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import orjson
import polars as pl
import psycopg
from _measure import measure
from screening import company
from sqlalchemy import delete, select, text

from seawall.core.database import Database
from seawall.core.settings import Settings
from seawall.filings.models import Filing, FilingVersion
from seawall.filings.service import AcceptedVersion
from seawall.risk.model import train_blended
from seawall.risk.rules.norms import build_norms, goods_frame
from seawall.risk.rules.vectorized import RULE_SCORE
from seawall.risk.scoring import parties, store
from seawall.risk.scoring.combination import MODEL_EXTRA_FEATURES
from seawall.risk.scoring.documents import decode
from seawall.risk.scoring.models import AssessedSeal, Assessment, PartyHistory
from seawall.risk.scoring.scorer import WATCHLIST_SCORE, Batch
from seawall.risk.scoring.service import build_scorer, score_posted
from seawall.risk.training import registry

TRAINING_SAMPLE = 50_000
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
POSTS = 2_000


def seawall(*args: str, env: dict[str, str]) -> None:
    """Run a seawall command; stop the benchmark if it fails."""
    run = measure([str(Path(sys.executable).with_name("seawall")), *args], env)
    if run.returncode not in (0, 1):
        sys.exit(f"seawall {' '.join(args)} failed:\n{run.stderr}")


def padded_watchlist(folder: Path, entries: int) -> Path:
    """The simulator's CA list plus invented organizations, ``entries`` in all, as JSON Lines."""
    listed = folder / "lists" / "CA.watchlist.jsonl"
    lines = listed.read_bytes().splitlines()
    rng = random.Random(7)
    for n in range(entries - len(lines)):
        filler = {"id": f"PAD-{n}", "name": company(rng), "source": "bench", "reason": "bench"}
        lines.append(orjson.dumps(filler))
    out = folder / "watchlist.jsonl"
    out.write_bytes(b"\n".join(lines) + b"\n")
    return out


def train_model(database: Database, settings: Settings, folder: Path) -> None:
    """Train on a sample of stored filings (truth labels) and make it the active model."""
    truth = pl.read_parquet(folder / "traffic.truth.parquet")
    threats = set(truth.filter(pl.col("threat")).get_column("document_number").to_list())
    with database.transaction(write=False) as session:
        ids = list(session.scalars(select(Filing.id).order_by(Filing.id).limit(TRAINING_SAMPLE)))
    with database.transaction(write=False) as session:
        raw = store.raw_versions(session, ids)
        scorer = build_scorer(session, settings)
    documents = [orjson.loads(text) for text in raw.texts]
    frame = scorer.stored_features(raw, None)
    scored = scorer.assess_batch(Batch.of_raw(raw), decode(raw.texts), None, datetime.now().date())
    frame = frame.drop("key").with_columns(
        pl.Series(RULE_SCORE, scored.rule_scores),
        pl.Series(WATCHLIST_SCORE, scored.watchlist_scores),
        pl.Series("found", [d["transport_document"]["number"] in threats for d in documents]),
        raw.received_at.alias("received_at"),
    )
    # As the node trains (``training.service.train_pair``): two refitted models, blended.
    model = train_blended(frame, MODEL_EXTRA_FEATURES, label="found", time="received_at")
    model = registry.with_norms(model, build_norms(goods_frame(documents)))
    with database.transaction() as session:
        registry.save(session, model, "bench")
        registry.activate(session, model.version, "bench")


def set_up(folder: Path, filings: int, entries: int, env: dict[str, str], backend: str) -> None:
    """Simulate (once per folder), then ingest, load the watchlist and train (once per backend)."""
    ready = folder / f"ready-{backend}"
    if ready.exists():
        return
    traffic = folder / "traffic.jsonl"
    clock = time.perf_counter()
    if not traffic.exists():
        seawall("simulate", "--filings", str(filings), "--seed", "5", "--watchlists",
                str(folder / "lists"), "--out", str(traffic), env=env)  # fmt: skip
    seawall("db", "upgrade", env=env)
    seawall("ingest", str(traffic), env=env)
    seawall("watchlist", "load", str(padded_watchlist(folder, entries)), env=env)
    settings = Settings(database_url=env["SEAWALL_DATABASE_URL"], data_dir=folder)
    database = Database.from_url(settings.url)
    train_model(database, settings, folder)
    ready.touch()
    print(f"set up {filings:,} filings on {backend} in {time.perf_counter() - clock:.0f} s")


def database_url(folder: Path, backend: str) -> str:
    """The node's database: a file in ``folder``, or a PostgreSQL database made afresh unless
    ``folder`` says it is set up."""
    if backend == "sqlite":
        return f"sqlite:///{folder / 'node.db'}"
    name = "seawall_score_bench"
    if not (folder / f"ready-{backend}").exists():
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            connection.execute(f"CREATE DATABASE {name}")
    return f"{POSTGRES.replace('postgresql://', 'postgresql+psycopg://')}/{name}"


def bulk(env: dict[str, str]) -> int:
    """Time ``seawall score`` over every stored version; the number scored."""
    run = measure([str(Path(sys.executable).with_name("seawall")), "score", "--json"], env)
    if run.returncode:
        sys.exit(run.stderr)
    scored = int(orjson.loads(run.stdout.strip().splitlines()[-1])["scored"])
    print(
        f"bulk: {scored:,} versions in {run.seconds:.1f} s = "
        f"{scored / run.seconds:,.0f} filings/s, peak memory {run.peak_rss_bytes / 2**20:,.0f} MiB"
    )
    return scored


def posts(settings: Settings) -> None:
    """Time the scoring step of a POST on versions already stored (their assessments removed).

    Inside a transaction that has already run a statement, as the POST's has stored the
    filing: what scoring adds to the POST. The commit (which the POST makes either way) and
    the whole transaction, its begin included, are printed beside it.
    """
    database = Database.from_url(settings.url)
    with database.transaction() as session:
        posted = [
            AcceptedVersion(row.filing_id, row.version, row.received_at, row.document)
            for row in session.execute(
                select(
                    FilingVersion.filing_id,
                    FilingVersion.version,
                    FilingVersion.received_at,
                    FilingVersion.document,
                )
                .join(Assessment, Assessment.filing_version_id == FilingVersion.id)
                .order_by(Assessment.received_at.desc())
                .limit(POSTS)
            )
        ]
        chosen = Assessment.filing_id.in_([one.filing_id for one in posted])
        # Seals first: they have no foreign key to cascade from their assessment.
        gone = select(Assessment.id).where(chosen)
        session.execute(delete(AssessedSeal).where(AssessedSeal.assessment_id.in_(gone)))
        session.execute(delete(Assessment).where(chosen))
        parties.recount(session)  # as those filings had never been scored
    with database.transaction(write=False) as session:
        scorer = build_scorer(session, settings)
    step, commit, whole = [], [], []
    for one in reversed(posted):
        begun = time.perf_counter()
        with database.transaction() as session:
            session.execute(text("SELECT 1"))
            start = time.perf_counter()
            score_posted(session, scorer, [one])
            scored = time.perf_counter()
        done = time.perf_counter()
        step.append(scored - start)
        commit.append(done - scored)
        whole.append(done - begun)
    print(f"POST scoring step, {len(posted):,} filings one at a time, in the POST's transaction: "
          f"{percentiles(step)}; its commit: {percentiles(commit)}; "
          f"the transaction in all: {percentiles(whole)}")  # fmt: skip


def percentiles(seconds: list[float]) -> str:
    """p50 and p99 of these durations, in milliseconds."""
    p50, p99 = np.percentile(np.array(seconds) * 1000, [50, 99])
    return f"p50 {p50:.2f} ms, p99 {p99:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=1_000_000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="Keep (and reuse) the set-up node here.")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    folder = args.keep or Path(os.environ.get("TMPDIR", "/tmp")) / f"seawall-score-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    url = database_url(folder, args.backend)
    env = os.environ | {"SEAWALL_DATABASE_URL": url, "SEAWALL_DATA_DIR": str(folder), "CI": "1"}
    set_up(folder, args.filings, args.entries, env, args.backend)
    seawall("db", "upgrade", env=env)  # a node kept from before a migration
    with Database.from_url(url).transaction() as session:  # score everything afresh
        session.execute(delete(AssessedSeal))
        session.execute(delete(Assessment))
        session.execute(delete(PartyHistory))
    bulk(env)
    posts(Settings(database_url=url, data_dir=folder))


if __name__ == "__main__":
    main()
