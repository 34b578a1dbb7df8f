"""Row-wise evaluation: one feature record, inside an API request.

Each checked condition is turned once into a tree of small Python closures (no ``eval``, no
generated source), so scoring a record is a walk of plain function calls. Logic is three-valued
as in SQL and Polars: a comparison with an absent (null) value is null, ``and``/``or`` follow
Kleene's tables, and a rule hits only when its condition is true. The vectorized path
(:mod:`seawall.risk.rules.vectorized`) follows the same tables; a property test holds them equal.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from seawall.risk.rules.language import (
    BoolOp,
    Compare,
    Condition,
    Field,
    InList,
    IsNull,
    Literal,
    Not,
    Operand,
    Quantified,
    StartsWith,
    Truth,
)

Record = Mapping[str, Any]
# A predicate takes a record, or a list element inside a quantifier; hence ``Any``.
Predicate = Callable[[Any], bool | None]
_Getter = Callable[[Any], Any]

_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _getter(operand: Operand) -> _Getter:
    if isinstance(operand, Field):
        name = operand.name
        return lambda record: record.get(name)
    if isinstance(operand, Literal):
        value = operand.value
        return lambda _record: value
    raise TypeError("a list element outside a quantifier")  # the parser never builds one


def _compare(op: str, left: _Getter, right: _Getter) -> Predicate:
    test = _OPERATORS[op]

    def compare(record: Record) -> bool | None:
        a, b = left(record), right(record)
        if a is None or b is None:
            return None
        return test(a, b)

    return compare


def _in_list(node: InList, value: _Getter) -> Predicate:
    members = frozenset(item.value for item in node.items)
    negated = node.negated

    def in_list(record: Record) -> bool | None:
        found = value(record)
        if found is None:
            return None
        return (found in members) != negated

    return in_list


def _startswith(value: _Getter, prefix: _Getter) -> Predicate:
    def startswith(record: Record) -> bool | None:
        text, start = value(record), prefix(record)
        if text is None or start is None:
            return None
        return bool(text.startswith(start))

    return startswith


def _element_test(test: Compare | InList | StartsWith) -> Predicate:
    # The quantified test reads the element; its other side is always a literal (grammar).
    def element(item: Any) -> Any:
        return item

    if isinstance(test, Compare):
        return _compare(test.op, element, _getter(test.right))
    if isinstance(test, InList):
        return _in_list(test, element)
    return _startswith(element, _getter(test.prefix))


def _quantified(node: Quantified) -> Predicate:
    name, test, want_all = node.field.name, _element_test(node.test), node.quantifier == "all"

    def quantified(record: Record) -> bool | None:
        items = record.get(name)
        if items is None:
            return None
        if want_all:
            return all(test(item) for item in items)
        return any(test(item) for item in items)

    return quantified


def _junction(parts: Sequence[Predicate], decisive: bool) -> Predicate:
    """AND (``decisive`` False) or OR (``decisive`` True) in SQL's three-valued logic."""

    def combined(record: Record) -> bool | None:
        unknown = False
        for part in parts:
            value = part(record)
            if value is decisive:
                return decisive
            if value is None:
                unknown = True
        return None if unknown else not decisive

    return combined


def _not(part: Predicate) -> Predicate:
    def negation(record: Record) -> bool | None:
        value = part(record)
        return None if value is None else not value

    return negation


def _is_null(value: _Getter, negated: bool) -> Predicate:
    return lambda record: (value(record) is None) != negated


def to_predicate(node: Condition) -> Predicate:
    """Turn a checked condition into a function of one record: True, False or None (unknown)."""
    match node:
        case BoolOp(op="and", operands=operands):
            return _junction([to_predicate(operand) for operand in operands], decisive=False)
        case BoolOp(operands=operands):
            return _junction([to_predicate(operand) for operand in operands], decisive=True)
        case Not(operand=operand):
            return _not(to_predicate(operand))
        case Compare(op=op, left=left, right=right):
            return _compare(op, _getter(left), _getter(right))
        case InList(operand=operand):
            return _in_list(node, _getter(operand))
        case StartsWith(operand=operand, prefix=prefix):
            return _startswith(_getter(operand), _getter(prefix))
        case IsNull(operand=operand, negated=negated):
            return _is_null(_getter(operand), negated)
        case Truth(operand=operand):
            value = _getter(operand)
            return lambda record: value(record)
        case Quantified():
            return _quantified(node)
    raise TypeError(f"not a condition: {node!r}")


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule that hit: what the officer reads."""

    rule_id: str
    score: int
    rationale: str


@dataclass(frozen=True, slots=True)
class RuleScore:
    """The rules that hit a filing and their total (the sum of their scores)."""

    hits: tuple[Hit, ...]
    total: int


class ScorableRule(Protocol):
    """What the row-wise scorer needs of a rule (``packs.CompiledRule`` has it)."""

    @property
    def id(self) -> str: ...
    @property
    def score(self) -> int: ...
    @property
    def rationale(self) -> str: ...
    @property
    def predicate(self) -> Predicate: ...


def score_record(record: Record, rules: Sequence[ScorableRule]) -> RuleScore:
    """Score one feature record with compiled rules (already filtered to those in effect).

    Hits keep the order of ``rules``; the total is the sum of the hit rules' scores.
    """
    hits = tuple(
        Hit(rule.id, rule.score, rule.rationale) for rule in rules if rule.predicate(record) is True
    )
    return RuleScore(hits, sum(hit.score for hit in hits))
