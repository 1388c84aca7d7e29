"""The passes over the entry lines that the exposure makes, on DuckDB or on Spark, in one SQL.

The lines are never copied: each pass streams the source (:mod:`tmec.engine.entry_tables`) and
leaves a small table.  The small tables are made and read on DuckDB (:attr:`Engine.conn`) whatever
the engine; the engine sees them as tables (DuckDB) or temporary views (Spark).  The SQL here is
written in the part of SQL both engines read alike; where they differ (the 64-bit hash of a row)
:class:`Passes` says it for its engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import duckdb
import pyarrow as pa

from tmec.engine.pricing_keys import RULES
from tmec.engine.session import Engine

__all__ = ["BASES_SQL", "Passes", "duty_units_sql", "lean_duty_sql", "rate_units_sql", "rule_code_sql"]

# A line's facts besides its code and date (what its key is made of, with its code's period).
FACT_TEXTS = ("origin_text", "usmca_text", "program_text", "melted_text", "smelted_text", "relief_text")
PRESENT = (
    "steel_value",
    "aluminum_value",
    "copper_value",
    "non_us_content",
    "quantity",
    "weight_kg",
    "us_parts_value",
)

# How a duty line's base follows from the line's amounts, by rule (pricing_keys.RULES): the two
# differences are NULL where they are not above 0 (the line has no such duty line).
BASES_SQL = {
    "value": "value",
    **{a: f"coalesce({a}, 0)" for a in ("steel_value", "aluminum_value", "copper_value", "non_us_content")},
    "quantity": "coalesce(quantity, 0)",
    "weight_kg": "coalesce(weight_kg, 0)",
    "us_content": "us_content",
    "non_us_parts": "non_us_parts",
    "us_parts": "us_parts",
}
# A rule and, for the remainder, the metals it leaves out, in one number (rule_code_sql): the join
# of the lines to their slots carries one column rather than a rule and four flags.
METALS = 16  # > len(RULES)
METAL_BITS = ((2, "steel_value"), (4, "aluminum_value"), (8, "copper_value"))  # bit 1: the full value


def rule_code_sql(rule: str, full: str, steel: str, alu: str, copper: str) -> str:
    """A duty line's rule code: its rule (pricing_keys.RULES), plus for the remainder 16 times the
    metals it leaves out (1 the full value, 2 steel, 4 aluminum, 8 copper: ``full`` > 0 and the
    three flags as the key's metal lines have them)."""
    flags = " + ".join(
        f"CASE WHEN {f} THEN {bit} ELSE 0 END"
        for f, bit in ((f"{full} > 0", 1), (steel, 2), (alu, 4), (copper, 8))
    )
    return f"CASE WHEN {rule} = {RULES.index('remainder')} THEN {rule} + {METALS} * ({flags}) ELSE {rule} END"


class Passes:
    """The engine's view of the source ``src`` and of the small tables, and the passes' SQL."""

    def __init__(self, e: Engine, source_view: str, amount: str, share: Decimal | None = None) -> None:
        self.e = e
        self.amount = amount  # the type of the lines' amounts
        self.share = share  # the least share of the value 9903.82.20 is on (pricing_keys.least_share)
        if e.name == "spark":
            e.table_from_duckdb(source_view).createOrReplaceTempView("xp_src")
            self.src = "xp_src"
        else:
            self.src = f'"{source_view}"'

    # -- small tables in and out ---------------------------------------------------------
    def put(self, name: str, table: pa.Table) -> None:
        """A small table the passes read, under ``name``."""
        if self.e.name == "spark":
            self.e.from_arrow(table, name).createOrReplaceTempView(name)
        else:
            self.e.conn.register(f"__arrow_{name}", table)
            self.e.conn.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "__arrow_{name}"')
            self.e.conn.unregister(f"__arrow_{name}")

    def get(self, sql: str) -> pa.Table:
        """A pass's (small) result."""
        if self.e.name == "spark":
            return self.e.session.sql(sql).toArrow()
        return self.e.conn.sql(sql).to_arrow_table()

    # -- the SQL ---------------------------------------------------------------------------
    def _hash(self, cols: list[str]) -> str:
        """A 64-bit hash of the columns ``cols`` (texts, flags, a date, a light-metal count)."""
        if self.e.name == "spark":  # Spark's xxhash64 skips NULLs: a blank must hash as a value
            spark = [
                f"coalesce({c}, -1)" if c.endswith("light_metal") else
                f"coalesce({c}, '\\u0000')" if c.endswith("_text") else c
                for c in cols
            ]  # fmt: skip
            return f"xxhash64({', '.join(spark)})"
        return f"hash({', '.join(cols)})"

    def text_hash(self, alias: str) -> str:
        """A 64-bit hash of a line's texts (``alias``: the line): its facts hash it, not its texts,
        so that grouping the lines by fact carries one number rather than seven texts per group."""
        return self._hash([f"{alias}.{c}" for c in ("hts_text", *FACT_TEXTS)])

    def fact_hash(self, alias: str, grouped: bool = False) -> str:
        """A 64-bit hash of a line's facts and period (``alias``: the line with its period), or
        (``grouped``) of a row of :meth:`facts` (the same value for its lines)."""
        if grouped:
            flags = [f"{alias}.has_{c}" for c in PRESENT]
            th = f"{alias}.th"
        else:
            flags = [f"{alias}.{c} IS NOT NULL" for c in PRESENT]
            th = self.text_hash(alias)
        return self._hash([f"{alias}.period", th, *flags, f"{alias}.light_metal"])

    def dated(self) -> str:
        """The lines with the period of their code their date falls in and their month (yyyymm),
        from ``xp_days`` (worked out once per code and day, not per line)."""
        return (
            f"(SELECT s.*, d.period, d.month FROM {self.src} s JOIN xp_days d "
            "ON s.hts_text = d.hts_text AND s.entry_date = d.entry_date)"
        )

    def texts(self) -> pa.Table:
        """Each distinct set of a line's texts as written (``th``: its hash), with its first and last
        day, its lines and its dated lines."""
        texts = ", ".join(("hts_text", *FACT_TEXTS))
        return self.get(
            f"SELECT {texts}, {self.text_hash('s')} AS th, min(entry_date) AS lo, max(entry_date) AS hi, "
            f"count(*) AS n, count(entry_date) AS dated FROM {self.src} s GROUP BY ALL"
        )

    def days(self) -> pa.Table:
        """Each code as written and each day it has lines (when its span of days is too long)."""
        return self.get(f"SELECT DISTINCT hts_text, entry_date FROM {self.src}")

    def facts(self) -> pa.Table:
        """The distinct facts of the lines (period, hash of their texts ``th``, which amounts they
        report, metal share), with their lines and their hash ``fph``, worked out per fact: the
        lines are grouped by the facts themselves, not by a hash of each line's (two facts sharing
        a hash show as two rows with one ``fph``)."""
        present = ", ".join(f"d.{c} IS NOT NULL AS has_{c}" for c in PRESENT)
        return self.get(
            f"SELECT g.*, {self.fact_hash('g', grouped=True)} AS fph FROM (SELECT period, th, "
            f"{', '.join(f'has_{c}' for c in PRESENT)}, light_metal, count(*) AS n "
            f"FROM (SELECT d.period, {self.text_hash('d')} AS th, {present}, d.light_metal "
            f"FROM {self.dated()} d) l GROUP BY ALL) g"
        )

    def lines_of(self, fphs: str) -> str:
        """The source lines of some facts (``fphs``: a table of ``fph``)."""
        lines = f"SELECT src_line, {self.fact_hash('x')} AS fph FROM {self.dated()} x"
        return f"SELECT l.src_line, l.fph FROM ({lines}) l JOIN {fphs} b ON l.fph = b.fph"

    def _based(self, table: str, seqs: int, extra: str, rules: Sequence[Sequence[int]]) -> str:
        """The lines joined by fact to ``table`` (``rule_{i}`` per slot: a rule code of
        :func:`rule_code_sql`), with each slot's base ``base_{i}`` and the columns ``extra``;
        ``rules[i]``: the codes slot ``i`` has in some row of ``table``, so that only those bases
        are worked out."""
        inner = (
            f"SELECT w.*, {extra}, l.value, l.steel_value, l.aluminum_value, l.copper_value, "
            "l.non_us_content, l.quantity, l.weight_kg, l.us_parts_value "
            f"FROM (SELECT x.*, {self.fact_hash('x')} AS fph FROM {self.dated()} x) l "
            f"JOIN {table} w ON l.fph = w.fph"
        )
        used = {r % METALS for rs in rules for r in rs}
        # The differences are amounts of the lines' own type (never above its value once the
        # line is checked: a bad line, counted in the same pass, reads as none), so that every base
        # is a 64-bit decimal, not a 128-bit one.
        us_content = "value - coalesce(non_us_content, 0)"

        def positive(x: str, name: str) -> str:
            return f"CASE WHEN {x} > 0 THEN TRY_CAST({x} AS {self.amount}) END AS {name}"

        differences = []
        if RULES.index("us_content") in used:
            differences.append(positive(us_content, "us_content"))
        if {RULES.index("non_us_parts"), RULES.index("us_parts")} & used:
            # Proc. 11032 clause (2)(d): the value less the U.S. parts, but at least the share of the
            # value that gives the minimum duty, to the ten-thousandth up (Measure.least_base)
            share = self.share if self.share is not None else Decimal(0)
            up = f"ceil(CAST(value AS DECIMAL(28,4)) * {share * 10000})"
            least = f"CAST({up} AS DECIMAL(38,0)) * CAST(0.0001 AS DECIMAL(5,4))"
            rest = "value - coalesce(us_parts_value, 0)"
            # (at four places whatever the file's own amounts: the minimum has more than the value)
            split = f"CAST(greatest({rest}, {least}) AS DECIMAL(18,4)) AS non_us_parts"
            inner = f"SELECT *, {split} FROM ({inner}) s"
            us_parts = "value - non_us_parts"
            differences.append(
                f"CASE WHEN {us_parts} > 0 THEN CAST({us_parts} AS DECIMAL(18,4)) END AS us_parts"
            )
        if differences:
            inner = f"SELECT *, {', '.join(differences)} FROM ({inner}) k"
        value = RULES.index("value")

        def remainder(code: int) -> str:
            """What the metals leave of the value: the metals a code's remainder leaves out are the
            whole value (a metal line on the full value), or the metal values its metal lines are on."""
            full, metals = code // METALS & 1, [c for bit, c in METAL_BITS if code // METALS & bit]
            metal = (
                "value" if full else f"least(value, {' + '.join(f'coalesce({c}, 0)' for c in metals) or '0'})"
            )
            return f"CASE WHEN value - {metal} > 0 THEN TRY_CAST(value - {metal} AS {self.amount}) END"

        def base_of(code: int) -> str:
            rule = RULES[code % METALS]
            return remainder(code) if rule == "remainder" else BASES_SQL[rule]

        def base(i: int) -> str:  # a slot on the value in every row needs no choice of its base
            on = sorted(rules[i])
            if on in ([value], []):
                return f"value AS base_{i}"
            cases = " ".join(f"WHEN {r} THEN {base_of(r)}" for r in on)
            return f"CASE rule_{i} {cases} END AS base_{i}"

        return f"SELECT *, {', '.join(base(i) for i in range(seqs))} FROM ({inner}) d"

    def priced(self, seqs: int, places: Sequence[int], rules: Sequence[Sequence[int]]) -> pa.Table:
        """Every line priced by its part's duty slots (``xp_wide``: per fact and part of its class,
        the part's ``part_id``, the metals its remainder leaves out, and each slot's rate, rule,
        places and rate in integer units ``r_{i}``: :mod:`tmec.engine.duty_slots`), summed by part
        and month; with the number of lines whose amounts are wrong.

        A slot on the value (nearly all) has as many lines and as much base as its class has
        (``n``, ``v``): only the others' (``rules[i]``: the rules of some part's slot ``i``, when
        not only the value) are counted and summed on their own (``xn{i}``, ``xb{i}``, NULL for a
        line on the value).

        On DuckDB the duties are first worked out by :func:`lean_duty_sql` in one product (exact,
        or an overflow error: a rate times a base past 2^63 in integer units), then in two (a base
        of 10^10 or more); only if both fail is the pass made again with :func:`duty_units_sql`,
        which chooses per line."""
        units = self.e.name == "duckdb" and max(places, default=2) <= UNIT_PLACES
        lean = self._lean(seqs, places) if units else [False] * seqs
        if any(lean):
            for short in (True, False):
                try:
                    return self.get(self._priced(seqs, places, rules, lean, short))
                except (duckdb.OutOfRangeException, duckdb.ConversionException):
                    pass  # some line's base is too large for it: the next path takes it
        return self.get(self._priced(seqs, places, rules, [False] * seqs))

    def _priced(
        self,
        seqs: int,
        places: Sequence[int],
        rules: Sequence[Sequence[int]],
        lean: Sequence[bool],
        short: bool = False,
    ) -> str:
        """The pricing pass's SQL (:meth:`priced`), with :func:`lean_duty_sql` (``short``: in one
        product) for slot ``i`` where ``lean[i]``."""
        month = "l.month, l.bad_amount"
        based = self._based("xp_wide", seqs, month, rules)
        value = RULES.index("value")
        mixed = [list(r) != [value] for r in rules]
        # On DuckDB each line's duty is worked out in 64-bit integers (ten-thousandths; exact, a
        # tenth of the CPU of 128-bit decimals) and the sums made decimals again; Spark keeps the
        # decimals (its integer arithmetic wraps silently on overflow).
        units = self.e.name == "duckdb" and max(places, default=2) <= UNIT_PLACES
        unit = f"CAST(0.{'0' * (UNIT_PLACES - 1)}1 AS DECIMAL({UNIT_PLACES + 1},{UNIT_PLACES}))"

        def duty(i: int) -> tuple[str, str]:  # a duty line's duty per line, and its sum
            if lean[i]:
                p = places[0]
                scaled = f"sum(duty_{i})" + (f" * {10 ** (UNIT_PLACES - p)}" if p < UNIT_PLACES else "")
                per_line = lean_duty_sql(f"r_{i}", f"base_{i}", p, short)
                return per_line, f"CAST({scaled} AS DECIMAL(38,0)) * {unit}"
            if units:
                per_line = duty_units_sql(f"rate_{i}", f"base_{i}", f"places_{i}", places, f"r_{i}")
                return per_line, f"CAST(sum(duty_{i}) AS DECIMAL(38,0)) * {unit}"
            return duty_sql(f"rate_{i}", f"base_{i}", f"places_{i}", places), f"sum(duty_{i})"

        cols = [f"{duty(i)[0]} AS duty_{i}" for i in range(seqs)]
        cols += [f"CASE WHEN rule_{i} <> {value} THEN base_{i} END AS x_{i}" for i in range(seqs) if mixed[i]]
        sums = [f"{duty(i)[1]} AS d{i}" for i in range(seqs)]
        sums += [f"count(x_{i}) AS xn{i}, sum(x_{i}) AS xb{i}" for i in range(seqs) if mixed[i]]
        return (
            f"SELECT part_id, month, count(*) AS n, sum(value) AS v, {', '.join(sums)}, "
            f"count_if(bad_amount) AS bad FROM (SELECT part_id, month, bad_amount, value, {', '.join(cols)} "
            f"FROM ({based}) b) p GROUP BY part_id, month"
        )

    def _lean(self, seqs: int, places: Sequence[int]) -> list[bool]:
        """Per duty line, whether :func:`lean_duty_sql` can take its duty on every line (DuckDB):
        one rounding for all (``places`` a single value) and every class's rate in integer units
        (``xp_wide``'s ``r_{i}`` wherever its ``rate_{i}`` is)."""
        if len(set(places)) != 1 or not seqs:
            return [False] * seqs
        misfits = ", ".join(f"count_if(rate_{i} IS NOT NULL AND r_{i} IS NULL)" for i in range(seqs))
        row = self.e.conn.execute(f"SELECT {misfits} FROM xp_wide").fetchall()[0]
        return [not n for n in row]

    def duty_lines(self, places: Sequence[int], codes: Sequence[int]) -> str:
        """Every duty line of every line (``xp_long``: per fact, one row per duty line, its rule code
        ``rule_0`` one of ``codes``), in line order."""
        extra = "l.src_line, l.line, l.entry_date"
        duty = duty_sql("rate", "base_0", "places_0", places)
        return (
            "SELECT src_line, line, entry_date, program, measure_id, CAST(rate AS DECIMAL(12,6)) AS rate, "
            f"CAST(base_0 AS DECIMAL(28,4)) AS base, CAST({duty} AS DECIMAL(28,4)) AS duty "
            f"FROM ({self._based('xp_long', 1, extra, [codes])}) b WHERE base_0 IS NOT NULL "
            "ORDER BY src_line, program, measure_id"
        )


UNIT_PLACES = 4  # duty_units_sql's unit: ten-thousandths (the places of a duty, DUTY)
# Its integer path holds bases under 10^10 (a base x 10^4 read from a 64-bit decimal) and rates
# under 9 x 10^p % at p places (900 % at 2); the other lines take the decimal path, row by row.
_BASE_LIMIT = 10**10


def rate_units_sql(rate: str, places_col: str, places: Sequence[int]) -> str:
    """A rate in millionths of a percent as a BIGINT, where :func:`duty_units_sql`'s integer path
    holds it (0 <= rate < 9 x 10^p % at p places), else NULL: worked out once per class, not per line."""
    ps = sorted(set(places)) or [2]
    fits = " ".join(f"WHEN {places_col} = {p} THEN {rate} < {9 * 10**p}" for p in ps)
    return f"CASE WHEN {rate} >= 0 AND (CASE {fits} ELSE false END) THEN CAST({rate} * 1000000 AS BIGINT) END"


def duty_units_sql(
    rate: str, base: str, places_col: str, places: Sequence[int], units: str | None = None
) -> str:
    """:func:`duty_sql`'s duty as an integer number of ten-thousandths, exactly (DuckDB).

    With r = rate x 10^6 and b = base x 10^4 (integers), the duty is r x b / 10^12; rounded half
    up at p places it is q = r x (b div D) + (r x (b mod D) + D/2) div D units of 10^-p, D = 10^(12-p):
    both products stay under 2^63 while the base is under 10^10 and the rate under 9 x 10^p %
    (r x D < 9 x 10^18).  ``units``: a column holding :func:`rate_units_sql` of the rate (else it
    is worked out here).
    """
    r = units or f"({rate_units_sql(rate, places_col, places)})"
    b = f"CAST(CAST({base} AS DECIMAL(18,4)) * 10000 AS BIGINT)"

    def at(p: int) -> str:
        d = 10 ** (12 - p)
        q = f"({r} * ({b} // {d}) + ({r} * ({b} % {d}) + {d // 2}) // {d})"
        return f"{q} * {10 ** (UNIT_PLACES - p)}" if p < UNIT_PLACES else q

    def one(p: int) -> str:  # the decimal path for a rate or base the integers cannot hold
        fits = f"{r} IS NOT NULL AND {base} >= 0 AND {base} < {_BASE_LIMIT}"
        exact = f"CAST({duty_sql(rate, base, places_col, [p])} * {10**UNIT_PLACES} AS HUGEINT)"
        return f"CASE WHEN {fits} THEN {at(p)} ELSE {exact} END"

    ps = sorted(set(places)) or [2]
    out = one(ps[0])
    for p in ps[1:]:
        out = f"CASE WHEN {places_col} = {p} THEN {one(p)} ELSE {out} END"
    return out


def lean_duty_sql(units: str, base: str, p: int, short: bool = False) -> str:
    """:func:`duty_units_sql`'s integer path without its choice of a path per line, as a number of
    units of 10^-p: ``units`` the rate in millionths of a percent (:func:`rate_units_sql`: under
    9 x 10^p %), ``base`` a decimal of at most 18 digits and 4 places.

    Exact wherever it gives an answer: DuckDB refuses (an overflow error) any product or sum past
    64 bits rather than wrap, and up to a base of 10^10 none is (as on the integer path).  The
    caller prices with :func:`duty_units_sql` when it refuses.  ``short``: the rate times the base
    in one product, q = (r x b + D/2) div D (one division rather than three), refused where that
    product passes 2^63 (a rate of r % on a base of about 9.2 x 10^8 / r or more: 25 % on 36.9
    million), where the caller prices again without it.
    """
    b = f"CAST({base} * 10000 AS BIGINT)"
    d = 10 ** (12 - p)
    if short:
        return f"(({units} * {b} + {d // 2}) // {d})"
    return f"({units} * ({b} // {d}) + ({units} * ({b} % {d}) + {d // 2}) // {d})"


def duty_sql(rate: str, base: str, places_col: str, places: Sequence[int]) -> str:
    """A duty line's duty: rate percent of its base, rounded half up at the law's places per line."""
    # in 128 bits: a product of two 64-bit decimals stays in 64 bits on DuckDB, and overflows
    raw = f"CAST({rate} AS DECIMAL(12,6)) * CAST({base} AS DECIMAL(28,4)) * CAST(0.01 AS DECIMAL(3,2))"
    ps = sorted(set(places)) or [2]
    duty = f"round({raw}, {ps[0]})"
    for p in ps[1:]:
        duty = f"CASE WHEN {places_col} = {p} THEN round({raw}, {p}) ELSE {duty} END"
    return duty
