"""Duty exposure against the bare DuckDB join-and-sum, alternated, CPU ratio first (issues 14, 18).

``python -m benchmarks bench_exposure`` prices 1 M entry lines; ``--full`` (or ``TMEC_BENCH_FULL=1``)
1 M and then 10 M.  Each round runs, one fresh process each, tmec's ``price_exposure`` (the file read
where it lies and every line validated, priced on the full law, totalled) and the bare baseline
(:data:`benchmarks.bench_engine.BARE_EXPOSURE`: DuckDB reads the Parquet, joins each line to a rates
table by HTS prefix, date and origin, sums duty by month), alternated so that a shared machine's load
weighs on both alike; ``TMEC_BENCH_ROUNDS`` rounds (default 3, at least 2) in a ``$TMEC_HOME`` of
their own, empty at first: the first tmec run prices every key (cold), the next ones take them from
the cache it left (warm, :mod:`tmec.engine.pricing_cache`); the best of each kept.  Targets:
tmec within 3x of the baseline's CPU seconds and wall time, its peak memory within 4x; 10 M lines in
under 10 s.  ``TMEC_BENCH_DATA``: a directory holding ``entries1m.parquet`` / ``entries10m.parquet``
(``generate_entries(seed=1, year=2025)``) to reuse instead of generating them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def _tmec(x: dict[str, Any], b: dict[str, Any], lines: int, what: str) -> None:
    print(
        f"  tmec {what}: CPU {x['exposure_cpu']:.2f} s, wall {x['exposure']:.2f} s, "
        f"peak RSS {x['max_rss_mb']} MB; {x['keys']:,} keys, {x['keys'] - x['cached']:,} priced in Python; "
        f"duty {x['duty']}"
    )
    print(
        f"    -> / bare: {x['exposure_cpu'] / b['exposure_cpu']:.1f}x CPU, "
        f"{x['exposure'] / b['exposure']:.1f}x wall, {x['max_rss_mb'] / b['max_rss_mb']:.1f}x memory "
        f"(targets 3x, 3x, 4x)" + (f"; under 10 s: {x['exposure'] < 10}" if lines >= 10_000_000 else "")
    )


def inputs(tmp: Path) -> Iterator[tuple[str, int, Path, Path]]:
    """Each size's name, lines, entry file and the bare baseline's rates table for it (1 M lines;
    and 10 M with ``--full`` or ``TMEC_BENCH_FULL=1``), written under ``tmp``."""
    full = "--full" in sys.argv or os.environ.get("TMEC_BENCH_FULL") == "1"
    for name, lines in SIZES.items():
        if name == "10m" and not full:
            continue
        entries = _entries(name, lines, tmp)
        rates = tmp / f"rates{name}.parquet"
        write_bare_rates(entries, rates)
        yield name, lines, entries, rates


def rounds() -> int:
    """``TMEC_BENCH_ROUNDS`` (default 3, at least 2)."""
    return max(2, int(os.environ.get("TMEC_BENCH_ROUNDS", "3")))


def run() -> None:
    rounds_ = rounds()
    print(f"machine: {_machine()}; date {time.strftime('%Y-%m-%d %H:%M')}; {_load()}")
    with tempfile.TemporaryDirectory(prefix="tmec-bench-xp-") as tmp:
        for name, lines, entries, rates in inputs(Path(tmp)):
            # A home of its own, empty: the first run prices every key (cold), the next ones take
            # them from the cache it leaves (warm: a second run on the same law).
            os.environ["TMEC_HOME"] = str(Path(tmp) / f"home{name}")
            runs = [(_exposure(entries, "duckdb"), _bare_exposure(entries, rates)) for _ in range(rounds_)]
            cold = runs[0][0]
            warm = min((r[0] for r in runs[1:]), key=lambda r: r["exposure_cpu"])
            b = min((r[1] for r in runs), key=lambda r: r["exposure_cpu"])
            print(f"exposure, {lines:,} entry lines, {rounds_} alternated rounds (the first cold); {_load()}")
            print(
                f"  bare baseline (DuckDB join and sum), same run, best of {rounds_}: "
                f"CPU {b['exposure_cpu']:.2f} s, wall {b['exposure']:.2f} s, peak RSS {b['max_rss_mb']} MB"
            )
            _tmec(cold, b, lines, "cold (read, validate every line, price every key on the full law, totals)")
            _tmec(warm, b, lines, f"warm (the keys from the cache of the cold run), best of {rounds_ - 1}")
