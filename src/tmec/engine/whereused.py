"""Incremental re-qualification: when materials change, only the goods that use them (where-used).

A supplier's new origin statement or a new price changes the roll-up of every
part above the material, and of nothing else.  Two paths:

* After a full run on DuckDB, a bought part's change is carried up as a delta
  (:mod:`tmec.engine.delta`: multiplier x change added to the stored roll-up,
  exactly) and the goods above it are decided again in bulk
  (:mod:`tmec.engine.redecide`: a good whose case keeps a known signature gets
  that outcome and its new amounts; the others go to ``tmec.origin.qualify``).
* Otherwise (Spark, no stored results, or a change the delta cannot carry
  exactly) the where-used set is found up the edges (one recursive query on
  DuckDB, level by level on Spark); only those parts are rolled up again, from
  the unchanged components' stored values; only the finished goods among them
  are qualified again.

A change that does not reach the roll-up (a made part's own origin or value: its
components are traced instead, UR s.7(5)(a); or a value equal to the old one) is
cut off early: the goods above it keep the result the portfolio holds for them.

Changes file (CSV): ``part_id`` and any of ``origin``, ``value``,
``statement_vnm`` (blank: unchanged).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from tmec.core.errors import InputError
from tmec.core.money import to_decimal
from tmec.core.numbers import BLANKS, LINE_AMOUNT
from tmec.engine.delta import (
    UpIndex,
    change_parts,
    changed_parts,
    good_rows,
    index,
    propagate,
    read_goods,
    users,
)
from tmec.engine.portfolio import (
    PARALLEL_FROM,
    GoodResult,
    Portfolio,
    PortfolioResult,
    Progress,
    no_gc,
    qualify_goods,
    qualify_inputs,
)
from tmec.engine.redecide import learn_all, read_inputs, redecide, remember
from tmec.engine.rollup import LARGEST_VALUE, MAX_DEPTH, ROLL_LIMIT, RollUp, roll_up
from tmec.engine.rollup_small import roll_up_in_memory
from tmec.engine.session import DataFrame, Engine

__all__ = ["Change", "load_changes", "prepare", "requalify", "where_used"]

ORIGINS = ("originating", "non_originating", "unknown")
IN_MEMORY_EDGES = 50_000


@dataclass(frozen=True)
class Change:
    part_id: str
    origin: str | None = None
    value: Decimal | None = None
    statement_vnm: Decimal | None = None


def load_changes(path: Path, *, locale: str | None = None) -> list[Change]:
    """The changed parts of ``path``; amounts read as a BOM directory's are (4 decimals, in
    ``locale``), and below what the roll-up holds."""
    src = str(path)
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=src) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"expected UTF-8 text, found the byte 0x{exc.object[exc.start]:02x}", source=src
        ) from None
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", source=src) from None
    out = []
    for i, row in enumerate(rows, start=2):
        pid = (row.get("part_id") or "").strip()
        if not pid:
            raise InputError("part_id: required", source=src, line=i)
        origin = (row.get("origin") or "").strip() or None
        if origin is not None and origin not in ORIGINS:
            raise InputError(f"origin: expected one of {list(ORIGINS)}, found {origin!r}", source=src, line=i)
        amounts = {}
        for k in ("value", "statement_vnm"):
            text = (row.get(k) or "").strip(BLANKS)
            if text:
                try:
                    amount = to_decimal(text, field=k, source=src, locale=locale, limit=LINE_AMOUNT)
                except InputError as exc:
                    raise exc.located(line=i) from None
                if amount >= ROLL_LIMIT:
                    raise InputError(
                        f"{k}: at most {LARGEST_VALUE} per unit, found {text!r}", source=src, line=i
                    )
                amounts[k] = amount
        out.append(Change(pid, origin, amounts.get("value"), amounts.get("statement_vnm")))
    return out


def _changes_table(changes: list[Change]) -> pa.Table:
    money = pa.decimal128(18, 4)
    schema = pa.schema(
        [("part_id", pa.string()), ("c_origin", pa.string()), ("c_value", money), ("c_statement", money)]
    )
    rows = [
        {"part_id": c.part_id, "c_origin": c.origin, "c_value": c.value, "c_statement": c.statement_vnm}
        for c in changes
    ]
    return pa.Table.from_pylist(rows, schema=schema)


def where_used(
    e: Engine, edges: DataFrame, parts: DataFrame, *, max_depth: int = MAX_DEPTH, tag: str = "wu"
) -> DataFrame:
    """Every part that contains one of ``parts`` (``part_id``), directly or not, and those parts."""
    if e.name == "duckdb":
        return _where_used_duckdb(e, edges, parts, tag)
    fn = e.F
    found = [e.materialize(parts.select("part_id").distinct(), f"{tag}_up0")]
    frontier = found[0]
    for level in range(1, max_depth + 1):
        seen = e.union_all(found, f"{tag}_seen")
        up = (
            edges.join(frontier.withColumnRenamed("part_id", "child"), on="child")
            .select(fn.col("parent").alias("part_id"))
            .distinct()
            .join(seen, on="part_id", how="left_anti")
        )
        frontier = e.materialize(up, f"{tag}_up{level}")
        if e.count(frontier) == 0:
            return e.materialize(e.union_all(found, f"{tag}_seen"), f"{tag}_all")
        found.append(frontier)
    raise InputError(f"the bill of materials is deeper than {max_depth} levels", field="edges")


def _where_used_duckdb(e: Engine, edges: DataFrame, parts: DataFrame, tag: str) -> DataFrame:
    """The same set in one recursive query (DuckDB): no Python planning per level.

    ``UNION`` (not ``UNION ALL``) keeps each part once, so the recursion ends on any graph
    (the load has already refused cycles and BOMs deeper than the roll-up allows).
    """
    start, up = e._sql(parts.select("part_id").distinct()), e._sql(edges.select("parent", "child"))
    e.conn.execute(
        f'CREATE OR REPLACE TABLE "{tag}_all" AS '
        f"WITH RECURSIVE found(part_id) AS (SELECT part_id FROM ({start}) "
        f"UNION SELECT u.parent FROM ({up}) u JOIN found ON u.child = found.part_id) "
        "SELECT part_id FROM found"
    )
    return e.session.table(f"{tag}_all")


def _by_delta(p: Portfolio, changes: list[Change], method: str | None) -> PortfolioResult | None:
    """The changes as deltas, the goods decided in bulk (DuckDB, raw SQL: no DataFrame planning on
    this path); None when this path declines and the general one should run."""
    e = p.engine
    found = changed_parts(p, sorted({c.part_id for c in changes}))
    if found is None:
        return None
    rows, made = found
    if len(rows) < len({c.part_id for c in changes}):
        return None  # the general path names the parts that are not in the portfolio
    new_rows: dict[str, dict[str, Any]] = {}
    for c in changes:
        row = dict(new_rows.get(c.part_id, rows[c.part_id]))
        row.update(
            (k, v)
            for k, v in (("origin", c.origin), ("value", c.value), ("statement_vnm", c.statement_vnm))
            if v is not None
        )
        new_rows[c.part_id] = row
    # Changes that reach the roll-up: a bought part's origin, value or statement VNM that differs.
    effective = sorted(pid for pid, row in new_rows.items() if pid not in made and row != rows[pid])
    up = _prepared(p)
    # The others (a made part's own origin or value: its components are traced instead; the
    # same value again): their users keep their results.
    quiet = sorted(set(new_rows) - set(effective))
    keep = users(p, up, quiet) if quiet else []
    if any(g not in p.results for g in keep):
        return None  # a user without a stored result: the general path qualifies it
    parts_update = change_parts(p, up, list(new_rows.values()))
    if effective:
        carried = _carry(p, up, [rows[pid] for pid in effective], [new_rows[pid] for pid in effective],
                         parts_update, method)  # fmt: skip
        if carried is None:
            return None
        results, paths = carried
    else:
        e.conn.execute(parts_update)
        results, paths = {}, {}
    for good_id in keep:
        if good_id not in results:
            results[good_id] = p.results[good_id]
            paths["kept"] = paths.get("kept", 0) + 1
    ordered = sorted(results.values(), key=lambda g: g.good_id)
    return PortfolioResult(p.day, ordered, p.rollup.levels, paths=paths)


def _carry(
    p: Portfolio,
    up: UpIndex,
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    parts_update: str,
    method: str | None,
) -> tuple[dict[str, GoodResult], dict[str, int]] | None:
    """Bought parts' changes (their rows before and after) carried up and their goods decided
    again; their results and how they were decided, or None (nothing written) when the delta
    declines."""
    e = p.engine
    run = next(e._counter)
    moved = propagate(p, up, old, new, f"wd{run}")
    if moved is None:
        return None

    # The roll-up's tables take the change (in DuckDB, off the interpreter lock, through a cursor
    # of its own) while the goods' new rows are read and the goods decided again: on one DuckDB
    # thread, the reading and the decision (Python) having the other core.
    with _threads(e, 1), e.conn.cursor() as conn, ThreadPoolExecutor(1) as pool:
        applying = pool.submit(moved.apply, e, [parts_update], conn)
        try:
            read_goods(moved, e)
            decided = redecide(p, moved.heads, moved.rows)
            # The goods sent to the single-good path need nothing the write makes: decided while
            # it runs (not from PARALLEL_FROM goods on: those fork, which waits for the write).
            early = dict(decided.to_qualify) if len(decided.to_qualify) < PARALLEL_FROM else {}
            done = qualify_inputs(p, early, method) if early else {}
        except BaseException:
            applying.result()
            # their stored inputs are no longer theirs (all goods', when the failure came before
            # the goods were read)
            for good_id in list(moved.heads or p.results):
                p.results.pop(good_id, None)
                p.inputs.pop(good_id, None)
            raise
        if not applying.result():
            return None  # nothing was written; the general path takes the change
    results = dict(decided.results)
    p.results.update(results)
    p.inputs.update(decided.inputs)
    to_qualify = decided.to_qualify
    late = {g: inp for g, inp in to_qualify.items() if g not in early}
    readable = [g for g in decided.to_read if g in p.inputs and moved.heads[g]["level"] > 0]
    for good_id, found_rows in good_rows(p, readable).items():
        late[good_id] = to_qualify[good_id] = read_inputs(
            p, {**p.inputs[good_id].head, **moved.heads[good_id]}, found_rows
        )
    if late:
        done = {**done, **qualify_inputs(p, late, method)}
    if done:
        results.update(done)
        p.results.update(done)
        p.inputs.update(to_qualify)
        remember(p, done)
    rest = sorted(set(decided.to_read) - set(readable))
    if rest:
        only = e.from_arrow(
            pa.Table.from_pylist([{"good_id": g} for g in rest], pa.schema([("good_id", pa.string())])),
            f"wd{run}_read",
        )
        again = qualify_goods(p, only=only, method=method, flips=0)
        results.update((g.good_id, g) for g in again.goods)
    return results, {"bulk": len(decided.results), "qualify": len(to_qualify) + len(rest)}


@contextmanager
def _threads(e: Engine, n: int) -> Iterator[None]:
    """DuckDB's threads at most ``n`` meanwhile (the setting is the database's, not a query's)."""
    row = e.conn.execute("SELECT current_setting('threads')").fetchone()
    before = int(row[0]) if row else n
    if before <= n:
        yield
        return
    e.conn.execute(f"SET threads = {n}")
    try:
        yield
    finally:
        e.conn.execute(f"SET threads = {before}")


