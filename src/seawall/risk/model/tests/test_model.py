"""The model on a small synthetic frame where the finding depends on lateness and the port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from seawall.risk.model import (
    FeatureSpec,
    TrainedModel,
    TrainingError,
    balanced_weights,
    blend,
    default_spec,
    load,
    selection_weights,
    time_split,
    train,
)

START = datetime(2026, 1, 1, tzinfo=UTC)


def synthetic(rows: int = 4000, seed: int = 1) -> pl.DataFrame:
    """Findings are likely when hours_late is high; the rest is noise."""
    rng = np.random.default_rng(seed)
    late = rng.exponential(5.0, rows)
    noise = rng.normal(size=rows)
    port = rng.choice(["CNSHA", "KRPUS", "NLRTM"], rows)
    chance = 1.0 / (1.0 + np.exp(-(late - 12.0) / 2.0))
    found = rng.random(rows) < chance
    return pl.DataFrame(
        {
            "received_at": [START + timedelta(hours=i) for i in range(rows)],
            "hours_late": late,
            "voyage_days": noise,
            "port_of_loading": port,
            "found": found,
        }
    )


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return synthetic()


@pytest.fixture(scope="module")
def model(frame: pl.DataFrame):  # type: ignore[no-untyped-def]
    return train(frame, rounds=200, patience=20)


def test_default_spec_picks_documented_columns(frame: pl.DataFrame) -> None:
    spec = default_spec(frame)
    assert spec.numeric == ("voyage_days", "hours_late")
    assert spec.categorical == ("port_of_loading",)
    assert "found" not in spec.names
    assert "received_at" not in spec.names


def test_probabilities_calibrated_and_ranked(model, frame: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    prediction = model.predict(frame)
    assert prediction.probability.min() >= 0.0
    assert prediction.probability.max() <= 1.0
    late = frame.get_column("hours_late").to_numpy()
    assert prediction.probability[late > 25].mean() > 0.8
    assert prediction.probability[late < 3].mean() < 0.05
    assert model.calibration.method == "platt"
    assert model.calibration.slope > 0
    assert model.metadata["metrics"]["valid"]["auc"] > 0.9


def test_platt_keeps_the_raw_order_without_ties(model, frame: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    prediction = model.predict(frame)
    order = np.argsort(prediction.score, kind="stable")
    assert np.all(np.diff(prediction.probability[order]) >= 0)
    distinct_scores = len(np.unique(prediction.score))
    assert len(np.unique(prediction.probability)) == distinct_scores


def test_isotonic_calibration_on_request(frame: pl.DataFrame, tmp_path: Path) -> None:
    model = train(frame, rounds=100, patience=20, calibration="isotonic")
    assert model.calibration.method == "isotonic"
    again = load(model.save(tmp_path))
    np.testing.assert_array_equal(
        again.predict(frame).probability, model.predict(frame).probability
    )
    with pytest.raises(TrainingError, match="calibration"):
        train(frame, calibration="beta")


def test_monotone_constraint_holds(frame: pl.DataFrame) -> None:
    # voyage_days is noise; constrained to +1, raising it never lowers a prediction
    model = train(frame, rounds=100, patience=20, monotone={"voyage_days": 1})
    rows = frame.head(200)
    low = model.predict(rows.with_columns(pl.lit(-3.0).alias("voyage_days"))).score
    high = model.predict(rows.with_columns(pl.lit(3.0).alias("voyage_days"))).score
    assert np.all(high >= low - 1e-12)
    assert model.metadata["params"]["monotone_constraints"] == [1, 0, 0]


def test_reasons_name_the_feature(model, frame: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    rows = frame.filter(pl.col("hours_late") > 25).head(20)
    prediction = model.predict(rows, top_k=2)
    assert prediction.reasons is not None
    assert len(prediction.reasons) == rows.height
    for reasons, row in zip(prediction.reasons, rows.iter_rows(named=True), strict=True):
        assert reasons[0].feature == "hours_late"
        assert reasons[0].contribution > 0
        assert reasons[0].value == row["hours_late"]


def test_contributions_add_up_to_the_raw_score(model, frame: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    matrix = model.encoding.matrix(frame)
    leaves = model.booster.predict(matrix, pred_leaf=True)
    contributions = model.contributions.of_leaves(leaves)
    raw = model.booster.predict(matrix, raw_score=True)
    np.testing.assert_allclose(model.contributions.bias + contributions.sum(axis=1), raw, atol=1e-9)


def test_contributions_credit_what_treeshap_credits_most(model, frame: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    # On the rows an officer would read (the riskiest tenth), the largest push is the one
    # LightGBM's exact TreeSHAP names: here the only signal, lateness.
    matrix = model.encoding.matrix(frame)
    riskiest = np.argsort(-model.booster.predict(matrix, raw_score=True))[: frame.height // 10]
    paths = model.contributions.of_leaves(model.booster.predict(matrix, pred_leaf=True))
    shap = model.booster.predict(matrix, pred_contrib=True)[:, :-1]
    top = np.argmax(np.abs(paths[riskiest]), axis=1)
    assert np.array_equal(top, np.argmax(np.abs(shap[riskiest]), axis=1))


def test_save_load_round_trip(model, frame: pl.DataFrame, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    directory = model.save(tmp_path)
    assert directory.name == model.version
    again = load(directory)
    assert again.version == model.version
    assert again.metadata["features"] == model.metadata["features"]
    np.testing.assert_array_equal(
        again.predict(frame).probability, model.predict(frame).probability
    )
    meta = again.metadata
    assert {"train_period", "valid_period", "created", "metrics", "best_iteration"} <= set(meta)


def test_load_refuses_a_non_artifact(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a model artifact"):
        load(tmp_path)


def test_time_split_never_trains_on_the_future() -> None:
    # shuffled times with duplicates at the cutoff
    times = pl.Series([5, 1, 3, 3, 2, 4, 3, 0, 6, 3])
    split = time_split(times, 0.4)
    assert times.filter(split.train).max() < times.filter(split.valid).min()  # type: ignore[operator]
    assert split.train.sum() + split.valid.sum() == len(times)


def test_training_period_precedes_validation(model) -> None:  # type: ignore[no-untyped-def]
    meta = model.metadata
    assert meta["train_period"]["to"] < meta["valid_period"]["from"]
    assert meta["train_rows"] == 3000


def test_unseen_category_is_not_missing(model, frame: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    odd = frame.head(3).with_columns(pl.lit("ZZZZZ").alias("port_of_loading"))
    assert np.isfinite(model.predict(odd).probability).all()


def test_no_positive_in_training_is_an_error(frame: pl.DataFrame) -> None:
    with pytest.raises(TrainingError, match="no positive"):
        train(frame.with_columns(pl.lit(value=False).alias("found")))


def test_selection_weights_and_random_share_metrics(frame: pl.DataFrame) -> None:
    picked = np.where(np.arange(frame.height) % 10 == 0, "random", "rules")
    weighted = frame.with_columns(
        pl.Series("selected_by", picked),
        (pl.Series("selected_by", picked) == "random").alias("is_random"),
    ).with_columns(selection_weights(pl.Series(picked), 0.1))
    assert weighted.get_column("weight").max() == pytest.approx(10.0)
    model = train(weighted, weight="weight", random_share="is_random",
                  spec=FeatureSpec(("hours_late",)), rounds=50)  # fmt: skip
    share = model.metadata["metrics"]["valid_random_share"]
    assert share["rows"] == 100
    assert model.metadata["weighted"] is True


def test_balanced_weights_give_the_random_share_the_weight_of_the_rule_picks() -> None:
    # Six rule picks (a null is not random) and two random picks: each random one weighs 3.
    weights = balanced_weights(pl.Series([True, False, False, None, True, False, False, False]))
    assert weights.to_list() == [3.0, 1.0, 1.0, 1.0, 3.0, 1.0, 1.0, 1.0]
    assert balanced_weights(pl.Series([False, False])).to_list() == [1.0, 1.0]
    assert balanced_weights(pl.Series([True, True])).to_list() == [1.0, 1.0]


def _picked_as_an_agency_would(frame: pl.DataFrame) -> pl.DataFrame:
    """The rules pick the late boxes (where the findings are); every 20th other box is a random
    pick, standing for 100 boxes (a 1% random share), so the weighted finding rate is low."""
    late = frame.get_column("hours_late") > 8.0
    random_pick = ~late & (pl.Series(np.arange(frame.height)) % 20 == 0)
    chosen = frame.filter(late | random_pick)
    picked = random_pick.filter(late | random_pick)
    return chosen.with_columns(
        selection_weights(pl.Series(np.where(picked, "random", "rules")), 0.01),
        balanced_weights(picked),
        picked.alias("is_random"),
    )


def test_fit_weights_fit_the_trees_while_weight_calibrates(frame: pl.DataFrame) -> None:
    examined = _picked_as_an_agency_would(frame)
    spec = FeatureSpec(("hours_late", "voyage_days"))
    inverse = train(examined, weight="weight", spec=spec, rounds=60, patience=60)
    balanced = train(examined, weight="weight", fit_weight="fit_weight", spec=spec,
                     rounds=60, patience=60)  # fmt: skip
    assert inverse.metadata["fit_weight"] == "weight"
    assert balanced.metadata["fit_weight"] == "fit_weight"
    assert balanced.booster.model_to_string() != inverse.booster.model_to_string()
    # The calibration is fitted by ``weight``: the stated probabilities average out to the
    # population's finding rate on the validation slice, not to the balanced weights' rate.
    valid = examined.filter(time_split(examined.get_column("received_at"), 0.25).valid)
    found = valid.get_column("found").cast(pl.Float64).to_numpy()
    stated = balanced.predict(valid).probability
    weights = valid.get_column("weight").to_numpy()
    population = np.average(found, weights=weights)
    fitted = np.average(found, weights=valid.get_column("fit_weight").to_numpy())
    assert np.average(stated, weights=weights) == pytest.approx(population, rel=0.2)
    assert abs(population - fitted) > 0.5 * fitted


def test_a_random_share_with_no_finding_is_not_read_as_no_risk(frame: pl.DataFrame) -> None:
    # The validation slice's random exams found nothing: weighing 100 each, they alone would
    # set the low end near zero (0.5% stated here without the prior). With half a finding
    # among them (Jeffreys' prior), the share is stated at least at that prior's rate.
    examined = _picked_as_an_agency_would(frame)
    valid = pl.Series(time_split(examined.get_column("received_at"), 0.25).valid)
    examined = examined.with_columns(
        pl.when(valid & pl.col("is_random")).then(False).otherwise(pl.col("found")).alias("found")
    )
    spec = FeatureSpec(("hours_late", "voyage_days"))
    model = train(examined, weight="weight", fit_weight="fit_weight", random_share="is_random",
                  spec=spec, rounds=60, patience=60)  # fmt: skip
    share = examined.filter(valid & pl.col("is_random"))
    assert share.height > 20
    assert model.predict(share).probability.mean() > 0.5 / (share.height + 1)


def test_a_fit_weight_column_that_is_not_there_is_named(frame: pl.DataFrame) -> None:
    with pytest.raises(TrainingError, match="no column 'balanced'"):
        train(frame, fit_weight="balanced")


def test_refit_learns_from_the_validation_slice_too(frame: pl.DataFrame) -> None:
    """A port seen only in the latest rows (the validation slice), always with a finding: the
    refitted trees know it, the early-stopped ones, fitted without those rows, do not."""
    newly = (pl.int_range(pl.len()) >= frame.height * 0.8) & (pl.int_range(pl.len()) % 3 == 0)
    shifted = frame.with_columns(
        pl.when(newly).then(pl.lit("VNSGN")).otherwise(pl.col("port_of_loading"))
        .alias("port_of_loading"),
        (pl.col("found") | newly).alias("found"),
    )  # fmt: skip
    row = (
        shifted.filter(pl.col("port_of_loading") == "VNSGN")
        .head(1)
        .with_columns(pl.lit(1.0).alias("hours_late"))
    )
    known = row.with_columns(pl.lit("CNSHA").alias("port_of_loading"))
    kept = train(shifted, rounds=200, patience=20)
    refitted = train(shifted, rounds=200, patience=20, refit=True)

    def lift(model: TrainedModel) -> float:  # the port's own log-odds over a known port's
        return float(model.predict(row).score[0] - model.predict(known).score[0])

    assert lift(refitted) > 1
    assert abs(lift(kept)) < 0.25
    assert (refitted.metadata["train_rows"], kept.metadata["train_rows"]) == (4000, 3000)


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1 - p))


@pytest.mark.parametrize("own_codes", [False, True], ids=["same frame", "its own codes"])
def test_a_blend_averages_the_two_models_calibrated_log_odds_and_their_reasons(
    model: TrainedModel, frame: pl.DataFrame, tmp_path: Path, own_codes: bool
) -> None:
    """The partner reads the features but one (``voyage_days``); the blend's probability and
    its reasons are the means of the two models', and its artifact keeps both. Trained on the
    same frame, the partner codes the ports as the model does and reads the model's matrix;
    trained without the model's first port, its codes differ and it encodes the rows itself."""
    first = model.encoding.vocabularies["port_of_loading"][0]
    trained_on = frame.filter(pl.col("port_of_loading") != first) if own_codes else frame
    partner = train(trained_on.drop("voyage_days"), rounds=200, patience=20)
    shared = partner.encoding.vocabularies == model.encoding.vocabularies
    assert shared != own_codes
    both = blend(model, partner)
    rows = frame.head(50)
    mine, theirs, blended = (m.predict(rows, top_k=3) for m in (model, partner, both))
    mean = (_logit(mine.probability) + _logit(theirs.probability)) / 2
    np.testing.assert_allclose(_logit(blended.probability), mean, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(blended.score, mean, rtol=1e-9, atol=1e-9)
    assert mine.reasons is not None
    assert theirs.reasons is not None
    assert blended.reasons is not None
    for row in range(rows.height):
        own = {r.feature: r.contribution for r in mine.reasons[row]}
        other = {r.feature: r.contribution for r in theirs.reasons[row]}
        for reason in blended.reasons[row]:
            expected = (own.get(reason.feature, 0.0) + other.get(reason.feature, 0.0)) / 2
            assert reason.contribution == pytest.approx(expected, abs=1e-12)
    again = load(both.save(tmp_path))
    assert again.partner is not None
    assert (again.version, again.metadata["format"]) == (both.version, 2)
    assert again.version != model.version
    np.testing.assert_array_equal(again.predict(rows).probability, blended.probability)


def test_a_blend_refuses_a_partner_reading_inputs_the_model_does_not(
    model: TrainedModel, frame: pl.DataFrame
) -> None:
    wider = train(frame.with_columns(pl.col("hours_late").alias("value_per_kg_usd")),
                  rounds=200, patience=20)  # fmt: skip
    with pytest.raises(ValueError, match="the partner reads inputs the model does not"):
        blend(model, wider)
