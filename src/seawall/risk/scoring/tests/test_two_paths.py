"""Two paths, one answer: scoring a filing alone (as in a POST) and in bulk give the same
score and explanation, on simulated traffic with watchlists, history and a trained model."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seawall.risk.model import train_blended
from seawall.risk.rules.catalogue import polars_schema
from seawall.risk.rules.features import FilingInput, filing_history
from seawall.risk.rules.history import history_frame, history_row
from seawall.risk.rules.norms import Norms, build_norms, goods_frame
from seawall.risk.rules.packs import agency_rules
from seawall.risk.rules.vectorized import RULE_SCORE
from seawall.risk.scoring.combination import MODEL_EXTRA_FEATURES
from seawall.risk.scoring.scorer import REASONS_FROM, WATCHLIST_SCORE, Scorer
from seawall.risk.watchlists import Screener
from seawall.risk.watchlists.loader import load_watchlist
from seawall.simulator.config import SimulationConfig
from seawall.simulator.service import simulate

TODAY = date(2026, 2, 1)


Traffic = tuple[list[FilingInput], pl.DataFrame]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the simulated traffic and watchlists are written."""
    return tmp_path_factory.mktemp("traffic")


@pytest.fixture(scope="module")
def traffic(folder: Path) -> Traffic:
    """About 1,500 valid simulated filings in receipt order, and their history frame."""
    out = folder / "traffic.jsonl"
    config = SimulationConfig(filings=1_500, seed=11).with_threat_rate(0.04)
    simulate(config, out, watchlists=folder / "lists", workers=1)
    invalid = set(
        pl.read_parquet(folder / "traffic.truth.parquet")
        .filter(pl.col("invalid"))
        .get_column("submission_id")
        .to_list()
    )
    records = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    records = [r for r in records if r["submission_id"] not in invalid]
    records.sort(key=lambda r: r["received_at"])
    items = [
        FilingInput(r["submission_id"], r, datetime.fromisoformat(r["received_at"]))
        for r in records
    ]
    return items, history_frame(history_row(i.document, i.received_at, i.key) for i in items)


def _scorer(folder: Path, items: list[FilingInput], history: pl.DataFrame) -> Scorer:
    entries = list(load_watchlist(folder / "lists" / "CA.watchlist.jsonl"))
    norms = Norms.from_frame(build_norms(goods_frame(i.document for i in items)))
    plain = Scorer(agency_rules("CA"), Screener(entries), norms=norms)
    scored = plain.assess_many(items, history, TODAY)
    # A model that learns something: trained on the rule and watchlist scores and features,
    # with a label that follows the rules, so its reasons are not all zero.
    frame = pl.DataFrame(
        [plain.record(i, None) for i in items], schema=polars_schema()
    ).with_columns(
        pl.Series(RULE_SCORE, [a.rule_score for a in scored]),
        pl.Series(WATCHLIST_SCORE, [a.watchlist_score for a in scored]),
        pl.Series("found", [a.rule_score >= 40 or a.watchlist_score > 0 for a in scored]),
        pl.Series("received_at", [i.received_at for i in items]),
    )
    # Blended, refitted models, as the node trains them (``training.service.train_pair``).
    model = train_blended(frame, MODEL_EXTRA_FEATURES, label="found", time="received_at",
                          rounds=30, patience=10)  # fmt: skip
    assert model.partner is not None
    return Scorer(plain.rules, plain.screener, model, norms, generation=3)


@pytest.fixture(scope="module")
def scorer(traffic: Traffic, folder: Path) -> Scorer:
    """Harmonized and CA rules, the CA watchlist, norms and a small trained model."""
    return _scorer(folder, *traffic)


def _as_dicts(scorer: Scorer, items: list[FilingInput], history: pl.DataFrame) -> list[Any]:
    return [a.explanation for a in scorer.assess_many(items, history, TODAY)]


def _alone(scorer: Scorer, item: FilingInput, history: pl.DataFrame) -> Any:
    known = filing_history(history, item.document, item.received_at)
    return scorer.assess_one(item, known, TODAY).explanation


def test_bulk_and_single_agree_on_every_filing(traffic: Traffic, scorer: Scorer) -> None:
    items, history = traffic
    bulk = _as_dicts(scorer, items, history)
    single = [_alone(scorer, item, history) for item in items]
    assert bulk == single
    # The comparison means something only if every signal shows up somewhere.
    assert any(e["rules"] for e in bulk)
    assert any(e["watchlist"] for e in bulk)
    # The model explains what an officer will read, and only that.
    assert all(bool(e["model"]["reasons"]) == (e["score"] >= REASONS_FROM) for e in bulk)
    assert any(e["model"]["reasons"] for e in bulk)
    assert len({e["score"] for e in bulk}) > 10


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_a_filing_scores_the_same_whatever_batch_it_is_in(
    traffic: Traffic, scorer: Scorer, data: st.DataObject
) -> None:
    items, history = traffic
    chosen = data.draw(
        st.lists(st.integers(0, len(items) - 1), min_size=1, max_size=40, unique=True)
    )
    batch = [items[i] for i in chosen]
    in_batch = _as_dicts(scorer, batch, history)
    alone = [_alone(scorer, item, history) for item in batch]
    assert in_batch == alone
