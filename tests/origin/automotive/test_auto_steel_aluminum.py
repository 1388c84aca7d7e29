"""The two 70 % purchase tests and melted-and-poured (UR s.17; Table S).

Figures: the spec's non-official illustration (usmca.md §7, "Not found") and hand-made lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tmec.core.errors import InputError
from tmec.law import load_parameters
from tmec.origin.automotive.steel_aluminum import assess_purchases, melted_and_poured, parse_purchases


def run(data: dict[str, Any], metal: str = "steel", day: dt.date = dt.date(2024, 1, 1)):  # type: ignore[no-untyped-def]
    p = parse_purchases(data, metal=metal, field=f"automotive.{metal}", source="case.yaml")
    return assess_purchases(p, params=load_parameters().at(day))


def test_spec_illustration_steel_passes_aluminum_fails() -> None:
    steel = run({"originating_purchases": 72_000_000, "total_purchases": 100_000_000})
    assert steel.passed and steel.value == Decimal(72) and steel.threshold == 70
    aluminum = run({"originating_purchases": 60_000_000, "total_purchases": 90_000_000}, "aluminum")
    assert not aluminum.passed and aluminum.value == Decimal(200) / Decimal(3)


def test_exactly_70_percent_passes() -> None:
    assert run({"originating_purchases": 63, "total_purchases": 90}, "aluminum").passed


LINES = [
    {"hs": "7208.51", "value": 700, "origin": "originating", "melted_and_poured": False},
    {"hs": "7209.16", "value": 300, "origin": "non_originating"},
    {"hs": "7210.49", "value": 500, "origin": "originating", "use": "tooling"},
]


def test_lines_sum_only_purchases_for_vehicles() -> None:
    # 700 of 1000 = 70 %; the tooling steel is left out (UR s.17(4))
    r = run({"purchases": LINES}, day=dt.date(2027, 6, 30))
    assert r.passed and r.value == Decimal(70)
    assert r.details["excluded_purchases"] == Decimal(500)


def test_melted_and_poured_from_1_july_2027() -> None:
    # the same steel, not melted and poured in the region, stops counting: 0 of 1000
    r = run({"purchases": LINES}, day=dt.date(2027, 7, 1))
    assert not r.passed and r.value == 0
    assert r.details["melted_and_poured_required"]


def test_unknown_melt_is_a_question_after_2027() -> None:
    r = run({"purchases": [{"hs": "7208.51", "value": 10, "origin": "originating"}]}, day=dt.date(2027, 7, 1))
    assert not r.passed
    assert any("melted and poured" in q.text for q in r.questions)


def test_raw_material_exception() -> None:
    ok, _ = melted_and_poured(
        {"melting": "MX", "pouring": "MX", "coating": "US"}, ["7204.49", "2601.12", "7201.10"]
    )
    assert ok
    bad, why = melted_and_poured({"melting": "MX"}, ["7207.11"])  # a foreign slab is not a raw material
    assert not bad and "7207.11" in why
    r = run(
        {
            "purchases": [
                {
                    "hs": "7209.16",
                    "value": 10,
                    "origin": "originating",
                    "processes": {"melting": "CA"},
                    "foreign_inputs": ["7204.10"],
                }
            ]
        },
        day=dt.date(2028, 1, 1),
    )
    assert r.passed


def test_stampings_count_their_metal_only() -> None:
    r = run({"purchases": [{"hs": "8708.29", "value": 5000, "metal_value": 800, "origin": "originating"}]})
    assert r.details["total_purchases"] == Decimal(800)


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        (
            {"purchases": [{"hs": "7601.10", "value": 1}]},
            "automotive.steel.purchases[0].hs",
            "not Table S steel",
        ),
        (
            {"originating_purchases": 5, "total_purchases": 4},
            "automotive.steel.originating_purchases",
            "exceed",
        ),
        ({"originating_purchases": 5}, "automotive.steel.total_purchases", "missing"),
        (
            {"originating_purchases": 1, "total_purchases": 2, "period": "decade"},
            "automotive.steel.period",
            "expected one of",
        ),
        (
            {"purchases": [{"hs": "8708.29", "value": 1}]},
            "automotive.steel.purchases[0].metal_value",
            "Table S metal counts",
        ),
    ],
)
def test_bad_purchases_name_the_field(data: dict[str, Any], field: str, says: str) -> None:
    with pytest.raises(InputError, match=says) as err:
        run(data)
    assert err.value.field == field
