"""Bill-of-materials roll-up, level by level (low-level code), with cycle detection.

A part is resolved once all its components are: bought parts (no components)
first, then the parts made only of them, and so on (Kahn's algorithm, one
join and one group-by per level; DESIGN.md "roll up level by level").  Per unit
of every part it computes, tracing self-produced components down to the bought
materials as UR s.7(5)(a) does for a self-produced material not designated
intermediate:

* ``orig``:    book value of the originating materials;
* ``nonorig``: book value of the non-originating and unknown-origin materials;
* ``vnm``:     their VNM (the value, or the VNM of the supplier's statement, UR s.9);

and, for the tariff shift, the non-originating materials by tariff code
(``materials``: part, code, origin, value, vnm).

Exactness: amounts are DECIMAL(28,18) per unit and quantities DECIMAL(9,3), so
a product of two fits Spark's 38 digits without losing a digit; an amount with
4 decimals stays exact through 4 levels of 3-decimal quantities (or 7 levels of
2-decimal ones), far beyond what BOM quantities carry.  Each level is
materialised: no recursion, and never more than ``max_depth`` levels.
"""

from __future__ import annotations

from dataclasses import dataclass

from tmec.core.errors import InputError
from tmec.core.input_limits import MAX_BOM_DEPTH
from tmec.engine.rollup_sql import Steps, decimal_scales
from tmec.engine.session import DataFrame, Engine

__all__ = [
    "LARGEST_VALUE", "MAX_DEPTH", "ROLL_LIMIT", "RollUp", "beyond_range", "bought_beyond_range", "find_cycle",
    "roll_up",
]  # fmt: skip

MAX_DEPTH = MAX_BOM_DEPTH.default
# Each level costs a few queries whatever its size: once the parts left are this few, their depth is
# measured in memory first, so a BOM far deeper than the limit is refused at once, not level by level.
FEW_LEFT = 10_000
ROLL = (28, 18)
DIGITS = ROLL[0] - ROLL[1]  # before the point: a part's amounts per unit stay below 10^10
ROLL_LIMIT = 10**DIGITS
LARGEST_VALUE = "9" * DIGITS + ".9999"  # the largest part value (4 decimals) the roll-up holds


@dataclass
class RollUp:
    # part_id, level, SUMS and FLAGS (1: a material of that kind is in it)
    values: DataFrame
    # part_id, hs, origin, value, vnm: the non-originating bought materials by code (the tracked codes)
    materials: DataFrame
    levels: int


# Per unit: originating value; non-originating value (unknown origin included) and its VNM;
# the unknown-origin part of both.
SUMS = ("orig", "nonorig", "vnm", "unk", "unk_vnm")
FLAGS = ("any_orig", "any_non", "any_unk")


def _leaf_values(e: Engine, leaves: DataFrame, codes: DataFrame | None) -> tuple[DataFrame, DataFrame]:
    fn = e.F
    roll = e.decimal(*ROLL)
    integer = e.T.IntegerType()
    zero = e.lit(0, roll)
    originating = fn.col("origin") == fn.lit("originating")
    unknown = fn.col("origin") == fn.lit("unknown")
    vnm = fn.coalesce(fn.col("statement_vnm"), fn.col("value")).cast(roll)
    one, none = e.lit(1, integer), e.lit(0, integer)
    values = leaves.select(
        fn.col("part_id"),
        e.lit(0, integer).alias("level"),
        fn.when(originating, fn.col("value").cast(roll)).otherwise(zero).alias("orig"),
        fn.when(originating, zero).otherwise(fn.col("value").cast(roll)).alias("nonorig"),
        fn.when(originating, zero).otherwise(vnm).alias("vnm"),
        fn.when(unknown, fn.col("value").cast(roll)).otherwise(zero).alias("unk"),
        fn.when(unknown, vnm).otherwise(zero).alias("unk_vnm"),
        fn.when(originating, one).otherwise(none).alias("any_orig"),
        fn.when(fn.col("origin") == fn.lit("non_originating"), one).otherwise(none).alias("any_non"),
        fn.when(unknown, one).otherwise(none).alias("any_unk"),
    )
    bought = leaves.where(~originating).withColumn(
        "hs", fn.coalesce(fn.col("hs"), e.lit("", e.T.StringType()))
    )
    if codes is not None:
        # Codes that pass every tariff-shift test they can meet are not tracked one by one:
        # the totals in ``values`` carry them.
        bought = bought.join(codes, on="hs", how="left_anti")
    materials = bought.groupBy("part_id", "hs", "origin").agg(
        fn.sum(fn.col("value").cast(roll)).alias("value"),
        fn.sum(fn.coalesce(fn.col("statement_vnm"), fn.col("value")).cast(roll)).alias("vnm"),
    )
    return values, materials


