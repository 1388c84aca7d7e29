"""A bought part's change, carried up the bills of materials as a delta (DuckDB).

The roll-up is a sum of quantity x component, so a bought part whose origin,
value or statement VNM changes moves every part above it by its change times a
*multiplier*: the sum, over the paths from that part up to the changed one, of
the products of the quantities.  The multipliers are computed level by level
(one query per level, on the edges ordered by their parent's level: the
:class:`UpIndex`, built once by ``tmec.engine.whereused.prepare`` or the first
change), and the stored roll-up gets multiplier x change added: no part is
rolled up again.  Every part's new rows are computed once, the goods' read first
(the bulk decision needs them); all are written by :meth:`Propagated.apply`, in one
transaction, into copies of the roll-up kept in level and code order.

Exactness (the result must equal a full run to the last digit):

* The roll-up rounds its sums to 18 decimals.  Adding an exact multiple of
  10^-18 to a non-negative sum commutes with that rounding, so old + delta is
  what a full run gives when every term quantity x multiplier x change is such
  a multiple.  Changes have at most 4 decimals, so multipliers are kept at 14
  and each term quantity x multiplier is checked to fit (unless the quantities
  have so few decimals that no product of one per level can have more than 14:
  quantities of 2 decimals over 5 levels have at most 10); if one does not,
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

import contextlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tmec.engine.portfolio import Portfolio
from tmec.engine.rollup import FLAGS, ROLL, SUMS, RollUp
from tmec.engine.rollup_small import leaf
from tmec.engine.rollup_sql import part_key
from tmec.engine.session import Engine

__all__ = [
    "Propagated", "UpIndex", "change_parts", "changed_parts", "good_rows", "index", "propagate", "read_goods",
    "users",
]  # fmt: skip

CHECK_FAILED = "tmec: a delta breaks the notes of tmec.engine.delta"  # no quote: it goes in SQL
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

    goods: str  # the SQL of the portfolio's goods
    # tables: every part's number (part_id, k: BIGINT, level; the goods' alone in ``{ids}_goods``),
    # and the edges by those numbers (parent, child, quantity, plevel: the parent's level), ordered
    # by plevel; the multipliers join integers, not ids
    ids: str
    edges: str
    parts: str  # tables holding the parts and the roll-up (RollUp.values, RollUp.materials)
    values: str
    materials: str
    held: tuple[object, object] | None  # the portfolio's parts and roll-up over them (others: copy again)
    min_value: Decimal  # the smallest value of a bought part, over the portfolio's life (NULL: 0)
    min_quantity: Decimal
    quantity_places: int  # the most decimals a quantity has (0 to 3)
    no_origin: int  # bought parts without an origin (their flags would not follow from sums)


@dataclass
class Propagated:
    """The change carried up, ready to be applied to the roll-up, and what it does to the goods."""

    index: UpIndex
    tag: str
    sources: tuple[str, ...]  # the changed bought parts
    codes: tuple[str, ...]  # the codes whose material rows change
    heads: dict[str, dict[str, Any]]  # good -> its new roll-up row (sums and flags)
    # good -> its changed material rows: code, origin, deltas, created or removed (now worth 0)
    rows: dict[str, list[dict[str, Any]]]

    def apply(
        self, e: Engine, then: Sequence[str] = (), conn: duckdb.DuckDBPyConnection | None = None
    ) -> bool:
        """Write every affected part's new sums and material rows (:func:`propagate` computed them)
        into the roll-up's tables, then
        run the statements ``then`` (:func:`change_parts`'s): one transaction, sent as one script
        (a thread that runs it needs the interpreter lock once, not at every statement); False,
        and nothing written, if a check fails.  ``conn``: a cursor of the engine's of its own (the
        goods' rows are read meanwhile through the engine's), else the engine's."""
        c = conn if conn is not None else e.conn
        up, t = self.index, self.tag
        cols = ", ".join(f"{k} = n.{k}" for k in (*SUMS, *FLAGS))
        v = f'"{up.values}"'
        script = [
            "BEGIN TRANSACTION",
            # every other part's new rows; the goods' are made already (propagate)
            _by_id(f'"{t}_mk"', f'"{up.ids}"', f'"{t}_m"', t, but=f'"{up.ids}_goods"'),
            *_new_rows(self, f'"{t}_m"', ""),
            f'INSERT INTO "{t}_nv" SELECT * FROM "{t}_nvg"',
            f'INSERT INTO "{t}_nm" SELECT * FROM "{t}_nmg"',
            f"SELECT CASE WHEN {_bad(t, '')} > 0 THEN error('{CHECK_FAILED}') END",
            f'UPDATE {v} SET {cols} FROM "{t}_nv" n WHERE {v}.part_id = n.part_id AND {self.parts_at(v)}',
            *self._material_rows(f'"{up.materials}"', f'"{t}_nm"'),
            *self._material_rows(f'"{up.materials}_goods"', f'"{t}_nmg"'),
            *then,
            "COMMIT",
        ]
        try:
            c.execute(";\n".join(script))
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.TransactionException):  # none open: it failed before
                c.execute("ROLLBACK")
            if CHECK_FAILED in str(exc) or e.is_overflow(exc):
                return False  # the general path rolls up again (and names what overflows)
            raise
        return True

    def _material_rows(self, m: str, new: str) -> tuple[str, str, str]:
        """SQL: the material rows of table ``m`` take the new rows of table ``new``: rows that stay
        change in place, rows now worth 0 go, new rows come in."""
        same = f"{m}.part_id = n.part_id AND {m}.hs = n.hs AND {m}.origin = n.origin AND {self.codes_at(m)}"
        return (
            f"UPDATE {m} SET value = n.value, vnm = n.vnm FROM {new} n WHERE {same} AND n.value > 0 "
            "AND NOT n.created",
            f"DELETE FROM {m} USING {new} n WHERE {same} AND n.value = 0",
            f"INSERT INTO {m} SELECT part_id, hs, origin, value, vnm FROM {new} WHERE created",
        )

    # Constant filters: the tables' order (levels, codes) lets them skip most row groups.
    def parts_at(self, table: str) -> str:
        """The roll-up rows a change can move: above level 0, and the changed parts'."""
        return f"({table}.level > 0 OR {table}.part_id IN ({_literals(self.sources)}))"

    def codes_at(self, table: str) -> str:
        """The material rows a change can move: those of the changed codes."""
        return f"{table}.hs IN ({_literals(self.codes)})"


