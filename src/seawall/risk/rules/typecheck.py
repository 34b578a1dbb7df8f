"""The type-checker: every name is a catalogue feature and every operator gets the types it needs.

It returns every problem it finds (not only the first), each as ``line L col C: message`` with
the position of the offending part of the condition, so an analyst can fix a rule in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator

from seawall.risk.rules.catalogue import CATALOGUE, FeatureType
from seawall.risk.rules.language import (
    BoolOp,
    Compare,
    Condition,
    Element,
    Field,
    InList,
    IsNull,
    Literal,
    Not,
    Operand,
    Position,
    Quantified,
    StartsWith,
    Truth,
    known_feature,
)

# The type of a literal or an operand; "null" is the type of the null literal only.
Type = str
_LIST = FeatureType.STRING_LIST.value


class _UnknownError(Exception):
    """An operand whose type cannot be known (an unknown name); already reported."""


def _where(at: Position) -> str:
    return f"line {at.line} col {at.column}"


def _literal_type(value: object) -> Type:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return FeatureType.BOOL.value
    if isinstance(value, float):
        return FeatureType.NUMBER.value
    return FeatureType.STRING.value


def _operand_type(operand: Operand, problems: list[str]) -> Type:
    if isinstance(operand, Element):
        return FeatureType.STRING.value  # the only list type holds strings
    if isinstance(operand, Literal):
        return _literal_type(operand.value)
    unknown = known_feature(operand.name)
    if unknown:
        problems.append(f"{_where(operand.at)}: {unknown}")
        raise _UnknownError
    return CATALOGUE[operand.name].type.value


def _check_compare(node: Compare, problems: list[str]) -> Iterator[str]:
    left, right = _operand_type(node.left, problems), _operand_type(node.right, problems)
    if isinstance(node.left, Literal) and isinstance(node.right, Literal):
        yield f"{_where(node.at)}: the comparison has no feature in it"
    elif "null" in (left, right):
        yield f"{_where(node.at)}: compare with null using 'is null' or 'is not null'"
    elif _LIST in (left, right):
        yield (
            f"{_where(node.at)}: a list cannot be compared; test its elements with "
            "'any <list> ...' or 'all <list> ...'"
        )
    elif left != right:
        yield f"{_where(node.at)}: cannot compare {left} with {right}"
    elif node.op not in ("=", "!=") and left != FeatureType.NUMBER.value:
        yield f"{_where(node.at)}: '{node.op}' needs numbers, not {left}"


def _check_in(node: InList, problems: list[str]) -> Iterator[str]:
    operand = _operand_type(node.operand, problems)
    if operand == _LIST:
        yield f"{_where(node.at)}: use 'any <list> in [...]' to test a list's elements"
        return
    if not node.items:
        yield f"{_where(node.at)}: the list is empty"
    for item in node.items:
        item_type = _literal_type(item.value)
        if item_type != operand:
            yield f"{_where(item.at)}: a {item_type} in a list tested against a {operand}"


def _check_startswith(node: StartsWith, problems: list[str]) -> Iterator[str]:
    for part in (node.operand, node.prefix):
        part_type = _operand_type(part, problems)
        if part_type != FeatureType.STRING.value:
            yield f"{_where(part.at)}: 'startswith' needs strings, not {part_type}"


def _check_nullable(node: IsNull) -> Iterator[str]:
    if not isinstance(node.operand, Field):
        yield f"{_where(node.at)}: only a feature can be tested for null"
    elif not CATALOGUE[node.operand.name].nullable:
        yield f"{_where(node.at)}: {node.operand.name} is never null"


def _check(node: Condition, problems: list[str]) -> Iterator[str]:
    match node:
        case BoolOp(operands=operands):
            for operand in operands:
                yield from _check_guarded(operand, problems)
        case Not(operand=operand):
            yield from _check_guarded(operand, problems)
        case Compare():
            yield from _check_compare(node, problems)
        case InList():
            yield from _check_in(node, problems)
        case StartsWith():
            yield from _check_startswith(node, problems)
        case IsNull():
            _operand_type(node.operand, problems)
            yield from _check_nullable(node)
        case Truth(operand=operand):
            if not isinstance(operand, Field):
                yield f"{_where(node.at)}: a constant is not a condition"
            elif _operand_type(operand, problems) != FeatureType.BOOL.value:
                yield (
                    f"{_where(node.at)}: {operand.name} is a "
                    f"{CATALOGUE[operand.name].type.value}, not a condition; compare it"
                )
        case Quantified(field=field, test=test):
            field_type = _operand_type(field, problems)
            if field_type != _LIST:
                yield f"{_where(field.at)}: '{node.quantifier}' needs a list, not {field_type}"
            else:
                yield from _check_guarded(test, problems)


def _check_guarded(node: Condition, problems: list[str]) -> Iterator[str]:
    # An unknown name stops the check of its own predicate only; the siblings are still checked.
    try:
        yield from list(_check(node, problems))
    except _UnknownError:
        return


def check(condition: Condition) -> list[str]:
    """Every type problem in a parsed condition, in order of position; empty when it is sound."""
    problems: list[str] = []
    problems.extend(_check_guarded(condition, problems))
    return sorted(set(problems), key=_position_key)


def _position_key(problem: str) -> tuple[int, int, str]:
    words = problem.split()
    return int(words[1]), int(words[3].rstrip(":")), problem
