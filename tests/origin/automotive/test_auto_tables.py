"""Tables A.1, A.2, B, C, D, E and S as data: codes from shared/spec/usmca.md §5.3 and §5.6."""

from __future__ import annotations

import datetime as dt

import pytest

from tmec.law import load_parameters
from tmec.origin.automotive.parts import part_thresholds
from tmec.origin.automotive.tables import A2_PART_IDS, parts_table, table_a2, table_s


@pytest.mark.parametrize(
    ("table", "listed", "absent"),
    [
        (
            "A.1",
            ["8407.34", "8409.91", "8708.40", "8708.50", "8708.80", "8708.94", "8707.10"],
            ["8708.30", "9401.20"],
        ),
        (
            "B",
            ["8413.30", "8479.89", "8482.10", "8482.80", "8483.60", "8501.33", "8708.21", "9401.20"],
            ["8482.91", "8708.40"],
        ),
        ("C", ["4009.12", "8301.20", "8481.80", "8507.20", "8536.50", "9032.89"], ["8507.60", "8708.10"]),
        ("D", ["8408.20", "8414.59", "8706.00", "8708.40", "8708.99", "9401.20"], ["8413.50", "8482.10"]),
        ("E", ["8413.50", "8482.50", "8507.60", "8511.90"], ["8482.80", "8708.40"]),
    ],
)
def test_parts_tables_list_their_codes(table: str, listed: list[str], absent: list[str]) -> None:
    t = parts_table(table)
    assert t.vintage == "HS2012" and t.reference and t.source
    for code in listed:
        assert t.find(code) is not None, code
    for code in absent:
        assert t.find(code) is None, code


def test_table_a2_has_the_seven_column_1_parts_with_column_2_components() -> None:
    a2 = table_a2()
    assert tuple(p.id for p in a2.parts) == A2_PART_IDS
    engine = a2.part("engine")
    assert engine is not None and engine.covers("8407.34") and engine.covers("8408.20")
    assert not engine.covers("8407.31")  # Table A.2 engines are ex 8407.33/.34 and ex 8408.20 only
    suspension = a2.part("suspension")
    assert suspension is not None
    assert any(c.covers("7320.10") for c in suspension.components)  # leaf springs
    steering = a2.part("steering")
    assert steering is not None and any(c.covers("8537.10") for c in steering.components)


def test_table_s_steel_aluminum_and_raw_materials() -> None:
    s = table_s()
    for code in ["7208.25", "7208.39", "7209.90", "7210.49", "7225.99", "7306.30"]:
        assert s.metal(code) == "steel", code
    for code in ["7601.10", "7606.12", "7608.20"]:
        assert s.metal(code) == "aluminum", code
    for code in ["7208.10", "7607.11", "7603.10", "7219.11"]:
        assert s.metal(code) is None, code
    assert s.lists("steel", "8708.29") and s.lists("aluminum", "8708.29")
    for code in ["2601.11", "7201.10", "7202.11", "7204.49"]:
        assert s.is_raw_material(code)
    assert not s.is_raw_material("7206.10")


D = dt.date


@pytest.mark.parametrize(
    ("hs", "end_use", "kind", "day", "table", "nc", "tv", "rvc_only"),
    [
        ("8708.40", "passenger_vehicle", None, D(2023, 6, 30), "A.1", "72", "82", True),
        ("8708.40", "passenger_vehicle", None, D(2023, 7, 1), "A.1", "75", "85", True),
        ("8708.29", "light_truck", "body_stamping", D(2021, 7, 1), "A.1", "69", "79", True),
        ("8708.29", "light_truck", None, D(2021, 7, 1), "B", "65", "75", False),
        ("8708.99", "passenger_vehicle", None, D(2022, 6, 30), "B", "65", "75", False),
        ("8708.99", "passenger_vehicle", "chassis_frame", D(2022, 7, 1), "A.1", "72", "82", True),
        ("8708.30", "passenger_vehicle", None, D(2022, 7, 1), "B", "67.5", "77.5", False),
        ("8536.50", "passenger_vehicle", None, D(2020, 7, 1), "C", "62", "72", False),
        ("8536.50", "passenger_vehicle", None, D(2023, 7, 1), "C", "65", "75", False),
        ("8408.20", "heavy_truck", None, D(2024, 6, 30), "D", "60", "70", True),
        ("8408.20", "heavy_truck", None, D(2024, 7, 1), "D", "64", "74", True),
        ("8708.40", "heavy_truck", None, D(2027, 7, 1), "D", "70", "80", True),
        ("8708.30", "heavy_truck", None, D(2027, 7, 1), "D", "70", "80", False),
        # UR s.15(4): only a chassis of 8708.99 (and engines, gear boxes) must meet the RVC alone
        ("8708.99", "heavy_truck", "chassis_frame", D(2024, 7, 1), "D", "64", "74", True),
        ("8708.99", "heavy_truck", None, D(2024, 7, 1), "D", "64", "74", False),
        ("8706.00", "heavy_truck", None, D(2024, 7, 1), "D", "64", "74", False),
        ("8482.10", "heavy_truck", None, D(2027, 6, 30), "E", "54", "64", False),
        ("8482.10", "heavy_truck", None, D(2027, 7, 1), "E", "60", "70", False),
    ],
)
def test_part_thresholds_by_table_end_use_and_date(
    hs: str, end_use: str, kind: str | None, day: dt.date, table: str, nc: str, tv: str, rvc_only: bool
) -> None:
    found = part_thresholds(hs, end_use=end_use, kind=kind, params=load_parameters().at(day))
    assert found is not None
    assert (found.table, str(found.net_cost.value), str(found.transaction_value.value), found.rvc_only) == (
        table,
        nc,
        tv,
        rvc_only,
    )


def test_aftermarket_parts_and_propulsion_batteries_keep_their_own_rule() -> None:
    snap = load_parameters().at(D(2024, 1, 1))
    assert part_thresholds("8708.40", end_use="aftermarket", params=snap) is None
    assert (
        part_thresholds("8507.60", end_use="passenger_vehicle", kind="propulsion_battery", params=snap)
        is None
    )
    assert part_thresholds("7318.15", end_use="passenger_vehicle", params=snap) is None