def _effective(e: Engine, p: Portfolio, table: DataFrame) -> DataFrame:
    """The changed parts whose change reaches the roll-up: bought parts (no components) whose
    origin, value or statement VNM really changes.  A made part's own origin and value do not
    enter the roll-up (its components' do), so changing them re-qualifies nothing."""
    fn = e.F
    made = p.edges.select(fn.col("parent").alias("part_id")).distinct()
    old = p.parts.select("part_id", "origin", "value", "statement_vnm")
    joined = table.join(old, on="part_id").join(made, on="part_id", how="left_anti")
    differs = (
        (fn.col("c_origin").isNotNull() & (fn.col("c_origin") != fn.coalesce(fn.col("origin"), fn.lit(""))))
        | (
            fn.col("c_value").isNotNull()
            & (fn.col("value").isNull() | (fn.col("c_value") != fn.col("value")))
        )
        | (
            fn.col("c_statement").isNotNull()
            & (fn.col("statement_vnm").isNull() | (fn.col("c_statement") != fn.col("statement_vnm")))
        )
    )
    return joined.where(differs).select("part_id")


def prepare(p: Portfolio) -> bool:
    """Make ready for changes after a full run: the upward index of the bills of materials and
    every good's signature (:mod:`tmec.engine.delta`, :mod:`tmec.engine.redecide`).  The first
    change does it otherwise; a session that will take changes may do it ahead, once.  False
    (nothing done) where changes take the general path: Spark, or no full run yet."""
    if p.engine.name != "duckdb" or not p.results:
        return False
    with no_gc():
        _prepared(p)
    return True


