"""A vehicle against all its requirements (UR s.13-s.20): the contract of issue 3.

Expected figures are derived by hand from the formulas (no official LVC or steel example exists).
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tmec.core.errors import InputError
from tmec.origin.automotive import REQUIREMENTS, assess_vehicle

D = dt.date
DAY = D(2024, 1, 1)

ISSUE_EXAMPLE: dict[str, Any] = {
    "regime": "standard",
    "core_parts": [{"part": "engine", "hs": "8407.34", "net_cost": 3100, "vnm": 900, "vnm_traced": 400}],
    "steel": {"originating_purchases": 72000000, "total_purchases": 100000000},
    "aluminum": {"originating_purchases": 60000000, "total_purchases": 90000000},
    "lvc": {
        "basis": "net_cost",
        "net_cost": 35000,
        "high_wage_labor": 2000,
        "high_wage_materials": 8500,
        "technology_wages": 1200000,
        "production_wages": 10000000,
        "assembly_credit": True,
    },
}


def block(**changes: Any) -> dict[str, Any]:
    b = copy.deepcopy(ISSUE_EXAMPLE)
    b.update(changes)
    return b


def pv(b: dict[str, Any], day: dt.date = DAY, nc: int = 35000, vnm: int = 7000, hs: str = "8703.23"):  # type: ignore[no-untyped-def]
    return assess_vehicle(b, hs=hs, day=day, category=None, net_cost=Decimal(nc), vnm=Decimal(vnm))


def test_issue_example_fails_on_aluminum_only() -> None:
    r = pv(ISSUE_EXAMPLE)
    assert not r.passed and r.failed == ("aluminum",)
    d = r.to_dict()
    assert set(REQUIREMENTS) <= set(d)
    assert d["vehicle_rvc"]["value"] == "80" or Decimal(d["vehicle_rvc"]["value"]) == 80
    assert d["lvc"]["high_wage_points"] == "30.0" and d["lvc"]["technology_credit"] == "10"
    assert d["lvc"]["assembly_credit"] == "5" and d["lvc"]["threshold"] == "40"
    assert d["core_parts"]["parts"][0]["passed"] is True
    assert "fails aluminum" in r.explanation()[-1].result


def test_issue_example_passes_with_70_percent_aluminum() -> None:
    r = pv(block(aluminum={"originating_purchases": 63, "total_purchases": 90}))
    assert r.passed and r.failed == ()


def test_vehicle_rvc_threshold_day_before_and_day_of() -> None:
    ok = block(aluminum={"originating_purchases": 63, "total_purchases": 90})
    # (35000 - 9450) / 35000 = 73 %: passes 72 on 30 June 2023, fails 75 on 1 July 2023
    assert pv(ok, D(2023, 6, 30), vnm=9450).requirements["vehicle_rvc"].passed  # type: ignore[union-attr]
    r = pv(ok, D(2023, 7, 1), vnm=9450)
    assert r.failed == ("vehicle_rvc",)


def test_light_truck_needs_45_lvc() -> None:
    ok = block(aluminum={"originating_purchases": 63, "total_purchases": 90})
    r = assess_vehicle(
        ok,
        hs="8704.31",
        day=D(2024, 1, 1),
        category="light_truck",
        net_cost=Decimal(35000),
        vnm=Decimal(7000),
    )
    assert r.passed and r.requirements["lvc"].threshold == 45  # type: ignore[union-attr]


def test_missing_requirement_fails_with_a_question() -> None:
    b = block(aluminum={"originating_purchases": 63, "total_purchases": 90})
    del b["steel"]
    r = pv(b)
    assert r.failed == ("steel",)
    assert any(q.fact == "automotive.steel" for q in r.all_questions())


def test_other_vehicle_has_only_its_rvc() -> None:
    # diesel PV: 62.5 % NC; (100 - 37) / 100 = 63 %
    r = assess_vehicle({}, hs="8703.32", day=D(2024, 1, 1), net_cost=Decimal(100), vnm=Decimal(37))
    assert r.passed and r.vehicle_class == "other_vehicle"
    assert r.to_dict()["steel"] is None and r.requirements["vehicle_rvc"].threshold == Decimal("62.5")  # type: ignore[union-attr]


def test_new_plant_window() -> None:
    b = {"vehicle": {"new_plant_first_prototype": "2022-03-01"}}
    # 8704.10 dumper: 60 % NC, but 50 % for 5 years from the prototype; RVC 55 %
    kw: dict[str, Any] = {"hs": "8704.10", "net_cost": Decimal(100), "vnm": Decimal(45)}
    assert assess_vehicle(b, day=D(2027, 2, 28), **kw).passed
    assert not assess_vehicle(b, day=D(2027, 3, 1), **kw).passed


def test_alternative_staging_regime() -> None:
    # ASR: RVC 62.5 (63 % here), LVC 25 with 10 points; no Table A.2 test
    b = block(
        regime="alternative_staging",
        core_parts=[],
        aluminum={"originating_purchases": 63, "total_purchases": 90},
        lvc={
            "net_cost": 100,
            "high_wage_labor": 11,
            "high_wage_materials": 0,
            "production_wages": 100,
            "technology_wages": 9,
            "assembly_credit": True,
        },
    )
    r = pv(b, D(2025, 6, 30), nc=100, vnm=37)
    assert r.passed and r.requirements["core_parts"] is None
    assert r.requirements["lvc"].threshold == 25 and r.requirements["vehicle_rvc"].threshold == Decimal(
        "62.5"
    )  # type: ignore[union-attr]
    with pytest.raises(InputError, match="30 June 2025") as err:
        pv(b, D(2025, 7, 1), nc=100, vnm=37)
    assert err.value.field == "automotive.regime"
    assert pv(b | {"asr_period_end": "2026-06-30"}, D(2025, 7, 1), nc=100, vnm=37).passed


def test_heavy_truck_lvc_points_credit_its_rvc_until_2027() -> None:
    # HT threshold 64 from 1 July 2024; RVC (100-38)/100 = 62;
    # HW points (33+0)/100 = 33, 3 above 30 -> 65 >= 64
    b = block(
        core_parts=[],
        aluminum={"originating_purchases": 63, "total_purchases": 90},
        lvc={
            "net_cost": 100,
            "high_wage_labor": 33,
            "high_wage_materials": 0,
            "production_wages": 100,
            "technology_wages": 10,
            "assembly_credit": True,
        },
    )
    kw: dict[str, Any] = {"hs": "8704.23", "net_cost": Decimal(100), "vnm": Decimal(38)}
    r = assess_vehicle(b, day=D(2025, 1, 1), **kw)
    assert r.passed and r.requirements["vehicle_rvc"].details["lvc_credit"] == 3  # type: ignore[union-attr]
    assert not assess_vehicle(b, day=D(2027, 7, 1), **kw).passed  # credit ended; threshold 70


def test_core_parts_roll_up_policy_for_the_united_states() -> None:
    ok = block(aluminum={"originating_purchases": 63, "total_purchases": 90})
    # (35000 - 8000) / 35000 = 77.14 %;
    # with the engine's 900 VNM kept in: (35000 - 8900) / 35000 = 74.57 % < 75
    assert pv(ok, vnm=8000).passed
    r = pv(ok | {"importing_country": "US"}, vnm=8000)
    assert r.failed == ("vehicle_rvc",)
    assert pv(ok | {"importing_country": "US", "core_parts_roll_up": True}, vnm=8000).passed


@pytest.mark.parametrize(
    ("b", "kw", "field"),
    [
        ({}, {"category": "passenger_vehicle", "hs": "8704.21"}, "good.category"),
        ({"regime": "asr"}, {}, "automotive.regime"),
        ({"vehicle": {"persons": "many"}}, {}, "automotive.vehicle.persons"),
        ({"steel": {"total_purchases": 1}}, {}, "automotive.steel.originating_purchases"),
        ({"surprise": 1}, {}, "automotive"),
    ],
)
def test_bad_input_names_the_field(b: dict[str, Any], kw: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "hs": "8703.23",
        "day": D(2024, 1, 1),
        "net_cost": Decimal(1),
        "vnm": Decimal(0),
    } | kw
    with pytest.raises(InputError) as err:
        assess_vehicle(b, **args)
    assert err.value.field == field


# A figure well above or well below each requirement's threshold, by requirement.
PASS_FAIL: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "vehicle_rvc": ({"vnm": 5000}, {"vnm": 20000}),
    "core_parts": (
        {"core_parts": [{"part": "engine", "net_cost": 100, "vnm": 5}]},
        {"core_parts": [{"part": "engine", "net_cost": 100, "vnm": 60}]},
    ),
    "steel": (
        {"steel": {"originating_purchases": 95, "total_purchases": 100}},
        {"steel": {"originating_purchases": 10, "total_purchases": 100}},
    ),
    "aluminum": (
        {"aluminum": {"originating_purchases": 95, "total_purchases": 100}},
        {"aluminum": {"originating_purchases": 10, "total_purchases": 100}},
    ),
    "lvc": (
        {"lvc": ISSUE_EXAMPLE["lvc"] | {"high_wage_materials": 20000}},
        {"lvc": ISSUE_EXAMPLE["lvc"] | {"high_wage_materials": 100, "high_wage_labor": 100}},
    ),
}


@settings(max_examples=150, deadline=None)
@given(
    outcome=st.fixed_dictionaries({name: st.booleans() for name in REQUIREMENTS}),
    day=st.dates(D(2020, 7, 1), D(2030, 12, 31)),
    hs=st.sampled_from(["8703.23", "8704.21", "8704.31", "8704.23", "8701.21"]),
)
def test_a_vehicle_never_passes_when_any_requirement_fails(
    outcome: dict[str, bool], day: dt.date, hs: str
) -> None:
    b: dict[str, Any] = {
        "steel": {"originating_purchases": 1, "total_purchases": 1, "melted_and_poured": True}
    }
    vnm = 0
    for name, ok in outcome.items():
        figures = PASS_FAIL[name][0 if ok else 1]
        if name == "vehicle_rvc":
            vnm = figures["vnm"]
        else:
            b.update(copy.deepcopy(figures))
    if outcome["steel"]:
        b["steel"]["melted_and_poured"] = True
    r = assess_vehicle(b, hs=hs, day=day, net_cost=Decimal(35000), vnm=Decimal(vnm))
    assert r.passed == all(outcome.values())
    assert set(r.failed) == {n for n, ok in outcome.items() if not ok}
    if not r.passed:
        assert all(n in r.explanation()[-1].result for n in r.failed)


@settings(max_examples=60, deadline=None)
@given(days=st.lists(st.dates(D(2020, 7, 1), D(2028, 12, 31)), min_size=1, max_size=12))
def test_the_shared_cache_never_blurs_a_change_of_law(days: list[dt.date]) -> None:
    """VehicleAssessor reuses shared results between changes of law; same answers as uncached."""
    from tmec.origin.automotive import VehicleAssessor, parse_automotive

    b = parse_automotive(block(core_parts=[{"part": "engine", "net_cost": 1000, "vnm": 265}]))
    assessor = VehicleAssessor()
    for day in [*days, D(2023, 6, 30), D(2023, 7, 1), D(2027, 6, 30), D(2027, 7, 1)]:
        cached = assessor.assess(b, hs="8704.31", day=day, net_cost=Decimal(35000), vnm=Decimal(9000))
        fresh = assess_vehicle(b, hs="8704.31", day=day, net_cost=Decimal(35000), vnm=Decimal(9000))
        assert cached.to_dict() == fresh.to_dict()


def test_public_api() -> None:
    import tmec
    import tmec.origin.automotive as auto

    for name in ("assess_vehicle", "parse_automotive", "average", "VehicleAssessor"):
        assert name in tmec.__all__ and hasattr(tmec, name)
    for name in auto.__all__:
        assert hasattr(auto, name), name


def test_missing_vehicle_costs_fail_with_a_question() -> None:
    r = assess_vehicle(ISSUE_EXAMPLE, hs="8703.23", day=DAY)
    rvc = r.requirements["vehicle_rvc"]
    assert rvc is not None and not rvc.passed and rvc.value is None and rvc.threshold == 75
    assert "vehicle_rvc" in r.failed
    assert any("net cost and VNM" in q.text for q in r.all_questions())


def test_refit_window_runs_two_years_from_the_first_prototype_after_the_refit() -> None:
    # UR s.20(8)(b): 50 % for two years after the first prototype produced following a refit
    b = {"vehicle": {"refit_first_prototype": "2024-05-15", "persons": 20}}
    kw: dict[str, Any] = {"hs": "8702.10", "net_cost": Decimal(100), "vnm": Decimal(45)}  # 55 % vs 60 %
    assert assess_vehicle(b, day=D(2026, 5, 14), **kw).passed
    assert not assess_vehicle(b, day=D(2026, 5, 15), **kw).passed


def test_lvc_net_cost_defaults_to_each_vehicles_own() -> None:
    from tmec.origin.automotive import VehicleAssessor, parse_automotive

    lvc = {k: v for k, v in ISSUE_EXAMPLE["lvc"].items() if k != "net_cost"}
    b = parse_automotive(block(lvc=lvc))
    assessor = VehicleAssessor()
    # (2000 + 8500) / NC x 100 + 10 + 5: NC 35000 -> 45; NC 30000 -> 50
    for nc, expected in ((35000, Decimal(45)), (30000, Decimal(50))):
        r = assessor.assess(b, hs="8704.31", day=DAY, net_cost=Decimal(nc), vnm=Decimal(5000))
        assert r.requirements["lvc"].value == expected  # type: ignore[union-attr]
    r = assessor.assess(b, hs="8704.31", day=DAY)  # no net cost at all: both fail with questions
    assert {"vehicle_rvc", "lvc"} <= set(r.failed)


def test_fleet_matches_vehicle_by_vehicle_assessment() -> None:
    from tmec.origin.automotive.fleet import Vehicle, assess_fleet, configuration

    config = configuration(
        "C1",
        "8704.31",
        "light_truck",
        block(aluminum={"originating_purchases": 63, "total_purchases": 90}),
        source=None,
    )
    vehicles = [
        Vehicle("V1", D(2023, 6, 30), "C1", Decimal(35000), Decimal(9450), None, 2),  # 73 %: passes 72
        Vehicle("V2", D(2023, 7, 1), "C1", Decimal(35000), Decimal(9450), False, 3),  # fails 75
    ]
    fleet = assess_fleet({"C1": config}, vehicles)
    assert fleet.passed == 1 and fleet.failing == {"vehicle_rvc": 1}
    assert [r.exported for r in fleet.records] == [config.block.exported, False]
    for v, rec in zip(vehicles, fleet.records, strict=True):
        alone = assess_vehicle(config.block, hs="8704.31", day=v.day, net_cost=v.net_cost, vnm=v.vnm)
        assert rec.threshold == alone.requirements["vehicle_rvc"].threshold  # type: ignore[union-attr]
