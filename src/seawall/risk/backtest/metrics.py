"""Precision and recall of a ranking at a fixed exam rate, with ties shared out fairly."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class AtRate:
    """What examining the top ``rate`` percent by score would have found."""

    rate: float  # percent of rows examined
    examined: int  # ceil(rows * rate / 100)
    hits: float  # expected positives among the examined (fractional when ties are split)
    precision: float | None  # hits / examined; None when nothing is examined
    recall: float | None  # hits / positives; None when there are no positives

    def to_json(self) -> dict[str, float | int | None]:
        """Plain JSON values."""
        return {
            "examined": self.examined,
            "hits": round(self.hits, 6),
            "precision": None if self.precision is None else round(self.precision, 6),
            "recall": None if self.recall is None else round(self.recall, 6),
        }


def at_rate(score: npt.ArrayLike, label: npt.ArrayLike, rate: float) -> AtRate:
    """Examine the ``ceil(n * rate / 100)`` highest-scored rows; count the positives found.

    Rows tied with the last one examined are drawn at random in practice; the figures are the
    expectation over that draw (the tied group's positive share times the places left), so a
    method with few distinct scores (integer rule points) is neither flattered nor penalised by
    an arbitrary order. A constant score gives random selection exactly: precision = base rate.
    NaN scores rank last.
    """
    values = np.nan_to_num(np.asarray(score, dtype=np.float64), nan=-np.inf)
    truth = np.asarray(label, dtype=bool)
    rows, positives = len(values), int(truth.sum())
    examined = min(rows, math.ceil(rows * rate / 100.0 - 1e-9))
    if examined == 0:
        return AtRate(rate, 0, 0.0, None, 0.0 if positives else None)
    threshold = np.partition(values, rows - examined)[rows - examined]
    above, tied = values > threshold, values == threshold
    places = examined - int(above.sum())
    hits = float(truth[above].sum()) + places * float(truth[tied].sum()) / float(tied.sum())
    return AtRate(rate, examined, hits, hits / examined, hits / positives if positives else None)