def _prepared(p: Portfolio) -> UpIndex:
    if p.up is not None:
        return index(p)
    _no_auto_checkpoint(p.engine)
    # The index is built in DuckDB (off the interpreter lock) while the signatures are derived.
    with ThreadPoolExecutor(1) as pool:
        building = pool.submit(index, p)
        try:
            learn_all(p)
        finally:
            up = building.result()
    return up


def _no_auto_checkpoint(e: Engine) -> None:
    """An in-memory database that will take changes is not checkpointed on its own.

    DuckDB checkpoints a database at a commit once enough has been written since the last
    checkpoint: the first change after the index's tables were built paid about 0.15-0.25 s of
    it, in one of its statements (an explicit ``CHECKPOINT`` instead costs 2.9 s).  In memory a
    checkpoint has nothing to make durable; a file database keeps DuckDB's setting (its
    write-ahead log must not grow without bound)."""
    row = e.conn.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if row is not None and row[0] is None:
        e.conn.execute("SET checkpoint_threshold = '1 TiB'")


def requalify(
    p: Portfolio,
    changes: list[Change],
    *,
    method: str | None = None,
    progress: Progress | None = None,
    in_memory: int = IN_MEMORY_EDGES,
    delta: bool = True,
) -> PortfolioResult:
    """Apply ``changes`` to the portfolio and qualify again only the goods that use a changed part.

    The portfolio keeps the changes: its parts and roll-up are updated in place.  On DuckDB,
    after a full run, the change is carried up as a delta and the goods are decided again in
    bulk (:mod:`tmec.engine.delta`, :mod:`tmec.engine.redecide`; ``delta=False`` turns that
    off).  Otherwise the where-used set is rolled up again: in memory when it has at most
    ``in_memory`` edges (:mod:`tmec.engine.rollup_small`), else in the engine.
    """
    if delta and p.results and p.results_method == method:
        with no_gc():
            done = _by_delta(p, changes, method)
        if done is not None:
            if progress is not None:
                progress(len(done.goods), len(done.goods))
            return done
    return _requalify(p, changes, method, progress, in_memory)


