"""The combined risk score: its scale, monotonicity, bands, actions, and the no-model case."""

from __future__ import annotations

import numpy as np
import pytest

from seawall.risk.scoring.combination import (
    MODEL_EXTRA_FEATURES,
    MODEL_MONOTONE,
    WATCHLIST_MATCH,
    action,
    band,
    combine,
    probability_of_score,
    score_of_probability,
)

RNG = np.random.default_rng(7)


def test_scale_reads_as_decades_of_probability() -> None:
    p = np.array([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    np.testing.assert_allclose(score_of_probability(p), [0, 0, 20, 40, 60, 80, 100])
    scores = np.array([20.0, 50.0, 75.0])
    np.testing.assert_allclose(score_of_probability(probability_of_score(scores)), scores)


def test_with_a_model_the_score_follows_the_probability() -> None:
    p = np.sort(RNG.uniform(0, 1, 500) ** 4)
    zeros = np.zeros_like(p)
    score = combine(RNG.integers(-20, 200, 500), zeros, p)
    assert score.dtype == np.float64
    assert np.all(np.diff(score) >= 0)
    assert score.min() >= 0.0
    assert score.max() <= 100.0
    # the model has already weighed the rule score: it is not added a second time
    np.testing.assert_array_equal(score, combine(zeros, zeros, p))


def test_monotone_in_every_signal() -> None:
    rules = RNG.integers(-30, 150, 2000).astype(float)
    match = np.where(RNG.random(2000) < 0.3, RNG.uniform(80, 100, 2000), 0.0)
    p = RNG.uniform(0, 0.5, 2000)
    base = combine(rules, match, p)
    assert np.all(combine(rules, match, p * 1.5) >= base)
    assert np.all(combine(rules, match + 5, p) >= base)
    assert np.all(combine(rules + 10, match, p) >= base)
    no_model = combine(rules, match, None)
    assert np.all(combine(rules + 10, match, None) >= no_model)
    assert np.all(combine(rules, match + 5, None) >= no_model)


def test_without_a_model_rules_and_watchlists_rank() -> None:
    score = combine(np.array([-15, 0, 10, 40, 60, 200]), np.zeros(6), None)
    assert np.all(np.diff(score) > 0)
    assert score[1] == pytest.approx(30.0)  # no rule hit: low band
    assert band(score)[1] == "low"
    listed = combine(np.array([0.0]), np.array([100.0]), None)
    assert listed[0] >= 80.0  # an exact listed name outranks every plain rule result above
    assert listed[0] > score[4]


def test_a_watchlist_match_is_a_floor() -> None:
    tiny = np.full(3, 1e-6)
    score = combine(np.zeros(3), np.array([0.0, WATCHLIST_MATCH, 100.0]), tiny)
    assert score[0] == 0.0
    assert score[1] == pytest.approx(60.0)
    assert score[2] == pytest.approx(80.0)
    below = combine(np.zeros(1), np.array([WATCHLIST_MATCH - 0.1]), tiny[:1])
    assert below[0] == 0.0  # under the screener's threshold a candidate is not a match


def test_bands_at_their_cut_points() -> None:
    score = np.array([0.0, 39.99, 40.0, 59.99, 60.0, 79.99, 80.0, 100.0])
    assert band(score).tolist() == [
        "low", "low", "medium", "medium", "high", "high", "critical", "critical",
    ]  # fmt: skip


def test_actions() -> None:
    score = np.array([10.0, 59.9, 60.0, 69.9, 70.0, 95.0, 95.0, 10.0, 10.0])
    match = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 96.0, WATCHLIST_MATCH, 80.0])
    assert action(score, match).tolist() == [
        "release", "release", "review", "review", "examine", "examine", "do-not-load",
        "review", "release",
    ]  # fmt: skip


def test_a_strong_match_always_gets_at_least_review() -> None:
    match = RNG.uniform(WATCHLIST_MATCH, 100, 300)
    score = combine(np.zeros(300), match, np.full(300, 1e-7))
    assert set(action(score, match).tolist()) <= {"review", "examine", "do-not-load"}


def test_shapes_must_agree_and_nan_is_no_signal() -> None:
    with pytest.raises(ValueError, match="shape"):
        combine(np.zeros(3), np.zeros(2), None)
    with pytest.raises(ValueError, match="shape"):
        combine(np.zeros(3), np.zeros(3), np.zeros(2))
    score = combine(np.zeros(2), np.array([np.nan, 0.0]), np.array([np.nan, 1e-3]))
    np.testing.assert_allclose(score, [0.0, 40.0])


def test_model_columns() -> None:
    assert MODEL_EXTRA_FEATURES == ("rule_score", "watchlist_score")
    assert MODEL_MONOTONE == {"rule_score": 1, "watchlist_score": 1}
