"""The origin requests of a portfolio's failing goods: which parts of unknown origin each takes.

The failing goods' bills are exploded level by level as sets of (good, part) numbers, following
only the edges that lead down to a part of unknown origin, never the whole portfolio's:

* :func:`prepare` (DuckDB, while the goods are decided): the bought parts of unknown origin, the
  parts above them (the roll-up's ``any_unk`` flag: a part with such a part anywhere below it),
  numbered in the order of their ids, and their edges as arrays by parent;
* :func:`explode`: the (good, part) pairs, in numpy: each level's front is expanded along the
  edges by array arithmetic and deduplicated by one sort of (good, part) keys (32 bits when the
  counts allow, else 64), the pairs that reach a part of unknown origin kept, sorted by (part,
  good) once at the end, which both deduplicates them and orders each part's goods.  Meanwhile
  DuckDB (a thread of its own) works out the units of each part the failing goods take (one
  amount per part and level, quantities multiplied on the way, DECIMAL(38,12)) and the part's rows.

``value_at_stake`` is the sum of those goods' transaction values (DECIMAL(18,4) in the engine's
tables), added as integers of their smallest unit and written back with the column's scale, as
DuckDB's ``SUM`` writes it; ``material_value`` the part's value in them (value x units).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from decimal import Context, Decimal

import duckdb
import numpy as np
import pyarrow as pa

from tmec.core.errors import InputError
from tmec.statements.requests import Request

__all__ = ["Bills", "explode", "prepare"]

MAX_DEPTH = 32
QTY = "DECIMAL(38,12)"
# Sums of transaction values are whole numbers of their smallest unit: no rounding when scaled back.
_EXACT = Context(prec=80)


@dataclass
class Bills:
    """The edges between the parts above a part of unknown origin, by parent number: the children
    of part ``n`` are ``child[first[n]:first[n + 1]]``, ``unknown`` says which are of unknown origin."""

    first: np.ndarray
    child: np.ndarray
    unknown: np.ndarray


def prepare(conn: duckdb.DuckDBPyConnection, values_sql: str) -> Bills:
    """What the explosion needs that does not depend on which goods fail; ``values_sql``: the
    roll-up's values (one row per part, with its ``any_unk`` flag)."""
    # the bought parts by an anti-join: ``NOT IN (SELECT parent FROM edges)`` cost half as much
    # again (0.45-0.59 s against 0.31-0.34 s of CPU at 20,000 goods; the load refuses a NULL parent)
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE rq_unknown AS SELECT p.part_id, p.supplier, p.hs, p.description, "
        "p.value FROM parts p ANTI JOIN edges e ON e.parent = p.part_id WHERE p.origin = 'unknown'"
    )
    # Only what leads down to a part of unknown origin is followed: the parts above them, which the
    # roll-up has already flagged (a recursive query climbing the edges from them cost 0.7 s of CPU
    # at 20,000 goods), and the edges into those.  A good not among them reaches no part to ask about.
    # Parts by number, in the order of their ids: the explosion works on integers, not text.
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE rq_ids AS SELECT part_id AS node, "
        "row_number() OVER (ORDER BY part_id) :: INTEGER AS n, "
        "part_id IN (SELECT part_id FROM rq_unknown) AS unknown "
        f"FROM ({values_sql}) WHERE any_unk = 1"
    )
    conn.execute(
        "CREATE OR REPLACE TEMP TABLE rq_e AS SELECT p.n AS p, c.n AS c, c.unknown, e.quantity "
        "FROM edges e JOIN rq_ids c ON c.node = e.child JOIN rq_ids p ON p.node = e.parent"
    )
    nodes = int(conn.execute("SELECT count(*) FROM rq_ids").fetchall()[0][0])
    edges = conn.execute("SELECT p, c, unknown FROM rq_e ORDER BY p").fetchnumpy()
    first = np.zeros(nodes + 2, dtype=np.int64)
    np.cumsum(np.bincount(np.asarray(edges["p"], dtype=np.int64), minlength=nodes + 1), out=first[1:])
    return Bills(first, np.asarray(edges["c"], dtype=np.int64), np.asarray(edges["unknown"], dtype=bool))


def explode(
    conn: duckdb.DuckDBPyConnection, bills: Bills, failing: list[str], pool: ThreadPoolExecutor
) -> list[Request]:
    """The parts of unknown origin each of the ``failing`` goods takes (``prepare`` ran on ``conn``;
    ``pool``: a thread for DuckDB's share, which lets go of the interpreter while numpy works)."""
    if not failing:
        return []
    conn.register("rq_failing", pa.table({"good": failing}))
    try:
        named = conn.execute(
            "SELECT i.n, i.node, CAST(g.transaction_value AS VARCHAR) FROM rq_failing f "
            "JOIN rq_ids i ON i.node = f.good JOIN goods g ON g.good_id = f.good"
        ).fetchall()
        rows = pool.submit(_demand, conn)
        try:
            named.sort()  # the goods by number: in the order of their ids
            part_of, good_of = _pairs(bills, np.array([n for n, _, _ in named], dtype=np.int64))
        except BaseException:
            conn.interrupt()
            _settle(rows)
            raise
        table = rows.result()
    finally:
        conn.unregister("rq_failing")
    names = np.array([node for _, node, _ in named] or [""], dtype=object)
    scale, units = _units([tv for _, _, tv in named])
    values = np.array(units or [0], dtype=np.int64 if _fits(units) else object)
    starts = np.flatnonzero(np.diff(part_of, prepend=-1)) if len(part_of) else np.zeros(0, dtype=np.int64)
    ends = np.append(starts[1:], len(part_of))
    at_stake = np.add.reduceat(values[good_of], starts) if len(part_of) else values[:0]
    picked = names[good_of]
    row_of = np.full(len(bills.first), -1, dtype=np.int64)
    row_of[np.asarray(table.column("n").to_numpy(), dtype=np.int64)] = np.arange(len(table))
    rows_of = row_of[part_of[starts]]
    found = rows_of >= 0  # (all: the units follow the same edges as the pairs)
    ordered = table.take(pa.array(rows_of[found]))  # the parts' rows in the order of their pairs
    columns = [
        ordered.column(c).to_pylist() for c in ("part_id", "supplier", "hs", "description", "material")
    ]
    return [
        Request(
            supplier,
            str(part_id),
            "origin",
            hs,
            description,
            goods=picked[lo:hi].tolist(),
            value_at_stake=Decimal(stake).scaleb(-scale, _EXACT),
            material_value=Decimal(material),
        )
        for part_id, supplier, hs, description, material, lo, hi, stake in zip(
            *columns, starts[found].tolist(), ends[found].tolist(), at_stake[found].tolist(), strict=True
        )
    ]


