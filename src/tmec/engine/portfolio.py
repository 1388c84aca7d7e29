"""Qualify every finished good of a portfolio on a date: the roll-up in the engine, the law in Python.

The engine does the volume: it rolls the bills of materials up (VNM, material
cost lines, the non-originating materials by tariff code) and tests each
distinct (good code, material code) pair once against the good's rule with the
single-good path's own test (:func:`tmec.origin.tariff_shift.material_fails`).
Materials whose outcome is the same under every alternative of the rule form a
*class*.  Each good then reaches :func:`tmec.origin.qualify` as a compact case:
one originating line, and one line per class of non-originating materials (its
value and VNM summed, a code of the class standing for it).  The tariff shift,
de minimis, RVC and criterion are therefore decided by the same code as
``tmec qualify``, on sums that are exactly the ones of the full bill of
materials; the equivalence tests check both on every good.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing as mp
import os
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from tmec.core import hs
from tmec.core.errors import InputError, TmecError
from tmec.engine.bom_tables import GOOD_AMOUNTS, load_bom
from tmec.engine.compact import compact_case, fails_every, material_class, quiet_lines
from tmec.engine.rollup import RollUp, roll_up
from tmec.engine.rules_file import RuleBook
from tmec.engine.session import DataFrame, Engine
from tmec.engine.statements_join import apply_statements
from tmec.origin import Determination
from tmec.origin import qualify as qualify_case
from tmec.origin.rules import Rule
from tmec.origin.tariff_shift import material_fails
from tmec.statements.model import Statement

__all__ = [
    "GoodInputs",
    "GoodResult",
    "Portfolio",
    "PortfolioResult",
    "load_portfolio",
    "qualify_goods",
    "qualify_inputs",
]

ZERO = Decimal(0)
Progress = Callable[[int, int], None]


@dataclass
class Portfolio:
    """A validated BOM_DIR loaded into an engine, rolled up once."""

    engine: Engine
    directory: Path
    day: dt.date
    goods: DataFrame
    parts: DataFrame
    edges: DataFrame
    rollup: RollUp
    rules: RuleBook
    good_rules: dict[str, Rule | str]  # the rule in force on ``day`` for each good code, or why none
    codes: DataFrame | None = None  # material code -> the code it travels under in the roll-up
    lumped: tuple[str, ...] = ()  # the codes that travel under lumped[0]
    # The last result of each good and the method it was qualified with: where-used
    # re-qualification keeps the result of a good whose roll-up a change leaves as it was.
    results: dict[str, GoodResult] = field(default_factory=dict)
    results_method: str | None = None
    # What each good was decided from (its roll-up row, its lines by class, its failing codes) and
    # the class of each (good code, material code): a change is then decided from them in bulk.
    inputs: dict[str, GoodInputs] = field(default_factory=dict)
    classes: dict[tuple[str, str], str] = field(default_factory=dict)
    up: Any = None  # the upward index of tmec.engine.delta, built on the first change
    decisions: Any = None  # what tmec.engine.redecide has learnt of the rules' outcomes
    # part_id -> the supplier statement (tmec.statements) that settled its origin or VNM
    statement_uses: dict[str, str] = field(default_factory=dict)
    # the load saw no two parts' ids share a 63-bit key (tmec.engine.rollup_sql.part_key)
    distinct_keys: bool = False


@dataclass(slots=True)
class GoodInputs:
    head: Mapping[str, Any]  # the good's row: its amounts and its roll-up (sums and flags)
    lines: tuple[Mapping[str, Any], ...]  # its tracked materials summed by (class, origin)
    failing: frozenset[str]  # its material codes that fail every alternative's tariff shift
    derived: Any = None  # what tmec.engine.redecide derives from them, kept for the next change


@dataclass
class GoodResult:
    good_id: str
    hs: str
    originating: bool | None
    criterion: str | None
    method: str | None  # the method that conferred origin, or the best one tried
    rvc_tv: Decimal | None
    rvc_nc: Decimal | None
    vnm: Decimal
    net_cost: Decimal | None
    adjusted_tv: Decimal | None
    total_cost: Decimal | None
    tariff_shift_passed: bool | None
    failing_codes: tuple[str, ...]
    error: str | None = None
    determination: Determination | None = field(default=None, repr=False)


@dataclass
class PortfolioResult:
    day: dt.date
    goods: list[GoodResult]
    levels: int
    # material code -> failing goods for which sourcing it as originating is the cheapest single fix
    flips: dict[str, list[str]] = field(default_factory=dict)
    flips_sampled: int | None = None  # failing goods examined, when fewer than all
    # how the goods were decided: "qualify" (the single-good path), "bulk" (same outcome, new
    # amounts: tmec.engine.redecide), "kept" (a change that left their inputs as they were)
    paths: dict[str, int] = field(default_factory=dict)

    @property
    def qualifying(self) -> int:
        return sum(1 for g in self.goods if g.originating)

    @property
    def failing(self) -> list[GoodResult]:
        return [g for g in self.goods if g.originating is False]

    @property
    def errors(self) -> list[GoodResult]:
        return [g for g in self.goods if g.error is not None]

    def to_arrow(self) -> pa.Table:
        money = pa.decimal128(38, 18)
        pct = pa.string()  # unrounded percentages keep 28 significant digits: text, not a fixed scale
        rows = [
            {
                "good_id": g.good_id,
                "hs": g.hs,
                "originating": g.originating,
                "criterion": g.criterion,
                "method": g.method,
                "rvc_transaction_value": None if g.rvc_tv is None else str(g.rvc_tv),
                "rvc_net_cost": None if g.rvc_nc is None else str(g.rvc_nc),
                "vnm": g.vnm,
                "net_cost": g.net_cost,
                "adjusted_transaction_value": g.adjusted_tv,
                "total_cost": g.total_cost,
                "tariff_shift_passed": g.tariff_shift_passed,
                "failing_materials": ";".join(g.failing_codes),
                "error": g.error,
                "date": self.day,
            }
            for g in self.goods
        ]
        schema = pa.schema(
            [
                ("good_id", pa.string()),
                ("hs", pa.string()),
                ("originating", pa.bool_()),
                ("criterion", pa.string()),
                ("method", pa.string()),
                ("rvc_transaction_value", pct),
                ("rvc_net_cost", pct),
                ("vnm", money),
                ("net_cost", money),
                ("adjusted_transaction_value", money),
                ("total_cost", money),
                ("tariff_shift_passed", pa.bool_()),
                ("failing_materials", pa.string()),
                ("error", pa.string()),
                ("date", pa.date32()),
            ]
        )
        return pa.Table.from_pylist(rows, schema=schema)


def load_portfolio(
    e: Engine,
    directory: Path,
    day: dt.date,
    *,
    rules: RuleBook | None = None,
    lump: bool = True,
    statements: Sequence[Statement] = (),
    locale: str | None = None,
) -> Portfolio:
    """Validate BOM_DIR, load it into ``e`` and roll it up for the rules in force on ``day``.

    ``statements``: supplier statements; those in force on ``day`` settle the parts they match
    (:mod:`tmec.engine.statements_join`).  Amounts written as text are read as ``locale`` writes
    them.
    """
    files = load_bom(e.conn, directory, locale=locale)
    used = apply_statements(e.conn, statements, day) if statements else {}
    goods = e.table_from_duckdb("goods")
    parts = e.table_from_duckdb("parts")
    edges = e.table_from_duckdb("edges")
    book = rules if rules is not None else RuleBook.for_directory(directory)
    good_codes = sorted({str(r[0]) for r in e.conn.execute("SELECT DISTINCT hs FROM goods").fetchall()})
    resolved = {h: _rule_or_error(book, h, day) for h in good_codes}
    codes = None
    lumped: tuple[str, ...] = ()
    if lump:
        mat_codes = [
            str(r[0] or "")
            for r in e.conn.execute(
                # bought: no edges below them (an anti-join: half the CPU of NOT IN here)
                "SELECT DISTINCT hs FROM parts p ANTI JOIN edges e ON p.part_id = e.parent "
                "WHERE origin <> 'originating'"
            ).fetchall()
        ]
        table = _lumped_codes(mat_codes, resolved)
        lumped = tuple(table.column("hs").to_pylist())
        codes = e.from_arrow(table, "pf_codes")
    # load_bom checked every edge's ends, and whether the parts' keys are distinct
    r = roll_up(e, parts, edges, codes=codes, known_ids=True, distinct_keys=files.distinct_keys)
    return Portfolio(
        e, directory, day, goods, parts, edges, r, book, resolved, codes, lumped, statement_uses=used,
        distinct_keys=files.distinct_keys,
    )  # fmt: skip


def _lumped_codes(mat_codes: Iterable[str], rules: Mapping[str, Rule | str]) -> pa.Table:
    """Material codes that pass every tariff-shift test of every good (the *quiet* codes).

    Such codes can never make a difference between goods' outcomes, so the
    roll-up does not track them one by one: the totals carry them, and each good
    gets one line for them (per origin), under the first of them.
    """
    tests = [
        (good_hs, a.change)
        for good_hs, rule in rules.items()
        if isinstance(rule, Rule)
        for a in rule.alternatives
        if a.change is not None
    ]
    quiet = sorted(c for c in mat_codes if c and all(material_fails(ch, g, c) is None for g, ch in tests))
    return pa.Table.from_pylist([{"hs": c} for c in quiet], schema=pa.schema([("hs", pa.string())]))


def qualify_goods(
    p: Portfolio,
    *,
    method: str | None = None,
    only: DataFrame | None = None,
    progress: Progress | None = None,
    flips: int = 2000,
    processes: int | None = None,
    by_signature: bool | None = None,
) -> PortfolioResult:
    """Qualify the portfolio's goods (or the goods of ``only``: a DataFrame of ``good_id``).

    ``by_signature`` (default: from :data:`BY_SIGNATURE_FROM` goods on): the single-good path
    decides the first good of each signature, the others take its outcome with their own amounts
    (:func:`tmec.engine.redecide.decide_all`); their results then carry no determination.
    """
    e, fn = p.engine, p.engine.F
    goods = p.goods if only is None else p.goods.join(only.select("good_id"), on="good_id", how="left_semi")
    # A good listed without components has no materials: its own row in parts is not one of them.
    values = p.rollup.values.where(fn.col("level") > e.lit(0, e.T.IntegerType()))
    values = values.withColumnRenamed("part_id", "good_id")
    head = e.to_arrow(goods.join(values, on="good_id", how="left").orderBy("good_id")).to_pylist()
    made = goods.join(values.select("good_id"), on="good_id", how="left_semi")
    mats = p.rollup.materials.withColumnRenamed("part_id", "good_id").join(
        made.select("good_id", fn.col("hs").alias("good_hs")), on="good_id"
    )
    mats = mats.withColumn("mat_hs", fn.coalesce(fn.col("hs"), e.lit("", e.T.StringType())))
    day = p.day
    rules = p.good_rules
    pairs = e.to_arrow(mats.select("good_hs", "mat_hs").distinct()).to_pylist()
    classes = _classify(pairs, rules)
    by_class = (
        mats.join(e.from_arrow(classes, "pf_classes"), on=["good_hs", "mat_hs"])
        .groupBy("good_id", "cls", "origin")
        .agg(
            fn.sum("value").alias("value"),
            fn.sum("vnm").alias("vnm"),
            fn.min("mat_hs").alias("rep_hs"),
            fn.count(fn.lit(1)).alias("n_codes"),
        )
    )
    lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in e.to_arrow(by_class).to_pylist():
        lines[r["good_id"]].append(r)
    tracked = {g: tuple(ls) for g, ls in lines.items()}
    if p.lumped:
        for g in head:
            lines[g["good_id"]].extend(quiet_lines(g, lines.get(g["good_id"], []), p.lumped[0]))
    failing = _failing_codes(e, mats, classes)
    if only is None or p.results_method != method:
        p.results, p.results_method, p.inputs = {}, method, {}
    inputs = {
        g["good_id"]: GoodInputs(g, tracked.get(g["good_id"], ()), frozenset(failing.get(g["good_id"], ())))
        for g in head
    }
    if by_signature if by_signature is not None else len(head) >= BY_SIGNATURE_FROM:
        from tmec.engine.redecide import decide_all  # it builds on this module

        def one(g: Mapping[str, Any]) -> GoodResult:
            r = _qualify_one(g, rules[str(g["hs"])], lines.get(g["good_id"], []), day, method, failing)
            r.determination = None  # as the parallel path: the outcome, not the trace
            return r

        out = decide_all(p, head, inputs, one, progress)
    else:
        work = (head, rules, lines, day, method, failing)
        out = _qualify_all(work, progress, processes if processes is not None else _processes(len(head)))
    result = PortfolioResult(day, out, p.rollup.levels, paths={"qualify": len(out)})
    p.results.update((g.good_id, g) for g in out)
    p.inputs.update(inputs)
    p.classes.update(((r["good_hs"], r["mat_hs"]), r["cls"]) for r in classes.to_pylist())
    if flips:
        _find_flips(p, result, {g["good_id"]: g for g in head}, mats, method, flips)
    return result


def qualify_inputs(
    p: Portfolio, inputs: Mapping[str, GoodInputs], method: str | None
) -> dict[str, GoodResult]:
    """Qualify goods from their inputs (roll-up row, tracked lines, failing codes) by the
    single-good path, as :func:`qualify_goods` does once it has read them."""
    goods = sorted(inputs)
    lines = {
        g: [
            *inputs[g].lines,
            *(quiet_lines(inputs[g].head, inputs[g].lines, p.lumped[0]) if p.lumped else ()),
        ]
        for g in goods
    }
    failing = {g: set(inputs[g].failing) for g in goods}
    work = ([inputs[g].head for g in goods], p.good_rules, lines, p.day, method, failing)
    return {r.good_id: r for r in _qualify_all(work, None, _processes(len(goods)))}


# The single-good path is pure Python: large portfolios spread it over the cores (fork: the
# workers inherit the work and the loaded law, and return results without their trace).
PARALLEL_FROM = 4000
# From this many goods a full run decides by signature (most goods share one with a good decided
# before them): no determination is kept per good then, as on the parallel path.
BY_SIGNATURE_FROM = PARALLEL_FROM
CHUNK = 1000
_WORK: tuple[Any, ...] | None = None


def _processes(n: int) -> int:
    return min(os.cpu_count() or 1, 8) if n >= PARALLEL_FROM and "fork" in mp.get_all_start_methods() else 1


@contextmanager
def no_gc() -> Iterator[None]:
    """Bulk work makes many small objects and no cycles: without this the cyclic collector walks
    the portfolio's stored results and inputs (millions of objects) again and again.

    At the end every object then alive is moved out of its sight (``gc.freeze``): mostly those
    long-lived results and inputs, which re-enabling it would otherwise walk all at once.
    Reference counting still frees them; what the freeze keeps for good are cycles alive at that
    moment and not yet collected, the caller's own included (the bulk paths make none), and
    nothing unfreezes them: a long-lived process calling this often keeps such cycles.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _chunk(bounds: tuple[int, int]) -> list[GoodResult]:
    assert _WORK is not None
    head, rules, lines, day, method, failing = _WORK
    out = []
    for g in head[bounds[0] : bounds[1]]:
        r = _qualify_one(g, rules[str(g["hs"])], lines.get(g["good_id"], []), day, method, failing)
        r.determination = None
        out.append(r)
    return out


