"""Calibration: the labelled pairs, the chosen threshold and the shipped default."""

from __future__ import annotations

from seawall.risk.watchlists.calibration import LabelledPair, calibrate, labelled_pairs
from seawall.risk.watchlists.screener import DEFAULT_THRESHOLD


def test_pairs_are_reproducible_and_cover_the_variant_kinds() -> None:
    pairs = labelled_pairs()
    assert pairs == labelled_pairs()
    kinds = {pair.kind for pair in pairs}
    assert {"misspelt", "suffix", "reordered", "native script", "romanized", "alias"} <= kinds
    assert {"near miss", "unrelated"} <= kinds


def test_calibrated_threshold_separates_the_pairs() -> None:
    result = calibrate(labelled_pairs())
    assert result.precision >= 0.95
    assert result.recall >= 0.95
    assert 70.0 <= result.threshold <= 100.0


def test_shipped_default_is_the_calibrated_threshold() -> None:
    assert calibrate(labelled_pairs()).threshold == DEFAULT_THRESHOLD


def test_calibration_moves_with_the_labels() -> None:
    # Near misses relabelled as matches must pull the threshold down: the search is real.
    relabelled = [
        LabelledPair(p.entry, p.party_name, True, p.kind) if p.kind == "near miss" else p
        for p in labelled_pairs()
    ]
    assert calibrate(relabelled).threshold < DEFAULT_THRESHOLD
