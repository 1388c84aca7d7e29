"""Pure per-entry duty path: price 100,000 entry lines (target: under 10 s); on the full schedule,
one `tmec duty` schedule look-up in a fresh process (target: under 20 ms) and the statutory-rate
table of every HTS-10 line x every origin on one day (target: under 10 s).

Baselines in the same run: the schedule lookup and ordinary duty alone (no chapter-99 stacking);
reading the compiled schedule's bytes; ``price_entry`` per (line, origin) on a sample, extrapolated.
Size: ``TMEC_BENCH_TARIFFS_N`` (default 100000).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

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
    full_schedule()


LOOKUP = """
import json, time, datetime as dt
t0 = time.perf_counter()
from tmec.law.tariffs import HTS_SCHEDULE, load_schedule
t1 = time.perf_counter()
raw = HTS_SCHEDULE.read_bytes()
t2 = time.perf_counter()
line = load_schedule().line("7604.29.10.10", dt.date(2026, 12, 6))
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "read": t2 - t1, "lookup": t3 - t2, "rate": line.general}))
"""


def full_schedule() -> None:
    """The look-up of one `tmec duty` call (fresh process), and the statutory-rate table."""
    runs = []
    for _ in range(5):
        out = subprocess.run([sys.executable, "-c", LOOKUP], capture_output=True, text=True, check=True)
        runs.append(json.loads(out.stdout))
    lookup = sorted(r["lookup"] for r in runs)[2]
    read = sorted(r["read"] for r in runs)[2]
    print(
        f"schedule look-up in a fresh process (load the compiled schedule + one line), median of 5: "
        f"{lookup * 1000:.1f} ms (target < 20 ms); baseline: reading its bytes {read * 1000:.1f} ms"
    )

    from tmec.engine.statutory import write_statutory_rates
    from tmec.tariffs.statutory import statutory_rows

    tables = default_tables()
    # 2025-10-01: the reciprocal duty's country rates and floors in force (laid over the classes)
    for day in (dt.date(2026, 12, 6), dt.date(2025, 10, 1)):
        with tempfile.TemporaryDirectory() as tmp:
            t0, c0 = time.perf_counter(), time.process_time()
            n = write_statutory_rates(tables, day, Path(tmp) / "rates.parquet")
            elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        codes = sorted({r["hts"] for r in statutory_rows(tables, day)})
        sample = codes[:: max(1, len(codes) // 400)]
        t0 = time.perf_counter()
        for code in sample:
            for origin in ("MX", "DE", "KP", "GB", "CN"):
                price_entry(Entry(entry_date=day, hts=code, origin=origin, value=Decimal(100)), tables=tables)
        per_pair = (time.perf_counter() - t0) / (len(sample) * 5)
        print(
            f"statutory-rate table, {day}: {n:,} rows (HTS-10 line x origin) in {elapsed:.1f} s "
            f"({cpu:.1f} s CPU; target < 10 s); "
            f"baseline: price_entry per pair {per_pair * 1e6:.0f} us x {n:,} = {per_pair * n:.0f} s"
        )


if __name__ == "__main__":
    run()