def _qualify_all(work: tuple[Any, ...], progress: Progress | None, processes: int) -> list[GoodResult]:
    global _WORK
    head = work[0]
    n = len(head)
    if processes <= 1:
        head, rules, lines, day, method, failing = work
        out = []
        with no_gc():
            for i, g in enumerate(head):
                out.append(
                    _qualify_one(g, rules[str(g["hs"])], lines.get(g["good_id"], []), day, method, failing)
                )
                if progress is not None and (i % 500 == 0 or i + 1 == n):
                    progress(i + 1, n)
        return out
    _WORK = work
    try:
        results: list[GoodResult] = []
        with mp.get_context("fork").Pool(processes) as pool:
            for part in pool.imap(_chunk, [(lo, min(lo + CHUNK, n)) for lo in range(0, n, CHUNK)]):
                results.extend(part)
                if progress is not None:
                    progress(len(results), n)
        return results
    finally:
        _WORK = None


def _find_flips(
    p: Portfolio,
    result: PortfolioResult,
    head: Mapping[str, Mapping[str, Any]],
    mats: DataFrame,
    method: str | None,
    limit: int,
) -> None:
    """For failing goods, the cheapest single material code whose originating sourcing qualifies them.

    Each failing good goes to the single-good path once more with its materials
    by code (``Determination.cheapest_flip``); the codes are then counted.
    """
    e, fn = p.engine, p.engine.F
    failing = [g.good_id for g in result.failing]
    if not failing:
        return
    if len(failing) > limit:
        failing = failing[:limit]
        result.flips_sampled = limit
    ids = pa.Table.from_pylist(
        [{"good_id": g} for g in failing], schema=pa.schema([("good_id", pa.string())])
    )
    by_code = (
        mats.join(e.from_arrow(ids, "pf_flip_goods"), on="good_id", how="left_semi")
        .groupBy("good_id", "mat_hs", "origin")
        .agg(fn.sum("value").alias("value"), fn.sum("vnm").alias("vnm"))
        .withColumn("cls", fn.col("mat_hs"))
        .withColumnRenamed("mat_hs", "rep_hs")
    )
    lines: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in e.to_arrow(by_code).to_pylist():
        lines[r["good_id"]].append(r)
    if p.lumped:
        for good_id in failing:
            lines[good_id].extend(quiet_lines(head[good_id], lines.get(good_id, []), p.lumped[0]))
    work = (head, p.good_rules, lines, p.day, method, p.lumped)
    for good_id, code in zip(failing, _flips_of(work, failing), strict=True):
        if code is not None:
            result.flips.setdefault(code, []).append(good_id)


