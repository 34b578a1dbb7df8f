"""Errors as RFC 9457 problem details (``application/problem+json``).

Client mistakes get a 4xx problem naming what, where and why; anything unexpected gets a
plain 500 problem with no stack trace (the trace goes to the log).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"


class Problem(Exception):  # noqa: N818 - named after the RFC's "problem details"
    """An error answered as problem details."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        errors: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors or []

    def body(self, instance: str) -> dict[str, Any]:
        """The JSON body of the problem."""
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


def problem_response(problem: Problem, request: Request) -> JSONResponse:
    """The HTTP response for a problem."""
    headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else None
    return JSONResponse(
        problem.body(request.url.path),
        status_code=problem.status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def _path(loc: tuple[Any, ...]) -> str:
    # Drop the leading "body"/"query" FastAPI adds; the client knows where it sent what.
    parts = [str(part) for part in loc[1:]] if len(loc) > 1 else [str(part) for part in loc]
    return ".".join(parts)


def install(app: FastAPI) -> None:
    """Answer every error of the app as problem details."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {"path": _path(tuple(item["loc"])), "message": str(item["msg"])}
            for item in exc.errors()
        ]
        problem = Problem(422, "Invalid request", f"{len(errors)} error(s) in the request", errors)
        return problem_response(problem, request)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem_response(Problem(exc.status_code, str(exc.detail), str(exc.detail)), request)

    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s", request.url.path, exc_info=exc)
        problem = Problem(500, "Internal error", "the node could not complete the request")
        return problem_response(problem, request)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
