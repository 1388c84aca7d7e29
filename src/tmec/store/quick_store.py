"""The store opened with the standard library's sqlite3, for ``tmec certify``'s issuing path.

SQLAlchemy costs ``tmec certify`` a third of a second of imports before its first statement; the
issue itself is a few INSERTs (:mod:`tmec.store.sql`).  The quick store opens only when nothing
needs the full one: SQLite (no ``$TMEC_DATABASE_URL``), a store at the migrations' head, and no
issue waiting for its files (the full store finishes those when it opens).  Its transactions are
the full store's: ``BEGIN IMMEDIATE`` (one writer at a time), WAL, ``synchronous = FULL``, foreign
keys on.  Otherwise :func:`open_quick_store` returns None and the caller opens the full store.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tmec.store.paths import tmec_home
from tmec.store.revision import migration_head

__all__ = ["QuickStore", "open_quick_store"]


@dataclass
class QuickStore:
    """An open SQLite store; ``session()`` is one transaction holding the write lock."""

    conn: sqlite3.Connection
    home: Path
    url: str

    @contextmanager
    def session(self) -> Iterator[sqlite3.Connection]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def open_quick_store(home: Path | None = None) -> QuickStore | None:
    """The default SQLite store through sqlite3, or None when the full store must open it."""
    if os.environ.get("TMEC_DATABASE_URL"):
        return None
    home = home or tmec_home()
    db = home / "tmec.db"
    if not db.is_file():
        return None
    try:
        conn = sqlite3.connect(db, isolation_level=None)  # autocommit: BEGIN IMMEDIATE is ours
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        version = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
        usable = version == [migration_head()] and version[0] is not None
        usable = usable and conn.execute("SELECT 1 FROM pending_output LIMIT 1").fetchone() is None
    except sqlite3.Error:
        usable = False
    if not usable:
        conn.close()
        return None
    return QuickStore(conn, home, f"sqlite:///{db}")
