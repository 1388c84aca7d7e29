"""A bought part's change, carried up the bills of materials as a delta (DuckDB).

The roll-up is a sum of quantity x component, so a bought part whose origin,
value or statement VNM changes moves every part above it by its change times a
*multiplier*: the sum, over the paths from that part up to the changed one, of
the products of the quantities.  The multipliers are computed level by level
(one query per level, on the edges ordered by their parent's level, an index
built on the first change), and the stored roll-up gets multiplier x change
added: no part is rolled up again.

Exactness (the result must equal a full run to the last digit):

* The roll-up rounds its sums to 18 decimals.  Adding an exact multiple of
  10^-18 to a non-negative sum commutes with that rounding, so old + delta is
  what a full run gives when every term quantity x multiplier x change is such
  a multiple.  Changes have at most 4 decimals, so multipliers are kept at 14
  and each term quantity x multiplier is checked to fit; if one does not,
  :func:`propagate` declines (returns None) and the caller rolls up again.
* A part's flags (some originating / non-originating / unknown material in it)
  and a material row's presence are facts of existence.  They follow from the
  new sums when every bought part has a positive value and an origin, and no
  sum of positive terms can round to 0 (smallest value x smallest quantity ^
  levels >= 10^-18); otherwise :func:`propagate` declines.

DuckDB only: on Spark the general path (rolling the where-used set up again)
serves, as it does whenever this one declines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa

from tmec.engine.portfolio import Portfolio
from tmec.engine.rollup import FLAGS, ROLL, SUMS, RollUp
from tmec.engine.rollup_small import leaf
from tmec.engine.session import Engine

__all__ = ["Propagated", "UpIndex", "good_rows", "propagate"]

M_SCALE = 14  # decimals of a multiplier: times a change of 4 decimals, still on the roll-up's grid
CHANGE_PLACES = 4
SMALLEST = Decimal(1).scaleb(-ROLL[1])
AMOUNT = "DECIMAL(18,4)"
MULT = f"DECIMAL(38,{M_SCALE})"
ROLL_SQL = f"DECIMAL({ROLL[0]},{ROLL[1]})"


@dataclass
class UpIndex:
    """Built on the first change: the edges by their parent's level, the roll-up as tables this
    module updates in place, and what the exactness rests on."""

    edges: str  # table: parent, child, quantity, plevel (the parent's level), ordered by plevel
    values: str  # tables holding the roll-up (RollUp.values, RollUp.materials)
    materials: str
    rollup: RollUp | None  # the portfolio's roll-up over those tables (another one: copy them again)
    min_value: Decimal  # the smallest value of a bought part, over the portfolio's life (NULL: 0)
    min_quantity: Decimal
    no_origin: int  # bought parts without an origin (their flags would not follow from sums)


@dataclass
class Propagated:
    """The change carried up, ready to be applied to the roll-up, and what it does to the goods."""

    index: UpIndex
    tag: str
    heads: dict[str, dict[str, Any]]  # good -> its new roll-up row (sums and flags)
    rows: dict[str, list[dict[str, Any]]]  # good -> its changed material rows (with their deltas)

    def apply(self, e: Engine) -> None:
        """Write the new sums and material rows into the roll-up's tables."""
        up, t = self.index, self.tag
        cols = ", ".join(f"{k} = n.{k}" for k in (*SUMS, *FLAGS))
        e.conn.execute(
            f'UPDATE "{up.values}" SET {cols} FROM "{t}_nv" n WHERE "{up.values}".part_id = n.part_id'
        )
        m = f'"{up.materials}"'
        e.conn.execute(
            f'DELETE FROM {m} USING "{t}_nm" n WHERE {m}.part_id = n.part_id AND {m}.hs = n.hs '
            f"AND {m}.origin = n.origin"
        )
        e.conn.execute(
            f'INSERT INTO {m} SELECT part_id, hs, origin, value, vnm FROM "{t}_nm" WHERE value > 0'
        )