def _literals(texts: Sequence[str]) -> str:
    """SQL string literals (NULL for none: ``x IN (NULL)`` holds for no row)."""
    return ", ".join("'" + t.replace("'", "''") + "'" for t in texts) or "NULL"


def index(p: Portfolio) -> UpIndex:
    """The portfolio's upward index, built (or its tables copied again) when needed."""
    e = p.engine
    if p.up is None:
        name = f"up{next(e._counter)}"
        _number_parts(e, e._sql(p.edges), e._sql(p.rollup.values), name, known=p.distinct_keys)
        e.conn.execute(
            f'CREATE OR REPLACE TABLE "{name}_ids_goods" AS SELECT i.part_id, i.k FROM "{name}_ids" i '
            f"SEMI JOIN ({e._sql(p.goods)}) g ON g.good_id = i.part_id"
        )
        places = " + ".join(f"CAST(bool_or(quantity * {10**k} <> round(quantity * {10**k})) AS INTEGER)"
                            for k in range(3))  # fmt: skip
        qty, n_places = e.conn.execute(f'SELECT min(quantity), {places} FROM "{name}_edges"').fetchall()[0]
        p.up = UpIndex(
            goods=e._sql(p.goods), ids=f"{name}_ids", edges=f"{name}_edges", parts="", values="",
            materials="", held=None,
            min_value=Decimal(0), min_quantity=qty or Decimal(0), quantity_places=int(n_places or 0),
            no_origin=0,
        )  # fmt: skip
    up: UpIndex = p.up
    if up.held is None or up.held[0] is not p.parts or up.held[1] is not p.rollup:
        # Parts and roll-up as tables of this module's own, changed in place (the general path
        # leaves views behind, over the tables of before: new names, then the old ones go).
        name = f"{up.edges.removesuffix('_edges')}_{next(e._counter)}"
        old = (up.parts, up.values, up.materials)
        up.parts, up.values, up.materials = f"{name}_parts", f"{name}_values", f"{name}_materials"
        # The values stay in level order (the roll-up writes them so) and the materials go in code
        # order: a change touches the rows of a few codes, above level 0, and the statements that
        # apply it say so in constants, which skip every other row group.  The values then by id:
        # the goods' new sums, computed first, join them with the goods' ids, whose range (DuckDB's
        # dynamic filter) then skips the row groups of parts named outside it (P0000000's change
        # at 20,000 goods: 0.047-0.063 -> 0.030-0.044 s; sorting costs about 0.1 s of CPU here).
        # The goods' material rows are also kept apart (``{materials}_goods``, in code order): the
        # goods' new rows, computed before the decision, read them (0.11-0.12 -> 0.04-0.09 s for
        # P0000000's change at 20,000 goods, load 7; the materials sorted by code and id instead
        # cost 1.2 s more CPU here, 2.6 M rows by two strings).
        sources = (
            (up.parts, p.parts, ""),
            (up.values, p.rollup.values, " ORDER BY level, part_id"),
            (up.materials, p.rollup.materials, " ORDER BY hs"),
        )
        for table, df, order in sources:
            e.conn.execute(f'CREATE TABLE "{table}" AS SELECT * FROM ({e._sql(df)}){order}')
        e.conn.execute(
            f'CREATE TABLE "{up.materials}_goods" AS SELECT m.* FROM "{up.materials}" m '
            f'SEMI JOIN "{up.ids}_goods" g ON g.part_id = m.part_id ORDER BY hs'
        )
        for table in (*old, f"{old[2]}_goods" if old[2] else ""):
            if table:
                e.conn.execute(f'DROP TABLE IF EXISTS "{table}"')
        p.parts = e.session.table(up.parts)
        p.rollup = RollUp(e.session.table(up.values), e.session.table(up.materials), p.rollup.levels)
        up.held = (p.parts, p.rollup)
        # what the exactness rests on, from the parts as they now stand
        row = e.conn.execute(
            f'SELECT min(coalesce(p.value, 0)), count(*) FILTER (WHERE p.origin IS NULL) FROM "{up.parts}" p '
            f'SEMI JOIN "{up.values}" v ON v.part_id = p.part_id AND v.level = 0'  # bought: level 0
        ).fetchall()[0]
        up.min_value, up.no_origin = (row[0] if row[0] is not None else Decimal(0)), int(row[1])
    return up


