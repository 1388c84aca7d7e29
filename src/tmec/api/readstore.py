"""A read-only view of the store for the requests that only read (verify, the log, health, keys).

The store's sessions take the write lock (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock)
so that two issuers never append at the same index.  Through it, every verify, log proof and key
look-up of a busy server would queue behind that lock, and behind a certificate being issued (SQLite's
busy handler sleeps between tries).  Reads need no lock: SQLite in WAL mode and PostgreSQL give every
reader a consistent snapshot while one writer appends, and the log's rows never change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session

from tmec.store.db import Store


class ReadOnlyStore(Store):
    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    def close(self) -> None:
        if self.engine.dialect.name == "sqlite":  # its own engine; PostgreSQL's is the store's
            super().close()


def read_only(store: Store) -> Store:
    if store.is_postgresql:
        return ReadOnlyStore(store.engine, store.home, store.url)
    engine = create_engine(store.url)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 60000")
        cur.execute("PRAGMA query_only = ON")  # a bug here can never write
        cur.close()

    return ReadOnlyStore(engine, store.home, store.url)
