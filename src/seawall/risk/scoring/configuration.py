"""The risk configuration's generation: bumped by every change to packs, watchlists or model.

A change and its bump are written in one transaction, so a process that reads the generation
sees the change too. Serving processes compare the generation they built their scorer with
(at most every few seconds) and rebuild when it moved; ``rescore_in_play`` re-scores what was
assessed under an older generation.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seawall.core.database import utcnow
from seawall.risk.scoring.models import Configuration

_ROW = 1


def generation(session: Session) -> int:
    """The current generation; 0 before the first change."""
    found = session.scalar(select(Configuration.generation).where(Configuration.id == _ROW))
    return found or 0


def changed(session: Session, reason: str) -> int:
    """Record a change to the risk configuration in the caller's transaction.

    Returns the new generation.
    """
    now = utcnow()
    bumped = session.execute(
        update(Configuration)
        .where(Configuration.id == _ROW)
        .values(generation=Configuration.generation + 1, changed_at=now, reason=reason[:200])
        .returning(Configuration.generation)
    ).scalar()
    if bumped is not None:
        return int(bumped)
    session.add(Configuration(id=_ROW, generation=1, changed_at=now, reason=reason[:200]))
    session.flush()
    return 1