def _number_parts(e: Engine, edges: str, values: str, name: str, *, known: bool) -> None:
    """The tables ``{name}_ids`` and ``{name}_edges`` of :class:`UpIndex`: a part's number is a
    63-bit hash of its id (computed where it is read, no join) when no two parts share one, else
    its row number.  ``known``: the load has seen the hashes distinct."""
    ids, up = f'"{name}_ids"', f'"{name}_edges"'
    e.conn.execute(
        f"CREATE OR REPLACE TABLE {ids} AS SELECT part_id, {part_key('part_id')} AS k, level FROM ({values})"
    )
    if known or _distinct(e, ids):
        e.conn.execute(
            f"CREATE OR REPLACE TABLE {up} AS SELECT {part_key('e.parent')} AS parent, "
            f"{part_key('e.child')} AS child, e.quantity, v.level AS plevel FROM ({edges}) e "
            f"JOIN (SELECT part_id, level FROM ({values}) WHERE level > 0) v "  # a parent is made
            "ON v.part_id = e.parent ORDER BY plevel"
        )
        return
    e.conn.execute(
        f"CREATE OR REPLACE TABLE {ids} AS SELECT part_id, CAST(row_number() OVER () AS BIGINT) AS k, level "
        f"FROM ({values})"
    )
    e.conn.execute(
        f"CREATE OR REPLACE TABLE {up} AS SELECT a.k AS parent, b.k AS child, e.quantity, a.level AS plevel "
        f"FROM ({edges}) e JOIN {ids} a ON a.part_id = e.parent JOIN {ids} b ON b.part_id = e.child "
        "WHERE a.level > 0 ORDER BY plevel"
    )


