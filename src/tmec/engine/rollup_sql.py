"""The roll-up of :mod:`tmec.engine.rollup` on DuckDB, issued as SQL, each level in the scale it needs.

The same semi-naive levels, the same sums and flags, the same results to the last digit (a test
holds every table equal to the DataFrame path's); two things make it cheaper:

* The statements go to DuckDB as they are, without SQLFrame building and copying an expression
  tree per step.
* Amounts are carried exactly in the fewest decimals they can have, not in DECIMAL(28,18) at every
  level.  A bought part's value has 4 decimals (the load's check) and each level multiplies by
  quantities of at most ``q`` decimals (measured on the edges), so a part resolved at level L has
  at most 4 + L*q.  Carried in that scale, a product needs no rounding: DuckDB's rescaling of a
  38-digit decimal (a long division per value) was most of the DataFrame path's time.  While the
  scale stays within 18 nothing is ever rounded, on either path, so the sums are the same numbers;
  from the level whose products would pass 18 decimals on, the level is summed and rounded to 18
  exactly as the DataFrame path does.  Each level still refuses a sum of 10^10 or more per unit
  (the same overflow), and the tables it returns are DECIMAL(28,18) as before.

Only a full roll-up from the parts (no ``seeds``) whose amounts and quantities are DECIMAL columns
takes this path; :func:`tmec.engine.rollup.roll_up` decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from tmec.engine.session import Engine

__all__ = ["Steps", "decimal_scales", "part_key"]

ROLL_SCALE = 18
DIGITS = 10  # before the point: as DECIMAL(28,18)
SUMS = ("orig", "nonorig", "vnm", "unk", "unk_vnm")
FLAGS = ("any_orig", "any_non", "any_unk")


def _kind(scale: int) -> str:
    """The type a level's amounts are held in: 10 digits before the point, ``scale`` after."""
    return f"DECIMAL({DIGITS + scale},{scale})"


ROLL = _kind(ROLL_SCALE)
SUM = f"DECIMAL(38,{ROLL_SCALE})"


def part_key(column: str) -> str:
    """A part's id as a 63-bit hash (BIGINT: SQLFrame reads no unsigned type)."""
    return f"CAST(hash({column}) >> 1 AS BIGINT)"


def decimal_scales(e: Engine, sql: str, columns: tuple[str, ...]) -> dict[str, int] | None:
    """The scale of each of ``columns`` of the query ``sql`` when all are DECIMAL, else None."""
    kinds = {str(r[0]): str(r[1]).upper() for r in e.conn.execute(f"DESCRIBE ({sql})").fetchall()}
    out = {}
    for c in columns:
        k = kinds.get(c, "")
        if not k.startswith("DECIMAL("):
            return None
        out[c] = int(k[k.index(",") + 1 : -1])
    return out


@dataclass
class _Plan:
    """Names and scales of one roll-up."""

    tag: str
    edges: str  # (parent, child, quantity) with quantities in ``q`` decimals
    q: int
    scales: list[int]  # the scale of each level's amounts (18 once rounding starts)

    def t(self, what: str, level: int | None = None) -> str:
        return f'"{self.tag}_{what}{"" if level is None else level}"'