def _index(p: Portfolio) -> UpIndex:
    e = p.engine
    if p.up is None:
        name = f"up{next(e._counter)}"
        edges, values, parts = e._sql(p.edges), e._sql(p.rollup.values), e._sql(p.parts)
        e.conn.execute(
            f'CREATE OR REPLACE TABLE "{name}_edges" AS SELECT e.parent, e.child, e.quantity, '
            f"v.level AS plevel FROM ({edges}) e JOIN ({values}) v ON v.part_id = e.parent ORDER BY plevel"
        )
        row = e.conn.execute(
            f"SELECT min(coalesce(p.value, 0)), count(*) FILTER (WHERE p.origin IS NULL) FROM ({parts}) p "
            f'ANTI JOIN (SELECT DISTINCT parent FROM "{name}_edges") m ON m.parent = p.part_id'
        ).fetchall()[0]
        qty = e.conn.execute(f'SELECT min(quantity) FROM "{name}_edges"').fetchall()[0][0]
        p.up = UpIndex(
            f"{name}_edges", f"{name}_values", f"{name}_materials", None,
            row[0] if row[0] is not None else Decimal(0), qty or Decimal(0), int(row[1]),
        )  # fmt: skip
    up: UpIndex = p.up
    if up.rollup is not p.rollup:
        # The roll-up as tables of this module's own (the general path leaves views behind).
        for table, df in ((up.values, p.rollup.values), (up.materials, p.rollup.materials)):
            e.conn.execute(f'CREATE OR REPLACE TABLE "{table}" AS {e._sql(df)}')
        up.rollup = p.rollup = RollUp(
            e.session.table(up.values), e.session.table(up.materials), p.rollup.levels
        )
    return up


