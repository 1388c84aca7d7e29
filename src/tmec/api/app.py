"""The app factory: ``create_app(settings)`` is what ``tmec serve`` runs and what the tests call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tmec._version import __version__
from tmec.api import errors
from tmec.api.access import KeyCache
from tmec.api.errors import error_document
from tmec.api.jobs import Jobs
from tmec.api.readstore import read_only
from tmec.api.security import BodyTooLarge, Guard
from tmec.api.sessions import WebSessions
from tmec.api.settings import Settings
from tmec.store.db import open_store

DESCRIPTION = """USMCA rules of origin, certification of origin and US duties, with the law attached.

Every document is what the `tmec` command prints with `--json`. Send an API key as
`Authorization: Bearer KEY` (`tmec api-keys create`); health, this document, `verify` and `log`
are public. Bad input is a 422 whose `error` is the CLI's one line and whose `field` names the field.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    store = open_store(settings.database_url, home=settings.home)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.jobs.close()
        reads.close()
        store.close()

    app = FastAPI(
        title="tmec",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url=None,  # /docs: our own Swagger UI copy (tmec.api.docs), not the CDN
        redoc_url=None,
    )
    app.state.settings = settings
    reads = read_only(store)
    app.state.store = store
    app.state.reads = reads  # for requests that only read: no write lock, so they run side by side
    app.state.keys = KeyCache(reads)
    app.state.sessions = WebSessions(store, reads)
    app.state.jobs = Jobs(
        settings.home / "jobs", store, reads, settings.job_workers, settings.job_ttl_seconds
    )
    errors.install(app)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(_: Request, __: BodyTooLarge) -> JSONResponse:
        return JSONResponse(
            error_document(f"request body over the limit of {settings.max_upload_bytes} bytes", 413),
            status_code=413,
        )

    from tmec.api import docs, routes_certs, routes_core, routes_jobs

    docs.install(app)

    app.include_router(routes_core.router)
    app.include_router(routes_certs.router)
    app.include_router(routes_jobs.router)
    from tmec.web import install as install_web

    install_web(app)
    app.add_middleware(Guard, max_body=settings.max_upload_bytes, rate=settings.rate_limit)
    return app