def roll_up(
    e: Engine,
    parts: DataFrame,
    edges: DataFrame,
    *,
    codes: DataFrame | None = None,
    seeds: RollUp | None = None,
    max_depth: int | None = None,
    tag: str = "bom",
    sql: bool | None = None,
    known_ids: bool = False,
    distinct_keys: bool = False,
) -> RollUp:
    """Roll the BOM up from the bought materials to the finished goods.

    Semi-naive: each level joins only the edges of the parts resolved at the
    level before, and adds their contributions to per-parent running sums; a
    parent is resolved when its count of resolved components reaches its count
    of components.  Every edge is joined once for the values and once for the
    materials by code.  ``codes`` (``hs``) lists the material codes not to track
    one by one (``hs`` is '' when the material has none).

    ``seeds`` are components already rolled up (incremental re-qualification):
    they are resolved from the start and not in ``parts``.

    On DuckDB a full roll-up (no ``seeds``) is issued as SQL (:mod:`tmec.engine.rollup_sql`: the
    same tables, cheaper); ``sql=False`` keeps it on the DataFrame path.  ``known_ids``: every
    edge's parent and child is a part (the load has checked it), so parts may be joined by a hash;
    ``distinct_keys``: the load has also seen that no two parts share one (BomFiles.distinct_keys).

    Raises :class:`InputError` naming a cycle (``A -> B -> A``) when parts
    contain themselves through their components.
    """
    fn = e.F
    integer = e.T.IntegerType()
    max_depth = max_depth or MAX_BOM_DEPTH.value()
    if seeds is None and e.name == "duckdb" and sql is not False:
        steps = _sql_steps(e, parts, edges, tag, known_ids, distinct_keys)
        if steps is not None:
            return _roll_up_sql(e, steps, parts, edges, codes, max_depth)
    measured = False
    edges = edges.select("parent", "child", "quantity")
    nchild = e.materialize(
        edges.groupBy("parent").agg(fn.count(fn.lit(1)).alias("n_children")), f"{tag}_nchild"
    )
    leaves = parts.join(nchild.select(fn.col("parent").alias("part_id")), on="part_id", how="left_anti")
    v0, m0 = _leaf_values(e, leaves, codes)
    total = e.count(parts)
    if seeds is not None:
        total += e.count(seeds.values)
        v0 = v0.unionByName(seeds.values.withColumn("level", e.lit(0, integer)))
        m0 = m0.unionByName(seeds.materials)
    try:
        values = [e.materialize(v0, f"{tag}_v0")]
        materials = [e.materialize(m0, f"{tag}_m0")]
    except Exception as exc:
        if e.is_overflow(exc):
            raise bought_beyond_range() from None
        raise
    resolved = e.count(values[0])
    pending: DataFrame | None = None  # parents with some components resolved, not all
    level = 0
    while resolved < total:
        if not measured and total - resolved <= FEW_LEFT:
            measured = True
            _check_depth_left(e, edges, e.union_all(values, f"{tag}_done"), level, max_depth)
        level += 1
        if level > max_depth:
            raise _too_deep(max_depth)
        frontier = values[-1].withColumnRenamed("part_id", "child")
        try:
            new, pending, m_new = _level(e, edges, nchild, frontier, pending, materials, level, tag)
        except Exception as exc:
            if e.is_overflow(exc):
                raise _overflow(e, edges, frontier, level) from None
            raise
        if m_new is None:
            raise find_cycle(e, edges, e.union_all(values, f"{tag}_done"))
        values.append(new)
        resolved += e.count(new)
        materials.append(m_new)
    return RollUp(e.union_all(values, f"{tag}_values"), e.union_all(materials, f"{tag}_materials"), level)


def _sql_steps(
    e: Engine, parts: DataFrame, edges: DataFrame, tag: str, known_ids: bool, distinct_keys: bool
) -> Steps | None:
    parts_sql, edges_sql = e._sql(parts), e._sql(edges.select("parent", "child", "quantity"))
    amounts = decimal_scales(e, parts_sql, ("value", "statement_vnm"))
    quantity = decimal_scales(e, edges_sql, ("quantity",))
    if amounts is None or quantity is None:
        return None
    scales = {**amounts, **quantity}
    return Steps(e, parts_sql, edges_sql, scales, tag, known_ids=known_ids, distinct_keys=distinct_keys)


