"""Bulk INSERTs at the driver: many rows of plain values, without per-row ORM or type processing.

SQLAlchemy's INSERT of 100,000 rows spends most of its time binding each value through its
column type; the driver's ``executemany`` takes tuples as they are.  Dates go to SQLite as ISO
text (what SQLAlchemy's ``Date`` stores there; the sqlite3 module's own date adapter is
deprecated), to PostgreSQL as dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

__all__ = ["insert_rows"]

BATCH = 50_000


def insert_rows(s: Session, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT ``rows`` (tuples in the order of ``columns``) into ``table`` in the session's transaction."""
    if not rows:
        return
    conn = s.connection()
    sqlite = conn.dialect.name == "sqlite"
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    dates = [i for i, v in enumerate(rows[0]) if isinstance(v, dt.date)] if sqlite else []
    if dates:  # the columns that hold dates (the same in every row), converted where they are
        converted = []
        for r in rows:
            row = list(r)
            for i in dates:
                row[i] = row[i].isoformat()
            converted.append(tuple(row))
        rows = converted
    for lo in range(0, len(rows), BATCH):
        conn.exec_driver_sql(sql, list(rows[lo : lo + BATCH]))
