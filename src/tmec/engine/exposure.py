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

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tmec.core.errors import InputError
from tmec.engine.bom_tables import InputErrors
from tmec.engine.duty_slots import detail_sql, number_slots
from tmec.engine.entry_tables import CLEAN, EntrySource, open_entries, reading, text_problems
from tmec.engine.line_passes import PRESENT, Passes, rate_units_sql, rule_code_sql
from tmec.engine.pricing_cache import KeyCache, cache_for, cached_table
from tmec.engine.pricing_keys import KEY, RULES, SCHEMA
from tmec.engine.pricing_keys import least_share as minimum_share
from tmec.engine.pricing_keys import templates as price_keys
from tmec.engine.pricing_periods import RELEVANT, origin_period_table, period_table
from tmec.engine.session import Engine
from tmec.law import load_yaml
from tmec.tariffs import TariffTables, default_tables, parse_measures
from tmec.tariffs.impact import TradeFlow
from tmec.tariffs.measures import MeasureSet
from tmec.tariffs.stacking import BASES

__all__ = ["Exposure", "load_scenario", "price_exposure", "trade_flows"]

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
    # lines whose duty is not wholly counted (a specific rate without its quantity...) or is an upper
    # bound (note 16(j) without the U.S. parts), by question
    questions: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    law_as_of: dt.date | None = None  # the day through which the law priced with is verified
    warning: str | None = None  # set when some entry is later than that
    probed: int = 0  # pricing keys priced one by one by the single-entry path (the rest by joins)
    cached: int = 0  # of which priced by an earlier run on the same law (pricing_cache)


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


