"""Product-specific rule lookup over every HS 2022 subheading, and the cost of loading the rules.

* the rule of every HS 2022 subheading (5,612, from shared/data/hs2022) on one date, in a fresh
  state (no chapter parsed yet, empty caches): loading and parsing every chapter is included;
* baseline, measured in the same run: a linear scan over every bundled rule per code (what
  ``find_rule`` does without its chapter index, correlation and cache);
* the rule data one ``tmec rules show`` needs: reading the compiled file and parsing one chapter.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

from tmec.core import hs as hscode
from tmec.core.errors import NoRuleError
from tmec.law.correlation import correlation_document
from tmec.law.rules import gn11o_chapter, gn11o_index
from tmec.origin import psr

ROOT = Path(__file__).resolve().parent.parent
HS2022 = ROOT.parent / "shared" / "data" / "hs2022" / "harmonized-system.csv"
FALLBACK = ["7208.51", "8413.30", "8482.10", "8544.30", "9401.20", "4011.10", "8703.23", "8708.99"]
DAY = dt.date(2025, 1, 1)


def _codes() -> list[str]:
    if HS2022.is_file():
        with HS2022.open(encoding="utf-8") as fh:
            return [r["hscode"] for r in csv.DictReader(fh) if r["level"] == "6" and r["hscode"] != "999999"]
    return FALLBACK


def _fresh() -> None:
    for cached in (
        gn11o_index,
        gn11o_chapter,
        correlation_document,
        psr.compiled_chapter,
        psr.chapter_rules,
        psr.load_rule_file,
        psr.bundled_rules,
        psr.correlation_table,
        psr._vintage_only_codes,
        psr._overlays,
    ):
        cached.cache_clear()
    psr._lookup_or_refusal.cache_clear()
    psr._index.cache_clear()


def _all(codes: list[str]) -> tuple[int, int]:
    found = explained = 0
    for code in codes:
        try:
            psr.find_rule(code, DAY)
            found += 1
        except NoRuleError:
            explained += 1
    return found, explained


def _linear(rules: tuple[psr.Rule, ...], code: str) -> object:
    hits = [
        r
        for r in rules
        if r.hs is not None and r.valid is not None and DAY in r.valid and r.hs.contains(code)
    ]
    return max(hits, key=lambda r: r.hs.level if r.hs else 0) if hits else None


def run() -> None:
    codes = _codes()
    _fresh()
    t0, c0 = time.perf_counter(), time.process_time()
    found, explained = _all(codes)
    cold, cold_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    _all(codes)
    warm = time.perf_counter() - t0
    rules = psr.bundled_rules()
    sample = codes[::20]  # the scan is slow: a 1-in-20 sample, scaled to all codes
    t0 = time.perf_counter()
    for code in sample:
        _linear(rules, code)
    baseline = (time.perf_counter() - t0) * len(codes) / len(sample)
    _fresh()
    hscode.exists("848210")  # the HS 2022 nomenclature is loaded before, and apart from, the rules
    t0, c0 = time.perf_counter(), time.process_time()
    psr.find_rule("8482.10", DAY)
    one, one_cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{len(codes)} HS 2022 subheadings on {DAY}: {found} rules found, {explained} explained refusals")
    print(
        f"  all of them, fresh (every chapter parsed, HS 2022 nomenclature loaded): {cold * 1000:.0f} ms "
        f"wall, "
        f"{cold_cpu * 1000:.0f} ms CPU (target < 1 s)"
    )
    print(f"  all of them again (cached):                {warm * 1000:.1f} ms")
    print(
        f"  baseline linear scan over {len(rules)} rules:   {baseline * 1000:.0f} ms (from a 1-in-20 sample)"
    )
    print(
        f"  rules show one code (index, ch. 84 read and parsed, correlation, look-up): {one * 1000:.1f} ms "
        f"wall, "
        f"{one_cpu * 1000:.1f} ms CPU (target < 50 ms)"
    )
