"""The risk API: a filing's assessment with its explanation, and the hook that scores POSTs."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from seawall.core.accounts.models import Role
from seawall.core.accounts.service import Principal
from seawall.core.accounts.web import allow
from seawall.core.audit.service import Event, record
from seawall.core.database import Database
from seawall.core.problems import Problem
from seawall.core.settings import Settings
from seawall.core.web import node_database
from seawall.filings.service import AcceptedVersion, StoredHook
from seawall.risk.model import import_libraries
from seawall.risk.scoring.models import Assessment
from seawall.risk.scoring.schemas import AssessmentView
from seawall.risk.scoring.service import ScorerCache, score_posted

_log = logging.getLogger(__name__)
# Risk is for officers: a filer must never learn how its filings score.
Officer = Annotated[Principal, Depends(allow(Role.TARGETING_OFFICER, Role.ANALYST))]
router = APIRouter(prefix="/api/v1", tags=["risk"])


def install(app: FastAPI, settings: Settings, database: Database) -> StoredHook:
    """Add the risk routes to ``app`` and return the hook that scores each stored filing.

    The scorer is built when the app starts (indexing 10,000 watchlist entries takes a second
    or two): built by the first POST instead, it would hold up every request behind it.
    """
    cache = ScorerCache(settings, settings.risk_refresh_seconds)
    app.include_router(router)

    def warm() -> None:
        import_libraries()  # a model activated later then costs no request the import
        with database.transaction(write=False) as session:
            cache.get(session)

    app.router.on_startup.append(warm)

    def score(session: Session, stored: list[AcceptedVersion]) -> None:
        if not stored:
            return
        # A savepoint: should scoring fail, the filing is still stored (and acknowledged), and
        # ``seawall score`` scores it later; the filer's submission never fails on our side.
        try:
            with session.begin_nested():
                score_posted(session, cache.get(session), stored)
        except Exception:  # noqa: BLE001 - any failure: the filing stands, scored later
            _log.exception(
                "scoring filings %s failed; left for `seawall score`",
                [(one.filing_id, one.version) for one in stored],
            )

    return score


@router.get(
    "/filings/{filing_id}/assessment",
    summary="The risk assessment of a filing, explained",
    responses={404: {"content": {"application/problem+json": {}}}},
)
def read_assessment(
    request: Request,
    principal: Officer,
    filing_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
    version: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> AssessmentView:
    """Score, band, recommended action, and why: rules hit, watchlist matches, model reasons.

    The latest version's assessment unless ``version`` is given. The read is audited.
    """
    query = select(Assessment).where(Assessment.filing_id == filing_id)
    query = (
        query.where(Assessment.version == version) if version else query.where(Assessment.current)
    )
    with node_database(request).transaction() as session:
        found = session.scalars(query).first()
        if found is None:
            which = f"version {version} of filing {filing_id}" if version else f"filing {filing_id}"
            raise Problem(
                404, "Not found", f"{which} has no assessment (no such filing, or not yet scored)"
            )
        detail: dict[str, Any] = {"version": found.version}
        record(session, [Event(principal.actor, "risk:read", "filing", str(filing_id), detail)])
        return AssessmentView(
            filing_id=found.filing_id,
            version=found.version,
            current=found.current,
            port_of_discharge=found.port_of_discharge,
            discharge_eta=found.discharge_eta,
            score=found.score,
            band=found.band,
            action=found.action,
            assessed_at=found.assessed_at,
            generation=found.generation,
            explanation=orjson.loads(found.explanation),
        )