# Beyond this many (code, day) pairs in the codes' spans, the pairs are read from the lines.
SPAN_LIMIT = 2_000_000
# the key's facts, from the facts' own columns (has_* flags: which amounts the line reports)
HAS = dict(
    zip(
        PRESENT,
        ("has_steel", "has_alu", "has_copper", "has_nonus", "has_qty", "has_kg", "has_usparts"),
        strict=True,
    )
)


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

    The lines are read four times where they lie and never copied: their codes and days, their
    facts (what their keys are made of), their duties summed by class of key and month, and (with
    ``lines_out``) every duty line.  Each pass also counts what is wrong with the lines it reads;
    the lines are named only when something is.  ``basis`` is ``price_entry``'s.
    """
    if basis not in BASES:
        raise InputError(f"expected one of {', '.join(BASES)}, found {basis!r}", field="basis")
    t = tables if tables is not None else default_tables()
    source = open_entries(e.conn, path, "entries", locale=locale)
    try:
        # The passes' results are small tables read in an order of their own (ORDER BY, ranks), so
        # DuckDB need not keep the lines' order (10 M lines: 9.5 s rather than 10.0-10.7 s).
        with reading(path, "pricing the entry lines"), _insertion_order(e.conn, False):
            return _price(e, source, t, basis, lines_out)
    finally:
        source.close(e.conn)


def _local(e: Engine, sql: str) -> pa.Table:
    return e.conn.sql(sql).to_arrow_table()


def _store(conn: Any, name: str, table: pa.Table) -> None:
    """A small table on the local DuckDB (the results of the passes, the keys, the classes)."""
    conn.register(f"__{name}", table)
    conn.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "__{name}"')
    conn.unregister(f"__{name}")


def _price(e: Engine, source: EntrySource, t: TariffTables, basis: str, lines_out: Path | None) -> Exposure:
    conn = e.conn
    p = Passes(e, source.view, source.amount, minimum_share(t))
    # 1. the codes and their days: the periods of each code, and the period of each (code, day)
    _store(conn, "xp_texts", p.texts())
    conn.execute(
        "CREATE OR REPLACE TABLE xp_codes AS SELECT hts_text, min(lo) AS lo, max(hi) AS hi, sum(n) AS n, "
        "sum(dated) AS dated FROM xp_texts GROUP BY hts_text"
    )
    first = source.first_day
    n, undated, early, span = conn.execute(
        f"SELECT sum(n), sum(n - dated), count_if(lo < DATE '{first}'), sum(hi - lo + 1) FROM xp_codes"
    ).fetchall()[0]
    # every text of every line is in xp_texts: checked there once per distinct set of them
    if undated or early or text_problems(conn, "xp_texts"):
        raise source.problems(conn)
    clean_hts = CLEAN["hts_text"]("hts_text")
    conn.execute(f"CREATE OR REPLACE TABLE xp_codes AS SELECT *, {clean_hts} AS hts FROM xp_codes")
    last = conn.execute("SELECT max(hi) FROM xp_codes").fetchall()[0][0]
    cache = cache_for(t, basis)
    cached_table(
        conn,
        cache,
        "periods",
        "SELECT DISTINCT hts AS p_hts FROM xp_codes",
        lambda wanted: period_table(t, sorted(str(c) for c in wanted.column("p_hts").to_pylist())),
        "xp_periods",
    )
    if (span or 0) <= SPAN_LIMIT:
        pairs = (
            "SELECT hts_text, hts, CAST(unnest(generate_series(CAST(lo AS TIMESTAMP), CAST(hi AS TIMESTAMP), "
            "INTERVAL 1 DAY)) AS DATE) AS entry_date FROM xp_codes"
        )
    else:
        _store(conn, "xp_pairs", p.days())
        pairs = "SELECT d.hts_text, c.hts, d.entry_date FROM xp_pairs d JOIN xp_codes c USING (hts_text)"
    days = _local(
        e,
        "SELECT d.hts_text, d.entry_date, p.p_start AS period, "
        f"year(d.entry_date) * 100 + month(d.entry_date) AS month FROM ({pairs}) d JOIN xp_periods p "
        "ON p.p_hts = d.hts AND d.entry_date >= p.p_start AND d.entry_date < p.p_end",
    )
    p.put("xp_days", days)
    # 2. the facts of the lines, by hash; their texts checked once each; the keys they make
    facts = p.facts()
    _store(conn, "xp_facts", facts)
    if sum(facts.column("n").to_pylist()) != n:
        raise source.problems(conn)  # a line without its day's period: never, as the days are all there
    # the texts of each fact as the key reads them (read once per distinct set of texts)
    read = ", ".join(f"{CLEAN[text](text)} AS {key}" for key, text in READ_TEXTS.items())
    conn.execute(
        "CREATE OR REPLACE TABLE xp_facts AS SELECT f.* EXCLUDE (th), t.* EXCLUDE (th) FROM xp_facts f "
        f"JOIN (SELECT th, {read} FROM xp_texts) t USING (th)"
    )
    texts_shared = "SELECT count(*) - count(DISTINCT th) FROM xp_texts"
    if (
        conn.execute(texts_shared).fetchall()[0][0]
        or conn.execute("SELECT count(*) - count(DISTINCT fph) FROM xp_facts").fetchall()[0][0]
    ):
        raise InputError(
            "two different entry facts share a hash; price the file again", source=str(source.path)
        )
    _keys(e, t, cache)
    keys, cached = _templates(e, p, source, t, basis, cache)
    # 3. the classes of keys (the same duty lines, chapter, origin and questions), per fact; the
    # distinct duty lines that owe something numbered in slots, by part of a class (duty_slots)
    _classes(conn)
    places = sorted(int(r[0]) for r in conn.execute("SELECT DISTINCT places FROM xp_templates").fetchall())
    slots = number_slots(conn)
    metals = ("c.mb_full", "c.mb_steel", "c.mb_alu", "c.mb_copper")  # of the class's keys (all alike)
    wide = ", ".join(
        f"k.rate_{i}, {rule_code_sql(f'k.rule_{i}', *metals)} AS rule_{i}, k.places_{i}, "
        f"{rate_units_sql(f'k.rate_{i}', f'k.places_{i}', places)} AS r_{i}"
        for i in range(slots)
    )
    # the rates read out of each part's slots once per part, not once per fact
    by_fact = _local(
        e,
        f"SELECT f.fph, k.part_id, {wide} FROM xp_fact_keys f JOIN xp_classes c USING (key_id) "
        "JOIN xp_parts k USING (class_id)",
    )
    p.put("xp_wide", by_fact)
    # 4. every line priced, summed by part and month (and its amounts checked); ``rules``: the rule
    # codes each slot has in some part: only those bases are worked out per line
    rules = [_codes(by_fact, f"rule_{i}") for i in range(slots)]
    mixed = [r != [RULES.index("value")] for r in rules]
    sums = p.priced(slots, places, rules)
    _store(conn, "xp_sums", sums)
    if conn.execute("SELECT sum(bad) FROM xp_sums").fetchall()[0][0]:
        raise source.problems(conn)
    x = _totals(conn, mixed, int(n), t, last)
    x.probed, x.cached = keys, cached
    x.basis = basis
    if lines_out is not None:
        with _insertion_order(conn, True):  # the duty lines are written in the order of the file
            _write_lines(e, p, lines_out, places)
    return x


@contextlib.contextmanager
def _insertion_order(conn: Any, preserve: bool) -> Iterator[None]:
    """DuckDB's ``preserve_insertion_order`` for a while, then as it was."""
    before = conn.execute("SELECT current_setting('preserve_insertion_order')").fetchall()[0][0]
    conn.execute(f"SET preserve_insertion_order = {str(preserve).lower()}")
    try:
        yield
    finally:
        conn.execute(f"SET preserve_insertion_order = {str(before).lower()}")


