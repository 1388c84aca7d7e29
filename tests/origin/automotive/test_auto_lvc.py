"""Labor value content (UR s.18; 29 CFR 810.105).

The spec has no official numeric LVC example.  Every expected figure below is
derived by hand from the formulas of UR s.18(6), written out in the test:
(a) (HWLC + HWM) / NC x 100; (b) (APV + HWLC) / (TAPV + HWLC) x 100; plus
min(10, R&D+IT wages / production wages x 100) and 5 for the assembly credit.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tmec.core.errors import InputError
from tmec.law import load_parameters
from tmec.origin.automotive.lvc import assess_lvc, average_base_wage, parse_lvc

D = dt.date
JULY_2023 = D(2023, 7, 1)


def run(data: dict[str, Any], vehicle_class: str = "passenger_vehicle", day: dt.date = JULY_2023):  # type: ignore[no-untyped-def]
    lvc = parse_lvc(data, field="automotive.lvc", source="case.yaml")
    return assess_lvc(lvc, params=load_parameters().at(day), vehicle_class=vehicle_class)


BASE = {
    "basis": "net_cost",
    "net_cost": 35000,
    "high_wage_labor": 2000,
    "high_wage_materials": 8500,
    "technology_wages": 1_200_000,
    "production_wages": 10_000_000,
    "assembly_credit": True,
}


def test_net_cost_basis_spec_illustration() -> None:
    # (2000 + 8500) / 35000 x 100 = 30; tech min(10, 12) = 10; assembly 5; LVC 45 >= 40, 30 >= 25
    r = run(BASE)
    assert r.passed
    assert r.details["high_wage_points"] == Decimal(30)
    assert r.details["technology_credit"] == Decimal(10)
    assert r.details["assembly_credit"] == Decimal(5)
    assert r.value == Decimal(45) and r.threshold == 40


def test_annual_purchase_value_basis() -> None:
    # (6.0M + 1.5M) / (20M + 1.5M) x 100 = 7.5/21.5 x 100 = 34.8837...; tech 0.8M/10M = 8; no assembly credit
    # LVC 42.8837 < 45 for a light truck; points 34.88 >= 30
    data = {
        "basis": "annual_purchase_value",
        "apv": 6_000_000,
        "tapv": 20_000_000,
        "high_wage_labor": 1_500_000,
        "technology_wages": 800_000,
        "production_wages": 10_000_000,
        "assembly_credit": False,
    }
    r = run(data, "light_truck")
    points = Decimal("7.5") / Decimal("21.5") * 100
    assert abs(r.details["high_wage_points"] - points) < Decimal("1e-20")
    assert abs(r.value - (points + 8)) < Decimal("1e-20")
    assert not r.passed and r.threshold == 45
    # HWLC left out of both terms: 6/20 = 30 points, 38 in all
    r2 = run(data | {"omit_hwlc": True}, "light_truck")
    assert r2.details["high_wage_points"] == Decimal(30) and r2.value == Decimal(38)


def test_passenger_vehicle_phase_in_day_before_and_day_of() -> None:
    # points (2200+5500)/35000 = 22; tech 10; assembly 5 -> 37
    data = BASE | {"high_wage_labor": 2200, "high_wage_materials": 5500}
    assert run(data, day=D(2023, 6, 30)).passed  # 36 and 21
    r = run(data, day=D(2023, 7, 1))  # 40 and 25
    assert not r.passed and r.value == Decimal(37) and r.details["high_wage_points_min"] == 25
    assert run(data, day=D(2020, 7, 1)).threshold == 30
    assert run(data, day=D(2021, 6, 30)).threshold == 30
    assert run(data, day=D(2021, 7, 1)).threshold == 33


def test_minimum_points_bind_even_when_the_total_passes() -> None:
    # points (1000+7000)/35000 = 22.857 < 25 while 22.857 + 10 + 5 = 37.857 ... and with more tech still < 25
    r = run(BASE | {"high_wage_labor": 1000, "high_wage_materials": 7000}, "passenger_vehicle", D(2024, 1, 1))
    assert not r.passed
    assert r.details["high_wage_points"] < 25


def test_technology_credit_is_capped_at_10() -> None:
    r = run(BASE | {"technology_wages": 500_000})  # 5 % -> 5 points
    assert r.details["technology_credit"] == Decimal(5)
    r = run(BASE | {"technology_wages": 5_000_000})  # 50 % -> capped 10
    assert r.details["technology_credit"] == Decimal(10)


def test_average_base_wage_and_the_mexican_threshold() -> None:
    # plant A: 3,000,000 MXN / 10,000 h = 300 >= 294.22; plant B: 2,800,000 / 10,000 = 280 < 294.22
    assert average_base_wage(Decimal(3_000_000), Decimal(10_000)) == Decimal(300)
    data = BASE | {
        "plants": [
            {"id": "A", "country": "MX", "base_wages": 3_000_000, "hours": 10_000},
            {"id": "B", "country": "MX", "base_wages": 2_800_000, "hours": 10_000},
        ],
        "high_wage_materials": [{"value": 8500, "plant": "A"}, {"value": 4000, "plant": "B"}],
    }
    r = run(data)
    assert r.details["high_wage_materials"] == Decimal(8500)  # plant B's materials are left out
    assert [p["high_wage"] for p in r.details["plants"]] == [True, False]
    # with the other reported figure MXN 304.21, plant A no longer qualifies: (2000 + 0)/35000
    r = run(data | {"wage_thresholds": {"MXN": "304.21"}})
    assert r.details["high_wage_materials"] == 0
    assert r.details["high_wage_points"] == Decimal(2000) / Decimal(35000) * 100


@pytest.mark.parametrize(
    ("vehicle_class", "plant", "credit"),
    [
        ("passenger_vehicle", {"engines": 100_000}, 5),
        ("passenger_vehicle", {"engines": 99_999}, 0),
        ("passenger_vehicle", {"transmissions": 100_000}, 5),
        ("passenger_vehicle", {"battery_packs": 25_000}, 5),
        ("passenger_vehicle", {"battery_packs": 24_999}, 0),
        ("heavy_truck", {"engines": 20_000}, 5),
        ("heavy_truck", {"transmissions": 19_999}, 0),
        ("passenger_vehicle", {"engines": 100_000, "operated": False, "contract_years": 2}, 0),
        ("passenger_vehicle", {"engines": 100_000, "operated": False, "contract_years": 3}, 5),
        ("passenger_vehicle", {"engines": 100_000, "average_base_wage": "15.99"}, 0),
    ],
)
def test_assembly_credit_from_plant_capacity(vehicle_class: str, plant: dict[str, Any], credit: int) -> None:
    data = {k: v for k, v in BASE.items() if k != "assembly_credit"}
    p = {"id": "ENG", "country": "US", "average_base_wage": 32} | plant
    r = run(data | {"plants": [p]}, vehicle_class)
    assert r.details["assembly_credit"] == credit


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"basis": "net_cost"}, "automotive.lvc.net_cost"),
        ({"basis": "annual_purchase_value", "apv": 1}, "automotive.lvc.tapv"),
        ({"basis": "formula_c", "net_cost": 1}, "automotive.lvc.basis"),
        ({"net_cost": 1, "technology_wages": 5}, "automotive.lvc.production_wages"),
        (
            {"net_cost": 1, "high_wage_materials": [{"value": 1, "plant": "X"}]},
            "automotive.lvc.high_wage_materials[0]",
        ),
        ({"net_cost": 1, "plants": [{"id": "P", "country": "BR"}]}, "automotive.lvc.plants[0].country"),
        ({"net_cost": 1, "assembly_credit": "yes"}, "automotive.lvc.assembly_credit"),
    ],
)
def test_bad_lvc_input_names_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        run(data)
    assert err.value.field == field


def test_high_wage_transport_counts_only_from_high_wage_providers() -> None:
    # (2000 + 8500 + 700) / 35000 = 32 points; the 300 from a provider paying 250 MXN/h is left out
    data = BASE | {
        "plants": [
            {"id": "LOG-US", "country": "US", "average_base_wage": 22},
            {"id": "LOG-MX", "country": "MX", "average_base_wage": 250},
        ],
        "high_wage_transport": [{"value": 700, "plant": "LOG-US"}, {"value": 300, "plant": "LOG-MX"}],
    }
    r = run(data)
    assert r.details["high_wage_points"] == Decimal(32)
