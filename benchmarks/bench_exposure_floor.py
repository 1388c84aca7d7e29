"""The least work any exposure engine must do per line, against the bare join-and-sum (issue 18).

Issue 18 asks ``tmec exposure`` to come within 3x of the bare DuckDB join-and-sum
(:data:`benchmarks.bench_engine.BARE_EXPOSURE`: four columns read, one join to a rate per HTS
prefix, origin and date, one rounded product summed by month), with every line still validated and
the same answers to the cent.  This module measures, on the same file and in the same run
(alternated, one fresh process each, CPU seconds first), what a *single pass* costs that does only
the per-line work the law and the issue leave to any engine, modelled generously (every saving a
real engine could not have is granted):

* every column the law reads (13 of the file's 14: the line's id is granted free) and the checks of
  its amounts (value above 0; no metal, and not the metals together, above the value; the non-U.S.
  content not above the value; no negative weight or quantity; the metal not heavier than the good;
  the date, code and origin present) counted per line — the validation the issue keeps;
* the line's facts: a 64-bit hash of the texts the law turns on besides the code (the origin, the
  USMCA claim, the countries of melt and pour and of smelt and cast), of which amounts are reported,
  and of the metal's share of the weight against the law's thresholds (U.S. note 16(c): 15 %; a
  second threshold stands for the others), taken in place of the facts pass, the join to the key and
  the class (granted free: the bare baseline's own join stands for them);
* each duty line's duty rounded per line (the sum of rounded duties is not the rounded sum), in
  64-bit integers (the cheapest exact form, :func:`tmec.engine.line_passes.lean_duty_sql` in one
  product), for ``slots`` duty lines: 2 (as if the wide classes cost nothing; tmec prices a class's
  distinct owing duty lines two to a part, its lines once per part) and 5 (the widest class the law
  has at these sizes);
* the sums by class and month, with about as many groups as tmec's classes make (~48,000 at 10 M
  lines: the fact hash modulo 4,000, by month).

Not counted: the law, the keys (priced or read from a cache), the texts checked once per value, the
days and the periods of each code, the line ids of bad lines, the output.  So the ratio printed is a
floor under any single-pass engine's, not an estimate of one.

``python -m benchmarks bench_exposure_floor`` at 1 M lines; ``--full`` also 10 M.  ``TMEC_BENCH_DATA``
as for :mod:`benchmarks.bench_exposure`.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_engine import BARE_EXPOSURE, _bare_exposure, _child, _machine
from benchmarks.bench_exposure import _load, inputs, rounds
from tmec.engine.line_passes import lean_duty_sql

# The bare baseline's join, with the rate carried on the line (the model's one join).
_JOINED = (
    "(SELECT e.*, CAST(r.rate * 1000000 AS BIGINT) AS r_units FROM read_parquet('{entries}') e "
    "JOIN read_parquet('{rates}') r ON r.hts8 = left(e.hts, 8) AND r.origin = e.origin "
    "AND e.entry_date >= r.valid_from AND e.entry_date < r.valid_to) e"
)
_BAD = (
    "(e.value IS NULL OR e.value <= 0 OR e.steel_value < 0 OR e.steel_value > e.value "
    "OR e.aluminum_value < 0 OR e.aluminum_value > e.value "
    "OR coalesce(e.steel_value, 0) + coalesce(e.aluminum_value, 0) > e.value "
    "OR e.non_us_content < 0 OR e.non_us_content > e.value OR e.weight_kg < 0 OR e.quantity < 0 "
    "OR e.metal_weight_kg < 0 OR e.metal_weight_kg > e.weight_kg "
    "OR e.entry_date IS NULL OR e.hts IS NULL OR e.origin IS NULL)"
)
_WIDE = "DECIMAL(38,4)"
_SHARE = (
    "CASE WHEN e.metal_weight_kg = 0 THEN 3 "
    "WHEN e.metal_weight_kg IS NULL OR e.weight_kg IS NULL OR e.weight_kg = 0 THEN NULL ELSE ("
    + " + ".join(
        f"CASE WHEN CAST(e.metal_weight_kg AS {_WIDE}) * 100 < CAST(e.weight_kg AS {_WIDE}) * {x} "
        "THEN 1 ELSE 0 END"
        for x in (15, 25)
    )
    + ") END"
)
_FACTS = (
    "hash(e.hts, e.origin, e.usmca, e.melted_poured, e.smelted_cast, e.steel_value IS NOT NULL, "
    "e.aluminum_value IS NOT NULL, e.non_us_content IS NOT NULL, e.quantity IS NOT NULL, "
    f"e.weight_kg IS NOT NULL, {_SHARE})"
)
# The bases of the duty lines, in the order a class's lines take them (the value, the metals, the
# U.S. content, the value again for a second measure on it).
_BASES = (
    "e.value",
    "coalesce(e.steel_value, 0)",
    "coalesce(e.aluminum_value, 0)",
    "e.value - coalesce(e.non_us_content, 0)",
    "e.value",
)


def least_work_sql(entries: Path, rates: Path, slots: int) -> str:
    """The model's single pass over ``entries`` with ``slots`` duty lines per line (1-5)."""
    if not 1 <= slots <= len(_BASES):
        raise ValueError(f"slots: 1 to {len(_BASES)}, found {slots}")
    duties = ", ".join(f"{lean_duty_sql('r_units', _BASES[i], 2, short=True)} AS d{i}" for i in range(slots))
    sums = ", ".join(f"sum(d{i})" for i in range(slots))
    joined = _JOINED.format(entries=str(entries).replace("'", "''"), rates=str(rates).replace("'", "''"))
    return (
        f"SELECT cls, month, count(*) AS n, sum(value) AS v, {sums}, count_if(bad) AS bad FROM ("
        f"SELECT {_FACTS} % 4000 AS cls, year(e.entry_date) * 100 + month(e.entry_date) AS month, "
        f"e.value, {duties}, {_BAD} AS bad FROM {joined}) GROUP BY ALL"
    )