def _requalify(
    p: Portfolio,
    changes: list[Change],
    method: str | None,
    progress: Progress | None,
    in_memory: int,
) -> PortfolioResult:
    e, fn = p.engine, p.engine.F
    run = next(e._counter)
    table = e.from_arrow(_changes_table(changes), f"wu_changes{run}")
    unknown = e.to_arrow(table.join(p.parts, on="part_id", how="left_anti").select("part_id")).to_pylist()
    if unknown:
        raise InputError(f"part(s) not in the portfolio: {', '.join(r['part_id'] for r in unknown[:20])}")
    parts = (
        p.parts.join(table, on="part_id", how="left")
        .withColumn("origin", fn.coalesce(fn.col("c_origin"), fn.col("origin")))
        .withColumn("value", fn.coalesce(fn.col("c_value"), fn.col("value")))
        .withColumn("statement_vnm", fn.coalesce(fn.col("c_statement"), fn.col("statement_vnm")))
        .drop("c_origin", "c_value", "c_statement")
    )
    # The portfolio-wide tables change in a few rows: views over the old ones, not copies.
    parts = e.view(parts, f"wu_parts{run}")
    kept: dict[str, GoodResult] = {}
    effective = e.materialize(_effective(e, p, table), f"wu_effective{run}")
    n_effective = e.count(effective)
    if p.results and p.results_method == method and n_effective < len(changes):
        # Early cut-off: goods above changed parts that do not change the roll-up keep their result.
        users = where_used(e, p.edges, table, tag=f"wu{run}")
        affected = where_used(e, p.edges, effective, tag=f"wu{run}e") if n_effective else effective
        users_goods = p.goods.join(
            users.withColumnRenamed("part_id", "good_id"), on="good_id", how="left_semi"
        )
        still = users_goods.join(
            affected.withColumnRenamed("part_id", "good_id"), on="good_id", how="left_anti"
        )
        unknown_result = False
        for r in e.to_arrow(still.select("good_id")).to_pylist():
            if r["good_id"] in p.results:
                kept[r["good_id"]] = p.results[r["good_id"]]
            else:
                unknown_result = True
        if not unknown_result and n_effective == 0:
            # Nothing the roll-up sees has changed (a made part's own origin or value, or the same value).
            p.parts = parts
            ordered = sorted(kept.values(), key=lambda g: g.good_id)
            return PortfolioResult(p.day, ordered, p.rollup.levels, paths={"kept": len(kept)})
    else:
        users = affected = where_used(e, p.edges, table, tag=f"wu{run}")
    # Small tables, materialised: every later step then starts from a table, not from a plan.
    sub_parts = e.materialize(parts.join(affected, on="part_id", how="left_semi"), f"wu_sub_parts{run}")
    sub_edges = e.materialize(
        p.edges.join(affected.withColumnRenamed("part_id", "parent"), on="parent", how="left_semi"),
        f"wu_sub_edges{run}",
    )
    boundary = e.materialize(
        sub_edges.select(fn.col("child").alias("part_id"))
        .distinct()
        .join(affected, on="part_id", how="left_anti"),
        f"wu_boundary{run}",
    )
    seeds = RollUp(
        e.materialize(p.rollup.values.join(boundary, on="part_id", how="left_semi"), f"wu_seed_v{run}"),
        e.materialize(p.rollup.materials.join(boundary, on="part_id", how="left_semi"), f"wu_seed_m{run}"),
        0,
    )
    if e.count(sub_edges) <= in_memory:
        fresh = roll_up_in_memory(e, sub_parts, sub_edges, seeds, frozenset(p.lumped), f"wu{run}")
    else:
        fresh = roll_up(e, sub_parts, sub_edges, codes=p.codes, seeds=seeds, tag=f"wu{run}")
    # A part's level is its longest path down to a bought part: the change leaves it as it was
    # (the sub-roll-up counts levels from its seeds instead).
    levels = p.rollup.values.select("part_id", "level").join(affected, on="part_id", how="left_semi")
    fresh_values = fresh.values.drop("level").join(levels, on="part_id")
    merged = RollUp(
        e.view(
            p.rollup.values.join(affected, on="part_id", how="left_anti").unionByName(fresh_values),
            f"wu_values{run}",
        ),
        e.view(
            p.rollup.materials.join(affected, on="part_id", how="left_anti").unionByName(
                fresh.materials.join(affected, on="part_id", how="left_semi")
            ),
            f"wu_materials{run}",
        ),
        p.rollup.levels,
    )
    goods = p.goods.join(users.withColumnRenamed("part_id", "good_id"), on="good_id", how="left_semi")
    if kept:
        ids = pa.Table.from_pylist(
            [{"good_id": g} for g in kept], schema=pa.schema([("good_id", pa.string())])
        )
        goods = goods.join(e.from_arrow(ids, f"wu_kept{run}"), on="good_id", how="left_anti")
    updated = replace(p, parts=parts, rollup=merged)
    # No flip analysis here: a re-qualification answers "what changed", and is meant to be quick.
    result = qualify_goods(updated, only=goods.select("good_id"), method=method, progress=progress, flips=0)
    if kept:
        result.goods = sorted([*result.goods, *kept.values()], key=lambda g: g.good_id)
        result.paths["kept"] = len(kept)
    p.parts, p.rollup, p.results, p.results_method = parts, merged, updated.results, updated.results_method
    return result
