"""Persistence: SQLAlchemy models and Alembic migrations (SQLite by default, PostgreSQL by URL)."""

from typing import TYPE_CHECKING

from tmec._lazy import lazy_attributes

if TYPE_CHECKING:
    from tmec.store.db import Store, open_store
    from tmec.store.paths import database_url, tmec_home

__all__ = ["Store", "database_url", "open_store", "tmec_home"]

# Loaded on first use (SQLAlchemy and Alembic are slow to import; most commands need neither).
_WHERE = {
    "Store": "tmec.store.db",
    "open_store": "tmec.store.db",
    "database_url": "tmec.store.paths",
    "tmec_home": "tmec.store.paths",
}

__getattr__ = lazy_attributes(__name__, _WHERE, globals())
