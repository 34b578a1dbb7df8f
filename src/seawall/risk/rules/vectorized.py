"""Bulk scoring: each condition compiled to one Polars expression over a feature frame.

The feature frame has one row per filing version and one column per catalogue feature (see
``catalogue.polars_schema``). Polars' null handling is the same three-valued logic as the
row-wise evaluator: comparisons with null are null, ``&``/``|`` are Kleene's, and a rule hits
only where its expression is true (null counts as no hit).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import polars as pl

from seawall.risk.rules.language import (
    BoolOp,
    Compare,
    Condition,
    Element,
    Field,
    InList,
    IsNull,
    Not,
    Operand,
    Quantified,
    StartsWith,
    Truth,
    compile_condition,
)

RULES_HIT = "rules_hit"
RULE_SCORE = "rule_score"


def _operand(operand: Operand) -> pl.Expr:
    if isinstance(operand, Field):
        return pl.col(operand.name)
    if isinstance(operand, Element):
        return pl.element()
    return pl.lit(operand.value)


def _compare(node: Compare) -> pl.Expr:
    left, right = _operand(node.left), _operand(node.right)
    match node.op:
        case "=":
            return left == right
        case "!=":
            return left != right
        case "<":
            return left < right
        case "<=":
            return left <= right
        case ">":
            return left > right
    return left >= right


def _in_list(node: InList) -> pl.Expr:
    found = _operand(node.operand).is_in([item.value for item in node.items])
    return ~found if node.negated else found


def to_expression(node: Condition) -> pl.Expr:
    """The Polars expression of a checked condition: true, false or null on each row."""
    match node:
        case BoolOp(op=op, operands=operands):
            parts = [to_expression(operand) for operand in operands]
            combined = parts[0]
            for part in parts[1:]:
                combined = (combined & part) if op == "and" else (combined | part)
            return combined
        case Not(operand=operand):
            return ~to_expression(operand)
        case Compare():
            return _compare(node)
        case InList():
            return _in_list(node)
        case StartsWith(operand=operand, prefix=prefix):
            return _operand(operand).str.starts_with(_operand(prefix))
        case IsNull(operand=operand, negated=negated):
            value = _operand(operand)
            return value.is_not_null() if negated else value.is_null()
        case Truth(operand=operand):
            return _operand(operand)
        case Quantified(quantifier=quantifier, field=field, test=test):
            tested = pl.col(field.name).list.eval(to_expression(test))
            return tested.list.all() if quantifier == "all" else tested.list.any()
    raise TypeError(f"not a condition: {node!r}")


class FrameRule(Protocol):
    """What bulk scoring needs of a rule (``packs.CompiledRule`` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def score(self) -> int: ...
    @property
    def expression(self) -> pl.Expr: ...


def hit_columns(rules: Sequence[FrameRule]) -> list[pl.Expr]:
    """One boolean column per rule, named by rule id: true where the rule hits, never null."""
    return [rule.expression.fill_null(value=False).alias(rule.id) for rule in rules]


def score_frame(frame: pl.DataFrame | pl.LazyFrame, rules: Sequence[FrameRule]) -> pl.DataFrame:
    """Add ``rules_hit`` (ids of the rules that hit, in rule order) and ``rule_score`` (their sum).

    ``rules`` should already be the rules in effect (``packs.in_effect``). Works on a lazy frame
    too, so a large history can be streamed.
    """
    lazy = frame.lazy()
    if not rules:
        return lazy.with_columns(
            pl.lit([], dtype=pl.List(pl.String())).alias(RULES_HIT),
            pl.lit(0, dtype=pl.Int64()).alias(RULE_SCORE),
        ).collect()
    hits = hit_columns(rules)
    names = [pl.when(hit).then(pl.lit(rule.id)) for hit, rule in zip(hits, rules, strict=True)]
    points = [
        pl.when(hit).then(pl.lit(rule.score, dtype=pl.Int64())).otherwise(0)
        for hit, rule in zip(hits, rules, strict=True)
    ]
    return lazy.with_columns(
        pl.concat_list(names).list.drop_nulls().alias(RULES_HIT),
        pl.sum_horizontal(points).cast(pl.Int64()).alias(RULE_SCORE),
    ).collect()


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """How a candidate rule would have done on history."""

    rows: int
    hits: int
    findings: int
    hits_with_finding: int

    @property
    def hit_rate(self) -> float | None:
        """Share of the hits that had a finding (the rule's precision); None with no hits."""
        return self.hits_with_finding / self.hits if self.hits else None

    @property
    def recall(self) -> float | None:
        """Share of the findings the rule would have hit; None when there were no findings."""
        return self.hits_with_finding / self.findings if self.findings else None


def backtest_condition(
    condition: str | Condition,
    history: pl.DataFrame | pl.LazyFrame,
    finding_column: str = "finding",
) -> BacktestResult:
    """Evaluate a candidate condition over a feature frame of history with a finding flag.

    A text condition is parsed and type-checked first (``ConditionError`` when it is not
    sound). Rows whose finding flag is null count as not examined: never as a finding.
    """
    node = compile_condition(condition) if isinstance(condition, str) else condition
    hit = to_expression(node).fill_null(value=False)
    finding = pl.col(finding_column).fill_null(value=False)
    counts = (
        history.lazy()
        .select(
            pl.len().alias("rows"),
            hit.sum().alias("hits"),
            finding.sum().alias("findings"),
            (hit & finding).sum().alias("hits_with_finding"),
        )
        .collect()
        .row(0, named=True)
    )
    return BacktestResult(**{name: int(value) for name, value in counts.items()})