def _distinct(e: Engine, ids: str) -> bool:
    """Whether the parts' numbers in ``ids`` are distinct."""
    row = e.conn.execute(f"SELECT count(DISTINCT k) = count(*) FROM {ids}").fetchone()
    return bool(row and row[0])


def _table(e: Engine, rows: Sequence[Mapping[str, Any]], schema: pa.Schema, name: str) -> str:
    """``rows`` as a DuckDB table (no DataFrame: this path plans its own SQL); its quoted name."""
    e.conn.register(f"__arrow_{name}", pa.Table.from_pylist(list(rows), schema))
    try:
        e.conn.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "__arrow_{name}"')
    finally:
        e.conn.unregister(f"__arrow_{name}")
    return f'"{name}"'


IDS = pa.schema([("part_id", pa.string())])


def changed_parts(p: Portfolio, ids: Sequence[str]) -> tuple[dict[str, dict[str, Any]], set[str]] | None:
    """The rows of parts ``ids`` as they stand, and which of them are made (have components);
    None when ``p`` is not on DuckDB."""
    e = p.engine
    if e.name != "duckdb":
        return None
    wanted = _table(e, [{"part_id": i} for i in ids], IDS, f"up_ids{next(e._counter)}")
    rows = (
        e.conn.sql(
            f"SELECT p.part_id, p.hs, p.origin, p.value, p.statement_vnm FROM ({e._sql(p.parts)}) p "
            f"SEMI JOIN {wanted} w ON w.part_id = p.part_id"
        )
        .to_arrow_table()
        .to_pylist()
    )
    made = e.conn.sql(
        f"SELECT DISTINCT parent FROM ({e._sql(p.edges)}) SEMI JOIN {wanted} w ON w.part_id = parent"
    ).fetchall()
    return {r["part_id"]: r for r in rows}, {r[0] for r in made}


