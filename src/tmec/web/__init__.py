"""The web application: server-rendered pages over the same service functions as the API."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mount the pages and their static files on ``app``."""