# From this many failing goods, a second process (fork) finds the flips of half of them: each is
# the single-good path again, pure Python, while the first core would otherwise do them all alone.
# Below it the fork (of a process holding the portfolio) and the pool cost about what they save
# (2,000 goods, some 700 failing: the same CPU, 5 % more wall on a loaded machine).
FLIPS_PARALLEL_FROM = 1000
_FLIP_WORK: tuple[Any, ...] | None = None


def _flips_of(work: tuple[Any, ...], goods: Sequence[str]) -> list[str | None]:
    """The cheapest flip's code (None: no single flip) of each of ``goods``, in their order."""
    global _FLIP_WORK
    # Forked from the main thread only: a server's worker thread may share the process with
    # threads holding locks the child would wait on.
    main = threading.current_thread() is threading.main_thread()
    if len(goods) < FLIPS_PARALLEL_FROM or not main or _processes(PARALLEL_FROM) < 2:
        return [_flip(work, g) for g in goods]
    half = len(goods) // 2
    _FLIP_WORK = work
    try:
        with mp.get_context("fork").Pool(1, initializer=gc.disable) as pool:
            theirs = pool.map_async(_flip_chunk, [goods[:half]])
            mine = [_flip(work, g) for g in goods[half:]]
            return [*theirs.get()[0], *mine]
    finally:
        _FLIP_WORK = None


