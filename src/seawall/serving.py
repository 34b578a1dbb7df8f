"""Serving a node's API: what ``seawall serve`` and ``seawall demo`` run last.

The web application (FastAPI and every feature's routes) is imported when the API is served,
not when the command starts: the ``seawall`` script registers every command, and importing the
application with them added 0.2 s to each one that never serves (FastAPI, every route).
"""

from __future__ import annotations

import uvicorn

from seawall.core.database import Database
from seawall.core.settings import Settings


def serve(settings: Settings, database: Database) -> None:
    """Serve the node's API at the settings' host and port until stopped."""
    from seawall.app import create_app  # here, not at the top: see the module's docstring

    uvicorn.run(
        create_app(settings, database), host=settings.host, port=settings.port, log_level="warning"
    )
