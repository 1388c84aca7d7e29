"""Portfolio qualification against the bare SQL roll-up, alternated, CPU ratio first (issue 18).

``python -m benchmarks bench_portfolio`` runs 2,000 goods; ``--full`` (or ``TMEC_BENCH_FULL=1``)
the issue's 20,000 goods (1.5 M parts, 3.96 M edges).  Each round runs, one fresh process each,
tmec's side (``load_portfolio`` + ``qualify_goods``: validation, roll-up with the materials by code
for the tariff shift, the rules, the cheapest flips; then ``prepare`` and the incremental changes of
:data:`benchmarks.bench_engine.CHANGES`) and the bare baseline
(:func:`benchmarks.bench_engine.bare_rollup`), alternated so that a shared machine's load weighs on
both alike; ``TMEC_BENCH_ROUNDS`` rounds (default 2).  The target: tmec within 3x of the bare
baseline's CPU seconds (process, threads and workers), the incremental changes under 1 s.
``--incremental`` runs only tmec's side and the changes (no bare baseline, no general path), for
the incremental target alone: a few minutes less a round.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_engine import CHANGES, _bare_portfolio, _machine, _portfolio


def _load() -> str:
    return "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())


def run() -> None:
    from tmec.engine import generate_portfolio

    full = "--full" in sys.argv or os.environ.get("TMEC_BENCH_FULL") == "1"
    goods = 20_000 if full else 2_000
    rounds = max(1, int(os.environ.get("TMEC_BENCH_ROUNDS", "2")))
    print(f"machine: {_machine()}; date {time.strftime('%Y-%m-%d %H:%M')}; {_load()}")
    with tempfile.TemporaryDirectory(prefix="tmec-bench-pf-") as tmp:
        bom = Path(tmp) / "bom"
        size = generate_portfolio(bom, goods=goods, seed=1)
        print(
            f"portfolio: {size.goods:,} goods, {size.parts:,} parts, {size.edges:,} edges, "
            f"{size.levels} levels"
        )
        if "--incremental" in sys.argv:
            _incremental(bom, rounds)
            return
        ratios: list[float] = []
        walls: list[float] = []
        first: dict[str, Any] | None = None
        for i in range(rounds):
            tmec = _portfolio(bom, "duckdb")
            bare = _bare_portfolio(bom)
            first = first or tmec
            ratios.append(tmec["full_cpu"] / bare["full_cpu"])
            walls.append(tmec["full"] / bare["full"])
            print(
                f"  round {i + 1}: tmec {tmec['full_cpu']:.1f} s CPU ({tmec['full']:.1f} s wall, "
                f"{tmec['max_rss_mb']} MB), bare {bare['full_cpu']:.1f} s CPU ({bare['full']:.1f} s wall, "
                f"{bare['max_rss_mb']} MB) -> {ratios[-1]:.2f}x CPU, {walls[-1]:.2f}x wall; {_load()}"
            )
        assert first is not None
        print(
            f"  tmec / bare: {statistics.median(ratios):.2f}x CPU (median of {rounds}; "
            f"{min(ratios):.2f}-{max(ratios):.2f}), {statistics.median(walls):.2f}x wall (target 3x); "
            f"{first['qualifying']:,} of {first['goods']:,} qualify"
        )
        prep = f"{first['prepare']:.2f} s wall, {first['prepare_cpu']:.2f} s CPU"
        print(f"  prepare (upward index, signatures): {prep}")
        general = first["incremental_general"]
        for name, part, change in CHANGES:
            key = "incremental_" + name
            print(
                f"  incremental ({name}: {part} {change}): {first[key]:.2f} s wall, "
                f"{first[key + '_cpu']:.2f} s CPU for {first[key + '_goods']:,} goods, "
                f"{first[key + '_bulk']:,} in bulk; {first[key] / general:.3f} of the general path's wall "
                f"(target under 1 s)"
            )
        print(f"  {_load()}")


def _incremental(bom: Path, rounds: int) -> None:
    """The incremental changes alone, ``rounds`` fresh processes (the full run and ``prepare`` before
    them in each, as the whole benchmark does)."""
    changes = tuple(c for c in CHANGES if c[0] != "general")
    for i in range(rounds):
        out = _portfolio(bom, "duckdb", changes)
        print(f"  round {i + 1}: prepare {out['prepare']:.2f} s wall, {out['prepare_cpu']:.2f} s CPU")
        for name, part, change in changes:
            key = "incremental_" + name
            print(
                f"    {name} ({part} {change}): {out[key]:.2f} s wall, {out[key + '_cpu']:.2f} s CPU for "
                f"{out[key + '_goods']:,} goods, {out[key + '_bulk']:,} in bulk (target under 1 s)"
            )
        print(f"    {_load()}")
