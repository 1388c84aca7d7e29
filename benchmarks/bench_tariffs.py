"""Pure per-entry duty path: price 100,000 entry lines (target: under 10 s).

The bulk engine (DuckDB/Spark) is compared against this figure.  Baseline in the same run:
the schedule lookup and ordinary duty alone (no chapter-99 stacking).
Size: ``TMEC_BENCH_TARIFFS_N`` (default 100000).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import time
from decimal import Decimal

from tmec.tariffs import Entry, default_tables, price_entry
from tmec.tariffs.stacking import Stack, ordinary_lines, usmca_claim_counts

CODES = [
    "72083900",
    "72085100",
    "73269086",
    "76012090",
    "76042100",
    "87032301",
    "87082925",
    "87089981",
    "94032000",
]
ORIGINS = ["MX", "CA", "MX", "CA", "GB", "JP"]


def make_entries(n: int, seed: int = 5) -> list[Entry]:
    rng = random.Random(seed)
    start = dt.date(2022, 1, 1)
    out = []
    for i in range(n):
        value = Decimal(rng.randint(100, 10_000_000)) / 100
        origin = rng.choice(ORIGINS)
        steel = value * rng.randint(0, 100) / 100 if rng.random() < 0.3 else None
        out.append(
            Entry(
                entry_date=start + dt.timedelta(days=rng.randint(0, 1640)),
                hts=rng.choice(CODES),
                origin=origin,
                value=value,
                usmca=origin in {"MX", "CA"} and rng.random() < 0.6,
                steel_value=steel,
                melted_poured=rng.choice([None, "MX", "US", "CN"]),
                smelted_cast=rng.choice([None, "CA", "US", "RU"]),
                line=str(i),
            )
        )
    return out


def run() -> None:
    n = int(os.environ.get("TMEC_BENCH_TARIFFS_N", "100000"))
    tables = default_tables()
    entries = make_entries(n)

    t0 = time.perf_counter()
    for e in entries:
        line = tables.schedule.line(e.hts, e.entry_date)
        snapshot = tables.parameters.at(e.entry_date)
        claim = usmca_claim_counts(e, line, snapshot)
        ordinary_lines(e, line, claim, snapshot, Decimal("0.01"), Stack())
    baseline = time.perf_counter() - t0

    t0 = time.perf_counter()
    total = Decimal(0)
    lines = 0
    for e in entries:
        duty = price_entry(e, tables=tables)
        total += duty.total_duty
        lines += len(duty.lines)
    elapsed = time.perf_counter() - t0

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"entries: {n:,} entry lines, {lines:,} duty lines, total duty {total}")
    print(f"baseline (schedule lookup + ordinary duty only): {baseline:.2f} s ({n / baseline:,.0f} lines/s)")
    print(
        f"price_entry (full stacking): {elapsed:.2f} s ({n / elapsed:,.0f} lines/s); "
        "target < 10 s for 100,000"
    )


if __name__ == "__main__":
    run()
