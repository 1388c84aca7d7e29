"""Errors as JSON in the shape of ``tmec ... --json``'s error document: ``{"error": {"kind", "message"
(the CLI's one line), "source", "field", "line", "status"}}``; 422 for bad input.

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


KINDS = {401: "auth", 403: "forbidden", 404: "not_found", 409: "conflict", 413: "too_large", 422: "input",
         429: "rate_limit", 500: "internal"}  # fmt: skip


def error_document(
    message: str, status: int, *, source: str | None = None, field: str | None = None, line: int | None = None
) -> dict[str, Any]:
    """The shape of ``tmec ... --json``'s error document (``exit`` replaced by the HTTP ``status``)."""
    kind = KINDS.get(status, "input" if 400 <= status < 500 else "internal")
    return {"error": {"kind": kind, "message": message, "source": source, "field": field, "line": line,
                      "status": status}}  # fmt: skip


def input_error_body(exc: InputError) -> dict[str, Any]:
    return error_document(str(exc), 422, source=exc.source, field=exc.field, line=exc.line)


def _field(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or "body"


def install(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def _input(_: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(input_error_body(exc), status_code=422)

    @app.exception_handler(TmecError)
    async def _tmec(_: Request, exc: TmecError) -> JSONResponse:
        return JSONResponse(error_document(str(exc), 422), status_code=422)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        body = error_document(exc.message, exc.status, field=exc.field)
        return JSONResponse(body, status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid"}
        field = _field(first.get("loc", ()))
        return JSONResponse(error_document(f"{field}: {first.get('msg')}", 422, field=field), status_code=422)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse(
            error_document(str(exc.detail), exc.status_code),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse(error_document("internal error (logged on the server)", 500), status_code=500)