# A key's texts (KEY columns) and the texts of the lines (entry_tables.TEXTS) they are read from.
READ_TEXTS = {
    "hts": "hts_text",
    "origin": "origin_text",
    "usmca": "usmca_text",
    "melted_poured": "melted_text",
    "smelted_cast": "smelted_text",
    "spi": "program_text",
    "metals_relief": "relief_text",
}
KEY_HASH_MODULUS = 2**63 - 25  # a key id is its columns' hash modulo this (a BIGINT)


def _keys(e: Engine, t: TariffTables, cache: KeyCache | None) -> None:
    """The pricing keys of the facts (``xp_keys``; ``xp_fact_keys``: fact -> key), numbered; a fact
    nothing turns on for its code and origin is left out of its key (so that lines differing only
    in it share one).

    A line's day was dated by its code's periods (``xp_periods``: cut by every measure covering the
    code, for any origin); its key takes the period of its code *and origin*
    (:func:`~tmec.engine.pricing_periods.origin_period_table`: cut only by the measures for that
    origin), which holds the code's period whole, so a measure for one country splits no other's keys.
    """
    read = {
        "period": "p.p_start",
        **{k: f"f.{k}" for k in READ_TEXTS},
        "light_metal": "f.light_metal",
        **{has: f"f.has_{c}" for c, has in HAS.items()},
    }

    def kept(k: str) -> str:
        if k not in RELEVANT:
            return f"{read[k]} AS {k}"
        blank = "NULL" if k in ("melted_poured", "smelted_cast", "light_metal", "metals_relief") else "false"
        return f"CASE WHEN p.rel_{k} THEN {read[k]} ELSE {blank} END AS {k}"

    wanted = f"SELECT DISTINCT {read['hts']} AS p_hts, {read['origin']} AS p_origin FROM xp_facts f"

    def make(w: pa.Table) -> pa.Table:
        pairs = zip(w.column("p_hts").to_pylist(), w.column("p_origin").to_pylist(), strict=True)
        return origin_period_table(t, sorted((str(h), str(o)) for h, o in pairs))

    cached_table(e.conn, cache, "origin_periods", wanted, make, "xp_origin_periods")
    # A key's id is a 64-bit hash of its columns (numbering them in order sorts every fact: 0.6 s
    # at 10 M lines); should two keys share one, they are numbered in order instead.
    hashed = f"CAST(hash({', '.join(KEY)}) % {KEY_HASH_MODULUS} AS BIGINT)"
    ranked = f"dense_rank() OVER (ORDER BY {', '.join(f'{k} NULLS FIRST' for k in KEY)})"
    for key_id in (hashed, ranked):
        e.conn.execute(
            f"""CREATE OR REPLACE TABLE xp_fact_keys AS SELECT *, {key_id} AS key_id
            FROM (SELECT f.fph, {", ".join(kept(k) for k in KEY)} FROM xp_facts f
                  JOIN xp_origin_periods p ON p.p_hts = {read["hts"]} AND p.p_origin = {read["origin"]}
                    AND f.period >= p.p_start AND f.period < p.p_end) k"""
        )
        e.conn.execute(
            f"CREATE OR REPLACE TABLE xp_keys AS SELECT DISTINCT {', '.join(KEY)}, key_id FROM xp_fact_keys"
        )
        if not e.conn.execute("SELECT count(*) - count(DISTINCT key_id) FROM xp_keys").fetchall()[0][0]:
            break


