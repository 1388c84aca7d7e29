"""Duty exposure against the bare DuckDB join-and-sum, alternated, CPU ratio first (issues 14, 18).

``python -m benchmarks bench_exposure`` prices 1 M entry lines; ``--full`` (or ``TMEC_BENCH_FULL=1``)
1 M and then 10 M.  Each round runs, one fresh process each, tmec's ``price_exposure`` (the file read
where it lies and every line validated, priced on the full law, totalled) and the bare baseline
(:data:`benchmarks.bench_engine.BARE_EXPOSURE`: DuckDB reads the Parquet, joins each line to a rates
table by HTS prefix, date and origin, sums duty by month), alternated so that a shared machine's load
weighs on both alike; ``TMEC_BENCH_ROUNDS`` rounds (default 2), the best of each side kept.  Targets:
tmec within 3x of the baseline's CPU seconds and wall time, its peak memory within 4x; 10 M lines in
under 10 s.  ``TMEC_BENCH_DATA``: a directory holding ``entries1m.parquet`` / ``entries10m.parquet``
(``generate_entries(seed=1, year=2025)``) to reuse instead of generating them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_engine import _bare_exposure, _exposure, _machine, write_bare_rates

SIZES = {"1m": 1_000_000, "10m": 10_000_000}


def _load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def _entries(name: str, lines: int, tmp: Path) -> Path:
    from tmec.engine import generate_entries

    given = os.environ.get("TMEC_BENCH_DATA")
    if given and (Path(given) / f"entries{name}.parquet").is_file():
        return Path(given) / f"entries{name}.parquet"
    path = tmp / f"entries{name}.parquet"
    generate_entries(path, lines=lines, seed=1, year=2025)
    return path


def run() -> None:
    full = "--full" in sys.argv or os.environ.get("TMEC_BENCH_FULL") == "1"
    rounds = max(1, int(os.environ.get("TMEC_BENCH_ROUNDS", "2")))
    print(f"machine: {_machine()}; date {time.strftime('%Y-%m-%d %H:%M')}; {_load()}")
    with tempfile.TemporaryDirectory(prefix="tmec-bench-xp-") as tmp:
        for name, lines in SIZES.items():
            if name == "10m" and not full:
                continue
            entries = _entries(name, lines, Path(tmp))
            rates = Path(tmp) / f"rates{name}.parquet"
            write_bare_rates(entries, rates)
            runs = [(_exposure(entries, "duckdb"), _bare_exposure(entries, rates)) for _ in range(rounds)]
            x = min((r[0] for r in runs), key=lambda r: r["exposure_cpu"])
            b = min((r[1] for r in runs), key=lambda r: r["exposure_cpu"])
            print(f"exposure, {lines:,} entry lines, best of {rounds} alternated rounds; {_load()}")
            print(
                "  tmec (read, validate every line, price on the full law, totals): "
                f"CPU {x['exposure_cpu']:.2f} s, wall {x['exposure']:.2f} s, peak RSS {x['max_rss_mb']} MB; "
                f"{x['keys']:,} keys priced in Python"
            )
            print(
                f"  bare baseline (DuckDB join and sum), same run: CPU {b['exposure_cpu']:.2f} s, "
                f"wall {b['exposure']:.2f} s, peak RSS {b['max_rss_mb']} MB"
            )
            print(
                f"  -> tmec / bare: {x['exposure_cpu'] / b['exposure_cpu']:.1f}x CPU, "
                f"{x['exposure'] / b['exposure']:.1f}x wall, {x['max_rss_mb'] / b['max_rss_mb']:.1f}x memory "
                f"(targets 3x, 3x, 4x)" + (f"; under 10 s: {x['exposure'] < 10}" if name == "10m" else "")
            )