def _flip_chunk(goods: Sequence[str]) -> list[str | None]:
    assert _FLIP_WORK is not None
    return [_flip(_FLIP_WORK, g) for g in goods]


def _flip(work: tuple[Any, ...], good_id: str) -> str | None:
    head, rules, lines, day, method, lumped = work
    g = head[good_id]
    rule = rules[str(g["hs"])]
    if not isinstance(rule, Rule):
        return None
    det = qualify_case(compact_case(g, rule, lines.get(good_id, []), day), method=method)
    flip = det.cheapest_flip
    if flip is None or not flip.get("hs"):
        return None
    code = hs.compact(flip["hs"])  # the determination prints it formatted
    if len(lumped) > 1 and code == lumped[0]:
        code = LUMPED_LABEL.format(n=len(lumped), first=hs.format(code))
    return code


def _rule_or_error(book: RuleBook, code: str, day: dt.date) -> Rule | str:
    try:
        return book.rule(code, day)
    except TmecError as exc:
        return str(exc)


def _classify(pairs: Iterable[Mapping[str, Any]], rules: Mapping[str, Rule | str]) -> pa.Table:
    """Each (good code, material code) pair's outcome under every alternative: its class.

    A class also says whether the code is of the good's own subheading: criterion D
    asks it of every failing material (Art. 4.2(d)), so such codes never share a line
    with others.
    """
    rows = [
        {"good_hs": g, "mat_hs": m, "cls": material_class(g, m, rules)}
        for g, m in ((r["good_hs"], r["mat_hs"]) for r in pairs)
    ]
    schema = pa.schema([("good_hs", pa.string()), ("mat_hs", pa.string()), ("cls", pa.string())])
    return pa.Table.from_pylist(rows, schema=schema)