# The SQL types of the template columns (pricing_keys.SCHEMA), for an empty table of them.
TYPES = {
    "key_id": "BIGINT",
    "seq": "INTEGER",
    "program": "VARCHAR",
    "measure_id": "VARCHAR",
    "measure": "VARCHAR",
    "rate": "DECIMAL(12,6)",
    "rule": "VARCHAR",
    "rule_id": "TINYINT",
    "places": "INTEGER",
    "mb_full": "INTEGER",
    "mb_steel": "BOOLEAN",
    "mb_alu": "BOOLEAN",
    "mb_copper": "BOOLEAN",
}


def _templates(
    e: Engine, p: Passes, source: EntrySource, t: TariffTables, basis: str, cache: KeyCache | None
) -> tuple[int, int]:
    """``xp_key_rows`` (and its view ``xp_templates``) of every key (``xp_keys``): those an earlier run on the
    same law priced from the cache, the others priced now (and kept); the keys, and how many were
    cached.  A key the single-entry path refuses names its lines."""
    conn = e.conn
    cached = cache.take(conn, "templates", "xp_keys", KEY, "xp_cached") if cache else 0
    if not cache:
        conn.execute("CREATE OR REPLACE TABLE xp_cached AS SELECT key_id FROM xp_keys WHERE false")
    missing: list[dict[str, Any]] = _local(
        e, "SELECT * FROM xp_keys ANTI JOIN xp_cached USING (key_id) ORDER BY key_id"
    ).to_pylist()
    if missing:
        tmpl, bad, questions = price_keys(missing, t, basis)
        if bad:
            _report_bad(e, p, source, bad)
        _store(conn, "xp_new_templates", tmpl)
        asked = {
            "key_id": pa.array([k for k, _ in questions], pa.int64()),
            "question": pa.array([q for _, q in questions], pa.string()),
        }
        _store(conn, "xp_new_questions", pa.table(asked))
    else:  # (made in SQL: pyarrow's arrays from Python lists import pandas, 0.3 s)
        columns = ", ".join(f"CAST(NULL AS {TYPES[f.name]}) AS {f.name}" for f in SCHEMA)
        conn.execute(f"CREATE OR REPLACE TABLE xp_new_templates AS SELECT {columns} WHERE false")
        conn.execute(
            "CREATE OR REPLACE TABLE xp_new_questions AS "
            "SELECT CAST(NULL AS BIGINT) AS key_id, CAST(NULL AS VARCHAR) AS question WHERE false"
        )
    # every key's duty lines (in order) and questions as the cache keeps them (``xp_key_rows``):
    # the cached keys' as they are read, not unnested and listed again
    fields = ", ".join(f"'{f}': {f}" for f in SCHEMA.names[1:])
    conn.execute(
        f"""CREATE OR REPLACE TABLE xp_new_rows AS
        SELECT t.key_id, t.rows, coalesce(q.questions, CAST([] AS VARCHAR[])) AS questions
        FROM (SELECT key_id, list({{{fields}}} ORDER BY seq) AS rows FROM xp_new_templates GROUP BY key_id) t
        LEFT JOIN (SELECT key_id, list(question ORDER BY question) AS questions FROM xp_new_questions
                   GROUP BY key_id) q USING (key_id)"""
    )
    if cache and missing:
        cache.add(
            conn,
            "templates",
            f"SELECT {', '.join(f'k.{c}' for c in KEY)}, r.rows, r.questions FROM xp_keys k "
            "JOIN xp_new_rows r USING (key_id)",
        )
    conn.execute(
        "CREATE OR REPLACE TABLE xp_key_rows AS SELECT key_id, rows, questions FROM xp_new_rows"
        + (" UNION ALL BY NAME SELECT key_id, rows, questions FROM xp_cached" if cached else "")
    )
    conn.execute(
        "CREATE OR REPLACE VIEW xp_templates AS "
        "SELECT key_id, unnest(r) FROM (SELECT key_id, unnest(rows) AS r FROM xp_key_rows)"
    )
    total = int(conn.execute("SELECT count(*) FROM xp_keys").fetchall()[0][0])
    return total, cached


