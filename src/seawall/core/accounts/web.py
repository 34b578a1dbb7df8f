"""Authentication and authorization of API calls, as FastAPI dependencies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from seawall.core.accounts.models import Role
from seawall.core.accounts.service import Principal, authenticate
from seawall.core.problems import Problem
from seawall.core.web import node_database

_bearer = HTTPBearer(auto_error=False, description="An API key from `seawall keys create`.")


def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller behind the bearer key, or 401."""
    if credentials is None:
        raise Problem(401, "Not authenticated", "send 'Authorization: Bearer <API key>'")
    with node_database(request).transaction(write=False) as session:
        principal = authenticate(session, credentials.credentials)
    if principal is None:
        raise Problem(401, "Not authenticated", "the API key is unknown or revoked")
    return principal


def allow(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets through only callers with one of ``roles`` (admins always)."""
    allowed = frozenset(roles) | {Role.ADMIN}

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if principal.role not in allowed:
            names = ", ".join(sorted(role.value for role in allowed))
            raise Problem(403, "Forbidden", f"this needs one of the roles: {names}")
        return principal

    return check
