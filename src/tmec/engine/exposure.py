"""Duty exposure: a year of entry lines priced with the law of each entry date, and totalled.

The law decides, the engine multiplies.  Which duties an entry line owes, at
which rate and on which base depends on its date, code, origin, claim, reported
melt/smelt countries and which content values it reports, never on the amounts
themselves.  So the engine groups the lines by that *pricing key* (dates by the
periods in which no table or parameter changes: an interval join), and the
single-entry path :func:`tmec.tariffs.price_entry` prices one probe entry per
key (:mod:`tmec.engine.pricing_keys`), whose amounts are chosen so that each duty
line's base tells which amount it is taken on: the value, a content value, or
what the Section 232 metals leave of the value (stacking step 7-8).  The engine
then prices every line with those rates and bases, rounding each duty as the
law's ``tariffs.duty_rounding_places`` says, and totals by measure, month,
chapter and origin.  The tests check every line against ``price_entry``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa

from tmec.core.errors import InputError
from tmec.engine.bom_tables import InputErrors
from tmec.engine.entry_tables import load_entries
from tmec.engine.pricing_keys import FACT, KEY, RATE, RELEVANT, RULES, origin_period_table
from tmec.engine.pricing_keys import templates as price_keys
from tmec.engine.session import DataFrame, Engine
from tmec.law import load_yaml
from tmec.tariffs import TariffTables, default_tables, parse_measures
from tmec.tariffs.impact import TradeFlow
from tmec.tariffs.measures import MeasureSet
from tmec.tariffs.stacking import BASES

__all__ = ["Exposure", "load_scenario", "price_exposure", "price_lines", "trade_flows"]

DUTY = (28, 4)
LINE_COLUMNS = (
    "src_line",
    "line",
    "entry_date",
    "program",
    "measure_id",
    "rate",
    "base",
    "duty",
)
GROUPS = {
    "measure": ("program", "measure_id", "measure"),
    "month": ("month",),
    "chapter": ("chapter",),
    "origin": ("origin",),
    "flow": ("chapter", "origin"),  # a trade flow: what the impact model takes (tmec.tariffs.impact.flows)
}


@dataclass
class Exposure:
    lines: int
    value: Decimal
    duty: Decimal
    by: dict[str, list[dict[str, Any]]]  # group name -> rows with their keys, duty and lines
    scenario: str | None = None
    basis: str = "liability"
    flow_values: dict[tuple[str, str], Decimal] = dataclasses.field(default_factory=dict)  # entry value
    # lines whose duty is not wholly counted (a specific rate without its quantity...), by question
    questions: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    law_as_of: dt.date | None = None  # the day through which the law priced with is verified
    warning: str | None = None  # set when some entry is later than that
    probed: int = 0  # pricing keys priced one by one by the single-entry path (the rest by joins)


def load_scenario(path: Path, base: TariffTables) -> tuple[str, TariffTables]:
    """A scenario file: measures in the ``measures.yaml`` form, put before the bundled ones.

    Its measures win within their program wherever they apply (e.g. "232 at 25 %
    on Mexico from 2026-01-01"); ``name`` labels the scenario.
    """
    data = load_yaml(path)
    if not isinstance(data, Mapping):
        raise InputError("expected a mapping with name, scopes and measures", source=str(path))
    for key, kind, name in (("scopes", Mapping, "a mapping"), ("measures", list, "a list")):
        if key in data and not isinstance(data[key], kind):
            raise InputError(f"expected {name}, found {data[key]!r}", source=str(path), field=key)
    extra = parse_measures(data, source=str(path))
    first = min((m.priority for m in base.measures), default=0)
    ordered = [dataclasses.replace(m, priority=first - 1000 + i) for i, m in enumerate(extra)]
    name = str(data.get("name") or path.stem)
    return name, dataclasses.replace(base, measures=MeasureSet([*ordered, *base.measures]))


def price_lines(
    e: Engine, entries: DataFrame, tables: TariffTables, basis: str = "liability"
) -> tuple[DataFrame, DataFrame, DataFrame | None, dt.date | None]:
    """Every duty line of every entry line (entry columns, ``key_id``, ``seq``, rate, base, duty),
    the templates (``key_id``, ``seq``, program, measure, ...) they were priced with, the
    questions that leave part of some lines' duty uncounted, by key (None when there are none),
    and the last entry date.

    ``basis`` is :func:`tmec.tariffs.price_entry`'s: the legal liability, or the duty deposited at
    entry (its stacking order is a dated parameter, so its dates are among the periods).
    """
    fn = e.F
    # The distinct facts of the lines (``fact``: a hash of them, made when the file was loaded) are
    # few; they are dated and keyed on their own, and the lines find their key by one integer.
    facts = e.materialize(
        entries.groupBy("fact", "entry_date", *FACT).agg(fn.count(fn.lit(1)).alias("n")), "xp_facts"
    )
    if e.count(facts) != e.count(facts.select("fact").distinct()):
        raise InputError("two different entry facts share a hash; load the file again with another seed")
    seen = e.to_arrow(facts.groupBy("hts", "origin").agg(fn.max("entry_date").alias("last"))).to_pylist()
    pairs = sorted((str(r["hts"]), str(r["origin"])) for r in seen)
    last = max((r["last"] for r in seen), default=None)
    # each code's periods for each origin: a measure for one origin splits no other's
    periods = e.from_arrow(origin_period_table(tables, pairs), "xp_periods")
    dated = facts.join(
        periods,
        (facts.hts == periods.p_hts)
        & (facts.origin == periods.p_origin)
        & (facts.entry_date >= periods.p_start)
        & (facts.entry_date < periods.p_end),
    ).withColumnRenamed("p_start", "period")
    blanks = {"melted_poured": "string", "smelted_cast": "string", "light_metal": "int"}

    def kept(f: str) -> Any:  # a fact nothing turns on is left out of the key (one select: plans copy)
        if f not in RELEVANT:
            return fn.col(f)
        blank = fn.lit(None).cast(blanks[f]) if f in blanks else fn.lit(False)
        return fn.when(fn.col(f"rel_{f}"), fn.col(f)).otherwise(blank).alias(f)

    # A key's id is a 64-bit hash of its columns, made beside each fact: the facts find their key
    # without a join on thirteen columns (collisions are checked on the keys, a few thousand).
    def unnull(f: str) -> Any:  # Spark's xxhash64 skips NULLs: a blank must hash as a value
        if f == "light_metal":
            return fn.coalesce(fn.col(f), fn.lit(-1))
        if f in blanks or f == "spi":
            return fn.coalesce(fn.col(f), fn.lit("\u0000"))
        return fn.col(f)

    hashed = (
        fn.xxhash64(*(unnull(c) for c in KEY))
        if e.name == "spark"
        else (fn.hash(*(unnull(c) for c in KEY)) % fn.lit(2**63 - 25)).cast("bigint")
    )
    dated = dated.select("fact", *(kept(c) for c in KEY)).withColumn("key_id", hashed)
    fact_keys = e.materialize(dated, "xp_fact_keys")
    keys = e.to_arrow(fact_keys.select(*KEY, "key_id").distinct()).to_pylist()
    if len({k["key_id"] for k in keys}) != len(keys):
        raise InputError("two different pricing keys share a hash; load the file again")
    tmpl, bad, questions = price_keys(keys, tables, basis)
    key_schema = pa.schema(
        [
            ("period", pa.date32()),
            ("hts", pa.string()),
            ("origin", pa.string()),
            ("usmca", pa.bool_()),
            ("melted_poured", pa.string()),
            ("smelted_cast", pa.string()),
            ("has_steel", pa.bool_()),
            ("has_alu", pa.bool_()),
            ("has_copper", pa.bool_()),
            ("has_nonus", pa.bool_()),
            ("has_qty", pa.bool_()),
            ("has_kg", pa.bool_()),
            ("spi", pa.string()),
            ("light_metal", pa.int32()),
            ("key_id", pa.int64()),
        ]
    )
    e.from_arrow(pa.Table.from_pylist(keys, schema=key_schema), "xp_keys")
    keyed = entries.join(fact_keys.select("fact", "key_id"), on="fact")
    if bad:
        _report_bad(e, keyed, bad)
    asked = _question_keys(e, questions)
    duty_t = e.decimal(*DUTY)
    # A base is an amount of the line, or the value less one: never above the value (the load
    # checks each amount, and steel plus aluminum, against it), so it is computed in the lines'
    # own type (64-bit decimals), then widened.
    amount_t = e.decimal(18, 4)
    value = fn.col("value")
    zero = e.lit(0, amount_t)

    def amount(c: str) -> Any:
        return fn.coalesce(fn.col(c), zero)

    # a metal line at the full value (mb_full) takes it all; else the metal values it is on
    metal = (
        fn.when(fn.col("mb_steel"), amount("steel_value")).otherwise(zero)
        + fn.when(fn.col("mb_alu"), amount("aluminum_value")).otherwise(zero)
        + fn.when(fn.col("mb_copper"), amount("copper_value")).otherwise(zero)
    ).cast(amount_t)
    metal_base = fn.when(fn.col("mb_full") > 0, value).otherwise(fn.least(value, metal))
    rule = fn.col("rule_id")
    base = (
        fn.when(rule == RULES.index("value"), value)
        .when(rule == RULES.index("steel_value"), amount("steel_value"))
        .when(rule == RULES.index("aluminum_value"), amount("aluminum_value"))
        .when(rule == RULES.index("copper_value"), amount("copper_value"))
        .when(rule == RULES.index("non_us_content"), amount("non_us_content"))
        .when(rule == RULES.index("quantity"), amount("quantity"))
        .when(rule == RULES.index("weight_kg"), amount("weight_kg"))
        .when(rule == RULES.index("us_content"), (value - amount("non_us_content")).cast(amount_t))
        .otherwise((value - metal_base).cast(amount_t))
    ).cast(duty_t)
    templates = e.from_arrow(tmpl, "xp_templates")
    lines = (
        keyed.join(
            templates.select(
                "key_id",
                "seq",
                "program",
                "measure_id",
                "rate",
                "rule_id",
                "places",
                "mb_full",
                "mb_steel",
                "mb_alu",
                "mb_copper",
            ),
            on="key_id",
        )
        .withColumn("base", base)
        .where((rule < RULES.index("us_content")) | (fn.col("base") > e.lit(0, duty_t)))
    )
    raw = (fn.col("rate").cast(e.decimal(*RATE)) * fn.col("base") * e.lit("0.01", e.decimal(3, 2))).cast(
        e.decimal(38, 12)
    )
    # Half up per line, at the places of the law in force (the only places in the tables are 2).
    places = sorted({int(p) for p in tmpl.column("places").to_pylist()}) or [2]
    duty = fn.round(raw, places[0]).cast(duty_t)
    for p in places[1:]:
        duty = fn.when(fn.col("places") == p, fn.round(raw, p).cast(duty_t)).otherwise(duty)
    lines = lines.withColumn("duty", duty).select(
        "src_line", "line", "entry_date", "key_id", "seq", "program", "measure_id", "rate", "base", "duty"
    )
    return lines, templates, asked, last


def _question_keys(e: Engine, questions: list[tuple[int, str]]) -> DataFrame | None:
    """The questions of the keys (``key_id``, ``question``), or None when no key asks any."""
    if not questions:
        return None
    table = pa.table(
        {"key_id": pa.array([k for k, _ in questions], pa.int64()), "question": [q for _, q in questions]}
    )
    return e.from_arrow(table, "xp_questions")


def _questions(e: Engine, firsts: DataFrame, asked: DataFrame | None) -> list[dict[str, Any]]:
    """How many entry lines (and how much value) each question leaves partly unpriced, from the
    sums of the keys' first duty lines (``firsts``: one per entry line, on its whole value)."""
    if asked is None:
        return []
    fn = e.F
    by = firsts.join(asked, on="key_id").groupBy("question")
    rows = e.to_arrow(
        by.agg(fn.sum("duty_lines").alias("lines"), fn.sum("base").alias("value")).orderBy("question")
    ).to_pylist()
    return [{"question": r["question"], "lines": int(r["lines"]), "value": Decimal(r["value"])} for r in rows]


def _report_bad(e: Engine, keyed: DataFrame, bad: list[tuple[int, str]]) -> None:
    table = pa.table({"key_id": [k for k, _ in bad], "msg": [m for _, m in bad]})
    rows = e.to_arrow(
        keyed.join(e.from_arrow(table, "xp_bad"), on="key_id").select("src_line", "msg").orderBy("src_line")
    ).to_pylist()
    problems: list[tuple[str, int | None, str]] = [
        ("entries", int(r["src_line"]), str(r["msg"])) for r in rows[:20]
    ]
    raise InputErrors(problems, len(rows))


def price_exposure(
    e: Engine,
    path: Path,
    *,
    tables: TariffTables | None = None,
    lines_out: Path | None = None,
    basis: str = "liability",
    locale: str | None = None,
) -> Exposure:
    """Price every line of the entry file ``path`` (amounts written as ``locale`` writes them) and
    total it by measure, month, chapter, origin and flow (chapter x origin, with the flow's entry
    value in ``flow_values``).

    The duty lines are summed once by key, duty line and day (a small table);
    the breakdowns are sums of that.  ``basis`` is ``price_entry``'s.
    """
    from tmec.engine.output import write_table

    if basis not in BASES:
        raise InputError(f"expected one of {', '.join(BASES)}, found {basis!r}", field="basis")
    t = tables if tables is not None else default_tables()
    n = load_entries(e.conn, path, locale=locale)
    entries = e.table_from_duckdb("entries")
    try:
        lines, templates, asked_keys, last_day = price_lines(e, entries, t, basis)
    except InputErrors as exc:
        raise InputErrors([(str(path), li, m) for _, li, m in exc.problems], exc.total) from None
    fn = e.F
    # By month, not by day: every breakdown and total is a sum of these (the last entry date comes
    # from the lines' facts), so no other pass over the lines is made.
    monthly = e.materialize(
        lines.withColumn("first_day", fn.trunc(fn.col("entry_date"), "month"))
        .groupBy("key_id", "seq", "first_day")
        .agg(
            fn.sum("duty").alias("duty"),
            fn.count(fn.lit(1)).alias("duty_lines"),
            fn.sum("base").alias("base"),
        ),
        "xp_monthly",
    )
    keys = e.table_from_duckdb("xp_keys")
    detail = (
        monthly.join(
            templates.select("key_id", "seq", "program", "measure_id", "measure"), on=["key_id", "seq"]
        )
        .join(keys.select("key_id", "hts", "origin"), on="key_id")
        .withColumn("month", fn.date_format(fn.col("first_day"), "yyyy-MM"))
        .withColumn("chapter", fn.substring(fn.col("hts"), 1, 2))
    )
    detail = e.materialize(detail, "xp_detail")
    # every priced entry line has exactly one duty line 0, its ordinary duty on the whole value
    firsts = detail.where(fn.col("seq") == 0)
    asked = _questions(e, firsts, asked_keys)
    by: dict[str, list[dict[str, Any]]] = {}
    for name, cols in GROUPS.items():
        # Entry lines: a measure applies at most once to an entry line; in the other breakdowns every
        # priced entry line has exactly one duty line 0 (its ordinary duty).
        first = (
            fn.col("duty_lines")
            if "measure_id" in cols
            else fn.when(fn.col("seq") == 0, fn.col("duty_lines"))
        )
        agg = detail.groupBy(*cols).agg(
            fn.sum("duty").alias("duty"),
            fn.sum("duty_lines").alias("duty_lines"),
            fn.coalesce(fn.sum(first), fn.lit(0)).alias("entry_lines"),
            fn.sum("base").alias("base"),
        )
        by[name] = e.to_arrow(agg.orderBy(*cols)).to_pylist()
    flow_values = {
        (str(r["chapter"]), str(r["origin"])): Decimal(r["value"])
        for r in e.to_arrow(
            firsts.groupBy("chapter", "origin").agg(fn.sum("base").alias("value"))
        ).to_pylist()
    }
    total_value = sum(flow_values.values(), Decimal(0))

    duty_total = sum((Decimal(r["duty"]) for r in by["measure"]), Decimal(0))
    if lines_out is not None:
        table = e.to_arrow(lines.select(*LINE_COLUMNS))
        order = [("src_line", "ascending"), ("program", "ascending"), ("measure_id", "ascending")]
        write_table(table.sort_by(order), lines_out)
    return Exposure(
        n,
        total_value,
        duty_total,
        by,
        basis=basis,
        flow_values=flow_values,
        questions=asked,
        law_as_of=t.law_as_of,
        warning=t.staleness(last_day) if last_day is not None else None,
        probed=e.count(keys),
    )


def trade_flows(base: Exposure, alt: Exposure) -> list[TradeFlow]:
    """The flows (HS chapter x origin) of one entry file priced twice: value, duty now and under
    the scenario — the aggregates :func:`tmec.tariffs.impact.flows_impact` takes."""

    def duty(x: Exposure) -> dict[tuple[str, str], Decimal]:
        return {(str(r["chapter"]), str(r["origin"])): Decimal(r["duty"]) for r in x.by["flow"]}

    before, after = duty(base), duty(alt)
    return [
        TradeFlow(key, value, before.get(key, Decimal(0)), after.get(key, Decimal(0)))
        for key, value in sorted(base.flow_values.items())
    ]
