"""Vehicle classes by HS code and attributes (UR s.12; s.20; spec usmca.md §5.1-§5.2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tmec.core.errors import InputError
from tmec.origin.automotive.classes import VehicleAttributes, classify

A = VehicleAttributes


@pytest.mark.parametrize(
    ("hs", "attrs", "vehicle_class", "parameter", "averaging_class"),
    [
        ("8703.23", A(), "passenger_vehicle", "usmca.staging.pv_lt_75", "d"),
        ("8703.80", A(), "passenger_vehicle", "usmca.staging.pv_lt_75", "d"),  # HS 2017 electric
        ("8703.32", A(), "other_vehicle", "usmca.automotive.other_vehicle_rvc_62_5", "d"),  # diesel
        (
            "8703.50",
            A(compression_ignition=True),
            "other_vehicle",
            "usmca.automotive.other_vehicle_rvc_62_5",
            "d",
        ),
        ("8703.23", A(motorhome=True), "other_vehicle", "usmca.automotive.other_vehicle_rvc_62_5", "d"),
        (
            "8703.23",
            A(ambulance_hearse_prison_van=True),
            "other_vehicle",
            "usmca.automotive.other_vehicle_rvc_62_5",
            "d",
        ),
        ("8703.21", A(all_terrain=True), "other_vehicle", "usmca.automotive.other_vehicle_rvc_62_5", "d"),
        ("8704.21", A(), "light_truck", "usmca.staging.pv_lt_75", "c"),
        ("8704.31", A(), "light_truck", "usmca.staging.pv_lt_75", "c"),
        ("8704.21", A(off_road=True), "other_vehicle", "usmca.automotive.other_vehicle_rvc_62_5", "c"),
        ("8704.22", A(), "heavy_truck", "usmca.staging.ht_70", "a"),
        ("8704.90", A(), "heavy_truck", "usmca.staging.ht_70", "a"),
        ("8704.23", A(off_road=True), "other_vehicle", "usmca.automotive.other_vehicle_rvc_60", "a"),
        ("8704.60", A(gvw_tonnes=Decimal("4.5")), "light_truck", "usmca.staging.pv_lt_75", "c"),
        ("8704.60", A(gvw_tonnes=Decimal("5.01")), "heavy_truck", "usmca.staging.ht_70", "a"),
        ("8701.20", A(), "heavy_truck", "usmca.staging.ht_70", "a"),  # HS 2012 road tractor
        ("8701.21", A(), "heavy_truck", "usmca.staging.ht_70", "a"),  # HS 2022 split of 8701.20
        ("8701.91", A(), "other_vehicle", "usmca.automotive.other_vehicle_rvc_60", "b"),
        ("8702.10", A(persons=15), "other_vehicle", "usmca.automotive.other_vehicle_rvc_62_5", "c"),
        ("8702.10", A(persons=16), "other_vehicle", "usmca.automotive.other_vehicle_rvc_60", "a"),
        ("8704.10", A(), "other_vehicle", "usmca.automotive.other_vehicle_rvc_60", "a"),
        ("8705.10", A(), "other_vehicle", "usmca.automotive.other_vehicle_rvc_60", "a"),
        ("8706.00", A(chassis_for="heavy_truck"), "heavy_truck", "usmca.staging.ht_70", "a"),
    ],
)
def test_classify(
    hs: str, attrs: VehicleAttributes, vehicle_class: str, parameter: str, averaging_class: str
) -> None:
    c = classify(hs, attrs)
    assert (c.vehicle_class, c.rvc_parameter, c.averaging_class) == (
        vehicle_class,
        parameter,
        averaging_class,
    )
    assert c.reason and c.reference


@pytest.mark.parametrize(
    ("hs", "attrs", "says"),
    [
        ("8703.10", A(), "8703.10"),
        ("8704.60", A(), "gvw_tonnes"),
        ("8702.10", A(), "persons"),
        ("8706.00", A(chassis_for="passenger_vehicle"), "core part"),
        ("8708.40", A(), "not a motor vehicle"),
    ],
)
def test_classify_errors_name_what_is_missing(hs: str, attrs: VehicleAttributes, says: str) -> None:
    with pytest.raises(InputError, match=says) as err:
        classify(hs, attrs)
    assert err.value.field == "good.hs"
