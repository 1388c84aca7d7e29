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
    # the automotive assessment (branch auto) fills `automotive`; the missing requirements fail it
    assert det.automotive is not None and det.automotive["steel"]["passed"] is True
    assert not det.originating
    assert set(det.automotive["failed"]) == {"core_parts", "aluminum", "lvc"}


def test_without_what_if_the_outcome_is_the_same() -> None:
    """``what_if=False`` (bulk runs) leaves out the questions and the cheapest flip, nothing else."""
    seen_failing = False
    for path in sorted(EXAMPLES.glob("*.yaml")):
        try:
            case = tmec.load_case(path)
        except tmec.TmecError:
            continue  # not a case file (a rules or changes file, say)
        full, lean = tmec.qualify(case), tmec.qualify(case, what_if=False)
        seen_failing |= not full.originating
        assert (lean.originating, lean.criterion, lean.values, lean.rvc, lean.tariff_shift) == (
            full.originating,
            full.criterion,
            full.values,
            full.rvc,
            full.tariff_shift,
        ), path.name
        assert lean.margins == full.margins
        if not full.originating:
            assert lean.cheapest_flip is None
            assert all(q in full.questions for q in lean.questions)  # the rule's own, not the what-ifs
    assert seen_failing, "the examples should include a good that fails"
