"""Qualifying goods through the Python API (parsing measured separately).

* one good with 5,000 materials (target: qualify in < 100 ms), passing and failing
  (a failing good also gets its questions and cheapest flip);
* 10,000 typical cases of 50 materials on two levels (target: < 10 s).

Baseline, measured in the same run: one pass over the same materials summing the
non-originating values as Decimals — the floor any roll-up must pay.
Set ``TMEC_BENCH_CASES`` to change the number of typical cases.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from decimal import Decimal
from typing import Any

from tmec.origin import parse_case, qualify

CODES = ["7208.51", "7228.30", "7326.90", "7601.20", "8482.91", "8482.99", "4016.93", "3403.19", "8708.99"]
ORIGINS = ["originating", "non_originating", "unknown"]
RULE = {
    "any_of": [
        {"change": "heading", "except": ["84.82", "87.08"]},
        {"change": "heading", "from": ["8708.99"], "rvc": {"net_cost": 50, "transaction_value": 60}},
    ]
}


def _material(rng: random.Random, i: int, originating_share: float) -> dict[str, Any]:
    return {
        "id": f"M{i}",
        "hs": rng.choice(CODES),
        "origin": "originating" if rng.random() < originating_share else rng.choice(ORIGINS[1:]),
        "value": f"{rng.uniform(0.05, 20):.2f}",
        "weight_kg": f"{rng.uniform(0.01, 5):.3f}",
    }


def big_case(n: int, originating_share: float, markup: str = "1.6", seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    materials = [_material(rng, i, originating_share) for i in range(n)]
    total = sum(Decimal(m["value"]) for m in materials)
    return {
        "id": f"BIG-{n}",
        "date": "2024-07-01",
        "good": {"hs": "8708.70", "category": "auto_part", "end_use": "aftermarket"},
        "rule": RULE,
        "valuation": {"transaction_value": str(total * Decimal(markup))},
        "costs": {"other_product_costs": str(total * Decimal("0.4")), "excluded": {"shipping_packing": "10"}},
        "materials": materials,
    }


def typical_case(rng: random.Random, k: int) -> dict[str, Any]:
    """50 materials on two levels: 10 at the top, 2 of them self-produced with 20 inputs each."""
    share = rng.uniform(0.1, 0.9)
    top = [_material(rng, i, share) for i in range(8)]
    for j in range(2):
        inputs = [_material(rng, 100 * (j + 1) + i, share) for i in range(20)]
        top.append(
            {
                "id": f"SP{j}",
                "hs": "8708.99",
                "self_produced": True,
                "costs": {"other_product_costs": f"{rng.uniform(5, 30):.2f}"},
                "materials": inputs,
            }
        )
    total = 40 * 10.0
    return {
        "id": f"T-{k}",
        "date": "2024-07-01",
        "good": {"hs": "8708.70", "category": "auto_part", "end_use": "aftermarket"},
        "rule": RULE,
        "valuation": {"transaction_value": f"{total * rng.uniform(0.9, 2.0):.2f}"},
        "costs": {"other_product_costs": f"{total * 0.3:.2f}", "period_costs": "12.00"},
        "materials": top,
    }


def _baseline(materials: list[dict[str, Any]]) -> Decimal:
    total = Decimal(0)
    stack = list(materials)
    while stack:
        m = stack.pop()
        if "materials" in m:
            stack.extend(m["materials"])
        elif m["origin"] != "originating":
            total += Decimal(m["value"])
    return total


def _median_ms(fn: Any, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def run() -> None:
    qualify(parse_case(big_case(10, 0.5)))  # load parameters and nomenclature once
    for label, share, markup in (("passing", 0.97, "1.6"), ("failing", 0.1, "1.0")):
        data = big_case(5000, share, markup)
        parse_ms = _median_ms(lambda data=data: parse_case(data))
        case = parse_case(data)
        qualify_ms = _median_ms(lambda case=case: qualify(case))
        base_ms = _median_ms(lambda data=data: _baseline(data["materials"]))
        det = qualify(case)
        print(
            f"one good, 5,000 materials ({label}: originating={det.originating}, "
            f"{len(det.questions)} questions): parse {parse_ms:.1f} ms, qualify {qualify_ms:.1f} ms "
            f"(baseline Decimal sum {base_ms:.1f} ms)"
        )
    n = int(os.environ.get("TMEC_BENCH_CASES", "10000"))
    rng = random.Random(7)
    raw = [typical_case(rng, k) for k in range(n)]
    t0 = time.perf_counter()
    cases = [parse_case(d) for d in raw]
    parse_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    results = [qualify(c) for c in cases]
    qualify_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for d in raw:
        _baseline(d["materials"])
    base_s = time.perf_counter() - t0
    share = sum(r.originating for r in results) / n
    print(
        f"{n:,} typical cases (50 materials, two levels; {share:.0%} originating): "
        f"parse {parse_s:.2f} s, qualify {qualify_s:.2f} s ({qualify_s / n * 1e6:.0f} us/case) "
        f"(baseline Decimal sum {base_s:.2f} s)"
    )