def _least_work(entries: Path, rates: Path, slots: int) -> dict[str, Any]:
    sql = least_work_sql(entries, rates, slots)
    return _child(f"""
        import duckdb
        conn = duckdb.connect(config={{"threads": 2}})
        conn.execute("SET enable_progress_bar = false")
        t1 = time.perf_counter()
        c1 = _cpu()
        rows = conn.sql({sql!r}).fetchall()
        out = dict(exposure=time.perf_counter() - t1, exposure_cpu=_cpu() - c1,
                   lines=sum(r[2] for r in rows), groups=len(rows))
    """)


def run() -> None:
    n = rounds()
    print(f"machine: {_machine()}; date {time.strftime('%Y-%m-%d %H:%M')}; {_load()}")
    print(f"bare baseline: {' '.join(BARE_EXPOSURE.split())}")
    with tempfile.TemporaryDirectory(prefix="tmec-bench-floor-") as tmp:
        for _, lines, entries, rates in inputs(Path(tmp)):
            runs = [
                (_bare_exposure(entries, rates), *(_least_work(entries, rates, k) for k in (2, 5)))
                for _ in range(n)
            ]
            b, two, five = (min((r[i] for r in runs), key=lambda x: x["exposure_cpu"]) for i in range(3))
            if not two["lines"] == five["lines"] == b["lines"]:
                raise RuntimeError(f"lines differ: bare {b['lines']}, model {two['lines']} / {five['lines']}")
            print(f"{lines:,} entry lines, {n} alternated rounds, best of each; {_load()}")
            print(f"  bare join-and-sum: CPU {b['exposure_cpu']:.2f} s, wall {b['exposure']:.2f} s")
            for what, x in (("2 duty lines", two), ("5 duty lines", five)):
                print(
                    f"  least single pass, {what} ({x['groups']:,} class-month groups): "
                    f"CPU {x['exposure_cpu']:.2f} s ({x['exposure_cpu'] / b['exposure_cpu']:.1f}x), "
                    f"wall {x['exposure']:.2f} s ({x['exposure'] / b['exposure']:.1f}x)"
                )
