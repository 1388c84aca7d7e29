"""Supplier statements joined to a portfolio's parts: ``parts`` rows match by supplier and part id.

A bought part of unknown origin whose supplier and ``part_id`` match an origin statement in
force on the portfolio's date takes its origin; a part that is not originating and has no
``statement_vnm`` takes the VNM of an accumulation statement (UR s.9) when it gives one and
the part is made in the territory.  What the BOM states itself is never overridden, and a
statement of another supplier never matches (names compared without case or extra spaces, as
:func:`tmec.statements.supplier_key` does).  Done in DuckDB on the loaded ``parts`` table, before
the roll-up, so both engines see the same parts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pyarrow as pa

from tmec.statements.apply import index
from tmec.statements.model import Statement, supplier_key

__all__ = ["apply_statements", "statement_matches", "statements_by_good"]

_SCHEMA = pa.schema(
    [
        ("skey", pa.string()),
        ("part_id", pa.string()),
        ("kind", pa.string()),
        ("origin", pa.string()),
        ("vnm", pa.string()),
        ("statement_id", pa.string()),
    ]
)


def apply_statements(
    conn: duckdb.DuckDBPyConnection, statements: Sequence[Statement], day: dt.date
) -> dict[str, str]:
    """Apply the statements in force on ``day`` to the ``parts`` table; return part_id -> statement id."""
    conn.execute("DROP TABLE IF EXISTS st_match")  # a former load's matches are not this one's
    found = index(statements, day)
    rows = []
    for (skey, part), sts in found.items():
        if part.startswith("description:"):
            continue  # a BOM joins by part id
        for kind in ("origin", "accumulation"):
            st = next((s for s in sts if s.kind == kind), None)
            if st is None or (kind == "accumulation" and st.vnm is None):
                continue
            rows.append((skey, part, kind, st.origin, None if st.vnm is None else str(st.vnm), st.id))
    if not rows:
        return {}
    cols = {str(r[0]) for r in conn.execute("DESCRIBE parts").fetchall()}
    if "supplier" not in cols:
        return {}
    suppliers = [
        r[0]
        for r in conn.execute("SELECT DISTINCT supplier FROM parts WHERE supplier IS NOT NULL").fetchall()
    ]
    keys = pa.table({"supplier": suppliers, "skey": [supplier_key(str(s)) for s in suppliers]})
    table = pa.Table.from_pylist([dict(zip(_SCHEMA.names, r, strict=True)) for r in rows], schema=_SCHEMA)
    conn.register("st_keys", keys)
    conn.register("st_rows", table)
    try:
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE st_match AS "
            "SELECT p.part_id, s.kind, s.origin, s.vnm, s.statement_id FROM parts p "
            "JOIN st_keys k ON p.supplier = k.supplier "
            "JOIN st_rows s ON s.skey = k.skey AND s.part_id = p.part_id "
            "WHERE (s.kind = 'origin' AND p.origin = 'unknown') "
            "OR (s.kind = 'accumulation' AND p.origin <> 'originating' AND p.statement_vnm IS NULL "
            "AND (p.country IS NULL OR upper(p.country) IN ('US', 'MX', 'CA')) "
            "AND CAST(s.vnm AS DECIMAL(18,4)) <= p.value)"
        )
        conn.execute(
            "UPDATE parts SET origin = m.origin FROM st_match m "
            "WHERE parts.part_id = m.part_id AND m.kind = 'origin'"
        )
        conn.execute(
            "UPDATE parts SET statement_vnm = CAST(m.vnm AS DECIMAL(18,4)) FROM st_match m "
            "WHERE parts.part_id = m.part_id AND m.kind = 'accumulation' "
            "AND parts.origin <> 'originating'"
        )
        used = conn.execute(
            "SELECT part_id, statement_id FROM st_match ORDER BY part_id, kind DESC"
        ).fetchall()
    finally:
        conn.unregister("st_keys")
        conn.unregister("st_rows")
    out: dict[str, str] = {}
    for part_id, sid in used:
        out.setdefault(str(part_id), str(sid))  # the origin statement before an accumulation one
    return out


def _applied(conn: duckdb.DuckDBPyConnection) -> bool:
    """Whether the last load matched any statement (its matches are in ``st_match``)."""
    found = conn.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'st_match'").fetchall()
    return bool(found[0][0])


def statement_matches(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str]]:
    """Every statement the last :func:`apply_statements` applied: (part_id, kind, statement id, the
    part's value), both kinds of a part included (``statement_uses`` keeps one per part)."""
    if not _applied(conn):
        return []
    rows = conn.execute(
        "SELECT m.part_id, m.kind, m.statement_id, CAST(p.value AS VARCHAR) FROM st_match m "
        "JOIN parts p ON p.part_id = m.part_id ORDER BY m.part_id, m.kind DESC"
    ).fetchall()
    return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]


def statements_by_good(
    conn: duckdb.DuckDBPyConnection, goods: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """For each of ``goods``, the (part id, statement id) of every statement the last
    :func:`apply_statements` applied to a part in its bill of materials, directly or not, by part
    id (an origin statement before an accumulation one).  An accumulation statement counts only
    where it was applied: its part not made originating by an origin statement."""
    if not goods or not _applied(conn):
        return {}
    conn.register("st_goods", pa.table({"good": list(goods)}))
    try:
        rows = conn.execute(
            "WITH RECURSIVE used AS (SELECT m.part_id, m.kind, m.statement_id FROM st_match m "
            "JOIN parts p ON p.part_id = m.part_id WHERE m.kind = 'origin' OR p.origin <> 'originating'), "
            "up(part, node) AS (SELECT DISTINCT part_id, part_id FROM used "
            "UNION SELECT up.part, e.parent FROM edges e JOIN up ON e.child = up.node) "
            "SELECT g.good, u.part_id, u.statement_id FROM up JOIN st_goods g ON g.good = up.node "
            "JOIN used u ON u.part_id = up.part ORDER BY g.good, u.part_id, u.kind DESC"
        ).fetchall()
    finally:
        conn.unregister("st_goods")
    out: dict[str, list[tuple[str, str]]] = {}
    for good, part, sid in rows:
        out.setdefault(str(good), []).append((str(part), str(sid)))
    return out
