"""One risk score from three signals: rule points, the best watchlist match, the model.

The score reads as a probability on a log scale an officer can use without a calculator:
every 20 points is ten times likelier to give a finding at exam.

======  ==========================  ==========
score   chance of a finding         band
======  ==========================  ==========
0       1 in 100,000 or less        low
20      1 in 10,000                 low
40      1 in 1,000                  medium
60      1 in 100                    high
80      1 in 10                     critical
100     certain                     critical
======  ==========================  ==========

With a model, the probability is the model's calibrated probability of a finding. The model
takes the rule score and the watchlist score as inputs (``MODEL_EXTRA_FEATURES``, trained
with ``MODEL_MONOTONE``: more rule points or a closer match never lowers it), so it has
already learnt from the exam outcomes what each is worth; they are not added a second time.
Without a model (a new node), rule points stand in for it on a fixed, documented scale.
Either way a watchlist match sets a floor. See docs/targeting.md.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from seawall.risk.watchlists.screener import DEFAULT_THRESHOLD

Floats = npt.NDArray[np.float64]
Strings = npt.NDArray[np.str_]

# Extra model input columns, in this order, beside the feature catalogue's: the node's trainer
# and scorer both pass them, so the model sees the same signals in training and scoring.
MODEL_EXTRA_FEATURES: tuple[str, ...] = ("rule_score", "watchlist_score")
# LightGBM monotone constraints for them (+1: the prediction never falls as they rise). Exam
# outcomes are few and selected by rules; without the constraint a tree can learn that some
# rule-score band is "safe" from a handful of rows, which no analyst would sign off.
MODEL_MONOTONE: dict[str, int] = {"rule_score": 1, "watchlist_score": 1}

POINTS_PER_DECADE = 20.0  # score points per tenfold chance of a finding
FLOOR_PROBABILITY = 1e-5  # probability at score 0: below the resolution any node has

# Without a model: a filing that trips no rule scores 30 (between 1 in 10,000 and 1 in 1,000,
# below the base rate of findings in any worklist we know of), and each 40 rule points add a
# decade (20 score points). The packs' points are starting weights, not fitted log-odds: this
# is an ordering with a readable scale, not a calibrated probability, until a model is trained.
NO_MODEL_BASE = 30.0
NO_MODEL_POINTS_PER_RULE_POINT = 0.5

WATCHLIST_MATCH = DEFAULT_THRESHOLD  # the screener's calibrated threshold: a reported match
STRONG_MATCH = 95.0  # near-exact identity: a listed name with a slip at most, or its number
# A reported match scores at least 60 (high), rising to 80 (critical) for a perfect match:
# whatever the model says, a listed party is worth an officer's look.
WATCHLIST_FLOOR_LOW, WATCHLIST_FLOOR_HIGH = 60.0, 80.0

# Band lower bounds (score at or above): a decade of probability each.
BANDS: tuple[tuple[str, float], ...] = (
    ("critical", 80.0),  # 1 in 10 or likelier
    ("high", 60.0),  # 1 in 100 to 1 in 10: several times any base rate
    ("medium", 40.0),  # 1 in 1,000 to 1 in 100: around the usual base rate
    ("low", -np.inf),  # under 1 in 1,000
)
# The bands bottom up, for a sorted search (a POST scores one filing: ``np.select`` over four
# conditions cost it 60 µs).
_BAND_LOWS = np.array([low for _, low in reversed(BANDS[:-1])])
_BAND_NAMES = np.array([name for name, _ in reversed(BANDS)])
EXAMINE_AT = 70.0  # about 1 in 30: worth an exam on its own, whatever the port's capacity
REVIEW_AT = 60.0  # high band: an officer reads it before it is released
DO_NOT_LOAD_AT = 90.0  # about 1 in 3, and only with a strong watchlist match (below)


def score_of_probability(probability: npt.ArrayLike) -> Floats:
    """The 0-100 score of probabilities: ``20 × log10(p / 1e-5)``, clipped."""
    p = np.clip(np.asarray(probability, dtype=np.float64), FLOOR_PROBABILITY, 1.0)
    return np.asarray(np.clip(POINTS_PER_DECADE * np.log10(p / FLOOR_PROBABILITY), 0.0, 100.0))


def probability_of_score(score: npt.ArrayLike) -> Floats:
    """The chance of a finding a score stands for (the inverse of ``score_of_probability``)."""
    s = np.asarray(score, dtype=np.float64)
    return np.asarray(FLOOR_PROBABILITY * 10.0 ** (s / POINTS_PER_DECADE))


def rules_only_score(rule_score: npt.ArrayLike) -> Floats:
    """The score without a model: 30 for no rule hit, plus half a point per rule point."""
    points = np.asarray(rule_score, dtype=np.float64)
    return np.asarray(np.clip(NO_MODEL_BASE + NO_MODEL_POINTS_PER_RULE_POINT * points, 0.0, 100.0))


def watchlist_floor(watchlist_score: npt.ArrayLike) -> Floats:
    """The least score a watchlist match gives: 0 below the threshold, then 60 rising to 80."""
    match = np.asarray(watchlist_score, dtype=np.float64)
    share = (match - WATCHLIST_MATCH) / (100.0 - WATCHLIST_MATCH)
    floor = WATCHLIST_FLOOR_LOW + (WATCHLIST_FLOOR_HIGH - WATCHLIST_FLOOR_LOW) * np.clip(
        share, 0, 1
    )
    return np.asarray(np.where(match >= WATCHLIST_MATCH, floor, 0.0))


def combine(
    rule_score: npt.ArrayLike,
    watchlist_score: npt.ArrayLike,
    model_probability: npt.ArrayLike | None,
) -> Floats:
    """The 0-100 risk score of each filing (float64, same order as the inputs).

    ``rule_score``: the rule points (harmonized plus private pack); ``watchlist_score``: the
    best match score (0-100) of the filing's parties, 0 when none matched; ``model_probability``:
    the active model's calibrated probability of a finding, computed with ``rule_score`` and
    ``watchlist_score`` among its inputs, or None when the node has no model yet.
    """
    rules = np.asarray(rule_score, dtype=np.float64)
    matches = np.asarray(watchlist_score, dtype=np.float64)
    if rules.shape != matches.shape:
        raise ValueError(f"rule_score has shape {rules.shape}, watchlist_score {matches.shape}")
    if model_probability is None:
        base = rules_only_score(rules)
    else:
        probability = np.asarray(model_probability, dtype=np.float64)
        if probability.shape != rules.shape:
            raise ValueError(
                f"model_probability has shape {probability.shape}, rule_score {rules.shape}"
            )
        base = score_of_probability(_unknown_as_zero(probability))
    return np.asarray(np.maximum(base, watchlist_floor(_unknown_as_zero(matches))))


def _unknown_as_zero(values: Floats) -> Floats:
    """NaN as 0 for a non-negative figure (``fmax`` passes over NaN): one ufunc, where
    ``np.nan_to_num`` took 20 µs on a POST's single value."""
    return np.asarray(np.fmax(values, 0.0))