def _leaf_deltas(
    old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], quiet: frozenset[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
    """Per changed bought part: the change of its roll-up sums, and of its materials by code."""
    sums: list[dict[str, Any]] = []
    mats: list[dict[str, Any]] = []
    for o, n in zip(old, new, strict=True):
        o_row, o_mats = leaf(o)
        n_row, n_mats = leaf(n)
        sums.append({"src": o["part_id"], **{k: n_row[k] - o_row[k] for k in SUMS}})
        by_code: dict[tuple[str, str], list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
        for sign, rows in ((-1, o_mats), (1, n_mats)):
            for hs, origin, value, vnm in rows:
                if hs not in quiet:
                    by_code[(hs, origin)][0] += sign * value
                    by_code[(hs, origin)][1] += sign * vnm
        mats.extend(
            {"src": o["part_id"], "hs": hs, "origin": origin, "dvalue": dv, "dvnm": dvnm}
            for (hs, origin), (dv, dvnm) in by_code.items()
            if dv or dvnm
        )
    amounts = [r[k] for r in sums for k in SUMS] + [r[k] for r in mats for k in ("dvalue", "dvnm")]
    if any(a.as_tuple().exponent < -CHANGE_PLACES for a in amounts):
        return None
    return sums, mats


def _safe(up: UpIndex, new: Sequence[Mapping[str, Any]], levels: int) -> bool:
    """Whether flags and material rows follow from the sums (see the module's notes)."""
    smallest = min([up.min_value, *((r["value"] or Decimal(0)) for r in new)])
    up.min_value = smallest
    if up.no_origin or any(r["origin"] is None for r in new) or smallest <= 0 or up.min_quantity <= 0:
        return False
    return bool(smallest * up.min_quantity**levels >= SMALLEST)


def propagate(
    p: Portfolio, old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], tag: str
) -> Propagated | None:
    """Carry the changes of bought parts (their rows before, ``old``, and after, ``new``) up.

    None when the exactness conditions do not hold.  Nothing of ``p`` changes here but the
    form of its roll-up (tables of this module's own): :meth:`Propagated.apply` writes the change.
    """
    e = p.engine
    if e.name != "duckdb":
        return None
    up = _index(p)
    if not _safe(up, new, p.rollup.levels):
        return None
    deltas = _leaf_deltas(old, new, frozenset(p.lumped))
    if deltas is None:
        return None
    try:
        return _propagate(p, up, deltas, tag)
    except duckdb.OutOfRangeException:  # a multiplier or a sum beyond DECIMAL(38): roll up instead
        return None


def _propagate(
    p: Portfolio, up: UpIndex, deltas: tuple[list[dict[str, Any]], list[dict[str, Any]]], tag: str
) -> Propagated | None:
    e, c = p.engine, p.engine.conn
    sums, mats = deltas
    amount = pa.decimal128(18, 4)
    e.from_arrow(
        pa.Table.from_pylist(sums, pa.schema([("src", pa.string()), *((k, amount) for k in SUMS)])),
        f"{tag}_dsum",
    )
    mat_schema = pa.schema(
        [("src", pa.string()), ("hs", pa.string()), ("origin", pa.string()), ("dvalue", amount),
         ("dvnm", amount)]
    )  # fmt: skip
    e.from_arrow(pa.Table.from_pylist(mats, mat_schema), f"{tag}_dmat")

    # Multipliers, level by level: a part's level is above all its components' levels.
    m = f'"{tag}_m"'
    c.execute(
        f"CREATE OR REPLACE TABLE {m} AS SELECT src AS part_id, src, CAST(1 AS {MULT}) AS m, true AS ok "
        f'FROM "{tag}_dsum"'
    )
    term = "e.quantity * m.m"
    for level in range(1, p.rollup.levels + 1):
        c.execute(
            f"INSERT INTO {m} SELECT e.parent, m.src, CAST(sum({term}) AS {MULT}), "
            f"bool_and({term} = CAST({term} AS {MULT})) "
            f'FROM "{up.edges}" e JOIN {m} m ON e.child = m.part_id WHERE e.plevel = {level} '
            "GROUP BY e.parent, m.src"
        )
    exact = c.execute(f"SELECT bool_and(ok) FROM {m}").fetchall()[0]
    if exact is None or not exact[0]:
        return None

    values, materials = f'"{up.values}"', f'"{up.materials}"'
    d_sums = ", ".join(f"sum(m.m * d.{k}) AS {k}" for k in SUMS)
    new_sums = ", ".join(f"CAST(v.{k} + d.{k} AS {ROLL_SQL}) AS {k}" for k in SUMS)
    c.execute(
        f'CREATE OR REPLACE TABLE "{tag}_nv" AS '
        f'WITH d AS (SELECT m.part_id, {d_sums} FROM {m} m JOIN "{tag}_dsum" d ON m.src = d.src '
        "GROUP BY m.part_id), "
        f"s AS (SELECT v.part_id, v.level, {new_sums} FROM {values} v JOIN d ON v.part_id = d.part_id) "
        "SELECT *, CAST(orig > 0 AS INTEGER) AS any_orig, CAST(nonorig - unk > 0 AS INTEGER) AS any_non, "
        "CAST(unk > 0 AS INTEGER) AS any_unk FROM s"
    )
    c.execute(
        f'CREATE OR REPLACE TABLE "{tag}_nm" AS '
        "WITH d AS (SELECT m.part_id, d.hs, d.origin, sum(m.m * d.dvalue) AS dvalue, "
        f'sum(m.m * d.dvnm) AS dvnm FROM {m} m JOIN "{tag}_dmat" d ON m.src = d.src GROUP BY 1, 2, 3) '
        f"SELECT d.part_id, d.hs, d.origin, CAST(coalesce(o.value, 0) + d.dvalue AS {ROLL_SQL}) AS value, "
        f"CAST(coalesce(o.vnm, 0) + d.dvnm AS {ROLL_SQL}) AS vnm, d.dvalue, d.dvnm, "
        "o.part_id IS NULL AS created "
        f"FROM d LEFT JOIN {materials} o ON o.part_id = d.part_id AND o.hs = d.hs AND o.origin = d.origin"
    )
    bad = c.execute(
        f'SELECT (SELECT count(*) FROM "{tag}_nv" WHERE least({", ".join(SUMS)}) < 0) + '
        f'(SELECT count(*) FROM "{tag}_nm" WHERE value < 0 OR vnm < 0 OR (value = 0 AND vnm <> 0))'
    ).fetchall()[0]
    if bad is None or bad[0]:
        return None

    goods = e._sql(p.goods)
    heads = {
        r.pop("part_id"): r
        for r in c.sql(f'SELECT n.* FROM "{tag}_nv" n SEMI JOIN ({goods}) g ON g.good_id = n.part_id')
        .to_arrow_table()
        .to_pylist()
    }
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in (
        c.sql(f'SELECT n.* FROM "{tag}_nm" n SEMI JOIN ({goods}) g ON g.good_id = n.part_id')
        .to_arrow_table()
        .to_pylist()
    ):
        rows[r["part_id"]].append(r)
    return Propagated(up, tag, heads, rows)


def good_rows(p: Portfolio, goods: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every material row (code, origin, value, VNM) of ``goods`` in the roll-up as it stands."""
    e = p.engine
    if not goods:
        return {}
    ids = e.from_arrow(
        pa.Table.from_pylist([{"good_id": g} for g in goods], pa.schema([("good_id", pa.string())])),
        f"up_read{next(e._counter)}",
    )
    out: dict[str, list[dict[str, Any]]] = {g: [] for g in goods}
    materials = e._sql(p.rollup.materials)
    rows = e.conn.sql(
        f"SELECT m.* FROM ({materials}) m SEMI JOIN ({e._sql(ids)}) g ON g.good_id = m.part_id "
        "ORDER BY m.part_id, m.hs, m.origin"
    )
    for r in rows.to_arrow_table().to_pylist():
        out[r["part_id"]].append(r)
    return out