def _classes(conn: Any) -> None:
    """``xp_classes``: the keys (``key_id``) with their class (the same duty lines, metals, chapter,
    origin and questions: the lines of a class are summed together), and ``xp_class`` per class."""
    seq = ", ".join(
        f"'{f}': r.{f}" for f in ("program", "measure_id", "measure", "rate", "rule_id", "places")
    )

    def each(f: str) -> str:
        return f"list_transform(k.rows, lambda r: r.{f})"

    conn.execute(
        f"""CREATE OR REPLACE TABLE xp_key_lines AS
        SELECT k.key_id, left(x.hts, 2) AS chapter, x.origin,
               list_transform(k.rows, lambda r: {{{seq}}}) AS seqs,
               list_max({each("mb_full")}) AS mb_full, list_bool_or({each("mb_steel")}) AS mb_steel,
               list_bool_or({each("mb_alu")}) AS mb_alu, list_bool_or({each("mb_copper")}) AS mb_copper,
               k.questions AS qs
        FROM xp_keys x JOIN xp_key_rows k USING (key_id)"""
    )
    conn.execute(
        """CREATE OR REPLACE TABLE xp_classes AS SELECT *, dense_rank() OVER
        (ORDER BY chapter, origin, seqs, mb_full, mb_steel, mb_alu, mb_copper, qs) AS class_id
        FROM xp_key_lines"""
    )
    conn.execute(
        "CREATE OR REPLACE TABLE xp_class AS "
        "SELECT DISTINCT class_id, chapter, origin, seqs, qs FROM xp_classes"
    )


def _report_bad(e: Engine, p: Passes, source: EntrySource, bad: list[tuple[int, str]]) -> None:
    """The lines of the keys the single-entry path refuses, named with its reason."""
    _store(e.conn, "xp_bad_keys", pa.table({"key_id": [k for k, _ in bad], "msg": [m for _, m in bad]}))
    p.put("xp_bad", _local(e, "SELECT f.fph, b.msg FROM xp_fact_keys f JOIN xp_bad_keys b USING (key_id)"))
    lines = f"SELECT l.src_line, b.msg FROM ({p.lines_of('xp_bad')}) l JOIN xp_bad b ON l.fph = b.fph"
    total = int(p.get(f"SELECT count(*) AS n FROM ({lines}) c").column("n")[0].as_py())
    rows = p.get(f"SELECT * FROM ({lines}) c ORDER BY src_line, msg LIMIT 20").to_pylist()
    problems: list[tuple[str, int | None, str]] = [
        (str(source.path), int(r["src_line"]), str(r["msg"])) for r in rows
    ]
    raise InputErrors(problems, total)


