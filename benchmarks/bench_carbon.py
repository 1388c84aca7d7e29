"""CBAM: the annual declaration of 1,000,000 import lines on DuckDB (target < 5 s), and one
``tmec carbon`` look-up (target < 20 ms).

Baselines in the same run: DuckDB reading the same file and summing its net mass by CN code,
origin and quarter (what any declaration must at least do), and the pure path
(``tmec.carbon.declaration.declare``, line by line) on a sample, extrapolated.  The look-up is
timed in fresh interpreters (the compiled tables loaded cold, then scope, default value,
benchmark and the certificates), median of 5.
Sizes: ``TMEC_BENCH_CARBON_N`` (default 1000000), ``TMEC_BENCH_CARBON_SAMPLE`` (default 20000).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

CODES = [
    "72085120",
    "72071114",
    "72139110",
    "73181568",
    "73084000",
    "76061250",
    "76042100",
    "76169990",
    "72104900",
    "73063077",
]
ORIGINS = ["MX", "CN", "IN", "US", "CA", "TR", "KR", "HT"]

LOOKUP = """
import time
t0 = time.perf_counter()
from decimal import Decimal
from tmec.carbon.certificates import ImportLine, assess
from tmec.law.carbon import load_carbon_law
t1 = time.perf_counter()
a = assess(load_carbon_law(), ImportLine("72085120", "MX", Decimal(100), 2026))
t2 = time.perf_counter()
assert str(a.cost) == "12730.19"
print(f"{t1 - t0:.6f} {t2 - t1:.6f}")
"""


def write_imports(path: Path, n: int) -> None:
    import duckdb

    codes = ", ".join(f"'{c}'" for c in CODES)
    origins = ", ".join(f"'{o}'" for o in ORIGINS)
    with duckdb.connect() as conn:
        conn.execute(f"""COPY (SELECT
            ([{codes}])[1 + (hash(i) % {len(CODES)})::INT] AS cn,
            ([{origins}])[1 + (hash(i * 7) % {len(ORIGINS)})::INT] AS origin,
            round(0.001 + (hash(i * 13) % 100000) / 1000.0, 3)::VARCHAR AS net_mass,
            (DATE '2026-01-01' + ((hash(i * 17) % 181)::INT))::VARCHAR AS date
            FROM range({n}) t(i)) TO '{path}' (HEADER, DELIMITER ',')""")


def run() -> None:
    import duckdb

    from tmec.carbon.declaration import DeclarationLine, declare
    from tmec.engine import connect
    from tmec.engine.cbam import declare_lines
    from tmec.law.carbon import load_carbon_law

    n = int(os.environ.get("TMEC_BENCH_CARBON_N", "1000000"))
    sample = min(n, int(os.environ.get("TMEC_BENCH_CARBON_SAMPLE", "20000")))
    law = load_carbon_law()
    with tempfile.TemporaryDirectory(prefix="tmec-bench-carbon-") as tmp:
        path = Path(tmp) / "imports.csv"
        write_imports(path, n)

        t0 = time.perf_counter()
        with duckdb.connect() as conn:
            conn.execute("SET threads = 2")
            conn.execute(
                f"SELECT cn, origin, quarter(CAST(date AS DATE)) q, sum(CAST(net_mass AS DECIMAL(16,6))) "
                f"FROM read_csv('{path}', header=true, all_varchar=true) GROUP BY ALL"
            ).fetchall()
        baseline = time.perf_counter() - t0

        t0 = time.perf_counter()
        with connect("duckdb", threads=2) as e:
            result = declare_lines(e, path, law, year=2026, price=Decimal("75.36"))
        elapsed = time.perf_counter() - t0

        import csv

        with path.open(encoding="utf-8") as fh:
            rows = [r for _, r in zip(range(sample), csv.DictReader(fh), strict=False)]
        lines = [
            DeclarationLine(i, r["cn"], r["origin"], Decimal(r["net_mass"]), dt.date.fromisoformat(r["date"]))
            for i, r in enumerate(rows, start=2)
        ]
        t0 = time.perf_counter()
        declare(law, lines, year=2026, price=Decimal("75.36"))
        pure = (time.perf_counter() - t0) / len(lines)

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    loads, lookups = [], []
    for _ in range(5):
        out = subprocess.run(
            [sys.executable, "-c", LOOKUP], capture_output=True, text=True, check=True, env=env
        )
        imp, look = (float(x) for x in out.stdout.split())
        loads.append(imp)
        lookups.append(look)

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )
    print(
        f"imports: {n:,} lines, {len(CODES)} CN codes x {len(ORIGINS)} origins, 2026-H1; "
        f"certificates {result.totals['certificates_owed']:.3f}, cost EUR {result.totals['cost_owed']:,.2f}"
    )
    print(f"baseline (DuckDB: read the CSV, sum net mass by CN, origin, quarter): {baseline:.2f} s")
    print(
        f"declaration on DuckDB (validate, key, price, sum, de minimis, holding): {elapsed:.2f} s; "
        "target < 5 s for 1,000,000"
    )
    print(
        f"pure path (line by line, {sample:,} sampled): {pure * 1e6:.0f} us/line -> "
        f"{pure * n:.1f} s extrapolated"
    )
    print(
        f"lookup (fresh interpreter, tables loaded cold + assess), median of 5: "
        f"{statistics.median(lookups) * 1000:.1f} ms (min {min(lookups) * 1000:.1f}); target < 20 ms; "
        f"imports before it {statistics.median(loads) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    run()
