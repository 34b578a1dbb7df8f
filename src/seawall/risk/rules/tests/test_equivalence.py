"""Two paths, one answer: row-wise and vectorized scoring agree on random feature records."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seawall.risk.rules import packs
from seawall.risk.rules.catalogue import CATALOGUE, FeatureType, polars_schema
from seawall.risk.rules.evaluate import score_record
from seawall.risk.rules.language import (
    BoolOp,
    Compare,
    Condition,
    InList,
    Literal,
    Not,
    Quantified,
    StartsWith,
    compile_condition,
)
from seawall.risk.rules.packs import CompiledRule, RuleSpec, compile_rule
from seawall.risk.rules.vectorized import RULE_SCORE, RULES_HIT, score_frame

RULES = packs.combine(packs.shipped_pack(name) for name in packs.SHIPPED_PACKS)


def _literals(node: Condition) -> Iterator[Any]:
    match node:
        case BoolOp(operands=operands):
            for operand in operands:
                yield from _literals(operand)
        case Not(operand=operand):
            yield from _literals(operand)
        case Quantified(test=test):
            yield from _literals(test)
        case Compare(left=left, right=right):
            yield from (side.value for side in (left, right) if isinstance(side, Literal))
        case InList(items=items):
            yield from (item.value for item in items)
        case StartsWith(prefix=Literal(value=value)):
            yield value
            yield f"{value}00"


# Values drawn mostly from the rules' own literals, so that random records do hit rules.
_SEEN = [value for rule in RULES for value in _literals(rule.tree)]
STRINGS = sorted({v for v in _SEEN if isinstance(v, str)} | {"CA", "US", "CN", "940360", ""})
NUMBERS = sorted({v for v in _SEEN if isinstance(v, float)})
number = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(NUMBERS).map(lambda n: n + 0.5),
    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
)
string = st.sampled_from(STRINGS)
VALUES = {
    FeatureType.NUMBER: number,
    FeatureType.STRING: string,
    FeatureType.BOOL: st.booleans(),
    FeatureType.STRING_LIST: st.lists(string, max_size=4),
}


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    record = {}
    for name, feature in CATALOGUE.items():
        value = VALUES[feature.type]
        record[name] = draw(st.one_of(st.none(), value) if feature.nullable else value)
    return record


def _both(rules: tuple[CompiledRule, ...], batch: list[dict[str, Any]]) -> None:
    frame = score_frame(pl.DataFrame(batch, schema=polars_schema()), rules)
    for record, row in zip(batch, frame.select(RULES_HIT, RULE_SCORE).iter_rows(), strict=True):
        expected = score_record(record, rules)
        assert [hit.rule_id for hit in expected.hits] == row[0]
        assert expected.total == row[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), min_size=1, max_size=20))
def test_shipped_rules_agree_on_random_records(batch: list[dict[str, Any]]) -> None:
    _both(RULES, batch)


# Random conditions too: the shipped packs do not use every operator on every type.
_NULLABLE = [n for n, f in CATALOGUE.items() if f.nullable and f.type != FeatureType.STRING_LIST]
_BY_TYPE = {t: [n for n, f in CATALOGUE.items() if f.type == t] for t in FeatureType}


def _quote(value: str) -> str:
    return f'"{value}"'


@st.composite
def predicates(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["num", "str", "bool", "null", "list", "in", "fields"]))
    if kind == "num":
        op = draw(st.sampled_from(["=", "!=", "<", "<=", ">", ">="]))
        return f"{draw(st.sampled_from(_BY_TYPE[FeatureType.NUMBER]))} {op} {draw(number):.3f}"
    if kind == "str":
        name = draw(st.sampled_from(_BY_TYPE[FeatureType.STRING]))
        op = draw(st.sampled_from(["=", "!=", "startswith"]))
        return f"{name} {op} {_quote(draw(string))}"
    if kind == "bool":
        return draw(st.sampled_from(_BY_TYPE[FeatureType.BOOL]))
    if kind == "null":
        return f"{draw(st.sampled_from(_NULLABLE))} is {draw(st.sampled_from(['', 'not ']))}null"
    if kind == "fields":
        pair = draw(st.sampled_from([FeatureType.STRING, FeatureType.NUMBER]))
        left, right = draw(st.sampled_from(_BY_TYPE[pair])), draw(st.sampled_from(_BY_TYPE[pair]))
        return f"{left} {'=' if pair == FeatureType.STRING else '<'} {right}"
    items = ", ".join(_quote(v) for v in draw(st.lists(string, min_size=1, max_size=3)))
    if kind == "in":
        name = draw(st.sampled_from(_BY_TYPE[FeatureType.STRING]))
        return f"{name} {draw(st.sampled_from(['in', 'not in']))} [{items}]"
    name = draw(st.sampled_from(_BY_TYPE[FeatureType.STRING_LIST]))
    other = _quote(draw(string))
    tests = [f"in [{items}]", f"not in [{items}]", f"startswith {other}", f"!= {other}"]
    test = draw(st.sampled_from(tests))
    return f"{draw(st.sampled_from(['any', 'all']))} {name} {test}"


conditions = st.recursive(
    predicates(),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        inner.map(lambda c: f"not ({c})"),
    ),
    max_leaves=6,
)


def _rule(index: int, condition: str) -> CompiledRule:
    compile_condition(condition)
    return compile_rule(RuleSpec(
        id=f"HRM-R-{index}", title="random", owner="CA", sharing="shared", condition=condition,
        score=index + 1, rationale="a random rule", effective_from="2024-01-01", version=1,
    ))  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(conditions, min_size=1, max_size=4), st.lists(records(), min_size=1, max_size=8))
def test_random_conditions_agree_on_random_records(
    texts: list[str], batch: list[dict[str, Any]]
) -> None:
    _both(tuple(_rule(index, text) for index, text in enumerate(texts)), batch)
