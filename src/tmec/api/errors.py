"""Errors as JSON: the CLI's one line (``error``) and the field it names; 422 for bad input.

Nothing a user can send produces a 500: input errors are 422, a missing or wrong key
401/403, too much 413/429, and an unexpected failure is logged and answered with a
generic message (no traceback leaves the server).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tmec.core.errors import InputError, TmecError

log = logging.getLogger("tmec.api")


class ApiError(Exception):
    """An error with its HTTP status, one line and the field it concerns."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def input_error_body(exc: InputError) -> dict[str, Any]:
    return {
        "error": str(exc),
        "message": exc.message,
        "field": exc.field,
        "source": exc.source,
        "line": exc.line,
    }


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(input_error_body(exc), status_code=422)

    @app.exception_handler(TmecError)
    async def _tmec(_: Request, exc: TmecError) -> JSONResponse:
        return JSONResponse({"error": str(exc), "field": None}, status_code=422)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(
            {"error": exc.message, "field": exc.field}, status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid"}
        field = _field(first.get("loc", ()))
        return JSONResponse({"error": f"{field}: {first.get('msg')}", "field": field}, status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": str(exc.detail), "field": None},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"error": "internal error (logged on the server)", "field": None}, status_code=500
        )
