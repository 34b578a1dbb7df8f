"""``backtest-rule``: how often candidate rules would have fired on the node's stored history,
and on how many of the boxes that had findings (docs/backtest.md).

Each rule's condition is evaluated over every active filing's latest version (effective dates
are ignored: the question is what the condition selects, not when it would be in force).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from seawall.risk.backtest.stored import FINDING
from seawall.risk.rules.packs import CompiledRule
from seawall.risk.rules.vectorized import backtest_condition


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


@dataclass(slots=True)
class RuleFigures:
    """One rule's counts over the history, summed chunk by chunk."""

    rule: CompiledRule
    rows: int = 0
    hits: int = 0
    examined_hits: int = 0
    hits_with_finding: int = 0

    def to_json(self, findings: int) -> dict[str, Any]:
        """The figures with their rates: ``hit_rate`` = hits / rows (how often it fires),
        ``precision`` = hits with a finding / examined hits, ``recall`` = hits with a finding
        / all findings. A rate with nothing to divide by is null."""
        return {
            "id": self.rule.id,
            "title": self.rule.title,
            "score": self.rule.score,
            "rows": self.rows,
            "hits": self.hits,
            "hit_rate": _share(self.hits, self.rows),
            "examined_hits": self.examined_hits,
            "hits_with_finding": self.hits_with_finding,
            "precision": _share(self.hits_with_finding, self.examined_hits),
            "recall": _share(self.hits_with_finding, findings),
        }


@dataclass(slots=True)
class RuleBacktest:
    """Every candidate rule's figures, and the history they were counted on."""

    figures: list[RuleFigures]
    rows: int = 0
    examined: int = 0
    findings: int = 0

    def add(self, frame: pl.DataFrame) -> None:
        """Count one chunk of the history (a feature frame with ``finding``)."""
        examined = frame.filter(pl.col(FINDING).is_not_null())
        self.rows += frame.height
        self.examined += examined.height
        self.findings += int(examined.get_column(FINDING).sum())
        for figures in self.figures:
            every = backtest_condition(figures.rule.tree, frame, FINDING)
            seen = backtest_condition(figures.rule.tree, examined, FINDING)
            figures.rows += every.rows
            figures.hits += every.hits
            figures.examined_hits += seen.hits
            figures.hits_with_finding += every.hits_with_finding

    def to_json(self) -> dict[str, Any]:
        """The report: the history's counts, then each rule's figures."""
        return {
            "history": {
                "rows": self.rows,
                "examined": self.examined,
                "findings": self.findings,
                "base_precision": _share(self.findings, self.examined),
            },
            "rules": [figures.to_json(self.findings) for figures in self.figures],
        }


def backtest_rules(rules: Sequence[CompiledRule], chunks: Iterable[pl.DataFrame]) -> RuleBacktest:
    """Evaluate every rule on every chunk of history."""
    report = RuleBacktest([RuleFigures(rule) for rule in rules])
    for frame in chunks:
        report.add(frame)
    return report
