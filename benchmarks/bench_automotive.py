"""A model year of one plant: 300,000 vehicle cases in 20 configurations sharing core parts, averaged.

Each configuration (model line x cab x powertrain) is an ``automotive:`` block parsed once;
configurations share engine, transmission, axle, suspension, steering and body variants.
Each vehicle has its own build date over the fiscal year and its own net cost and VNM (options,
supplier mix), so its vehicle RVC is its own; the core parts, the producer's steel and aluminum
purchases and its LVC are shared by every vehicle of a configuration on a day (the law computes
them per period, UR s.17(7), s.18(19)), which ``VehicleAssessor`` computes once per
configuration and day.  Then every vehicle is averaged by model line, class and plant (UR
s.16(1)(a)) with its core parts per part and as a super-core.

Baselines measured in the same run, on a sample:
* ``assess_vehicle`` without the shared cache (every requirement recomputed per vehicle);
* the full ``qualify`` of a vehicle case file (Annex 4-B rule, bill of materials roll-up,
  then the automotive requirements), per vehicle.

``TMEC_BENCH_VEHICLES`` changes the number of vehicles (default 300,000).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from tmec.law import load_parameters
from tmec.origin import load_case, qualify
from tmec.origin.automotive import VehicleAssessor, assess_vehicle, average
from tmec.origin.automotive.fleet import Configuration, Vehicle, assess_fleet, configuration

ROOT = Path(__file__).resolve().parent.parent
VEHICLES = int(os.environ.get("TMEC_BENCH_VEHICLES", "300000"))
CONFIGS = 20
SAMPLE = 2000
FY_START = dt.date(2025, 1, 1)

ENGINES = [
    {"part": "engine", "hs": "8407.34", "net_cost": 3650, "vnm": 1150, "vnm_traced": 310},
    {"part": "engine", "hs": "8407.34", "net_cost": 3300, "vnm": 600},
    {"part": "engine", "hs": "8408.20", "net_cost": 4700, "vnm": 900, "vnm_traced": 500},
    {"part": "engine", "hs": "8407.33", "net_cost": 2100, "vnm": 420},
]
TRANSMISSIONS = [
    {"part": "transmission", "hs": "8708.40", "net_cost": 2600, "vnm": 520},
    {"part": "transmission", "hs": "8708.40", "net_cost": 2300, "vnm": 700, "vnm_traced": 250},
    {"part": "transmission", "hs": "8708.40", "net_cost": 1900, "vnm": 300},
]
COMMON = [
    {"part": "body_chassis", "hs": "8708.29", "net_cost": 5050, "vnm": 700},
    {"part": "axle", "hs": "8708.50", "net_cost": 1700, "vnm": 380},
    {"part": "suspension", "hs": "8708.80", "net_cost": 980, "vnm": 290},
    {"part": "steering", "hs": "8708.94", "net_cost": 590, "vnm": 120},
]
PRODUCER: dict[str, Any] = {
    "steel": {"originating_purchases": 700_000_000, "total_purchases": 855_000_000},
    "aluminum": {"originating_purchases": 125_000_000, "total_purchases": 165_000_000},
    "lvc": {
        "basis": "net_cost",
        "net_cost": 25400,
        "plants": [
            {
                "id": "US-ENGINE",
                "country": "US",
                "base_wages": 98_600_000,
                "hours": 2_900_000,
                "engines": 250_000,
            },
            {"id": "MX-ASSEMBLY", "country": "MX", "base_wages": 1_092_000_000, "hours": 7_800_000},
        ],
        "high_wage_labor": [{"value": 1400, "plant": "MX-ASSEMBLY"}],
        "high_wage_materials": [{"value": 10700, "plant": "US-ENGINE"}],
        "technology_wages": 420_000_000,
        "production_wages": 3_500_000_000,
    },
}


def _configurations() -> dict[str, Configuration]:
    out = {}
    for i in range(CONFIGS):
        block = {
            "vehicle": {
                "model_line": f"ML{i % 4}",
                "plant": "MX-COAH",
                "country": "MX",
                "exported": i % 5 != 0,
            },
            "core_parts": [ENGINES[i % 4], TRANSMISSIONS[i % 3], *COMMON],
            "core_parts_not_used": ["advanced_battery"],
            **PRODUCER,
        }
        hs = "8704.31" if i % 2 == 0 else "8703.23"
        out[f"C{i}"] = configuration(f"C{i}", hs, None, block, source=f"config-{i}")
    return out


def _vehicles(n: int) -> list[Vehicle]:
    rng = random.Random(20261126)
    out = []
    for i in range(n):
        nc = Decimal(rng.randrange(2_400_000, 3_200_000)) / 100
        share = Decimal(rng.randrange(1500, 2800)) / 10000  # 15-28 % non-originating
        day = FY_START + dt.timedelta(days=rng.randrange(365))
        vnm = (nc * share).quantize(Decimal("0.01"))
        out.append(Vehicle(f"V{i}", day, f"C{rng.randrange(CONFIGS)}", nc, vnm, None, i + 2))
    return out


def run() -> None:
    configs = _configurations()
    vehicles = _vehicles(VEHICLES)
    params_at = load_parameters().at

    t0 = time.perf_counter()
    # The same path as `tmec average CONFIG... --vehicles LIST.csv` (tmec.origin.automotive.fleet).
    fleet = assess_fleet(configs, vehicles, assessor=VehicleAssessor(params_at))
    records = list(fleet.records)
    passed = fleet.passed
    t_assess = time.perf_counter() - t0

    t1 = time.perf_counter()
    groups = average(
        records, category="model_line_class_plant", fiscal_year_start=(1, 1), params_at=params_at
    )
    t_avg = time.perf_counter() - t1
    total = t_assess + t_avg

    # Baseline 1: no shared cache, on a sample.
    sample = vehicles[:SAMPLE]
    t2 = time.perf_counter()
    for v in sample:
        c = configs[v.config]
        assess_vehicle(c.block, hs=c.hs, day=v.day, net_cost=v.net_cost, vnm=v.vnm)
    per_uncached = (time.perf_counter() - t2) / len(sample)

    # Baseline 2: the full qualify of a vehicle case file (rule, BOM roll-up, automotive), on a sample.
    case = load_case(str(ROOT / "examples" / "pickup_mx_crew_cab.yaml"))
    n_full = min(SAMPLE, 500)
    t3 = time.perf_counter()
    for _ in range(n_full):
        qualify(case)
    per_full = (time.perf_counter() - t3) / n_full

    group_pass = sum(g.passed for g in groups)
    print(
        f"vehicles: {len(vehicles):,} in {CONFIGS} configurations; "
        f"{passed:,} pass every requirement individually"
    )
    print(
        f"assess all (shared core parts / purchases / LVC per configuration and day): {t_assess:.2f} s "
        f"({t_assess / len(vehicles) * 1e6:.1f} µs / vehicle)"
    )
    print(
        f"average by model line, class and plant: {t_avg:.2f} s -> {len(groups)} groups, "
        f"{group_pass} meet the RVC"
    )
    print(f"total: {total:.2f} s (target < 30 s)")
    print(
        f"baseline, no shared cache: {per_uncached * 1e6:.1f} µs / vehicle "
        f"(~{per_uncached * len(vehicles):.1f} s for {len(vehicles):,})"
    )
    print(
        f"baseline, full qualify of a vehicle case file: {per_full * 1e3:.2f} ms / vehicle "
        f"(~{per_full * len(vehicles):.0f} s for {len(vehicles):,})"
    )
