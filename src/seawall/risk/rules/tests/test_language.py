"""Parsing and type-checking of conditions: errors that name the position and the problem."""

from __future__ import annotations

import pytest

from seawall.risk.rules.language import (
    BoolOp,
    ConditionError,
    Quantified,
    compile_condition,
    parse,
)


def problems(text: str) -> list[str]:
    with pytest.raises(ConditionError) as caught:
        compile_condition(text)
    return caught.value.problems


def test_precedence_and_binds_tighter_than_or() -> None:
    tree = parse('in_transit or mode = "air" and hours_late > 1')
    assert isinstance(tree, BoolOp)
    assert tree.op == "or"
    assert isinstance(tree.operands[1], BoolOp)
    assert tree.operands[1].op == "and"


def test_quantifier_over_a_list_feature() -> None:
    tree = compile_condition('any hs_codes startswith "4403"')
    assert isinstance(tree, Quantified)
    assert tree.quantifier == "any"


def test_a_name_starting_with_a_keyword_is_a_name() -> None:
    assert problems("notable = 1 or anyway = 2 or index = 3") == [
        "line 1 col 1: unknown feature 'notable'",
        "line 1 col 16: unknown feature 'anyway'",
        "line 1 col 30: unknown feature 'index'",
    ]


def test_unknown_feature_suggests_the_closest_name() -> None:
    assert problems("hours_lat > 3") == [
        "line 1 col 1: unknown feature 'hours_lat'; did you mean hours_late?"
    ]


def test_every_type_error_is_reported_with_its_line_and_column() -> None:
    text = 'transshipment_count = "two"\n  or hs_codes = "4403"\n  or mode < "air"'
    assert problems(text) == [
        "line 1 col 1: cannot compare number with string",
        "line 2 col 6: a list cannot be compared; test its elements with "
        "'any <list> ...' or 'all <list> ...'",
        "line 3 col 6: '<' needs numbers, not string",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hours_late = null", "compare with null using 'is null'"),
        ("hours_late", "hours_late is a number, not a condition"),
        ('mode in ["air", 3]', "a number in a list tested against a string"),
        ("mode in []", "the list is empty"),
        ("mode is null", "mode is never null"),
        ('any mode = "x"', "'any' needs a list, not string"),
        ('transshipment_count startswith "3"', "'startswith' needs strings"),
        ("1 < 2", "the comparison has no feature in it"),
    ],
)
def test_type_errors(text: str, message: str) -> None:
    found = problems(text)
    assert len(found) == 1
    assert message in found[0]
    assert found[0].startswith("line 1 col ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('mode = "air" and', "line 1 col 17: the condition ends too early"),
        ('mode = "air" ; x', "line 1 col 14: unexpected character ';'"),
        ("(in_transit", "the condition ends too early"),
        ("", "line 1 col 1: the condition is empty"),
        ('mode = "a" "b"', "line 1 col 12: unexpected '\"b\"'"),
    ],
)
def test_syntax_errors_name_the_position(text: str, message: str) -> None:
    found = problems(text)
    assert len(found) == 1
    assert message in found[0]


def test_comments_and_trailing_commas_are_allowed() -> None:
    compile_condition('mode in ["air", "marine",]  # the two modes we watch\nand in_transit')