def users(p: Portfolio, up: UpIndex, ids: Sequence[str]) -> list[str]:
    """The goods that contain one of the parts ``ids``, directly or not (or are one)."""
    e = p.engine
    tag = f"up_users{next(e._counter)}"
    start = _table(e, [{"part_id": i} for i in ids], IDS, tag)
    found = f'"{tag}_found"'
    e.conn.execute(
        f'CREATE OR REPLACE TABLE {found} AS SELECT i.k FROM "{up.ids}" i SEMI JOIN {start} s '
        "ON s.part_id = i.part_id"
    )
    # Up one level at a time: a part's parents are all above it, so the parts found below a level
    # are all its edges need; each level reads its own edges (they are ordered by it), once.
    for level in range(1, p.rollup.levels + 1):
        e.conn.execute(
            f'INSERT INTO {found} SELECT DISTINCT u.parent FROM "{up.edges}" u SEMI JOIN {found} f '
            f"ON f.k = u.child WHERE u.plevel = {level} AND u.parent NOT IN (SELECT k FROM {found})"
        )
    rows = e.conn.sql(
        f'SELECT i.part_id FROM "{up.ids}" i SEMI JOIN {found} f ON f.k = i.k '
        f"SEMI JOIN ({up.goods}) g ON g.good_id = i.part_id ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def change_parts(p: Portfolio, up: UpIndex, rows: Sequence[Mapping[str, Any]]) -> str:
    """The statement that writes the parts' new origin, value and statement VNM into the parts
    table (for :meth:`Propagated.apply` to run with the roll-up's change)."""
    e = p.engine
    columns = pa.schema(
        [("part_id", pa.string()), ("origin", pa.string()), ("value", pa.decimal128(18, 4)),
         ("statement_vnm", pa.decimal128(18, 4))]
    )  # fmt: skip
    table = _table(e, [{k: r[k] for k in columns.names} for r in rows], columns, f"up_new{next(e._counter)}")
    return (
        f'UPDATE "{up.parts}" SET origin = n.origin, value = n.value, statement_vnm = n.statement_vnm '
        f'FROM {table} n WHERE "{up.parts}".part_id = n.part_id'
    )


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
    p: Portfolio, up: UpIndex, old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]], tag: str
) -> Propagated | None:
    """Carry the changes of bought parts (their rows before, ``old``, and after, ``new``) up.

    None when the exactness conditions do not hold.  Nothing of ``p`` changes here but the
    form of its roll-up (tables of this module's own): :meth:`Propagated.apply` writes the change.
    """
    if not _safe(up, new, p.rollup.levels):
        return None
    deltas = _leaf_deltas(old, new, frozenset(p.lumped))
    if deltas is None:
        return None
    try:
        return _propagate(p, up, deltas, tag)
    except duckdb.Error as exc:  # a multiplier or a sum beyond its type: roll up instead
        if p.engine.is_overflow(exc):
            return None
        raise


def _propagate(
    p: Portfolio, up: UpIndex, deltas: tuple[list[dict[str, Any]], list[dict[str, Any]]], tag: str
) -> Propagated | None:
    e, c = p.engine, p.engine.conn
    sums, mats = deltas
    amount = pa.decimal128(18, 4)
    _table(e, sums, pa.schema([("src", pa.string()), *((k, amount) for k in SUMS)]), f"{tag}_dsum")
    mat_schema = pa.schema(
        [("src", pa.string()), ("hs", pa.string()), ("origin", pa.string()), ("dvalue", amount),
         ("dvnm", amount)]
    )  # fmt: skip
    _table(e, mats, mat_schema, f"{tag}_dmat")

    # Multipliers, level by level: a part's level is above all its components' levels; by the
    # parts' numbers (k), each source's (src) too.
    m = f'"{tag}_mk"'
    c.execute(
        f'CREATE OR REPLACE TABLE "{tag}_src" AS SELECT i.k, d.src FROM "{tag}_dsum" d '
        f'JOIN "{up.ids}" i ON i.part_id = d.src'
    )
    c.execute(
        f"CREATE OR REPLACE TABLE {m} AS SELECT k, k AS src, CAST(1 AS {MULT}) AS m, true AS ok "
        f'FROM "{tag}_src"'
    )
    term = "e.quantity * m.m"
    # a product of one quantity per level has at most places x levels decimals
    checked = up.quantity_places * p.rollup.levels > M_SCALE
    ok = f"bool_and({term} = CAST({term} AS {MULT}))" if checked else "true"
    for level in range(1, p.rollup.levels + 1):
        c.execute(
            f"INSERT INTO {m} SELECT e.parent, m.src, CAST(sum({term}) AS {MULT}), {ok} "
            f'FROM "{up.edges}" e JOIN {m} m ON e.child = m.k WHERE e.plevel = {level} '
            "GROUP BY e.parent, m.src"
        )
    if checked:
        exact = c.execute(f"SELECT bool_and(ok) FROM {m}").fetchall()[0]
        if exact is None or not exact[0]:
            return None

    # The goods' new rows first (the bulk decision needs them); apply() computes every part's
    # and writes them (it checks them all, in its transaction) while the goods are decided.
    done = Propagated(up, tag, tuple(r["src"] for r in sums), tuple(sorted({r["hs"] for r in mats})), {}, {})
    c.execute(_by_id(m, f'"{up.ids}_goods"', f'"{tag}_mg"', tag))
    for statement in _new_rows(done, f'"{tag}_mg"', "g"):
        c.execute(statement)
    bad = c.execute(f"SELECT {_bad(tag, 'g')}").fetchall()[0][0]
    if bad:
        return None
    return done