class Steps:
    """The roll-up driven level by level by :func:`tmec.engine.rollup.roll_up` (which keeps the
    checks of depth and cycles and the error messages common to both paths)."""

    def __init__(
        self,
        e: Engine,
        parts_sql: str,
        edges_sql: str,
        scales: dict[str, int],
        tag: str,
        *,
        known_ids: bool,
        distinct_keys: bool = False,
    ) -> None:
        self.e = e
        # Parts are joined by a 64-bit hash of their id rather than by the text when every edge's
        # ends are parts (the load checks it) and no two parts' ids share a hash (checked here,
        # unless the load has: ``distinct_keys``).
        hashed = known_ids and (
            distinct_keys
            or not e.conn.execute(
                f"SELECT 1 FROM ({parts_sql}) GROUP BY {part_key('part_id')} "
                "HAVING min(part_id) <> max(part_id) LIMIT 1"
            ).fetchall()
        )
        self.key = part_key if hashed else (lambda c: c)
        leaf = max(scales["value"], scales["statement_vnm"])
        q_scale = scales["quantity"]
        # The fewest decimals that hold every quantity exactly.
        counts = e.conn.execute(
            "SELECT "
            + ", ".join(f"count(*) FILTER (WHERE quantity <> round(quantity, {k}))" for k in range(q_scale))
            + f" FROM ({edges_sql})"
            if q_scale
            else "SELECT 1"
        ).fetchone()
        q = next((k for k in range(q_scale) if counts is not None and counts[k] == 0), q_scale)
        # 38 digits: DuckDB multiplies two narrow decimals in 64 bits and fails past 18 digits.
        quantity = f"CAST(quantity AS DECIMAL(38,{q}))"
        key = self.key
        ends = f"{key('parent')} AS parent, {key('child')} AS child"
        edges = f"(SELECT {ends}, {quantity} AS quantity FROM ({edges_sql}))"
        self.plan = _Plan(tag, f'"{tag}_edges"', q, [leaf])
        self.parts_sql, self.edges_sql = parts_sql, edges_sql
        self._edges = edges

    def nchild(self) -> str:
        p = self.plan
        # The edges keyed and their quantities scaled once: every level reads them twice.
        self.e.conn.execute(f"CREATE OR REPLACE TABLE {p.edges} AS {self._edges[1:-1]}")
        self.e.conn.execute(
            f"CREATE OR REPLACE TABLE {p.t('nchild')} AS SELECT {self.key('parent')} AS parent, "
            f"any_value(parent) AS name, count(*) AS n_children FROM ({self.edges_sql}) GROUP BY 1"
        )
        return f"{p.tag}_nchild"

    def leaves(self, codes_sql: str | None) -> tuple[str, str]:
        """Level 0: the bought parts' values and their non-originating materials by code."""
        p, s = self.plan, self.plan.scales[0]
        kind = _kind(s)
        value = f"CAST(value AS {kind})"
        vnm = f"CAST(coalesce(statement_vnm, value) AS {kind})"
        zero = f"CAST(0 AS {kind})"
        leaves = (
            f"(SELECT {self.key('part_id')} AS k, * FROM ({self.parts_sql}) b "
            f"ANTI JOIN {p.t('nchild')} n ON {self.key('b.part_id')} = n.parent)"
        )
        self.e.conn.execute(
            f"CREATE OR REPLACE TABLE {p.t('v', 0)} AS SELECT k, part_id, CAST(0 AS INTEGER) AS level, "
            f"CASE WHEN origin = 'originating' THEN {value} ELSE {zero} END AS orig, "
            f"CASE WHEN origin = 'originating' THEN {zero} ELSE {value} END AS nonorig, "
            f"CASE WHEN origin = 'originating' THEN {zero} ELSE {vnm} END AS vnm, "
            f"CASE WHEN origin = 'unknown' THEN {value} ELSE {zero} END AS unk, "
            f"CASE WHEN origin = 'unknown' THEN {vnm} ELSE {zero} END AS unk_vnm, "
            "CAST(CASE WHEN origin = 'originating' THEN 1 ELSE 0 END AS INTEGER) AS any_orig, "
            "CAST(CASE WHEN origin = 'non_originating' THEN 1 ELSE 0 END AS INTEGER) AS any_non, "
            "CAST(CASE WHEN origin = 'unknown' THEN 1 ELSE 0 END AS INTEGER) AS any_unk "
            f"FROM {leaves}"
        )
        quiet = f"ANTI JOIN ({codes_sql}) c ON b.hs = c.hs" if codes_sql is not None else ""
        self.e.conn.execute(
            f"CREATE OR REPLACE TABLE {p.t('m', 0)} AS SELECT k, part_id, hs, origin, "
            f"CAST(sum({value}) AS {kind}) AS value, CAST(sum({vnm}) AS {kind}) AS vnm FROM "
            f"(SELECT k, part_id, coalesce(hs, '') AS hs, origin, value, statement_vnm FROM {leaves} "
            f"WHERE NOT (origin = 'originating')) b {quiet} GROUP BY k, part_id, hs, origin"
        )
        return f"{p.tag}_v0", f"{p.tag}_m0"

    def level(self, level: int) -> tuple[str, str, int]:
        """Resolve one level: its values' table, its materials' table and how many parts it has."""
        p, conn = self.plan, self.e.conn
        before = p.scales[-1]
        exact = before + p.q <= ROLL_SCALE
        s = before + p.q if exact else ROLL_SCALE
        p.scales.append(s)
        kind = _kind(s)

        def product(col: str, source: str) -> str:
            total = f"sum(e.quantity * {source}.{col})"
            # Past 18 decimals the level is rounded to 18 as on the DataFrame path (DECIMAL(28,18)).
            return total if exact else f"CAST({total} AS {ROLL})"

        conn.execute(
            f"CREATE OR REPLACE TABLE {p.t('c')} AS SELECT e.parent, count(*) AS n_done, "
            + ", ".join(f"{product(c, 'f')} AS {c}" for c in SUMS)
            + ", "
            + ", ".join(f"max(f.{c}) AS {c}" for c in FLAGS)
            + f" FROM {p.edges} e JOIN {p.t('v', level - 1)} f ON e.child = f.k GROUP BY e.parent"
        )
        pending = p.t("p", level - 1) if level > 1 else None
        if pending is not None:
            merged = ", ".join(f"CAST(c.{x} + coalesce(w.{x}, 0) AS {kind}) AS {x}" for x in SUMS)
            flags = ", ".join(f"greatest(c.{x}, coalesce(w.{x}, 0)) AS {x}" for x in FLAGS)
            done = "c.n_done + coalesce(w.n_done, 0)"
            source = f"{p.t('c')} c LEFT JOIN {pending} w ON w.parent = c.parent"
        else:
            merged = ", ".join(f"CAST(c.{x} AS {kind}) AS {x}" for x in SUMS)
            flags = ", ".join(f"c.{x}" for x in FLAGS)
            done = "c.n_done"
            source = f"{p.t('c')} c"
        conn.execute(
            f"CREATE OR REPLACE TABLE {p.t('step')} AS SELECT c.parent, n.name, {done} AS n_done, "
            f"n.n_children, {merged}, {flags} FROM {source} JOIN {p.t('nchild')} n ON n.parent = c.parent"
        )
        cols = ", ".join((*SUMS, *FLAGS))
        conn.execute(
            f"CREATE OR REPLACE TABLE {p.t('v', level)} AS SELECT parent AS k, name AS part_id, "
            f"CAST({level} AS INTEGER) AS level, {cols} FROM {p.t('step')} WHERE n_done = n_children"
        )
        still = f"SELECT parent, n_done, {cols} FROM {p.t('step')} WHERE n_done < n_children"
        if pending is not None:
            kept = ", ".join(f"CAST({x} AS {kind}) AS {x}" for x in SUMS)
            still = (
                f"SELECT w.parent, w.n_done, {kept}, {', '.join(FLAGS)} FROM {pending} w "
                f"ANTI JOIN {p.t('c')} c ON c.parent = w.parent UNION ALL {still}"
            )
        conn.execute(f"CREATE OR REPLACE TABLE {p.t('p', level)} AS {still}")
        row = conn.execute(f"SELECT count(*) FROM {p.t('v', level)}").fetchone()
        n = int(row[0]) if row else 0
        if n:
            # Each resolved part's materials by code: its edges times its components' (any level).
            below = _kind(before)
            known = " UNION ALL ".join(
                f"SELECT k, hs, origin, CAST(value AS {below}) AS value, CAST(vnm AS {below}) AS vnm "
                f"FROM {p.t('m', k)}"
                for k in range(level)
            )
            by_code = (
                f"SELECT e.parent AS k, m.hs, m.origin, CAST({product('value', 'm')} AS {kind}) AS value, "
                f"CAST({product('vnm', 'm')} AS {kind}) AS vnm "
                f"FROM {p.edges} e SEMI JOIN {p.t('v', level)} r ON e.parent = r.k "
                f"JOIN ({known}) m ON m.k = e.child GROUP BY e.parent, m.hs, m.origin"
            )
            conn.execute(
                f"CREATE OR REPLACE TABLE {p.t('m', level)} AS SELECT g.k, r.part_id, g.hs, g.origin, "
                f"g.value, g.vnm FROM ({by_code}) g JOIN {p.t('v', level)} r ON r.k = g.k"
            )
        return f"{p.tag}_v{level}", f"{p.tag}_m{level}", n

    def finish(self, levels: int) -> tuple[str, str]:
        """The values (DECIMAL(28,18)) and materials of every level, in level order (views)."""
        p, conn = self.plan, self.e.conn
        values = " UNION ALL ".join(
            f"SELECT part_id, level, {', '.join(f'CAST({x} AS {ROLL}) AS {x}' for x in SUMS)}, "
            f"{', '.join(FLAGS)} FROM {p.t('v', k)}"
            for k in range(levels + 1)
        )
        # The DataFrame path's materials are sums of DECIMAL(28,18), which DuckDB types DECIMAL(38,18).
        materials = " UNION ALL ".join(
            f"SELECT part_id, hs, origin, CAST(value AS {SUM}) AS value, CAST(vnm AS {SUM}) AS vnm "
            f"FROM {p.t('m', k)}"
            for k in range(levels + 1)
        )
        conn.execute(f"CREATE OR REPLACE VIEW {p.t('values')} AS {values}")
        conn.execute(f"CREATE OR REPLACE VIEW {p.t('materials')} AS {materials}")
        for what in ("c", "step", "edges"):
            conn.execute(f"DROP TABLE IF EXISTS {p.t(what)}")
        for k in range(1, levels + 1):
            conn.execute(f"DROP TABLE IF EXISTS {p.t('p', k)}")
        return f"{p.tag}_values", f"{p.tag}_materials"