def band(score: npt.ArrayLike) -> Strings:
    """``low`` (< 40), ``medium`` (40-60), ``high`` (60-80) or ``critical`` (80 and over)."""
    s = np.asarray(score, dtype=np.float64)
    rank = np.searchsorted(_BAND_LOWS, s, side="right")  # how many band floors s reaches
    return np.asarray(_BAND_NAMES[np.where(np.isnan(s), 0, rank)])


def action(score: npt.ArrayLike, watchlist_score: npt.ArrayLike) -> Strings:
    """The recommended action: ``release``, ``review``, ``examine`` or ``do-not-load``.

    - ``do-not-load``: score 90 or more *and* a strong watchlist match (95 or more): a listed
      party is very likely on the box, which is the case for stopping it before loading; a
      high score alone (wood packaging, misdeclared value) is for an exam at arrival instead;
    - ``examine``: score 70 or more (about 1 chance in 30 of a finding);
    - ``review``: score 60 or more (high band), or any reported watchlist match whatever the
      score, so a listed name is never released unread;
    - ``release``: the rest.
    """
    s = np.asarray(score, dtype=np.float64)
    matches = _unknown_as_zero(np.asarray(watchlist_score, dtype=np.float64))
    reviewed = np.where((s >= REVIEW_AT) | (matches >= WATCHLIST_MATCH), "review", "release")
    examined = np.where(s >= EXAMINE_AT, "examine", reviewed)
    stopped = (s >= DO_NOT_LOAD_AT) & (matches >= STRONG_MATCH)
    return np.asarray(np.where(stopped, "do-not-load", examined))
