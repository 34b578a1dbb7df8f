"""The rule language: grammar, syntax tree, parser and type-checker. Nothing here runs code.

A condition is a boolean expression over the fields of the feature record (see
:mod:`seawall.risk.rules.catalogue`). The grammar is parsed by Lark into a tree, which is turned
into the small immutable syntax tree below; the type-checker then checks every name and operand
against the catalogue. Errors carry the line and column inside the condition text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal as TypingLiteral

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from seawall.risk.rules.catalogue import CATALOGUE, FeatureType

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr ("or" and_expr)*            -> or_
?and_expr: not_expr ("and" not_expr)*          -> and_
?not_expr: "not" not_expr                      -> not_
         | predicate
?predicate: operand COMPARATOR operand         -> compare
          | operand "in" list                  -> in_
          | operand "not" "in" list            -> not_in
          | operand "startswith" operand       -> startswith
          | operand "is" "null"                -> is_null
          | operand "is" "not" "null"          -> is_not_null
          | _quantifier NAME COMPARATOR literal -> quant_compare
          | _quantifier NAME "in" list          -> quant_in
          | _quantifier NAME "not" "in" list    -> quant_not_in
          | _quantifier NAME "startswith" STRING -> quant_startswith
          | "(" or_expr ")"
          | operand                            -> truth
?operand: NAME -> field
        | literal
?literal: NUMBER -> number
        | STRING -> string
        | "true" -> true
        | "false" -> false
        | "null" -> null
_quantifier: ANY | ALL
ANY: "any"
ALL: "all"
list: "[" [literal ("," literal)* ","?] "]"
COMPARATOR: "<=" | ">=" | "!=" | "=" | "<" | ">"
NAME: /[a-z_][a-z0-9_]*/
NUMBER: /-?[0-9]+(\.[0-9]+)?/
STRING: /"[^"\\\n]*"/
COMMENT: /#[^\n]*/
%import common.WS
%ignore WS
%ignore COMMENT
"""

_PARSER = Lark(_GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)
# Parentheses and nots inside one another (the shipped packs reach 1). Building, checking and
# evaluating a condition recurse once per level: a few hundred exhausted Python's stack.
MAX_NESTING = 50

Op = TypingLiteral["=", "!=", "<", "<=", ">", ">="]
Scalar = float | str | bool | None


@dataclass(frozen=True, slots=True)
class Position:
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    at: Position


@dataclass(frozen=True, slots=True)
class Literal:
    value: Scalar
    at: Position


@dataclass(frozen=True, slots=True)
class Element:
    """The list element a quantified test looks at (``any hs_codes startswith "44"``)."""

    at: Position


Operand = Field | Literal | Element


@dataclass(frozen=True, slots=True)
class Compare:
    op: Op
    left: Operand
    right: Operand
    at: Position


@dataclass(frozen=True, slots=True)
class InList:
    operand: Operand
    items: tuple[Literal, ...]
    negated: bool
    at: Position


@dataclass(frozen=True, slots=True)
class StartsWith:
    operand: Operand
    prefix: Operand
    at: Position


@dataclass(frozen=True, slots=True)
class IsNull:
    operand: Operand
    negated: bool
    at: Position


@dataclass(frozen=True, slots=True)
class Truth:
    """A boolean field (or literal) standing alone as a condition."""

    operand: Operand
    at: Position


@dataclass(frozen=True, slots=True)
class Quantified:
    """``any``/``all`` of a list field's elements pass ``test`` (whose operand is Element)."""

    quantifier: TypingLiteral["any", "all"]
    field: Field
    test: Compare | InList | StartsWith
    at: Position


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition
    at: Position


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: TypingLiteral["and", "or"]
    operands: tuple[Condition, ...]
    at: Position


Condition = Compare | InList | StartsWith | IsNull | Truth | Quantified | Not | BoolOp


