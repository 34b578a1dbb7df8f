"""The name index: blocking keys to candidate names, then rapidfuzz scoring of candidates only.

Scoring every party name against every listed name (10,000 entries, a few names each) would
cost tens of thousands of comparisons a name. Instead each listed name is indexed under short
*blocking keys* (the first three and the last three letters of each of its words) and a query
name is compared only with the names that share its rarest keys. A typing slip or a
romanization variant (Zhang/Chang, Hussein/Husain) changes the start or the end of a word but
seldom both, so the true entry stays among the candidates.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel


@dataclass(frozen=True, slots=True)
class NameHit:
    """A listed name (by its position in the index) that a query name scored against."""

    variant: int
    score: float


def name_similarity(left: str, right: str) -> float:
    """How alike two normalized names are, 0 to 100 (one decimal).

    The better of two rapidfuzz Indel ratios: on the words sorted (word order does not
    matter: "Hussein Mohammed" is "Mohammed Hussein") and on the letters with the spaces
    taken out ("Huaxin" vs "Hua Xin", Chinese romanized with or without syllable breaks).
    WRatio and token_set_ratio were rejected: their partial and subset scores give 100 to
    "Pacific Trading" against "Pacific Star Trading", which made near-miss companies match.
    """
    return _score(_sorted(left), _sorted(right), _compact(left), _compact(right))


def _sorted(key: str) -> str:
    return " ".join(sorted(key.split()))


def _compact(key: str) -> str:
    return key.replace(" ", "")


def _score(sorted_a: str, sorted_b: str, compact_a: str, compact_b: str) -> float:
    best = max(
        Indel.normalized_similarity(sorted_a, sorted_b),
        Indel.normalized_similarity(compact_a, compact_b),
    )
    return round(100.0 * best, 1)


def blocking_keys(key: str) -> set[str]:
    """The keys a normalized name is filed under: start and end of each word, and the whole."""
    keys = {"=" + key.replace(" ", "")}
    for token in key.split():
        if len(token) <= 3:
            keys.add("w" + token)
        else:
            keys.add("<" + token[:3])
            keys.add(">" + token[-3:])
    return keys


class NameIndex:
    """Normalized listed names, searchable by name similarity through blocking keys."""

    def __init__(self, keys: Sequence[str], max_candidates: int = 40) -> None:
        self.keys = list(keys)
        self._sorted = [_sorted(k) for k in self.keys]
        self._compact = [_compact(k) for k in self.keys]
        self.max_candidates = max_candidates
        postings: dict[str, list[int]] = defaultdict(list)
        for variant, key in enumerate(self.keys):
            for block in blocking_keys(key):
                postings[block].append(variant)
        total = max(len(self.keys), 1)
        self._postings = dict(postings)
        # Rare keys say more: a shared "<ura" (Ural) outweighs a shared "<tra" (Trading).
        self._weight = {k: math.log(1 + total / len(v)) for k, v in postings.items()}
        # Keys on a large share of names (common words) are skipped unless nothing else is left:
        # walking their postings would cost more than it narrows.
        self._common = max(200, total // 50)

    def candidates(self, key: str) -> list[int]:
        """The listed names most worth scoring against ``key``, by shared rare keys."""
        blocks = [b for b in blocking_keys(key) if b in self._postings]
        usable = [b for b in blocks if len(self._postings[b]) <= self._common]
        if not usable:
            usable = sorted(blocks, key=lambda b: len(self._postings[b]))[:1]
        shared: dict[int, float] = defaultdict(float)
        for block in usable:
            weight = self._weight[block]
            for variant in self._postings[block]:
                shared[variant] += weight
        if len(shared) <= self.max_candidates:
            return list(shared)
        return heapq.nlargest(self.max_candidates, shared, key=shared.__getitem__)

    def search(self, key: str, score_cutoff: float) -> list[NameHit]:
        """Listed names scoring at least ``score_cutoff`` against ``key``, best first."""
        if not key:
            return []
        query_sorted, query_compact = _sorted(key), _compact(key)
        hits = []
        for variant in self.candidates(key):
            score = _score(
                query_sorted, self._sorted[variant], query_compact, self._compact[variant]
            )
            if score >= score_cutoff:
                hits.append(NameHit(variant, score))
        hits.sort(key=lambda hit: -hit.score)
        return hits
