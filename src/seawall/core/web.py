"""What every feature's routes share: the node's database and settings on the app."""

from __future__ import annotations

from fastapi import Request

from seawall.core.database import Database
from seawall.core.problems import Problem
from seawall.core.settings import Settings

_TOO_LARGE = "Request body too large"


def node_database(request: Request) -> Database:
    """The node's database, set on the app at start-up."""
    database: Database = request.app.state.database
    return database


def node_settings(request: Request) -> Settings:
    """The node's settings, set on the app at start-up."""
    settings: Settings = request.app.state.settings
    return settings


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, read in chunks and cut off as soon as it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Problem(
            413, _TOO_LARGE, f"the body is {int(declared):,} bytes; the limit is {limit:,}"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, _TOO_LARGE, f"the body is over the limit of {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
