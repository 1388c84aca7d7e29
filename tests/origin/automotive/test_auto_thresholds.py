"""Every automotive threshold on the day before and the day it changes (UR s.13-s.20).

Expected values are the figures of shared/spec/usmca.md §5.2, §5.3, §5.6-§5.8 and §8,
typed here from the spec, not read back from the YAML.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tmec.core.errors import NotInForce
from tmec.law import load_parameters

D = dt.date
PV_DATES = [D(2020, 7, 1), D(2021, 7, 1), D(2022, 7, 1), D(2023, 7, 1)]
HT_DATES = [D(2020, 7, 1), D(2024, 7, 1), D(2027, 7, 1)]

STAGED = [
    ("usmca.staging.pv_lt_75", PV_DATES, ["66", "69", "72", "75"]),
    ("usmca.staging.pv_lt_70", PV_DATES, ["62.5", "65", "67.5", "70"]),
    ("usmca.staging.ht_70", HT_DATES, ["60", "64", "70"]),
    ("usmca.automotive.core_parts_tv", PV_DATES, ["76", "79", "82", "85"]),
    ("usmca.automotive.principal_parts_tv", PV_DATES, ["72.5", "75", "77.5", "80"]),
    ("usmca.automotive.complementary_parts_nc", PV_DATES, ["62", "63", "64", "65"]),
    ("usmca.automotive.complementary_parts_tv", PV_DATES, ["72", "73", "74", "75"]),
    ("usmca.automotive.ht_principal_parts_tv", HT_DATES, ["70", "74", "80"]),
    ("usmca.automotive.ht_complementary_parts_nc", HT_DATES, ["50", "54", "60"]),
    ("usmca.automotive.ht_complementary_parts_tv", HT_DATES, ["60", "64", "70"]),
    ("usmca.automotive.lvc_passenger_vehicle", PV_DATES, ["30", "33", "36", "40"]),
    ("usmca.automotive.lvc_passenger_vehicle_hw_min", PV_DATES, ["15", "18", "21", "25"]),
]
CONSTANT = [
    ("usmca.automotive.other_vehicle_rvc_62_5", "62.5"),
    ("usmca.automotive.other_vehicle_rvc_60", "60"),
    ("usmca.automotive.new_plant_rvc", "50"),
    ("usmca.automotive.steel_purchase_share", "70"),
    ("usmca.automotive.aluminum_purchase_share", "70"),
    ("usmca.automotive.lvc_truck", "45"),
    ("usmca.automotive.lvc_truck_hw_min", "30"),
    ("usmca.automotive.lvc_technology_credit_cap", "10"),
    ("usmca.automotive.lvc_assembly_credit", "5"),
    ("usmca.automotive.assembly_capacity_pv_lt_engines", "100000"),
    ("usmca.automotive.assembly_capacity_pv_lt_transmissions", "100000"),
    ("usmca.automotive.assembly_capacity_pv_lt_batteries", "25000"),
    ("usmca.automotive.assembly_capacity_ht_engines", "20000"),
    ("usmca.automotive.high_wage_rate_usd", "16"),
    ("usmca.automotive.high_wage_rate_cad", "20.88"),
    ("usmca.automotive.high_wage_rate_mxn", "294.22"),
]
ASR = [
    ("usmca.automotive.asr_vehicle_rvc", "62.5"),
    ("usmca.automotive.asr_core_parts_nc", "62.5"),
    ("usmca.automotive.asr_core_parts_tv", "72.5"),
    ("usmca.automotive.asr_lvc", "25"),
    ("usmca.automotive.asr_lvc_hw_min", "10"),
]


def at(name: str, day: dt.date) -> Decimal:
    return load_parameters().at(day)[name].decimal


@pytest.mark.parametrize(("name", "dates", "values"), STAGED, ids=[s[0] for s in STAGED])
def test_staged_threshold_on_the_day_before_and_the_day_of_each_change(
    name: str, dates: list[dt.date], values: list[str]
) -> None:
    with pytest.raises(NotInForce):
        at(name, dates[0] - dt.timedelta(days=1))
    for i, (day, value) in enumerate(zip(dates, values, strict=True)):
        assert at(name, day) == Decimal(value)
        if i:
            assert at(name, day - dt.timedelta(days=1)) == Decimal(values[i - 1])
    assert at(name, D(2035, 1, 1)) == Decimal(values[-1])


@pytest.mark.parametrize(("name", "value"), CONSTANT, ids=[c[0] for c in CONSTANT])
def test_constant_threshold_from_entry_into_force(name: str, value: str) -> None:
    with pytest.raises(NotInForce):
        at(name, D(2020, 6, 30))
    assert at(name, D(2020, 7, 1)) == Decimal(value)
    assert at(name, D(2030, 1, 1)) == Decimal(value)


@pytest.mark.parametrize(("name", "value"), ASR, ids=[a[0] for a in ASR])
def test_alternative_staging_regime_ends_30_june_2025(name: str, value: str) -> None:
    assert at(name, D(2020, 7, 1)) == Decimal(value)
    assert at(name, D(2025, 6, 30)) == Decimal(value)
    with pytest.raises(NotInForce):
        at(name, D(2025, 7, 1))


def test_melted_and_poured_from_1_july_2027() -> None:
    p = "usmca.automotive.steel_melted_and_poured"
    assert load_parameters().at(D(2027, 6, 30))[p].value is False
    assert load_parameters().at(D(2027, 7, 1))[p].value is True


def test_heavy_truck_lvc_credit_toward_rvc_ends_1_july_2027() -> None:
    p = "usmca.automotive.ht_lvc_excess_credit_floor"
    assert at(p, D(2027, 6, 30)) == 60
    with pytest.raises(NotInForce):
        at(p, D(2027, 7, 1))


def test_unverified_values_say_so() -> None:
    snap = load_parameters().at(D(2024, 1, 1))
    assert snap["usmca.automotive.core_parts_roll_up"].cite().endswith("[unverified]")
    assert snap["usmca.automotive.core_parts_roll_up"].value == {"US": False, "CA": True, "MX": True}
    assert not snap["usmca.automotive.high_wage_rate_usd"].unverified
