"""Averaging periods and categories (UR s.16; official example W-11, UR s.16(12))."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tmec.core.dates import Period
from tmec.core.errors import InputError
from tmec.law import load_parameters
from tmec.origin.automotive.averaging import VehicleRecord, average, averaging_period, parse_month_day

D = dt.date
MARCH = D(2024, 3, 1)


def period(
    day: dt.date, fy: str, vehicle_class: str = "passenger_vehicle", option: str = "fiscal_year"
) -> Period:
    return averaging_period(
        day,
        fiscal_year_start=parse_month_day(fy),
        vehicle_class=vehicle_class,
        params=load_parameters().at(day),
        option=option,
    )


def test_w11_eighteen_month_first_period() -> None:
    # W-11: EIF 1 July 2020, fiscal year from 1 January 2021 -> 1 July 2020 to 31 December 2021
    expected = Period(D(2020, 7, 1), D(2022, 1, 1))
    assert period(D(2020, 7, 1), "01-01") == expected
    assert period(D(2021, 12, 31), "01-01") == expected
    assert period(D(2022, 1, 1), "01-01") == Period(D(2022, 1, 1), D(2023, 1, 1))


def test_first_period_for_other_fiscal_years() -> None:
    assert period(D(2020, 9, 1), "07-01") == Period(
        D(2020, 7, 1), D(2021, 7, 1)
    )  # starts at EIF: no transition
    assert period(D(2021, 5, 1), "10-01") == Period(D(2020, 7, 1), D(2021, 10, 1))  # 15 months


def test_july_june_periods_for_pv_lt_then_to_fiscal_year_end() -> None:
    assert period(D(2022, 8, 1), "01-01", option="july_june") == Period(D(2022, 7, 1), D(2023, 7, 1))
    assert period(D(2023, 6, 30), "01-01", option="july_june") == Period(D(2022, 7, 1), D(2023, 7, 1))
    assert period(D(2023, 7, 1), "01-01", option="july_june") == Period(D(2023, 7, 1), D(2024, 1, 1))
    assert period(D(2024, 3, 1), "01-01", option="july_june") == Period(D(2024, 1, 1), D(2025, 1, 1))


def test_july_june_periods_for_heavy_trucks() -> None:
    ht = "heavy_truck"
    assert period(D(2023, 6, 30), "01-01", ht, "july_june") == Period(D(2023, 1, 1), D(2024, 1, 1))
    assert period(D(2023, 7, 1), "01-01", ht, "july_june") == Period(D(2023, 7, 1), D(2024, 7, 1))
    assert period(D(2027, 6, 30), "01-01", ht, "july_june") == Period(D(2026, 7, 1), D(2027, 7, 1))
    assert period(D(2027, 7, 1), "01-01", ht, "july_june") == Period(D(2027, 7, 1), D(2028, 1, 1))


def rec(id: str, nc: int, vnm: int, plant: str = "P1", day: dt.date = MARCH, **kw: object) -> VehicleRecord:
    return VehicleRecord(
        id=id,
        day=day,
        vehicle_class="light_truck",
        averaging_class="c",
        net_cost=Decimal(nc),
        vnm=Decimal(vnm),
        threshold=Decimal(75),
        model_line="ML",
        plant=plant,
        country="MX",
        **kw,  # type: ignore[arg-type]
    )


def test_average_by_class_and_plant() -> None:
    # 74 % and 77 % vehicles: (70000 - 17000) / 70000 = 75.714 % >= 75, so both meet the RVC
    recs = [rec("a", 30000, 7800), rec("b", 40000, 9200), rec("c", 10000, 5000, plant="P2")]
    groups = average(recs, category="class_plant", fiscal_year_start=(1, 1), params_at=load_parameters().at)
    assert len(groups) == 2
    g = groups[0]
    assert g.key == {"averaging_class": "c", "plant": "P1"} and g.count == 2
    assert g.value == Decimal(53000) / Decimal(70000) * 100 and g.passed
    assert not groups[1].passed  # P2: 50 %
    assert g.to_dict()["period"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_exported_only_and_core_parts_average() -> None:
    parts = (("engine", Decimal(3000), Decimal(900), Decimal(900)),)  # 70 % alone
    recs = [
        rec("a", 100, 10, exported=True, core_parts=parts),
        rec("b", 100, 10, exported=True, core_parts=(("engine", Decimal(3000), Decimal(300), Decimal(300)),)),
        rec("c", 100, 90),
    ]
    groups = average(
        recs,
        category="model_line_country",
        fiscal_year_start=(1, 1),
        params_at=load_parameters().at,
        exported_only=True,
    )
    (g,) = groups
    assert g.count == 2 and g.passed
    # engines averaged: (6000 - 1200) / 6000 = 80 % >= 75
    assert g.core_parts()["engine"]["value"] == Decimal(80)


def test_different_thresholds_are_averaged_apart() -> None:
    recs = [
        rec("a", 100, 20),
        VehicleRecord(
            "b", D(2024, 3, 1), "light_truck", "c", Decimal(100), Decimal(20), Decimal(70), "ML", "P1"
        ),
    ]
    assert (
        len(average(recs, category="class_plant", fiscal_year_start=(1, 1), params_at=load_parameters().at))
        == 2
    )


def test_category_needs_its_facts() -> None:
    with pytest.raises(InputError, match="model_line"):
        average(
            [VehicleRecord("x", D(2024, 1, 1), "light_truck", "c", Decimal(1), Decimal(0), Decimal(75))],
            category="model_line_class_plant",
            fiscal_year_start=(1, 1),
            params_at=load_parameters().at,
        )
    with pytest.raises(InputError):
        parse_month_day("13-01")


@pytest.mark.parametrize(
    ("day", "option", "start", "end"),
    [
        (D(2024, 8, 15), "quarter", D(2024, 7, 1), D(2024, 10, 1)),
        (D(2024, 12, 31), "quarter", D(2024, 10, 1), D(2025, 1, 1)),
        (D(2024, 12, 31), "month", D(2024, 12, 1), D(2025, 1, 1)),
        (D(2024, 2, 29), "month", D(2024, 2, 1), D(2024, 3, 1)),
        (D(2024, 3, 31), "part_producer_fiscal_year", D(2023, 4, 1), D(2024, 4, 1)),
    ],
)
def test_parts_averaging_periods(day: dt.date, option: str, start: dt.date, end: dt.date) -> None:
    from tmec.origin.automotive.averaging import parts_averaging_period

    assert parts_averaging_period(day, option=option, fiscal_year_start=(4, 1)) == Period(start, end)


def test_group_super_core_takes_one_vnm_method_for_all_parts() -> None:
    # engine: full 900, traced 300; axle: full 100, no trace (300 -> its full 100 stands in)
    # per part: engine (3000-300)/3000 = 90 %, axle (1000-100)/1000 = 90 %
    # super-core (b) traced for all: (4000 - 400)/4000 = 90 %; (a) full: (4000 - 1000)/4000 = 75 %
    parts = (
        ("engine", Decimal(3000), Decimal(900), Decimal(300)),
        ("axle", Decimal(1000), Decimal(100), Decimal(100)),
    )
    (g,) = average(
        [rec("a", 100, 10, core_parts=parts)],
        category="class_plant",
        fiscal_year_start=(1, 1),
        params_at=load_parameters().at,
    )
    cp = g.core_parts()
    assert cp["engine"]["value"] == Decimal(90) and cp["super_core"]["vnm"] == Decimal(400)
