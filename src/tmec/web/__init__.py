"""The web application: server-rendered pages (Jinja2) over the same service functions as the API.

Spanish (es-MX) and English, chosen by ``Accept-Language`` and switchable on every page; no
CDN (the one stylesheet and the few lines of JavaScript are in ``static/``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Mount the pages and their static files on ``app``."""
    from tmec.web import pages

    # StaticFiles serves only files under STATIC (it refuses paths that leave it)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.add_exception_handler(pages.SignInFirst, pages.sign_in_first)  # type: ignore[arg-type]
