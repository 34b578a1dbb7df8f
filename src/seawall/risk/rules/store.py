"""The rule packs a node runs: the shipped ones, overridden or extended by packs it loaded.

The packs in force on a node of agency A are, in this order: ``harmonized``, A's own pack
(``ca`` or ``us``), then any other pack stored on the node (shared ones first, then A's, by
name). For each name, a pack stored in the database wins over the one shipped with Seawall,
even when a later Seawall release ships a newer version of it: what an administrator loaded
stays in force until they load another (``seawall rules list`` shows which is which).

Loading is all or nothing: the pack must compile (``packs.load_pack``), belong to this node,
and combine with the other packs in force without a clashing rule id; otherwise ``PackError``
lists every problem and nothing is stored. Services flush; the command owns the transaction.
See ``docs/rules.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from seawall.core.audit.service import Event, record
from seawall.core.database import utcnow
from seawall.risk.rules.models import StoredPack
from seawall.risk.rules.packs import (
    SHIPPED_PACKS,
    CompiledRule,
    Pack,
    PackError,
    combine,
    load_pack,
    shipped_pack,
)
from seawall.risk.scoring import configuration

_LOAD_LOCK = 0x5EA3A13  # a fixed advisory-lock key: one pack load at a time


@dataclass(frozen=True, slots=True)
class PackInForce:
    """A pack the node runs, and where it comes from: loaded (with who and when) or shipped."""

    pack: Pack
    loaded_at: datetime | None = None
    loaded_by: str | None = None

    @property
    def shipped(self) -> bool:
        """True when this is the pack shipped with Seawall, not one loaded on the node."""
        return self.loaded_at is None


def _default_names(agency: str) -> tuple[str, ...]:
    """The shipped packs a node of this agency runs when nothing overrides them."""
    own = agency.lower()
    return ("harmonized", own) if own in SHIPPED_PACKS else ("harmonized",)


def _shipped_agency(name: str) -> str:
    return "shared" if name == "harmonized" else name.upper()


def _order(agency: str, pack: Pack) -> tuple[int, str]:
    defaults = _default_names(agency)
    if pack.name in defaults:
        return (defaults.index(pack.name), "")
    return (len(defaults) + (0 if pack.agency == "shared" else 1), pack.name)


def _stored(session: Session) -> dict[str, StoredPack]:
    return {row.name: row for row in session.scalars(select(StoredPack).order_by(StoredPack.name))}


def packs_in_force(session: Session, agency: str) -> list[PackInForce]:
    """The node's packs in the order their rules run; PackError if a stored pack no longer
    loads (for example after an upgrade of the rule language), naming the pack."""
    stored = _stored(session)
    found: list[PackInForce] = []
    for name in _default_names(agency):
        if name not in stored:
            found.append(PackInForce(shipped_pack(name)))
    for row in stored.values():
        if row.agency not in ("shared", agency):
            continue  # refused at load; never run another agency's private rules
        pack = load_pack(row.text, source=f"stored pack {row.name}")
        found.append(PackInForce(pack, row.loaded_at, row.loaded_by))
    return sorted(found, key=lambda item: _order(agency, item.pack))


def active_rules(session: Session, agency: str) -> tuple[CompiledRule, ...]:
    """The rules the node scores with: every pack in force, combined in order."""
    return combine(item.pack for item in packs_in_force(session, agency))


def find_rule(session: Session, agency: str, rule_id: str) -> tuple[PackInForce, CompiledRule]:
    """The rule in force with this id (case-insensitive), and its pack; KeyError if none."""
    for item in packs_in_force(session, agency):
        for rule in item.pack.rules:
            if rule.id == rule_id.upper():
                return item, rule
    raise KeyError(rule_id)


def save_pack(session: Session, text: str, *, source: str, actor: str, agency: str) -> Pack:
    """Check and store a pack for the node of ``agency``, replacing the stored pack of its name.

    Raises ``PackError`` (every problem, nothing stored) when the pack does not compile, is
    another agency's private pack, reuses a shipped pack's name for another agency, goes back
    in version or changes content without a new version, or has a rule id that another pack in
    force already uses. Loading the very text already stored changes nothing (no new
    generation, no audit row). Otherwise bumps the generation and writes one audit row.
    """
    pack = load_pack(text, source=source)
    _check_owner(pack, source, agency)
    if session.get_bind().dialect.name == "postgresql":
        # Two packs loaded at once could each pass the rule-id check against the other's
        # absence; SQLite's writer lock already orders them (BEGIN IMMEDIATE).
        session.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOAD_LOCK})
    before = session.get(StoredPack, pack.name)
    if before is not None and before.text == text:
        return pack
    _check_version(pack, before, source)
    others = [item.pack for item in packs_in_force(session, agency) if item.pack.name != pack.name]
    combine(sorted([*others, pack], key=lambda p: _order(agency, p)))
    now = utcnow()
    if before is None:
        session.add(
            StoredPack(
                name=pack.name,
                version=pack.version,
                agency=pack.agency,
                text=text,
                loaded_at=now,
                loaded_by=actor,
            )
        )
    else:
        before.version, before.agency, before.text = pack.version, pack.agency, text
        before.loaded_at, before.loaded_by = now, actor
    session.flush()
    generation = configuration.changed(session, f"rule pack {pack.name} v{pack.version} loaded")
    detail = {
        "version": pack.version,
        "agency": pack.agency,
        "rules": len(pack.rules),
        "replaced_version": before.version if before is not None else None,
        "source": source[:200],
        "generation": generation,
    }
    record(session, [Event(actor, "rules:loaded", "rule_pack", pack.name, detail)])
    return pack


def _check_owner(pack: Pack, source: str, agency: str) -> None:
    if pack.agency not in ("shared", agency):
        raise PackError(
            source,
            [
                f"pack {pack.name}: agency: a private {pack.agency} pack cannot run on the "
                f"{agency} node (private rules stay with the agency that wrote them)"
            ],
        )
    if pack.name in SHIPPED_PACKS and pack.agency != _shipped_agency(pack.name):
        raise PackError(
            source,
            [
                f"pack {pack.name}: agency: the shipped pack of this name is "
                f"{_shipped_agency(pack.name)}; name a {pack.agency} pack otherwise"
            ],
        )


def _check_version(pack: Pack, before: StoredPack | None, source: str) -> None:
    if before is None:
        return
    if pack.version < before.version:
        raise PackError(
            source,
            [
                f"pack {pack.name}: version: {pack.version} is older than the loaded "
                f"version {before.version}; to go back, load the old rules as version "
                f"{before.version + 1}"
            ],
        )
    if pack.version == before.version:
        raise PackError(
            source,
            [
                f"pack {pack.name}: version: version {pack.version} is loaded with other "
                f"content; a changed pack needs a new version"
            ],
        )