def _roll_up_sql(
    e: Engine, steps: Steps, parts: DataFrame, edges: DataFrame, codes: DataFrame | None, max_depth: int
) -> RollUp:
    """:func:`roll_up` through :class:`tmec.engine.rollup_sql.Steps`, with the same checks and errors."""
    edges = edges.select("parent", "child", "quantity")
    steps.nchild()
    try:
        v0, _ = steps.leaves(None if codes is None else e._sql(codes.select("hs")))
    except Exception as exc:
        if e.is_overflow(exc):
            raise bought_beyond_range() from None
        raise
    tables = [v0]
    total = e.count(parts)
    resolved = e.count(e.session.table(v0))
    measured = False
    level = 0

    def done() -> DataFrame:
        union = " UNION ALL ".join(f'SELECT part_id FROM "{t}"' for t in tables)
        e.conn.execute(f'CREATE OR REPLACE VIEW "{steps.plan.tag}_done" AS {union}')
        return e.session.table(f"{steps.plan.tag}_done")

    while resolved < total:
        if not measured and total - resolved <= FEW_LEFT:
            measured = True
            _check_depth_left(e, edges, done(), level, max_depth)
        level += 1
        if level > max_depth:
            raise _too_deep(max_depth)
        try:
            table, _, n = steps.level(level)
        except Exception as exc:
            if e.is_overflow(exc):
                frontier = e.session.table(tables[-1]).select("part_id", *SUMS)
                raise _overflow(e, edges, frontier.withColumnRenamed("part_id", "child"), level) from None
            raise
        if n == 0:
            raise find_cycle(e, edges, done())
        tables.append(table)
        resolved += n
    values, materials = steps.finish(level)
    return RollUp(e.session.table(values), e.session.table(materials), level)


def _level(
    e: Engine,
    edges: DataFrame,
    nchild: DataFrame,
    frontier: DataFrame,
    pending: DataFrame | None,
    materials: list[DataFrame],
    level: int,
    tag: str,
) -> tuple[DataFrame, DataFrame, DataFrame | None]:
    """One level: the parts resolved now (values), the parents still waiting for components, and
    the resolved parts' materials by code (None when no part was resolved: a cycle)."""
    fn = e.F
    roll = e.decimal(*ROLL)
    integer = e.T.IntegerType()
    contrib = (
        edges.join(frontier, on="child")
        .groupBy("parent")
        .agg(
            fn.count(fn.lit(1)).alias("n_done"),
            *(fn.sum(fn.col("quantity") * fn.col(c)).cast(roll).alias(c) for c in SUMS),
            *(fn.max(c).alias(c) for c in FLAGS),
        )
    )
    if pending is not None:
        # Earlier contributions to the same parents: add them in.
        contrib = (
            contrib.unionByName(pending.join(contrib.select("parent"), on="parent", how="left_semi"))
            .groupBy("parent")
            .agg(
                fn.sum("n_done").alias("n_done"),
                *(fn.sum(c).cast(roll).alias(c) for c in SUMS),
                *(fn.max(c).alias(c) for c in FLAGS),
            )
        )
    step = e.materialize(contrib.join(nchild, on="parent"), f"{tag}_step{level}")
    done_now = fn.col("n_done") == fn.col("n_children")
    new = e.materialize(
        step.where(done_now).select(
            fn.col("parent").alias("part_id"),
            e.lit(level, integer).alias("level"),
            *(fn.col(c).cast(roll).alias(c) for c in SUMS),
            *(fn.col(c).cast(integer).alias(c) for c in FLAGS),
        ),
        f"{tag}_v{level}",
    )
    still = step.where(~done_now).select("parent", "n_done", *SUMS, *FLAGS)
    if pending is not None:
        still = pending.join(step.select("parent"), on="parent", how="left_anti").unionByName(still)
    pending = e.materialize(still, f"{tag}_pending{level}")
    if e.count(new) == 0:
        return new, pending, None
    known = e.union_all(materials, f"{tag}_known").withColumnRenamed("part_id", "child")
    used = edges.join(new.select(fn.col("part_id").alias("parent")), on="parent")
    m_new = (
        used.join(known, on="child")
        .groupBy("parent", "hs", "origin")
        .agg(
            fn.sum(fn.col("quantity") * fn.col("value")).alias("value"),
            fn.sum(fn.col("quantity") * fn.col("vnm")).alias("vnm"),
        )
        .select(
            fn.col("parent").alias("part_id"),
            "hs",
            "origin",
            fn.col("value").cast(roll).alias("value"),
            fn.col("vnm").cast(roll).alias("vnm"),
        )
    )
    return new, pending, e.materialize(m_new, f"{tag}_m{level}")