def read_goods(done: Propagated, e: Engine) -> None:
    """The goods' new rows (:func:`propagate` made them in the engine) into ``done.heads`` and
    ``done.rows``, for the bulk decision; read while :meth:`Propagated.apply` writes."""
    c, tag = e.conn, done.tag
    # Column by column (a third faster than row by row), the sums through their text (faster than
    # Arrow's decimals to Python, and the same numbers and exponents: Arrow writes every one of
    # the 18 places, as DuckDB does), the text made by Arrow (DuckDB's casts to text and to double
    # cost twice as much); the doubles for tmec.engine.redecide from the Decimals.
    found_heads = c.sql(
        f'SELECT part_id, level, {", ".join((*SUMS, *FLAGS))} FROM "{tag}_nvg"'
    ).to_arrow_table()
    orig, nonorig, vnm, unk, unk_vnm = (_decimals(found_heads.column(k)) for k in SUMS)
    # the names of rollup.SUMS and FLAGS, written out: a dict display is built faster than from pairs
    heads = {
        good: {"level": level, "orig": o, "nonorig": n, "vnm": v, "unk": u, "unk_vnm": uv,
               "any_orig": ao, "any_non": an, "any_unk": au, "floats": (float(o), float(n), float(v))}
        for good, level, o, n, v, u, uv, ao, an, au in zip(
            *(found_heads.column(k).to_pylist() for k in ("part_id", "level")), orig, nonorig, vnm, unk,
            unk_vnm, *(found_heads.column(k).to_pylist() for k in FLAGS), strict=True,
        )
    }  # fmt: skip
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    found = c.sql(
        f'SELECT part_id, hs, origin, dvalue, dvnm, created, value = 0 AS removed FROM "{tag}_nmg"'
    ).to_arrow_table()
    texts = (found.column(k).to_pylist() for k in ("part_id", "hs", "origin"))
    flags = (found.column(k).to_pylist() for k in ("created", "removed"))
    for good, hs, origin, dv, dvnm, created, removed in zip(
        *texts, _decimals(found.column("dvalue")), _decimals(found.column("dvnm")), *flags, strict=True
    ):
        rows[good].append({"part_id": good, "hs": hs, "origin": origin, "dvalue": dv, "dvnm": dvnm,
                           "created": created, "removed": removed})  # fmt: skip
    done.heads, done.rows = heads, rows


def _decimals(column: pa.ChunkedArray) -> list[Decimal | None]:
    """A decimal column's values as Decimals, through their text: faster than Arrow's decimals to
    Python, and the same numbers and exponents (Arrow writes every place of the scale, as DuckDB
    does)."""
    return [None if t is None else Decimal(t) for t in pc.cast(column, pa.string()).to_pylist()]


def _by_id(m: str, ids: str, name: str, tag: str, but: str = "") -> str:
    """SQL: the table ``name`` of the multipliers ``m`` of the parts in ``ids`` by their ids (but
    those in the table ``but``)."""
    skip = f" ANTI JOIN {but} b ON b.k = m.k" if but else ""
    return (
        f"CREATE OR REPLACE TABLE {name} AS SELECT i.part_id, s.src, m.m FROM {m} m{skip} "
        f'JOIN {ids} i ON i.k = m.k JOIN "{tag}_src" s ON s.k = m.src'
    )


