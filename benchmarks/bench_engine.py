"""Portfolio qualification, incremental re-qualification and duty exposure, bulk vs the pure path.

``make bench`` runs modest sizes (2,000 goods; 1 M entry lines); the issue's
full sizes (20,000 goods / 1.5 M parts / 4 M edges; 10 M entry lines) with
``python -m benchmarks bench_engine --full`` or ``TMEC_BENCH_FULL=1``.  Spark
runs at small sizes when PySpark and Java are present (``TMEC_BENCH_SPARK=0``
skips it).  Each measurement runs in a fresh process, so its peak memory (max
RSS) is its own.  The pure path's time is measured in the same run on a sample
and extrapolated (per good: ``parse_case`` + ``qualify`` of the good's case,
the case prepared beforehand; per line: ``entry_from_mapping`` + ``price_entry``).
Portfolio qualification (``load_portfolio`` + ``qualify_goods``: validation, roll-up,
tariff shift, the law) is set beside the bare baseline, in the same run: the least
work a correct implementation must do for every good's VNM and net cost
(:func:`bare_rollup`), with the ratio of wall and of CPU times.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

DAY = "2026-03-02"
ROOT = Path(__file__).resolve().parent.parent

# The bare baseline: the least work any correct implementation must do for the VNM and the net cost
# of every good.  Plain DuckDB SQL over the same Parquet files, no validation, no law: bought parts
# give their value and VNM per unit, then level by level each parent adds quantity x its resolved
# components' sums (only the edges of the parts resolved at the level before are joined) and is
# resolved once all its components are; the goods' rows meet their own cost lines.  Amounts as
# tmec keeps them (DECIMAL(28,18) per unit), so the results are the same to the last digit
# (tests/engine/test_engine_bare_baseline.py holds them equal to tmec's for every good).
BARE_SUMS = ("orig", "nonorig", "vnm")
BARE_SETUP = """
CREATE OR REPLACE TEMP TABLE b_edges AS SELECT parent, child, quantity FROM read_parquet('{d}/edges.parquet');
CREATE OR REPLACE TEMP TABLE b_n AS SELECT parent, count(*) AS n FROM b_edges GROUP BY parent;
CREATE OR REPLACE TEMP TABLE b_front AS
  SELECT part_id AS child,
         CAST(CASE WHEN origin = 'originating' THEN value ELSE 0 END AS DECIMAL(28,18)) AS orig,
         CAST(CASE WHEN origin = 'originating' THEN 0 ELSE value END AS DECIMAL(28,18)) AS nonorig,
         CAST(CASE WHEN origin = 'originating' THEN 0 ELSE coalesce(statement_vnm, value) END
              AS DECIMAL(28,18)) AS vnm
  FROM read_parquet('{d}/parts.parquet') ANTI JOIN b_n ON part_id = parent;
CREATE OR REPLACE TEMP TABLE b_acc (parent VARCHAR, k BIGINT, orig DECIMAL(28,18), nonorig DECIMAL(28,18),
                                    vnm DECIMAL(28,18));
CREATE OR REPLACE TEMP TABLE b_done AS SELECT * FROM b_front WITH NO DATA;
"""
BARE_LEVEL = """
CREATE OR REPLACE TEMP TABLE b_c AS
  SELECT e.parent, count(*) AS k, {contrib} FROM b_edges e JOIN b_front f USING (child) GROUP BY e.parent;
INSERT INTO b_acc SELECT * FROM b_c;
CREATE OR REPLACE TEMP TABLE b_front AS
  SELECT a.parent AS child, {total} FROM b_acc a SEMI JOIN b_c USING (parent) JOIN b_n USING (parent)
  GROUP BY a.parent, b_n.n HAVING sum(a.k) = b_n.n;
INSERT INTO b_done SELECT * FROM b_front;
"""
BARE_GOODS = """
SELECT g.good_id, d.nonorig AS vnm,
       d.orig + d.nonorig + g.other_product_costs + g.period_costs + g.other_costs
       - (g.sales_promotion + g.royalties + g.shipping_packing + g.non_allowable_interest) AS net_cost