class ConditionError(ValueError):
    """Every problem found in one condition, each as ``line L col C: message``."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _at(node: Tree[Token] | Token) -> Position:
    if isinstance(node, Token):
        return Position(node.line or 1, node.column or 1)
    return Position(node.meta.line, node.meta.column)


def _literal(node: Tree[Token]) -> Literal:
    kind, at, token = node.data, _at(node), str(node.children[0]) if node.children else ""
    if kind == "number":
        return Literal(float(token), at)
    if kind == "string":
        return Literal(token[1:-1], at)
    return Literal({"true": True, "false": False, "null": None}[str(kind)], at)


def _operand(node: Tree[Token]) -> Operand:
    if node.data == "field":
        token = node.children[0]
        assert isinstance(token, Token)
        return Field(str(token), _at(token))
    return _literal(node)


def _items(node: Tree[Token]) -> tuple[Literal, ...]:
    return tuple(_literal(child) for child in node.children if isinstance(child, Tree))


def _build(node: Tree[Token]) -> Condition:
    at, kids = _at(node), node.children
    trees = [kid for kid in kids if isinstance(kid, Tree)]
    match node.data:
        case "or_" | "and_":
            op: TypingLiteral["and", "or"] = "or" if node.data == "or_" else "and"
            operands = tuple(_build(kid) for kid in trees)
            # The grammar wraps every predicate in or/and nodes; keep only real ones.
            return operands[0] if len(operands) == 1 else BoolOp(op, operands, at)
        case "not_":
            return Not(_build(trees[0]), at)
        case "compare":
            return Compare(str(kids[1]), _operand(trees[0]), _operand(trees[1]), at)  # type: ignore[arg-type]
        case "in_" | "not_in":
            return InList(_operand(trees[0]), _items(trees[1]), node.data == "not_in", at)
        case "startswith":
            return StartsWith(_operand(trees[0]), _operand(trees[1]), at)
        case "is_null" | "is_not_null":
            return IsNull(_operand(trees[0]), node.data == "is_not_null", at)
        case "truth":
            return Truth(_operand(trees[0]), at)
    quantifier, name = kids[0], kids[1]
    assert isinstance(quantifier, Token)
    assert isinstance(name, Token)
    element = Element(_at(name))
    test: Compare | InList | StartsWith
    if node.data == "quant_compare":
        test = Compare(str(kids[2]), element, _literal(trees[0]), at)  # type: ignore[arg-type]
    elif node.data in ("quant_in", "quant_not_in"):
        test = InList(element, _items(trees[0]), node.data == "quant_not_in", at)
    else:
        prefix = kids[2]
        assert isinstance(prefix, Token)
        test = StartsWith(element, Literal(str(prefix)[1:-1], _at(prefix)), at)
    return Quantified(str(quantifier), Field(str(name), _at(name)), test, at)  # type: ignore[arg-type]


# How the parser's terminal names read to an analyst.
_TERMINALS = {
    "NAME": "a feature name",
    "NUMBER": "a number",
    "STRING": "a string",
    "COMPARATOR": "a comparison",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
}


def _end(text: str) -> str:
    lines = text.rstrip().split("\n")
    return f"line {len(lines)} col {len(lines[-1]) + 1}"


def _syntax_message(error: UnexpectedInput, text: str) -> str:
    where = f"line {error.line} col {error.column}"
    if isinstance(error, UnexpectedCharacters) and error.char == '"':
        return (f"{where}: a string that does not end on its line (strings go between double "
                "quotes, without a backslash or a double quote inside)")  # fmt: skip
    if isinstance(error, UnexpectedCharacters):
        return f"{where}: unexpected character {error.char!r}"
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or (token is not None and token.type == "$END"):
        return f"{_end(text)}: the condition ends too early"
    expected = sorted(getattr(error, "expected", set()) or getattr(error, "accepts", set()))
    names = sorted({_TERMINALS.get(name, f"'{name.lower()}'") for name in expected})
    hint = f"; expected {', '.join(names)}" if names else ""
    return f"{where}: unexpected {str(token)!r}{hint}"


def _check_nesting(tree: Tree[Token]) -> None:
    """ConditionError when groups nest more than ``MAX_NESTING`` deep (walked without
    recursion: the tree may be as deep as the text is long)."""
    stack = [(tree, 0)]
    while stack:
        node, level = stack.pop()
        # Every group is an or_ node (the whole condition too), every not a not_ node.
        level += node.data in ("or_", "not_")
        if level - 1 > MAX_NESTING:
            at = _at(node)
            raise ConditionError([
                f"line {at.line} col {at.column}: nested too deeply: more than {MAX_NESTING} "
                "parentheses or nots inside one another"
            ])  # fmt: skip
        stack.extend((child, level) for child in node.children if isinstance(child, Tree))


def parse(text: str) -> Condition:
    """Parse a condition into its syntax tree; raise ConditionError on a syntax error."""
    if not text.strip():
        raise ConditionError(["line 1 col 1: the condition is empty"])
    try:
        tree = _PARSER.parse(text)
    except UnexpectedInput as error:
        raise ConditionError([_syntax_message(error, text)]) from None
    _check_nesting(tree)
    return _build(tree)


def compile_condition(text: str) -> Condition:
    """Parse and type-check a condition; raise ConditionError listing every problem."""
    from seawall.risk.rules.typecheck import check

    condition = parse(text)
    problems = check(condition)
    if problems:
        raise ConditionError(problems)
    return condition


def known_feature(name: str) -> str | None:
    """An explanation when ``name`` is not in the catalogue, with the closest known names."""
    if name in CATALOGUE:
        return None
    close = difflib.get_close_matches(name, CATALOGUE, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown feature {name!r}{hint}"


def feature_type(name: str) -> FeatureType:
    """The declared type of a catalogue feature."""
    return CATALOGUE[name].type
