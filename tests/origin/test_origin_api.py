"""The names other parts of tmec (certify, auto, engine) code against."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import tmec
from tmec import origin

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_origin_surface() -> None:
    for name in ("load_case", "parse_case", "qualify", "Determination", "Case"):
        assert name in origin.__all__
        assert name in tmec.__all__
        assert getattr(tmec, name) is getattr(origin, name)


def test_case_and_determination_attributes() -> None:
    case = tmec.load_case(EXAMPLES / "bearing.yaml")
    assert case.id == "MX-BRG-6205-2024"
    assert case.date == dt.date(2024, 11, 12)
    assert (case.good.hs, case.good.category, case.good.end_use) == ("848210", "auto_part", "aftermarket")
    assert case.good.description and case.good.kind is None
    assert len(case.materials) == 5
    assert case.raw["id"] == case.id
    det = tmec.qualify(case)
    assert det.originating is True and det.criterion == "B"
    assert det.rvc["transaction_value"] is not None
    # the per-good values the bulk engine checks itself against
    assert det.adjusted_tv == Decimal("4.20")
    assert det.total_cost == Decimal("3.47")
    assert det.net_cost == Decimal("3.33")
    assert det.vnm == Decimal("1.13")
    assert set(det.to_dict()) >= {
        "id",
        "date",
        "originating",
        "criterion",
        "rvc",
        "tariff_shift",
        "explanation",
        "questions",
    }


def test_date_override_changes_the_law_applied() -> None:
    case = tmec.parse_case(
        {
            "date": "2024-01-15",
            "good": {"hs": "7306.30"},
            "valuation": {"transaction_value": 1000},
            "materials": [{"id": "COIL", "hs": "7208.51", "origin": "non_originating", "value": 700}],
        }
    )
    assert tmec.qualify(case).originating is False
    assert tmec.qualify(case, date=dt.date(2023, 6, 30)).originating is True


def test_vehicle_case_keeps_automotive_block_for_the_automotive_assessment() -> None:
    case = tmec.parse_case(
        {
            "date": "2024-07-01",
            "good": {"hs": "8703.23", "category": "passenger_vehicle", "end_use": "passenger_vehicle"},
            "rule": {"rvc": {"net_cost": 75}},
            "costs": {"total_cost": 30000, "non_originating_materials": 6000},
            "automotive": {"steel": {"originating_purchases": 72, "total_purchases": 100}},
        }
    )
    assert case.automotive == {"steel": {"originating_purchases": 72, "total_purchases": 100}}
    det = tmec.qualify(case)
    assert any(step.step == "automotive" for step in det.explanation)
    assert det.automotive is None  # set by the automotive assessment, not by the core determination
