"""The worklist API: a port's exams for a day, ranked by risk, with the compliance share."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from seawall.core.database import utcnow
from seawall.core.problems import Problem
from seawall.core.settings import LOCODE
from seawall.core.web import node_database, node_settings
from seawall.risk.worklist import service
from seawall.risk.worklist.auth import Targeter
from seawall.risk.worklist.schemas import Worklist

router = APIRouter(prefix="/api/v1", tags=["targeting"])
_PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


@router.get(
    "/worklist",
    summary="A port's exams for a day: by risk within capacity, plus random compliance exams",
    responses={403: _PROBLEM, 422: _PROBLEM},
)
def read_worklist(
    request: Request,
    principal: Targeter,
    port: Annotated[str, Query(pattern=LOCODE, description="UN/LOCODE of the port, CAPRR.")],
    day: Annotated[
        date | None,
        Query(alias="date", description="UTC date of the discharge ETA; default today (UTC)."),
    ] = None,
) -> Worklist:
    """The filings to examine at ``port`` on ``date``, each linked to its explanation.

    The same port and day give the same list on every reload (until filings or scores change);
    entries drawn for compliance are marked ``selected_by: random``. The read is audited.
    """
    settings = node_settings(request).worklist
    on = day or utcnow().date()
    if on == date.max:  # its end, the next midnight, is past what a datetime holds
        raise Problem(
            422,
            "Invalid request",
            "1 error(s) in the request",
            [{"path": "date", "message": f"no worklist for {on}"}],
        )
    with node_database(request).transaction() as session:
        return service.worklist(session, settings, port, on, principal.actor)
