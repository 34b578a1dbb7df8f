"""Party history counts: per party and role, its scored filings and the findings on them.

A POST's history features need how many earlier filings name the shipper and the consignee,
and how many of those an exam found something on. Counting them over the assessments took an
index range per party (tens of thousands of rows for a busy shipper) and two wide indexes on
every assessment written; ``risk_party_history`` keeps the totals instead. A POSTed filing is
received now, after every stored one, so the totals are its "earlier" counts. Bulk scoring
and backtests count as of each filing's own time, in Polars (``risk.rules.history``).

Every change of what is current updates the counts in the same transaction: a new current
assessment counts, the one it replaces (an amendment's earlier version) stops counting, and an
exam import's first finding on a filing counts for its parties (:func:`count_findings`, the
exams import's hook). :func:`recount` rebuilds them from the assessments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from seawall.core.database import Fetch, add_to_counts, pairs_fetch, rows_by_keys
from seawall.exams.queries import found_filing_ids
from seawall.risk.scoring.models import PARTY_KEY_LENGTH, Assessment, PartyHistory

ROLES = ("shipper", "consignee")
TABLE = cast(Table, PartyHistory.__table__)
_ASSESSMENTS = cast(Table, Assessment.__table__)

Party = tuple[str, str, bool]  # one scored filing: shipper key, consignee key, found
Tally = dict[tuple[str, str], list[int]]  # (role, party key): [filings, findings]
Counts = dict[tuple[str, str], tuple[int, int]]  # (role, party key): (filings, findings)


def counts_fetch(session: Session, filings: Iterable[tuple[str, str]]) -> Fetch[Counts]:
    """The (filings, findings) of the parties of filings given by (shipper key, consignee
    key), by (role, party key), as a ``Fetch`` to send with other look-ups; a party never
    counted is absent."""
    wanted = {party for shipper, consignee in filings for party in _roles(shipper, consignee)}
    fetch = pairs_fetch(session, TABLE, ("role", "party_key"), wanted, ("filings", "findings"))
    return fetch.then(
        lambda rows: {(role, key): (int(filings), int(found)) for role, key, filings, found in rows}
    )


def known(counts: Counts, shipper_key: str, consignee_key: str) -> dict[str, tuple[int, int]]:
    """The (filings, findings) of a filing's shipper and consignee in ``counts``, by role;
    (0, 0) for a party never counted."""
    parties = zip(ROLES, _roles(shipper_key, consignee_key), strict=True)
    return {role: counts.get(party, (0, 0)) for role, party in parties}


def _roles(shipper_key: str, consignee_key: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The two parties' (role, key) as the counts store them (keys cut to the column)."""
    shipper = ("shipper", shipper_key[:PARTY_KEY_LENGTH])
    consignee = ("consignee", consignee_key[:PARTY_KEY_LENGTH])
    return shipper, consignee


def count(session: Session, current: Iterable[Party], replaced: Iterable[Party] = ()) -> None:
    """Count filings that became current, and stop counting those they ``replaced``."""
    tally: Tally = {}
    for parties, sign in ((current, 1), (replaced, -1)):
        for shipper, consignee, found in parties:
            _add(tally, shipper, consignee, sign, sign * found)
    _write(session, tally)


def count_findings(session: Session, filing_ids: Sequence[int]) -> None:
    """An exam found something on these filings for the first time: count it for the parties
    of their current assessments (filings not scored yet count it when they are)."""
    tally: Tally = {}
    rows = rows_by_keys(
        session, _ASSESSMENTS, "filing_id", filing_ids, ("current", "shipper_key", "consignee_key")
    )
    for _, current, shipper, consignee in rows:
        if current:
            _add(tally, shipper, consignee, 0, 1)
    _write(session, tally)


def recount(session: Session) -> int:
    """Rebuild the counts from the assessments and exam outcomes; how many parties were off.

    For after a repair by hand, or a race the counts cannot see: an exam imported while the
    filing it names is being scored for the first time in another transaction.
    """
    found = Assessment.filing_id.in_(found_filing_ids())
    expected: Tally = {}
    for role in ROLES:
        column = getattr(Assessment, f"{role}_key")
        rows = session.execute(
            select(column, func.count(), func.count().filter(found))
            .where(Assessment.current)
            .group_by(column)
        )
        expected.update({(role, key): [filings, findings] for key, filings, findings in rows})
    stored: Tally = {
        (role, key): [filings, findings]
        for role, key, filings, findings in session.execute(
            select(
                PartyHistory.role,
                PartyHistory.party_key,
                PartyHistory.filings,
                PartyHistory.findings,
            )
        )
    }
    off: Tally = {}
    for party in expected.keys() | stored.keys():
        want, have = expected.get(party, [0, 0]), stored.get(party, [0, 0])
        if want != have:
            off[party] = [want[0] - have[0], want[1] - have[1]]
    _write(session, off)
    session.execute(delete(PartyHistory).where(PartyHistory.filings == 0))
    return len(off)


def _add(tally: Tally, shipper: str, consignee: str, filings: int, findings: int) -> None:
    for party in (("shipper", shipper), ("consignee", consignee)):
        total = tally.setdefault(party, [0, 0])
        total[0] += filings
        total[1] += findings


def _write(session: Session, tally: Tally) -> None:
    rows = [(*party, *change) for party, change in sorted(tally.items()) if any(change)]
    add_to_counts(session, TABLE, ("role", "party_key"), ("filings", "findings"), rows)