FROM read_parquet('{d}/goods.parquet') g JOIN b_done d ON d.child = g.good_id
"""


def bare_rollup(conn: Any, directory: Path) -> Any:
    """The bare baseline on a DuckDB connection: an Arrow table of good_id, vnm, net_cost."""
    d = str(directory).replace("'", "''")
    contrib = ", ".join(f"CAST(sum(e.quantity * f.{c}) AS DECIMAL(28,18)) AS {c}" for c in BARE_SUMS)
    total = ", ".join(f"CAST(sum(a.{c}) AS DECIMAL(28,18)) AS {c}" for c in BARE_SUMS)
    conn.execute(BARE_SETUP.format(d=d))
    while conn.sql("SELECT count(*) FROM b_front").fetchall()[0][0]:
        conn.execute(BARE_LEVEL.format(contrib=contrib, total=total))
    return conn.sql(BARE_GOODS.format(d=d)).to_arrow_table()


def _child(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter; it prints one JSON object last."""
    prologue = (
        "import json, resource, time, datetime as dt\nfrom pathlib import Path\n"
        # CPU seconds of the process, its threads and its (forked) workers: on a shared machine a
        # ratio of these moves less than one of wall times
        "def _cpu():\n    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime\n"
    )
    # The peak memory of this process alone: Linux keeps ru_maxrss across the exec, so a child
    # started from a large benchmark process reported the parent's size (the bare baseline, 97 MB
    # on its own, read 188 MB after the parent had loaded the law); VmHWM starts afresh at the exec.
    epilogue = (
        "\nhwm = [ln.split()[1] for ln in Path('/proc/self/status').read_text().splitlines()"
        " if ln.startswith('VmHWM:')] if Path('/proc/self/status').exists() else []"
        "\nout['max_rss_mb'] = round(int(hwm[0]) / 1024) if hwm else"
        " round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"
        "\nprint(json.dumps(out))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", prologue + textwrap.dedent(code) + epilogue],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


# Where-used changes, in this order on one loaded portfolio (name, part, change).  A2-0000777 and
# A3-0000000 are sub-assemblies (made parts): their own origin does not enter the roll-up, so their
# users keep their results.  P0000000..P0000002 are the most used bought parts (in nearly every
# good): their changes are carried up as deltas.  Before them, prepare() builds the upward index
# and learns every good's signature (timed on its own: without it, the first change does it).  "general" is the same kind of change rolled up again (delta=False), the baseline.
CHANGES = (
    ("typical", "A2-0000777", "origin='originating'"),
    ("widely_used_bought_first", "P0000000", "origin='originating'"),
    ("widely_used_bought_value", "P0000001", "value=Decimal('1.2345')"),
    ("widely_used_bought_origin", "P0000000", "origin='non_originating'"),
    ("widely_used_bought_value2", "P0000002", "value=Decimal('3.5')"),
    ("widely_used_made", "A3-0000000", "origin='originating'"),
    ("general", "P0000000", "origin='originating'"),
)


def _portfolio(
    directory: Path, engine: str, changes: tuple[tuple[str, str, str], ...] = CHANGES
) -> dict[str, Any]:
    steps = "\n".join(
        f"t, c = time.perf_counter(), _cpu(); again = requalify(p, [Change({part!r}, {change})], delta={name != 'general'}); "
        f"out['incremental_{name}'] = time.perf_counter() - t; out['incremental_{name}_cpu'] = _cpu() - c; "
        f"out['incremental_{name}_goods'] = len(again.goods); "
        f"out['incremental_{name}_bulk'] = again.paths.get('bulk', 0)"
        for name, part, change in changes
    )
    return _child(f"""
        from decimal import Decimal
        from tmec.engine import connect, load_portfolio, qualify_goods
        from tmec.engine.whereused import Change, prepare, requalify
        t0 = time.perf_counter()
        e = connect({engine!r}, threads=2)
        t1 = time.perf_counter()
        c1 = _cpu()
        p = load_portfolio(e, Path({str(directory)!r}), dt.date.fromisoformat({DAY!r}))
        t2 = time.perf_counter()
        r = qualify_goods(p)
        t3 = time.perf_counter()
        out = dict(start=t1 - t0, load_and_rollup=t2 - t1, qualify=t3 - t2, full=t3 - t1, full_cpu=_cpu() - c1,
                   goods=len(r.goods), qualifying=r.qualifying, levels=r.levels)
        t, c = time.perf_counter(), _cpu()
        prepare(p)
        out["prepare"], out["prepare_cpu"] = time.perf_counter() - t, _cpu() - c
{textwrap.indent(steps, " " * 8)}
        t = time.perf_counter()
        r2 = qualify_goods(p, flips=0)
        out["full_again"] = time.perf_counter() - t
        e.close()
    """)


