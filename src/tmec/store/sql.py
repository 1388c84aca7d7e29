"""Plain SQL in one transaction, on a SQLAlchemy session or on the standard library's sqlite3.

The issuing path (the log's append, the certificate's record, the pending outputs) is a handful
of INSERTs and look-ups.  Written here once, as SQL with named parameters, it runs on the full
store (a :class:`sqlalchemy.orm.Session`, SQLite or PostgreSQL) and on the quick store of
``tmec certify`` (:mod:`tmec.store.quick_store`: sqlite3 alone, no SQLAlchemy to import).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["Tx", "day_value", "in_list", "rows", "run"]

# One transaction holding the write lock: the full store's session, or the quick store's connection.
Tx: TypeAlias = "Session | sqlite3.Connection"


def _sqlite(tx: Tx) -> bool:
    return isinstance(tx, sqlite3.Connection) or tx.get_bind().dialect.name == "sqlite"


def rows(tx: Tx, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    if isinstance(tx, sqlite3.Connection):
        return list(tx.execute(sql, dict(params or {})).fetchall())
    from sqlalchemy import text

    return [tuple(r) for r in tx.execute(text(sql), dict(params or {}))]


def run(tx: Tx, sql: str, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> None:
    """Execute ``sql`` once, or once per mapping of a sequence (one ``executemany``)."""
    many = not isinstance(params, Mapping)
    if isinstance(tx, sqlite3.Connection):
        if isinstance(params, Mapping):
            tx.execute(sql, dict(params))
        else:
            tx.executemany(sql, [dict(p) for p in params])
        return
    from sqlalchemy import text

    tx.execute(text(sql), [dict(p) for p in params] if many else dict(params))  # type: ignore[arg-type]


def day_value(tx: Tx, value: dt.date) -> dt.date | str:
    """A date as the store keeps it: ISO text on SQLite (as SQLAlchemy's ``Date`` stores it there;
    the sqlite3 module's own date adapter is deprecated), a date on PostgreSQL."""
    return value.isoformat() if _sqlite(tx) else value


def in_list(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``(:name0, :name1, ...)`` and its parameters, for ``WHERE column IN ...``."""
    params = {f"{name}{i}": v for i, v in enumerate(values)}
    return "(" + ", ".join(f":{k}" for k in params) + ")", params
