"""Rule packs: YAML files an analyst reads and reviews, loaded all or nothing.

A pack is refused whole when any part of it is wrong, and every problem is reported at once
(``PackError.problems``), each naming the rule: ``rule <id>: line L col C: <message>`` for a
condition, ``rule <id>: <field>: <message>`` for the rule's other fields. A loaded pack is an
immutable value; the node swaps it in only after ``load_pack`` returned, so a bad pack changes
nothing. The format is documented in ``docs/rules.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Annotated, Any, Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from seawall.risk.rules.evaluate import Predicate, to_predicate
from seawall.risk.rules.language import Condition, ConditionError, compile_condition
from seawall.risk.rules.vectorized import to_expression

SHIPPED_PACKS = ("harmonized", "ca", "us")
MAX_PACK_BYTES = 10 * 2**20  # a pack file; the harmonized pack of 45 rules is 21 KB
Agency = Literal["CA", "US"]
Sharing = Literal["shared", "private"]
RuleId = Annotated[str, Field(pattern=r"^[A-Z]{2,4}(-[A-Z0-9]+)+$", max_length=40)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class RuleSpec(_Strict):
    """One rule as written in a pack file."""

    id: RuleId
    title: Annotated[str, Field(min_length=3, max_length=120)]
    owner: Agency = Field(description="The agency that wrote and maintains the rule.")
    sharing: Sharing = Field(description="shared: in the harmonized pack; private: stays home.")
    condition: Annotated[str, Field(min_length=1, max_length=4000)]
    score: Annotated[int, Field(ge=-1000, le=1000)]
    rationale: Annotated[str, Field(min_length=10, max_length=1000)]
    effective_from: date
    effective_to: date | None = Field(default=None, description="Last day in effect, inclusive.")
    version: Annotated[int, Field(ge=1)]
    sources: list[str] = Field(default_factory=list, description="Public sources, for review.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> RuleSpec:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self


class PackSpec(_Strict):
    """A pack file: a name, whose it is, and its rules."""

    pack: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    agency: Agency | Literal["shared"] = Field(description="shared for the harmonized pack.")
    version: Annotated[int, Field(ge=1)]
    description: str = ""
    rules: list[dict[str, Any]] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A checked rule, ready for both paths: ``predicate`` (row-wise) and ``expression`` (bulk)."""

    id: str
    title: str
    owner: Agency
    sharing: Sharing
    condition: str
    score: int
    rationale: str
    effective_from: date
    effective_to: date | None
    version: int
    sources: tuple[str, ...]
    tree: Condition
    predicate: Predicate
    expression: pl.Expr

    def in_effect(self, on: date) -> bool:
        """Whether the rule applies to a filing scored on ``on`` (both ends inclusive)."""
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True, slots=True)
class Pack:
    """A loaded pack: every rule parsed and type-checked."""

    name: str
    agency: str
    version: int
    rules: tuple[CompiledRule, ...]


class PackError(ValueError):
    """A pack refused whole, with every problem found in it."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


def compile_rule(spec: RuleSpec) -> CompiledRule:
    """Check a rule's condition and build both evaluators; ConditionError when it is unsound."""
    tree = compile_condition(spec.condition)
    return CompiledRule(
        id=spec.id,
        title=spec.title,
        owner=spec.owner,
        sharing=spec.sharing,
        condition=spec.condition,
        score=spec.score,
        rationale=spec.rationale,
        effective_from=spec.effective_from,
        effective_to=spec.effective_to,
        version=spec.version,
        sources=tuple(spec.sources),
        tree=tree,
        predicate=to_predicate(tree),
        expression=to_expression(tree),
    )


def _field_problems(label: str, error: ValidationError) -> list[str]:
    problems = []
    for item in error.errors(include_url=False, include_context=False, include_input=False):
        path = ".".join(str(part) for part in item["loc"]) or "(rule)"
        problems.append(f"{label}: {path}: {item['msg'].removeprefix('Value error, ')}")
    return problems


def _rule(raw: Any, index: int, pack: PackSpec, seen: set[str]) -> tuple[Any, list[str]]:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    label = f"rule {rule_id}" if isinstance(rule_id, str) else f"rule #{index + 1}"
    if not isinstance(raw, dict):
        return None, [f"{label}: a rule is a mapping of fields"]
    try:
        spec = RuleSpec.model_validate(raw)
    except ValidationError as error:
        return None, _field_problems(label, error)
    problems = []
    if spec.id in seen:
        problems.append(f"{label}: the id appears more than once in the pack")
    seen.add(spec.id)
    expected = "shared" if pack.agency == "shared" else "private"
    if spec.sharing != expected:
        problems.append(f"{label}: sharing: a {pack.agency} pack holds only {expected} rules")
    if pack.agency != "shared" and spec.owner != pack.agency:
        problems.append(f"{label}: owner: a {pack.agency} pack holds only {pack.agency} rules")
    try:
        compiled = compile_rule(spec)
    except ConditionError as error:
        return None, problems + [f"{label}: {problem}" for problem in error.problems]
    return compiled, problems


def load_pack(text: str, source: str = "pack") -> Pack:
    """Parse, check and compile a pack from YAML text: every rule, or raise ``PackError``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise PackError(source, [f"not valid YAML: {error}"]) from None
    if not isinstance(data, dict):
        raise PackError(source, ["a pack is a mapping with pack, agency, version and rules"])
    try:
        spec = PackSpec.model_validate(data)
    except ValidationError as error:
        raise PackError(source, _field_problems("pack", error)) from None
    problems: list[str] = []
    rules: list[CompiledRule] = []
    seen: set[str] = set()
    for index, raw in enumerate(spec.rules):
        compiled, found = _rule(raw, index, spec, seen)
        problems.extend(found)
        if compiled is not None:
            rules.append(compiled)
    if problems:
        raise PackError(source, problems)
    return Pack(spec.pack, spec.agency, spec.version, tuple(rules))


def shipped_pack(name: str) -> Pack:
    """One of the packs shipped with Seawall: ``harmonized``, ``ca`` or ``us``."""
    if name not in SHIPPED_PACKS:
        raise ValueError(f"no shipped pack {name!r}; there are {', '.join(SHIPPED_PACKS)}")
    text = resources.files("seawall.risk.rules").joinpath("packs", f"{name}.yaml").read_text()
    return load_pack(text, source=f"{name}.yaml")


def combine(packs: Iterable[Pack]) -> tuple[CompiledRule, ...]:
    """The rules of several packs in order; raise PackError when two packs share a rule id."""
    rules: list[CompiledRule] = []
    owners: dict[str, str] = {}
    problems = []
    for pack in packs:
        for rule in pack.rules:
            if rule.id in owners:
                problems.append(f"rule {rule.id}: also in pack {owners[rule.id]}")
            owners[rule.id] = pack.name
            rules.append(rule)
    if problems:
        raise PackError(", ".join(pack for pack in dict.fromkeys(owners.values())), problems)
    return tuple(rules)


def in_effect(rules: Sequence[CompiledRule], on: date) -> tuple[CompiledRule, ...]:
    """The rules that apply on a scoring date (a rule outside its effective dates is skipped)."""
    return tuple(rule for rule in rules if rule.in_effect(on))


def agency_rules(agency: Agency) -> tuple[CompiledRule, ...]:
    """The rules an agency's node runs: the harmonized pack, then its own private pack."""
    return combine([shipped_pack("harmonized"), shipped_pack(agency.lower())])