def _pairs(bills: Bills, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (part, good) pairs of a part of unknown origin and a good of ``start`` (part
    numbers, ascending) that reaches it, sorted by part then good: the parts' numbers, and the goods'
    positions in ``start``.

    A pair travels as one key, ``good * span + part`` in a front, ``part * goods + good`` once
    found: 32 bits when the product of the counts allows (a sort of half the memory), else 64."""
    first, child, unknown = bills.first, bills.child, bills.unknown
    kind = np.uint32 if len(start) * len(first) < 2**32 else np.int64
    span, few = kind(len(first)), kind(max(len(start), 1))
    good, node = np.arange(len(start), dtype=kind), start
    hits = []
    for _ in range(MAX_DEPTH):
        lo = first[node]
        degree = first[node + 1] - lo
        reach = np.cumsum(degree)
        total = int(reach[-1]) if len(reach) else 0
        # each (good, node) of the front, once per edge below the node: the edges' positions
        at = np.repeat(lo - (reach - degree), degree) + np.arange(total, dtype=np.int64)
        goods, kids, hit = np.repeat(good, degree), child[at].astype(kind), unknown[at]
        hits.append(kids[hit] * few + goods[hit])
        miss = ~hit
        front = np.sort(goods[miss] * span + kids[miss])
        front = front[_new(front)]
        if not len(front):
            break
        good, node = front // span, front % span
    else:
        raise InputError(f"the bill of materials is deeper than {MAX_DEPTH} levels", field="edges")
    keys = np.sort(np.concatenate(hits)) if hits else np.zeros(0, dtype=kind)
    keys = keys[_new(keys)]
    return keys // few, keys % few


def _new(sorted_keys: np.ndarray) -> np.ndarray:
    """The positions of a sorted array that differ from the one before (its distinct values)."""
    keep = np.ones(len(sorted_keys), dtype=bool)
    np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=keep[1:])
    return keep


def _demand(conn: duckdb.DuckDBPyConnection) -> pa.Table:
    """The failing goods' parts of unknown origin with the units of each they take in all (one
    amount per part and level, paths multiplied), as the requests' rows (``n``: the part's number)."""
    conn.execute(
        f"CREATE OR REPLACE TEMP TABLE rq_demand_front AS SELECT i.n, CAST(1 AS {QTY}) AS qty "
        "FROM rq_failing f JOIN rq_ids i ON i.node = f.good"
    )
    conn.execute(f"CREATE OR REPLACE TEMP TABLE rq_demand (part INTEGER, qty {QTY})")
    for _ in range(MAX_DEPTH):  # deeper bills are refused by the pairs' explosion
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE rq_demand_next AS "
            f"SELECT e.c AS n, e.unknown, CAST(SUM(f.qty * e.quantity) AS {QTY}) AS qty "
            "FROM rq_demand_front f JOIN rq_e e ON e.p = f.n GROUP BY e.c, e.unknown"
        )
        conn.execute("INSERT INTO rq_demand SELECT n, qty FROM rq_demand_next WHERE unknown")
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE rq_demand_front AS "
            "SELECT n, qty FROM rq_demand_next WHERE NOT unknown"
        )
        if not conn.execute("SELECT count(*) FROM rq_demand_front").fetchall()[0][0]:
            break
    return conn.sql(
        "WITH d AS (SELECT part, SUM(qty) AS qty FROM rq_demand GROUP BY part) "
        "SELECT d.part AS n, u.part_id, u.supplier, u.hs, u.description, "
        "CAST(d.qty * u.value AS VARCHAR) AS material FROM d "
        "JOIN rq_ids pi ON pi.n = d.part JOIN rq_unknown u ON u.part_id = pi.node"
    ).to_arrow_table()


def _settle(rows: Future[pa.Table]) -> None:
    """Wait for DuckDB's share to stop (interrupted) before the connection is used again."""
    with suppress(BaseException):  # the first failure is the one raised
        rows.result()


def _units(texts: list[str]) -> tuple[int, list[int]]:
    """Decimal texts as integers of their smallest unit (the largest scale among them)."""
    scale = max((len(t) - t.index(".") - 1 if "." in t else 0 for t in texts), default=0)
    out = []
    for t in texts:
        whole, _, frac = t.partition(".")
        out.append(int(whole + frac.ljust(scale, "0")))
    return scale, out


def _fits(units: list[int]) -> bool:
    """Whether any sum of these fits 64 bits (else Python's integers add them)."""
    return sum(map(abs, units)) < 2**63
