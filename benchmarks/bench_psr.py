"""Product-specific rule lookup: loading the bundled rules and `find_rule` per good.

Baseline: a linear scan of every bundled rule with `HSRange.contains` (what `find_rule`
does without its chapter index and cache).
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

from tmec.origin import psr

ROOT = Path(__file__).resolve().parent.parent
HS2022 = ROOT.parent / "shared" / "data" / "hs2022" / "hs2022_ch72_73_76_87.csv"
FALLBACK = ["7208.51", "7210.49", "7306.30", "7308.40", "7604.29", "8703.23", "8708.29", "8708.99", "8701.21"]


def _codes() -> list[str]:
    if HS2022.is_file():
        with HS2022.open(encoding="utf-8") as fh:
            return [r["hscode"] for r in csv.DictReader(fh) if r["level"] == "6"]
    return FALLBACK


def _linear(code: str, day: dt.date) -> object:
    hits = [
        r
        for r in psr.bundled_rules()
        if r.hs is not None and r.valid is not None and day in r.valid and r.hs.contains(code)
    ]
    return max(hits, key=lambda r: r.hs.level if r.hs else 0) if hits else None


def run() -> None:
    t0 = time.perf_counter()
    rules = psr.bundled_rules()
    load = time.perf_counter() - t0
    codes = _codes()
    days = [dt.date(2020, 7, 1) + dt.timedelta(days=91 * i) for i in range(32)]  # 8 years, quarterly
    queries = [(c, d) for d in days for c in codes]
    t0 = time.perf_counter()
    for code, day in queries:
        _linear(code, day)
    baseline = time.perf_counter() - t0
    psr._lookup.cache_clear()
    t0 = time.perf_counter()
    for code, day in queries:
        psr.find_rule(code, day)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    for code, day in queries:
        psr.find_rule(code, day)
    warm = time.perf_counter() - t0
    n = len(queries)
    print(f"rules loaded and validated: {len(rules)} in {load * 1000:.1f} ms")
    print(f"{n} lookups ({len(codes)} codes x {len(days)} dates)")
    print(f"  baseline linear scan: {baseline / n * 1e6:.1f} us/lookup")
    print(f"  find_rule, first time: {cold / n * 1e6:.1f} us/lookup")
    print(f"  find_rule, cached:     {warm / n * 1e6:.2f} us/lookup")
