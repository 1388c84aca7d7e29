"""Where tmec keeps its data: ``$TMEC_HOME`` or the per-user data directory; the database URL."""

from __future__ import annotations

import os
from pathlib import Path

from tmec.home import tmec_home

__all__ = ["database_url", "tmec_home"]


def database_url(home: Path | None = None) -> str:
    """``$TMEC_DATABASE_URL`` (e.g. ``postgresql+psycopg://...``) or SQLite at ``$TMEC_HOME/tmec.db``."""
    env = os.environ.get("TMEC_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{(home or tmec_home()) / 'tmec.db'}"