def _new_rows(done: Propagated, m: str, suffix: str) -> tuple[str, str]:
    """SQL: the new roll-up rows (``{tag}_nv{suffix}``) and material rows (``{tag}_nm{suffix}``,
    with their deltas and whether they are new) of the parts in the multipliers table ``m``."""
    up, tag = done.index, done.tag
    # One changed part: each part has one multiplier and each code and origin one delta, so the
    # terms need no summing (the same decimals: a sum of one term has the term's type).
    one = len(done.sources) == 1

    def total(term: str) -> str:
        return term if one else f"sum({term})"

    def group(by: str) -> str:
        return "" if one else f" GROUP BY {by}"

    materials = f"{up.materials}_goods" if suffix == "g" else up.materials  # the goods' rows apart
    d_sums = ", ".join(f"{total(f'm.m * d.{k}')} AS {k}" for k in SUMS)
    new_sums = ", ".join(f"CAST(v.{k} + d.{k} AS {ROLL_SQL}) AS {k}" for k in SUMS)
    return (
        f'CREATE OR REPLACE TABLE "{tag}_nv{suffix}" AS '
        f'WITH d AS (SELECT m.part_id, {d_sums} FROM {m} m JOIN "{tag}_dsum" d ON m.src = d.src'
        f"{group('m.part_id')}), "
        f'new AS (SELECT v.part_id, v.level, {new_sums} FROM "{up.values}" v '
        f"JOIN d ON v.part_id = d.part_id WHERE {done.parts_at('v')}) "
        "SELECT *, CAST(orig > 0 AS INTEGER) AS any_orig, CAST(nonorig - unk > 0 AS INTEGER) AS any_non, "
        "CAST(unk > 0 AS INTEGER) AS any_unk FROM new",
        f'CREATE OR REPLACE TABLE "{tag}_nm{suffix}" AS '
        f"WITH d AS (SELECT m.part_id, d.hs, d.origin, {total('m.m * d.dvalue')} AS dvalue, "
        f'{total("m.m * d.dvnm")} AS dvnm FROM {m} m JOIN "{tag}_dmat" d ON m.src = d.src{group("1, 2, 3")}) '
        f"SELECT d.part_id, d.hs, d.origin, CAST(coalesce(o.value, 0) + d.dvalue AS {ROLL_SQL}) AS value, "
        f"CAST(coalesce(o.vnm, 0) + d.dvnm AS {ROLL_SQL}) AS vnm, d.dvalue, d.dvnm, "
        "o.part_id IS NULL AS created "
        f'FROM d LEFT JOIN (SELECT * FROM "{materials}" o WHERE {done.codes_at("o")}) o '
        "ON o.part_id = d.part_id AND o.hs = d.hs AND o.origin = d.origin",
    )


def _bad(tag: str, suffix: str) -> str:
    """SQL: how many new rows break the notes (a sum below 0, a material row worth 0 with VNM)."""
    return (
        f'((SELECT count(*) FROM "{tag}_nv{suffix}" WHERE least({", ".join(SUMS)}) < 0) + '
        f'(SELECT count(*) FROM "{tag}_nm{suffix}" WHERE value < 0 OR vnm < 0 OR (value = 0 AND vnm <> 0)))'
    )


def good_rows(p: Portfolio, goods: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every material row (code, origin, value, VNM) of ``goods`` in the roll-up as it stands."""
    e = p.engine
    if not goods:
        return {}
    ids = _table(e, [{"part_id": g} for g in goods], IDS, f"up_read{next(e._counter)}")
    out: dict[str, list[dict[str, Any]]] = {g: [] for g in goods}
    up: UpIndex = p.up
    rows = e.conn.sql(
        f'SELECT m.* FROM "{up.materials}_goods" m SEMI JOIN {ids} g ON g.part_id = m.part_id '
        "ORDER BY m.part_id, m.hs, m.origin"
    )
    for r in rows.to_arrow_table().to_pylist():
        out[r["part_id"]].append(r)
    return out
