"""Persistence: SQLAlchemy models and Alembic migrations (SQLite by default, PostgreSQL by URL)."""

from tmec.store.db import Store, open_store
from tmec.store.paths import database_url, tmec_home

__all__ = ["Store", "database_url", "open_store", "tmec_home"]