def _totals(conn: Any, mixed: list[bool], n: int, t: TariffTables, last: dt.date | None) -> Exposure:
    """The breakdowns, flows and questions: sums of the parts' monthly sums (``xp_sums``), by duty
    line of each class (:func:`tmec.engine.duty_slots.detail_sql`)."""
    conn.execute(
        "CREATE OR REPLACE TABLE xp_detail AS SELECT * EXCLUDE (month), "
        "printf('%04d-%02d', month // 100, month % 100) AS month FROM (" + detail_sql(mixed) + ") u"
    )
    by: dict[str, list[dict[str, Any]]] = {}
    for name, cols in GROUPS.items():
        # Entry lines: a measure applies at most once to an entry line; in the other breakdowns every
        # priced entry line has exactly one duty line 0 (its ordinary duty, on its whole value).
        first = "duty_lines" if "measure_id" in cols else "CASE WHEN seq = 0 THEN duty_lines END"
        keys = ", ".join(cols)
        by[name] = (
            conn.sql(
                f"SELECT {keys}, CAST(sum(duty) AS DECIMAL(38,4)) AS duty, sum(duty_lines) AS duty_lines, "
                f"coalesce(sum({first}), 0) AS entry_lines, CAST(sum(base) AS DECIMAL(38,4)) AS base "
                f"FROM xp_detail GROUP BY {keys} ORDER BY {keys}"
            )
            .to_arrow_table()
            .to_pylist()
        )
    flow_values = {
        (str(r[0]), str(r[1])): Decimal(r[2])
        for r in conn.execute(
            "SELECT chapter, origin, CAST(sum(base) AS DECIMAL(38,4)) FROM xp_detail WHERE seq = 0 "
            "GROUP BY chapter, origin"
        ).fetchall()
    }
    asked = [
        {"question": str(q), "lines": int(lines), "value": Decimal(value)}
        for q, lines, value in conn.execute(
            "SELECT q, sum(duty_lines), CAST(sum(base) AS DECIMAL(38,4)) FROM (SELECT unnest(c.qs) AS q, "
            "d.duty_lines, d.base FROM xp_detail d JOIN xp_class c USING (class_id) WHERE d.seq = 0) a "
            "GROUP BY q ORDER BY q"
        ).fetchall()
    ]
    return Exposure(
        n,
        sum(flow_values.values(), Decimal(0)),
        sum((Decimal(r["duty"]) for r in by["measure"]), Decimal(0)),
        by,
        flow_values=flow_values,
        questions=asked,
        law_as_of=t.law_as_of,
        warning=t.staleness(last) if last is not None else None,
    )


def _write_lines(e: Engine, p: Passes, path: Path, places: list[int]) -> None:
    """Every duty line of every entry line, in line order (``--lines``)."""
    from tmec.engine.output import write_table

    code = rule_code_sql("t.rule_id", "t.mb_full", "t.mb_steel", "t.mb_alu", "t.mb_copper")
    long = _local(
        e,
        f"SELECT f.fph, t.seq, t.program, t.measure_id, t.rate, {code} AS rule_0, t.places AS places_0 "
        "FROM xp_fact_keys f JOIN xp_templates t USING (key_id)",
    )
    p.put("xp_long", long)
    write_table(p.get(p.duty_lines(places, _codes(long, "rule_0"))), path)


def _codes(table: pa.Table, column: str) -> list[int]:
    """The distinct rule codes of a column of a small table."""
    return sorted(int(c) for c in pc.unique(table.column(column)).to_pylist() if c is not None)


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