def _bare_portfolio(directory: Path) -> dict[str, Any]:
    return _child(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        import duckdb
        from benchmarks.bench_engine import bare_rollup
        t0 = time.perf_counter()
        conn = duckdb.connect(config={{"threads": 2}})
        conn.execute("SET enable_progress_bar = false")
        t1 = time.perf_counter()
        c1 = _cpu()
        table = bare_rollup(conn, Path({str(directory)!r}))
        t2 = time.perf_counter()
        out = dict(start=t1 - t0, full=t2 - t1, full_cpu=_cpu() - c1, goods=table.num_rows)
    """)


def _pure_portfolio(directory: Path, sample: int) -> dict[str, Any]:
    return _child(f"""
        import pyarrow.parquet as pq
        from collections import defaultdict
        from decimal import Decimal
        from tmec.engine.rules_file import RuleBook
        from tmec.origin import parse_case, qualify
        d = Path({str(directory)!r})
        day = dt.date.fromisoformat({DAY!r})
        goods = pq.read_table(d / "goods.parquet").to_pylist()[:{sample}]
        parts = {{p["part_id"]: p for p in pq.read_table(d / "parts.parquet").to_pylist()}}
        children = defaultdict(list)
        for e in pq.read_table(d / "edges.parquet").to_pylist():
            children[e["parent"]].append((e["child"], e["quantity"]))
        book = RuleBook.for_directory(d)
        cases = []
        for g in goods:
            totals = defaultdict(Decimal)
            stack = list(children[g["good_id"]])
            while stack:
                part, q = stack.pop()
                if part in children:
                    stack.extend((c, q * cq) for c, cq in children[part])
                else:
                    totals[part] += q
            mats = []
            for pid, q in totals.items():
                p = parts[pid]
                m = {{"id": pid, "origin": p["origin"] or "unknown", "value": str(p["value"] * q)}}
                if p["hs"]:
                    m["hs"] = p["hs"]
                if p["statement_vnm"] is not None:
                    m["accumulation"] = {{"vnm": str(p["statement_vnm"] * q)}}
                mats.append(m)
            excluded = {{k: str(g[k]) for k in ("sales_promotion", "royalties", "shipping_packing",
                                                 "non_allowable_interest")}}
            cases.append({{"format": 1, "id": g["good_id"], "date": day.isoformat(), "good": {{"hs": g["hs"]}},
                "valuation": {{"transaction_value": str(g["transaction_value"]),
                               "international_shipping": str(g["international_shipping"])}},
                "costs": {{"other_product_costs": str(g["other_product_costs"]), "period_costs": str(g["period_costs"]),
                           "other_costs": str(g["other_costs"]), "excluded": excluded}},
                "rule": None, "materials": mats}})
        rules = {{c["good"]["hs"]: book.rule(c["good"]["hs"], day) for c in cases}}
        t = time.perf_counter()
        n_materials = 0
        for c in cases:
            rule = rules[c["good"]["hs"]]
            c = dict(c); c.pop("rule")
            case = parse_case(c)
            n_materials += len(case.materials)
            import dataclasses
            qualify(dataclasses.replace(case, rule=rule))
        per_good = (time.perf_counter() - t) / len(cases)
        out = dict(per_good=per_good, sample=len(cases), materials_per_good=n_materials / len(cases))
    """)


def _exposure(path: Path, engine: str) -> dict[str, Any]:
    return _child(f"""
        from tmec.engine import connect
        from tmec.engine.exposure import price_exposure
        t0 = time.perf_counter()
        e = connect({engine!r}, threads=2)
        t1 = time.perf_counter()
        c1 = _cpu()
        x = price_exposure(e, Path({str(path)!r}))
        t2 = time.perf_counter()
        out = dict(start=t1 - t0, exposure=t2 - t1, exposure_cpu=_cpu() - c1, lines=x.lines,
                   duty=str(x.duty), keys=x.probed, cached=x.cached)
        e.close()
    """)


def _pure_exposure(path: Path, sample: int) -> dict[str, Any]:
    return _child(f"""
        import pyarrow.parquet as pq
        from tmec.tariffs import default_tables, entry_from_mapping, price_entry
        rows = pq.read_table(Path({str(path)!r})).slice(0, {sample}).to_pylist()
        tables = default_tables()
        t = time.perf_counter()
        for i, r in enumerate(rows):
            price_entry(entry_from_mapping(r, line=i + 2), tables=tables)
        out = dict(per_line=(time.perf_counter() - t) / len(rows), sample=len(rows))
    """)


# The bare baseline of exposure: the least work any correct pricing must do for every entry line.
# Plain DuckDB reads the entry Parquet, joins each line to a rates table by HTS prefix (the 8-digit
# tariff item), date and origin, and sums the duty by month; no validation, no law engine.  The
# rates table (one ad valorem rate per item, origin and version of the schedule) is made before the
# clock starts, from the bundled schedule's general rates: what a hand-built model would join.
BARE_EXPOSURE = """
SELECT strftime(e.entry_date, '%Y-%m') AS month, sum(round(e.value * r.rate * 0.01, 2)) AS duty,
       count(*) AS lines
FROM read_parquet('{entries}') e JOIN read_parquet('{rates}') r
  ON r.hts8 = left(e.hts, 8) AND r.origin = e.origin
 AND e.entry_date >= r.valid_from AND e.entry_date < r.valid_to
GROUP BY month ORDER BY month
"""


def write_bare_rates(entries: Path, out: Path) -> int:
    """The baseline's rates table for the codes and origins of ``entries``: hts8, origin, valid_from,
    valid_to, rate (percent); the number of rows."""
    import datetime as dt
    from decimal import Decimal

    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tmec.tariffs import default_tables

    conn = duckdb.connect()
    e = str(entries).replace("'", "''")
    codes = [r[0] for r in conn.sql(f"SELECT DISTINCT left(hts, 8) FROM read_parquet('{e}')").fetchall()]
    origins = [r[0] for r in conn.sql(f"SELECT DISTINCT origin FROM read_parquet('{e}')").fetchall()]
    conn.close()
    schedule = default_tables().schedule
    cols: dict[str, list[Any]] = {k: [] for k in ("hts8", "origin", "valid_from", "valid_to", "rate")}
    for code in codes:
        versions = schedule.versions(code) or [
            v for c in sorted(schedule.codes(code)) for v in schedule.versions(c)
        ]
        for v in versions:
            for origin in origins:
                cols["hts8"].append(code)
                cols["origin"].append(origin)
                cols["valid_from"].append(v.valid_from or dt.date(1900, 1, 1))
                cols["valid_to"].append(v.valid_to or dt.date(9999, 12, 31))
                cols["rate"].append(v.general_rate.ad_valorem or Decimal(0))
    table = pa.table(
        {
            **cols,
            "valid_from": pa.array(cols["valid_from"], pa.date32()),
            "valid_to": pa.array(cols["valid_to"], pa.date32()),
            "rate": pa.array(cols["rate"], pa.decimal128(12, 6)),
        }
    )
    pq.write_table(table, out)
    return table.num_rows


def _bare_exposure(entries: Path, rates: Path) -> dict[str, Any]:
    sql = BARE_EXPOSURE.format(entries=str(entries).replace("'", "''"), rates=str(rates).replace("'", "''"))
    return _child(f"""
        import duckdb
        t0 = time.perf_counter()
        conn = duckdb.connect(config={{"threads": 2}})
        conn.execute("SET enable_progress_bar = false")
        t1 = time.perf_counter()
        c1 = _cpu()
        rows = conn.sql({sql!r}).fetchall()
        out = dict(start=t1 - t0, exposure=time.perf_counter() - t1, exposure_cpu=_cpu() - c1,
                   lines=sum(r[2] for r in rows), months=len(rows))
    """)


def _exposure_against_bare(entries: Path, rates: Path, lines: int) -> dict[str, Any]:
    """tmec's exposure and the bare baseline in the same run, alternated (tmec, bare, tmec, bare):
    the better of each pair, with the ratios of wall, CPU and peak memory (target 3x, 3x, 4x)."""
    runs = [(_exposure(entries, "duckdb"), _bare_exposure(entries, rates)) for _ in range(2)]
    x = min((r[0] for r in runs), key=lambda r: r["exposure_cpu"])
    b = min((r[1] for r in runs), key=lambda r: r["exposure_cpu"])
    print(
        f"  tmec exposure (load, validate every line, price on the full law, totals), best of 2: "
        f"CPU {x['exposure_cpu']:.2f} s, wall {x['exposure']:.2f} s, peak RSS {x['max_rss_mb']} MB; "
        f"{x.get('keys', '?')} keys priced in Python"
    )
    print(
        f"  bare baseline (DuckDB: Parquet join rates by HTS prefix, date, origin; sum by month), "
        f"same run, best of 2: CPU {b['exposure_cpu']:.2f} s, wall {b['exposure']:.2f} s, "
        f"peak RSS {b['max_rss_mb']} MB, {b['lines']:,} lines"
    )
    print(
        f"  -> tmec / bare at {lines:,} lines: {x['exposure_cpu'] / b['exposure_cpu']:.1f}x CPU, "
        f"{x['exposure'] / b['exposure']:.1f}x wall, {x['max_rss_mb'] / b['max_rss_mb']:.1f}x memory "
        f"(targets 3x, 3x, 4x)"
    )
    return x


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"


def run() -> None:
    from tmec.engine import generate_entries, generate_portfolio, spark_available

    full = "--full" in sys.argv or os.environ.get("TMEC_BENCH_FULL") == "1"
    goods, lines = (20_000, 10_000_000) if full else (2_000, 1_000_000)
    spark = os.environ.get("TMEC_BENCH_SPARK", "1") != "0" and spark_available() is None
    print(f"machine: {_machine()}; date {time.strftime('%Y-%m-%d')}; {'full' if full else 'default'} sizes")
    with tempfile.TemporaryDirectory(prefix="tmec-bench-") as tmp:
        bom = Path(tmp) / "bom"
        size = generate_portfolio(bom, goods=goods, seed=1)
        print(
            f"portfolio: {size.goods:,} goods, {size.parts:,} parts, {size.edges:,} edges, {size.levels} levels"
        )
        bulk = _portfolio(bom, "duckdb")
        bare = _bare_portfolio(bom)
        pure = _pure_portfolio(bom, 40)
        pure_total = pure["per_good"] * size.goods
        print(
            f"  DuckDB full qualification: {bulk['full']:.1f} s (load+validate+roll-up {bulk['load_and_rollup']:.1f} s, "
            f"qualify {bulk['qualify']:.1f} s; CPU {bulk['full_cpu']:.1f} s), peak RSS {bulk['max_rss_mb']} MB; "
            f"{bulk['qualifying']:,} of {bulk['goods']:,} qualify"
        )
        print(
            f"  bare baseline (level-by-level DuckDB SQL roll-up of value and VNM, same files, same run): "
            f"{bare['full']:.1f} s (CPU {bare['full_cpu']:.1f} s), peak RSS {bare['max_rss_mb']} MB, "
            f"{bare['goods']:,} goods -> tmec / bare: {bulk['full'] / bare['full']:.1f}x wall, "
            f"{bulk['full_cpu'] / bare['full_cpu']:.1f}x CPU (target 3x)"
        )
        print(
            f"  pure path: {pure['per_good'] * 1000:.1f} ms per good ({pure['materials_per_good']:.0f} materials), "
            f"sample of {pure['sample']} extrapolated to {size.goods:,}: {pure_total:.0f} s "
            f"-> bulk is {pure_total / bulk['full']:.1f}x faster"
        )
        print(
            f"  prepare for changes (upward index, every good's signature; once, after the full run): "
            f"{bulk['prepare']:.2f} s; full run and prepare {bulk['full'] + bulk['prepare']:.1f} s"
        )
        for name, part, change in CHANGES:
            print(
                f"  incremental ({name}: {part} {change}): {bulk['incremental_' + name]:.2f} s for "
                f"{bulk['incremental_' + name + '_goods']:,} goods (where-used), "
                f"{bulk['incremental_' + name + '_bulk']:,} decided in bulk"
            )
        print(f"  baseline: qualification of every good again (roll-up kept) {bulk['full_again']:.2f} s")
        entries = Path(tmp) / "entries.parquet"
        generate_entries(entries, lines=lines, seed=1, year=2025)
        rates = Path(tmp) / "bare-rates.parquet"
        write_bare_rates(entries, rates)
        x = _exposure_against_bare(entries, rates, lines)
        pe = _pure_exposure(entries, 5_000)
        pe_total = pe["per_line"] * lines
        print(f"exposure: {lines:,} entry lines: DuckDB {x['exposure']:.1f} s, peak RSS {x['max_rss_mb']} MB")
        print(
            f"  pure path: {pe['per_line'] * 1e6:.0f} us per line (sample {pe['sample']:,}), extrapolated "
            f"{pe_total:.0f} s -> bulk is {pe_total / x['exposure']:.1f}x faster"
        )
        if spark:
            small = Path(tmp) / "bom-small"
            s_goods = 2_000 if full else 200
            generate_portfolio(small, goods=s_goods, seed=1)
            sp = _portfolio(small, "spark", CHANGES[:1])
            print(
                f"spark local[2]: {s_goods:,} goods: session {sp['start']:.1f} s, qualification {sp['full']:.1f} s, "
                f"incremental {sp['incremental_typical']:.1f} s"
            )
            s_entries = Path(tmp) / "entries-small.parquet"
            s_lines = 1_000_000 if full else 100_000
            generate_entries(s_entries, lines=s_lines, seed=1, year=2025)
            sx = _exposure(s_entries, "spark")
            print(f"spark local[2]: {s_lines:,} entry lines: exposure {sx['exposure']:.1f} s")
        else:
            print("spark: skipped (no pyspark/Java, or TMEC_BENCH_SPARK=0)")
