"""Parsing and type-checking of conditions: errors that name the position and the problem."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seawall.risk.rules.catalogue import CATALOGUE, polars_schema
from seawall.risk.rules.evaluate import score_record
from seawall.risk.rules.language import (
    BoolOp,
    ConditionError,
    Quantified,
    compile_condition,
    parse,
)
from seawall.risk.rules.packs import RuleSpec, compile_rule
from seawall.risk.rules.vectorized import RULE_SCORE, score_frame


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
        ('mode = "air', "line 1 col 8: a string that does not end on its line"),
        ('mode = "a\\" or in_transit', "line 1 col 8: a string that does not end on its line"),
    ],
)
def test_syntax_errors_name_the_position(text: str, message: str) -> None:
    found = problems(text)
    assert len(found) == 1
    assert message in found[0]


def test_comments_and_trailing_commas_are_allowed() -> None:
    compile_condition('mode in ["air", "marine",]  # the two modes we watch\nand in_transit')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(" * 51 + "in_transit" + ")" * 51, "line 1 col 52: nested too deeply"),
        ("not " * 51 + "in_transit", "line 1 col 201: nested too deeply"),
        # As deep as a pack's 4,000 characters allow: the stack held out to about 300.
        ("(" * 1995 + "in_transit" + ")" * 1995, "nested too deeply"),
    ],
)
def test_conditions_nested_too_deeply_are_refused(text: str, message: str) -> None:
    found = problems(text)
    assert found == [found[0]]
    assert message in found[0]


def test_the_deepest_condition_allowed_runs_on_both_paths() -> None:
    deepest = "(" * 25 + "not " * 25 + "in_transit" + ")" * 25
    rule = compile_rule(RuleSpec(
        id="HRM-DEEP", title="deep", owner="CA", sharing="shared", condition=deepest,
        score=5, rationale="nested to the limit", effective_from="2024-01-01", version=1,
    ))  # fmt: skip
    records = [dict.fromkeys(CATALOGUE) | {"in_transit": value} for value in (True, False)]
    frame = score_frame(pl.DataFrame(records, schema=polars_schema()), (rule,))
    # 25 nots: the rule fires on filings not in transit.
    assert [score_record(record, (rule,)).total for record in records] == [0, 5]
    assert frame.get_column(RULE_SCORE).to_list() == [0, 5]


_WORDS = [*CATALOGUE, "and", "or", "not", "in", "is", "null", "any", "all", "startswith", "true",
          "false", "(", ")", "[", "]", ",", "=", "!=", "<", "<=", ">", ">=", '"CN"', '"', "1",
          "-2.5", "1e9", "#", "\n", "\\"]  # fmt: skip


_SOUPS = st.lists(st.sampled_from(_WORDS), max_size=25).map(" ".join)  # tokens of the language
_TEXTS = st.one_of(st.text(max_size=80), _SOUPS)


def _refusals(text: str) -> list[str]:
    """What ``compile_condition`` says is wrong with ``text``; nothing when it compiles."""
    try:
        compile_condition(text)
    except ConditionError as error:
        return error.problems or ["a refusal naming no problem"]
    return []


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_any_text_compiles_or_is_refused_with_positions(text: str) -> None:
    assert all(re.match(r"line \d+ col \d+: ", problem) for problem in _refusals(text))
