"""The web application of one node: every feature's routes on one FastAPI app."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from seawall import __version__
from seawall.core import problems
from seawall.core.accounts.cache import PrincipalCache
from seawall.core.database import Checkpointer, Database
from seawall.core.settings import Settings
from seawall.filings.routes import router as filings_router
from seawall.filings.schemas import Filing
from seawall.risk.scoring import routes as risk_routes
from seawall.risk.worklist.routes import router as worklist_router


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
    # Filing bodies are read raw (to answer every field error at once, the same way bulk files
    # are answered), so FastAPI does not see their model: add it to the components here.
    filing = Filing.model_json_schema(ref_template="#/components/schemas/{model}")
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(filing.pop("$defs", {}))
    components["Filing"] = filing
    app.openapi_schema = schema
    return schema


def create_app(settings: Settings, database: Database) -> FastAPI:
    """The node's API, on the given settings and database."""
    app = FastAPI(
        title=f"Seawall node {settings.agency}",
        version=__version__,
        docs_url="/docs",
    )
    app.state.settings = settings
    app.state.database = database
    app.state.principals = PrincipalCache(settings.key_cache_seconds)
    problems.install(app)
    checkpointer = Checkpointer(database)
    app.router.on_startup.append(checkpointer.start)
    app.router.on_shutdown.append(checkpointer.stop)
    app.include_router(filings_router)
    app.state.filing_hooks = [risk_routes.install(app, settings, database)]
    app.include_router(worklist_router)

    @app.get("/healthz", tags=["node"], summary="Liveness and database reachability")
    def healthz() -> dict[str, str]:
        with database.transaction(write=False) as session:
            session.connection().exec_driver_sql("SELECT 1")
        return {"status": "ok", "agency": settings.agency}

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