def _failing_codes(e: Engine, mats: DataFrame, classes: pa.Table) -> dict[str, set[str]]:
    """The material codes of a good that fail the tariff shift under every alternative with one."""
    failing = [r for r in classes.to_pylist() if fails_every(r["cls"])]
    if not failing:
        return {}
    table = pa.Table.from_pylist(failing, schema=classes.schema)
    found = mats.join(e.from_arrow(table, "pf_failing"), on=["good_hs", "mat_hs"]).select("good_id", "mat_hs")
    out: dict[str, set[str]] = defaultdict(set)
    for r in e.to_arrow(found.distinct()).to_pylist():
        out[r["good_id"]].add(r["mat_hs"] or "(no code)")
    return out


def _qualify_one(
    g: Mapping[str, Any],
    rule: Rule | str,
    classes: list[dict[str, Any]],
    day: dt.date,
    method: str | None,
    failing: Mapping[str, set[str]],
) -> GoodResult:
    blank = GoodResult(
        g["good_id"], g["hs"], None, None, None, None, None, g["vnm"] or ZERO, None, None, None, None, ()
    )
    if isinstance(rule, str):
        blank.error = rule
        return blank
    try:
        # The bulk result keeps the outcome, not the questions: _find_flips asks for those.
        det = qualify_case(compact_case(g, rule, classes, day), method=method, what_if=False)
    except InputError as exc:
        blank.error = str(exc)
        return blank
    tv, nc = det.rvc.get("transaction_value"), det.rvc.get("net_cost")
    best = _method(det)
    return GoodResult(
        good_id=g["good_id"],
        hs=g["hs"],
        originating=det.originating,
        criterion=det.criterion,
        method=best,
        rvc_tv=None if tv is None else tv.value,
        rvc_nc=None if nc is None else nc.value,
        vnm=det.vnm,
        net_cost=det.net_cost,
        adjusted_tv=det.adjusted_tv,
        total_cost=det.total_cost,
        tariff_shift_passed=det.tariff_shift.passed,
        failing_codes=tuple(sorted(failing.get(g["good_id"], ()))) if not det.originating else (),
        determination=det,
    )


def _method(det: Determination) -> str | None:
    tried = [(m, v) for m, v in det.rvc.items() if v is not None]
    if not tried:
        return None
    passed = [m for m, v in tried if v.passed]
    if passed:
        return passed[0]
    return max(tried, key=lambda mv: mv[1].value - mv[1].threshold)[0]


LUMPED_LABEL = "any of {n} codes that pass every tariff shift ({first}, ...)"
GOOD_COLUMNS = ("good_id", "hs", "transaction_value", *GOOD_AMOUNTS)
