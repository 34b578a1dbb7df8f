"""``seawall train`` and ``seawall models`` on simulated traffic with exam history."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from sqlalchemy import delete, func, select

from seawall.core.audit.models import AuditEntry
from seawall.core.database import Database
from seawall.core.settings import Settings
from seawall.exams.models import ExamOutcome
from seawall.exams.tests.factories import run
from seawall.risk.scoring import configuration
from seawall.risk.training import registry
from seawall.risk.training.frames import training_data
from seawall.risk.training.models import ModelVersion
from seawall.risk.training.service import MIN_FILINGS, train_model
from seawall.simulator.config import SimulationConfig
from seawall.simulator.service import history_path, simulate


@pytest.fixture(scope="session")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """About 5,000 filings of exam history (20 days, threats planted at 20% so a few thousand
    filings give enough findings to train on): the history file and the exam outcomes."""
    out = tmp_path_factory.mktemp("traffic") / "live.jsonl"
    config = SimulationConfig(filings=200, seed=11, days=2, relationships=2_000,
                              watchlist_entities=100).with_threat_rate(0.2)  # fmt: skip
    simulate(config, out, history_days=20, history_filings=5_000, workers=1)
    return history_path(out), out.with_name("live.exams.parquet")


def ingest(database_url: str, filings: Path) -> None:
    code, out, err = run(database_url, "ingest", str(filings), "--workers", "1", "--json")
    assert code == 1, out + err  # the simulator plants a few invalid filings
    assert json.loads(out)["accepted"] > 4_000


def import_exams(database_url: str, exams: Path) -> None:
    code, out, err = run(database_url, "exams", "import", str(exams), "--json")
    assert (code, err) == (0, ""), out


def actions(database: Database, action: str) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).where(AuditEntry.action == action)) or 0


def test_train_store_activate_and_predict(
    traffic: tuple[Path, Path], tmp_path: Path, database: Database, database_url: str
) -> None:
    filings, exams = traffic
    ingest(database_url, filings)
    import_exams(database_url, exams)

    code, out, err = run(database_url, "train", "--json")
    assert code == 0, out + err
    result = json.loads(out)
    assert result["activated"]
    data = result["data"]
    assert data["filings"] >= MIN_FILINGS
    assert 0 < data["random_filings"] < data["filings"]
    # The simulator examines 0.4% of the boxes the rules pass over at random.
    assert 0.002 < data["random_rate"] < 0.008
    assert result["metrics"]["valid"]["rows"] > 0
    assert "valid_random_share" in result["metrics"]

    with database.transaction(write=False) as session:
        active = registry.active_model(session)
        generation = configuration.generation(session)
        settings = Settings(agency="CA", data_dir=tmp_path, database_url=database_url)
        frame = training_data(session, settings, None).frame
    assert active is not None
    assert active.version == result["version"]
    assert generation == 1
    assert active.norms.table, "the norms computed at training travel with the model"
    assert "rule_score" in active.model.metadata["features"]
    assert "watchlist_score" in active.model.metadata["features"]
    # The trees are fitted with the random share weighing as much as the rule picks; the
    # calibration and the metrics with the inverse-probability weights (docs/model.md).
    assert active.model.metadata["fit_weight"] == "fit_weight"
    assert active.model.metadata["weighted"] is True
    prediction = active.model.predict(frame, top_k=2)
    assert prediction.probability.shape == (frame.height,)
    assert np.all((prediction.probability >= 0) & (prediction.probability <= 1))
    found = frame["found"].to_numpy()
    # Trained on these very rows, it must at least rank findings above the rest on average.
    assert prediction.score[found].mean() > prediction.score[~found].mean()

    code, out, _ = run(database_url, "train", "--no-activate", "--json")
    assert code == 0
    second = json.loads(out)["version"]
    code, out, _ = run(database_url, "models", "list", "--json")
    listed = {row["version"]: row["active"] for row in json.loads(out)}
    assert listed == {result["version"]: True, second: False}

    code, out, _ = run(database_url, "models", "activate", second)
    assert code == 0, out
    assert "is active" in out
    code, out, _ = run(database_url, "models", "activate", second)
    assert "already active" in out
    code, _, err = run(database_url, "models", "activate", "19990101T000000Z-00000000")
    assert code == 1
    assert "no model version" in err
    with database.transaction(write=False) as session:
        active_rows = session.scalars(select(ModelVersion.version).where(ModelVersion.active))
        assert list(active_rows) == [second]
        assert configuration.generation(session) == 2
    assert actions(database, "model:trained") == 2
    assert actions(database, "model:activated") == 2


def test_a_stored_model_predicts_as_the_trained_one(
    traffic: tuple[Path, Path], tmp_path: Path, database: Database, database_url: str
) -> None:
    filings, exams = traffic
    ingest(database_url, filings)
    import_exams(database_url, exams)
    settings = Settings(agency="CA", data_dir=tmp_path, database_url=database_url)
    trained = train_model(database, settings)
    again = registry.from_texts(*registry.to_texts(trained.model))
    with database.transaction(write=False) as session:
        frame = training_data(session, settings, None).frame
    assert np.array_equal(
        trained.model.predict(frame).probability, again.predict(frame).probability
    )
    assert registry.norms_of(again) == registry.norms_of(trained.model)

    # Without any finding there is nothing to learn: refused, nothing stored.
    no_findings = tmp_path / "clean.parquet"
    pl.read_parquet(exams).filter(~pl.col("found")).write_parquet(no_findings)
    with database.transaction() as session:
        session.execute(delete(ExamOutcome))
    import_exams(database_url, no_findings)
    code, _, err = run(database_url, "train")
    assert code == 1
    assert "had a finding" in err
    assert "nothing was stored" in err
    with database.transaction(write=False) as session:
        assert registry.versions(session) == []


def test_too_few_outcomes_are_refused(database: Database, database_url: str) -> None:
    code, _, err = run(database_url, "train", "--since", "2026-01-01")
    assert code == 1
    assert f"0 examined filings since 2026-01-01; at least {MIN_FILINGS} are needed" in err
    code, _, err = run(database_url, "train", "--since", "yesterday")
    assert code == 2
    assert actions(database, "model:trained") == 0