def _overflow(e: Engine, edges: DataFrame, frontier: DataFrame, level: int) -> InputError:
    """The error for a level whose sums per unit pass the roll-up's range, naming the first parts
    whose components (of the level below, in doubles) already pass it."""
    fn = e.F
    double = e.T.DoubleType()
    sums = (
        edges.join(frontier, on="child")
        .groupBy("parent")
        .agg(*(fn.sum(fn.col("quantity").cast(double) * fn.col(c).cast(double)).alias(c) for c in SUMS))
    )
    over = None
    for c in SUMS:
        cond = fn.col(c) >= fn.lit(float(ROLL_LIMIT)).cast(double)
        over = cond if over is None else over | cond
    rows = e.to_arrow(sums.where(over).select("parent").orderBy("parent").limit(5)).to_pylist()
    return beyond_range(level, [str(r["parent"]) for r in rows])


def beyond_range(level: int, parts: list[str]) -> InputError:
    """A sum per unit that quantities carried past the roll-up's range at ``level``."""
    named = f" (first: {', '.join(parts)})" if parts else ""
    return InputError(
        f"a part's value per unit reaches 10^{DIGITS} at level {level} of the roll-up{named}: "
        f"beyond what it holds exactly (DECIMAL({ROLL[0]},{ROLL[1]})); check the quantities and values "
        "below it",
        field="edges",
    )


def bought_beyond_range(part: str | None = None) -> InputError:
    """A bought part's own value past the roll-up's range (the load refuses it; a change may not)."""
    named = f": {part}" if part else ""
    return InputError(
        f"a bought part's value per unit reaches 10^{DIGITS}: beyond what the roll-up holds exactly "
        f"(DECIMAL({ROLL[0]},{ROLL[1]})){named}",
        field="value",
    )


def _too_deep(max_depth: int) -> InputError:
    return MAX_BOM_DEPTH.exceeded(
        f"the bill of materials is deeper than {max_depth} levels", max_depth, field="edges"
    )


def _check_depth_left(e: Engine, edges: DataFrame, done: DataFrame, level: int, max_depth: int) -> None:
    """The levels the unresolved parts still need, counted in memory (they are few): refuse a BOM
    that would pass ``max_depth`` now rather than after as many levels; name a cycle if there is one."""
    fn = e.F
    left = edges.join(done.select(fn.col("part_id").alias("parent")), on="parent", how="left_anti")
    children: dict[str, set[str]] = {}
    for r in e.to_arrow(left.select("parent", "child")).to_pylist():
        children.setdefault(r["parent"], set()).add(r["child"])
    # Kahn's algorithm over the unresolved parts: a part is ready when its unresolved children are.
    parents: dict[str, list[str]] = {}
    waiting: dict[str, int] = {}
    for parent, kids in children.items():
        unresolved = [c for c in kids if c in children]
        waiting[parent] = len(unresolved)
        for c in unresolved:
            parents.setdefault(c, []).append(parent)
    ready = [p for p, n in waiting.items() if n == 0]
    left_count = len(waiting)
    while left_count:
        if not ready:
            raise find_cycle(e, edges, done)
        level += 1
        if level > max_depth:
            raise _too_deep(max_depth)
        left_count -= len(ready)
        following = []
        for c in ready:
            for p in parents.get(c, ()):
                waiting[p] -= 1
                if waiting[p] == 0:
                    following.append(p)
        ready = following


def find_cycle(e: Engine, edges: DataFrame, done: DataFrame, limit: int = 200_000) -> InputError:
    """Name one cycle among the parts the roll-up could not resolve."""
    fn = e.F
    stuck = edges.join(done.select(fn.col("part_id").alias("parent")), on="parent", how="left_anti")
    stuck = stuck.join(done.select(fn.col("part_id").alias("child")), on="child", how="left_anti")
    rows = e.to_arrow(stuck.select("parent", "child").limit(limit)).to_pylist()
    graph: dict[str, list[str]] = {}
    for r in rows:
        graph.setdefault(r["parent"], []).append(r["child"])
    n_stuck = len(graph)
    cycle = _cycle(graph)
    shown = " -> ".join(cycle) if cycle else "(not found in the first edges)"
    return InputError(
        f"cycle in the bill of materials: {shown}; {n_stuck} part(s) contain themselves or depend on one "
        "that does",
        field="edges",
    )


def _cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One cycle in ``graph``, iteratively (no recursion on user data)."""
    state: dict[str, int] = {}
    for start in sorted(graph):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, i = stack.pop()
            if i == 0:
                state[node] = 1
                path.append(node)
            children = graph.get(node, [])
            if i < len(children):
                stack.append((node, i + 1))
                child = children[i]
                if state.get(child) == 1:
                    return [*path[path.index(child) :], child]
                if not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return None
