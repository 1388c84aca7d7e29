"""Original-equipment auto parts: their table's staged thresholds replace their rule's RVC (UR s.14-s.15)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from tmec.origin import parse_case, qualify

EXAMPLES = Path(__file__).resolve().parent.parent.parent.parent / "examples"


def bearing(**good: Any) -> Any:
    data = yaml.safe_load((EXAMPLES / "bearing.yaml").read_text())
    data["good"].update(good)
    return parse_case(data, source="bearing.yaml")


@pytest.mark.parametrize(
    ("end_use", "day", "nc", "tv"),
    [
        ("aftermarket", dt.date(2022, 8, 1), "50", "60"),  # its own Schedule 1 rule (UR s.14(18))
        ("passenger_vehicle", dt.date(2022, 6, 30), "65", "75"),  # Table B, PV/LT-70 staging
        ("passenger_vehicle", dt.date(2022, 7, 1), "67.5", "77.5"),
        ("light_truck", dt.date(2023, 7, 1), "70", "80"),
        ("heavy_truck", dt.date(2027, 6, 30), "54", "64"),  # Table E
        ("heavy_truck", dt.date(2027, 7, 1), "60", "70"),
    ],
)
def test_table_b_and_e_thresholds_replace_the_rule_rvc(end_use: str, day: dt.date, nc: str, tv: str) -> None:
    det = qualify(bearing(end_use=end_use), date=day)
    rvc = det.to_dict()["rvc"]
    assert rvc["net_cost"]["threshold"] == nc
    assert rvc["transaction_value"]["threshold"] == tv


def test_a_table_a1_part_must_meet_the_rvc_only() -> None:
    # a gear box for a light truck, with a rule that a tariff shift alone would meet
    data = {
        "format": 1,
        "date": "2023-07-01",
        "good": {"hs": "8708.40", "category": "auto_part", "end_use": "light_truck"},
        "rule": {"any_of": [{"change": "heading"}, {"rvc": {"net_cost": 50}}]},
        "costs": {"other_product_costs": 30, "period_costs": 0},
        "materials": [{"id": "GEARS", "hs": "8483.40", "origin": "non_originating", "value": 40}],
    }
    det = qualify(parse_case(data, source="gearbox.yaml"))
    # (70 - 40) / 70 = 42.9 % < 75: not originating, though the heading changed
    assert not det.originating
    assert det.to_dict()["rvc"]["net_cost"]["threshold"] == "75"
    assert "Table A.1" in (det.rule_reference or "")


def test_table_b_part_meets_its_tariff_shift_or_its_rvc() -> None:
    """UR s.14(14): a Table B part is originating on the rule's CTC *or* the staged RVC."""
    data = {
        "format": 1,
        "date": "2023-07-01",
        "good": {"hs": "8413.30", "category": "auto_part", "end_use": "passenger_vehicle"},
        "rule": {"change": "heading", "rvc": {"net_cost": 50}},  # CTH provided RVC 50 NC
        "costs": {"other_product_costs": 10, "period_costs": 0},
        # the heading changes (a casting of 84.87) but RVC is (60 - 50) / 60 = 16.7 %
        "materials": [{"id": "BODY", "hs": "8487.90", "origin": "non_originating", "value": 50}],
    }
    det = qualify(parse_case(data, source="pump.yaml"))
    assert det.originating and det.criterion == "B"
    # aftermarket: its own rule, CTH *and* RVC 50 together: not originating
    data["good"]["end_use"] = "aftermarket"
    assert not qualify(parse_case(data, source="pump.yaml")).originating


def test_heavy_truck_core_part_hs_is_checked() -> None:
    from tmec.core.errors import InputError
    from tmec.law import load_parameters
    from tmec.origin.automotive.core_parts import assess_core_parts, parse_core_parts

    parts = parse_core_parts(
        [{"part": "body_chassis", "hs": "8707.90", "net_cost": 10, "vnm": 1}],
        field="automotive.core_parts",
        source=None,
    )
    with pytest.raises(InputError, match=r"s\.15"):
        assess_core_parts(
            parts, params=load_parameters().at(dt.date(2025, 1, 1)), vehicle_class="heavy_truck"
        )
