"""Exposure's pricing keys: the keys priced once per law against one probe per key, same run.

``tmec exposure`` prices one probe entry per kind of entry line in Python (the single-entry path,
``price_entry``) before the engine multiplies.  This benchmark runs ``price_exposure`` on an entry
file (1 M generated lines; ``--full`` 10 M; ``TMEC_BENCH_ENTRIES=FILE`` an existing one), keeps
the pricing keys it makes, and times, in the same process, ``pricing_keys.templates`` (keys of one
law priced once) and the baseline: one probe per key with all its facts, as before.  CPU seconds
first (the machine is shared); the templates must be identical, and are checked.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.bench_engine import _child


def _pricing_keys(path: Path) -> dict[str, Any]:
    return _child(f"""
        from tmec.engine import connect, pricing_keys
        import tmec.engine.exposure as exposure
        kept = {{}}
        real = exposure.price_keys

        def spy(keys, tables, basis):
            c, t = _cpu(), time.perf_counter()
            found = real(keys, tables, basis)
            kept.update(keys=keys, tables=tables, basis=basis, found=found,
                        cpu=_cpu() - c, wall=time.perf_counter() - t)
            return found

        exposure.price_keys = spy
        e = connect("duckdb", threads=2)
        c, t = _cpu(), time.perf_counter()
        x = exposure.price_exposure(e, Path({str(path)!r}))
        out = dict(exposure_cpu=_cpu() - c, exposure=time.perf_counter() - t, lines=x.lines,
                   keys=len(kept["keys"]), templates_cpu=kept["cpu"], templates=kept["wall"])
        keys, tables, basis = kept["keys"], kept["tables"], kept["basis"]
        # again, the schedule lines and scopes now read (as the baseline finds them)
        c, t = _cpu(), time.perf_counter()
        probes = pricing_keys._Probes(tables, basis)
        pricing_keys._templates(keys, probes)
        out["warm_cpu"], out["warm"], out["probes"] = _cpu() - c, time.perf_counter() - t, probes.probes
        # the baseline: every key's own probe, with all its facts (the path before this change)
        c, t = _cpu(), time.perf_counter()
        one = pricing_keys._Probes(tables, basis)
        rows = []
        for k in keys:
            priced = one.price(one.law(k["hts"], k["origin"]), k, {{f: k[f] for f in pricing_keys.RELEVANT}})
            rows += [dict(key_id=k["key_id"], **r) for r in priced.rows]
        out["baseline_cpu"], out["baseline"] = _cpu() - c, time.perf_counter() - t
        def by_key(rs):
            return sorted((r["key_id"], r["seq"], r["measure_id"], r["rate"], r["rule"]) for r in rs)
        out["identical"] = by_key(rows) == by_key(kept["found"][0].to_pylist())
        e.close()
    """)


def run() -> None:
    from tmec.engine import generate_entries

    full = "--full" in sys.argv or os.environ.get("TMEC_BENCH_FULL") == "1"
    given = os.environ.get("TMEC_BENCH_ENTRIES")
    with tempfile.TemporaryDirectory(prefix="tmec-bench-") as tmp:
        if given:
            entries = Path(given)
        else:
            entries = Path(tmp) / "entries.parquet"
            generate_entries(entries, lines=10_000_000 if full else 1_000_000, seed=1, year=2025)
        r = _pricing_keys(entries)
        print(
            f"pricing keys of {r['lines']:,} entry lines ({entries.name}): {r['keys']:,} keys, "
            f"{r['probes']:,} priced by price_entry; exposure CPU {r['exposure_cpu']:.2f} s, "
            f"wall {r['exposure']:.2f} s, peak RSS {r['max_rss_mb']} MB"
        )
        print(
            f"  templates, keys of one law priced once: CPU {r['templates_cpu']:.2f} s, "
            f"wall {r['templates']:.2f} s (in the exposure), again: CPU {r['warm_cpu']:.2f} s, wall "
            f"{r['warm']:.2f} s; baseline (same keys, after them), one probe per key with all its facts: "
            f"CPU {r['baseline_cpu']:.2f} s, wall {r['baseline']:.2f} s -> "
            f"{r['baseline_cpu'] / r['warm_cpu']:.1f}x less CPU; identical: {r['identical']}"
        )
