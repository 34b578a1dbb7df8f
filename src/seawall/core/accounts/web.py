"""Authentication and authorization of API calls, as FastAPI dependencies."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from seawall.core.accounts.cache import PrincipalCache
from seawall.core.accounts.models import Role
from seawall.core.accounts.service import Principal, authenticate
from seawall.core.database import Database
from seawall.core.problems import Problem
from seawall.core.web import node_database

_bearer = HTTPBearer(auto_error=False, description="An API key from `seawall keys create`.")


def _look_up(database: Database, key: str) -> Principal | None:
    with database.transaction(write=False) as session:
        return authenticate(session, key)


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer key, or 401."""
    if credentials is None:
        raise Problem(401, "Not authenticated", "send 'Authorization: Bearer <API key>'")
    key = credentials.credentials
    cache: PrincipalCache = request.app.state.principals
    principal = cache.get(key)
    if principal is None:
        principal = await run_in_threadpool(_look_up, node_database(request), key)
        if principal is None:
            raise Problem(401, "Not authenticated", "the API key is unknown or revoked")
        cache.put(key, principal)
    return principal


def allow(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only callers with one of ``roles`` (admins always)."""
    allowed = frozenset(roles) | {Role.ADMIN}

    # Async, though it awaits nothing: a plain function would cost a hop to the threadpool.
    async def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(role.value for role in allowed))
            raise Problem(403, "Forbidden", f"this needs one of the roles: {names}")
        return principal

    return check
