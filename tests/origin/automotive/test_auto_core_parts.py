"""The Table A.2 core-parts requirement and the super-core (UR s.14(4)-(12)).

No official numeric example exists; the expected RVCs are derived by hand from
RVC = (NC - VNM) / NC x 100 and written out in each test.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tmec.core.errors import InputError
from tmec.law import load_parameters
from tmec.origin.automotive.core_parts import assess_core_parts, parse_core_parts

DAY = dt.date(2023, 7, 1)  # threshold 75


def run(parts: list[dict[str, Any]], day: dt.date = DAY, vehicle_class: str = "passenger_vehicle"):  # type: ignore[no-untyped-def]
    parsed = parse_core_parts(parts, field="automotive.core_parts", source="case.yaml")
    return assess_core_parts(parsed, params=load_parameters().at(day), vehicle_class=vehicle_class)


def test_traced_vnm_makes_an_engine_originating() -> None:
    # full: (3100-900)/3100 = 70.97 % < 75; traced: (3100-400)/3100 = 87.10 % >= 75
    r = run([{"part": "engine", "hs": "8407.34", "net_cost": 3100, "vnm": 900, "vnm_traced": 400}])
    assert r.passed and r.threshold == 75
    row = r.details["parts"][0]
    assert row["method"] == "traced"
    assert row["value"] == Decimal(2700) / Decimal(3100) * 100


def test_threshold_day_before_and_day_of_75() -> None:
    # (1000-270)/1000 = 73 %: passes 72 on 30 June 2023, fails 75 on 1 July 2023
    part = [{"part": "axle", "net_cost": 1000, "vnm": 270}]
    assert run(part, dt.date(2023, 6, 30)).passed
    assert not run(part, dt.date(2023, 7, 1)).passed


def test_super_core_rescues_a_failing_part() -> None:
    # engine (3000-900)/3000 = 70 % fails alone; transmission (2000-200)/2000 = 90 %;
    # super-core (5000-1100)/5000 = 78 % >= 75
    r = run(
        [
            {"part": "engine", "net_cost": 3000, "vnm": 900},
            {"part": "transmission", "net_cost": 2000, "vnm": 200},
        ]
    )
    assert r.passed and r.details["method"] == "super_core"
    assert r.value == Decimal(78)
    assert [p["passed"] for p in r.details["parts"]] == [False, True]


def test_super_core_can_fail_too() -> None:
    # (3000-1200 + 2000-600)/5000 = (5000-1800)/5000 = 64 % < 75
    r = run(
        [
            {"part": "engine", "net_cost": 3000, "vnm": 1200},
            {"part": "steering", "net_cost": 2000, "vnm": 600},
        ]
    )
    assert not r.passed and r.value == Decimal(64)


def test_components_give_the_traced_vnm_from_column_2() -> None:
    # non-originating column-2 components of an engine: head 300 (8409.91) + crankshaft 100 (8483.10) = 400;
    # the valve 8481.90 (not column 2 for engines) and the originating block are disregarded (s.14(8)).
    r = run(
        [
            {
                "part": "engine",
                "net_cost": 3100,
                "vnm": 900,
                "components": [
                    {"hs": "8409.91", "value": 300, "origin": "non_originating"},
                    {"hs": "8483.10", "value": 100, "origin": "unknown"},
                    {"hs": "8481.90", "value": 500, "origin": "non_originating"},
                    {"hs": "8409.99", "value": 200, "origin": "originating"},
                ],
            }
        ]
    )
    assert r.details["parts"][0]["vnm_traced"] == Decimal(400)
    assert r.passed


def test_certified_part_counts_as_originating() -> None:
    r = run([{"part": "suspension", "certified": True}])
    assert r.passed
    assert r.details["parts"][0]["certified"]


def test_undeclared_parts_become_questions() -> None:
    r = run([{"part": "engine", "net_cost": 100, "vnm": 10}])
    facts = {q.fact for q in r.questions}
    assert "core_parts.axle" in facts and "core_parts.advanced_battery" not in facts


def test_no_parts_fails() -> None:
    assert not run([]).passed


def test_heavy_truck_parts_at_table_d() -> None:
    # (1000-370)/1000 = 63 %: fails HT-70 at 64 from 1 July 2024, passes 60 the day before
    part = [{"part": "engine", "hs": "8408.20", "net_cost": 1000, "vnm": 370}]
    assert run(part, dt.date(2024, 6, 30), "heavy_truck").passed
    assert not run(part, dt.date(2024, 7, 1), "heavy_truck").passed
    with pytest.raises(InputError, match="engines, gear boxes and chassis"):
        run([{"part": "axle", "net_cost": 1, "vnm": 0}], DAY, "heavy_truck")


@pytest.mark.parametrize(
    ("part", "field", "says"),
    [
        (
            {"part": "engine", "hs": "8708.50", "net_cost": 1, "vnm": 0},
            "automotive.core_parts[0].hs",
            "column-1",
        ),
        ({"part": "wheels", "net_cost": 1, "vnm": 0}, "automotive.core_parts[0].part", "Table A.2"),
        ({"part": "engine", "net_cost": 100}, "automotive.core_parts[0]", "net_cost and vnm"),
        (
            {"part": "engine", "net_cost": 100, "vnm": 10, "vnm_traced": 20},
            "automotive.core_parts[0].vnm_traced",
            "exceed",
        ),
        ({"part": "engine", "net_cost": "abc", "vnm": 1}, "automotive.core_parts[0].net_cost", "number"),
    ],
)
def test_bad_core_parts_name_the_field(part: dict[str, Any], field: str, says: str) -> None:
    with pytest.raises(InputError, match=says) as err:
        run([part])
    assert err.value.field == field and err.value.source == "case.yaml"


def test_super_core_uses_one_vnm_method_for_all_parts() -> None:
    # UR s.14(10): (a) all non-originating materials of every part, or (b) column-2 components of every part.
    # engine: full (3000-1500)/3000 = 50 %, traced (3000-1200)/3000 = 60 %; axle full 70 %, traced 90 %
    # (a): (4000 - 1800)/4000 = 55 %; (b): (4000 - 1300)/4000 = 67.5 % -> fails 75 either way;
    # a per-part mix would also give 67.5 here, so check the reported method and sums
    r = run(
        [
            {"part": "engine", "net_cost": 3000, "vnm": 1500, "vnm_traced": 1200},
            {"part": "axle", "net_cost": 1000, "vnm": 300, "vnm_traced": 100},
        ]
    )
    sc = r.details["super_core"]
    assert sc["vnm_method"] == "traced" and sc["vnm"] == Decimal(1300) and not sc["passed"]
    # a part without a traced figure enters (b) with its full VNM
    r = run(
        [
            {"part": "engine", "net_cost": 3000, "vnm": 1500, "vnm_traced": 300},
            {"part": "axle", "net_cost": 1000, "vnm": 300},
        ]
    )
    assert r.details["super_core"]["vnm"] == Decimal(600)  # 300 + 300


def test_an_8507_60_battery_may_be_originating_by_tariff_shift() -> None:
    # UR s.14(5)-(6): except an advanced battery of 8507.60, column-1 parts must meet the RVC
    r = run([{"part": "advanced_battery", "hs": "8507.60", "tariff_shift": True}])
    assert r.passed and "tariff shift" in r.steps[0].result
    with pytest.raises(InputError, match=r"8507\.60"):
        run([{"part": "advanced_battery", "hs": "8507.80", "tariff_shift": True}])
