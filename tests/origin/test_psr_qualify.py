"""``qualify`` with the rules compiled from GN 11(o), beyond chapters 72-87: each good's bundled
rule, explained step by step with its GN reference; tariff items and 'more than one of'."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from tmec.cli import main
from tmec.origin import parse_case, qualify
from tmec.origin.automotive.integrate import part_rule
from tmec.origin.qualify import bundled_rule

ROOT = Path(__file__).resolve().parents[2]
DAY = dt.date(2024, 6, 1)


def _case(hs: str, materials: list[dict[str, Any]], **good: Any) -> dict[str, Any]:
    return {
        "format": 1,
        "id": f"GN-{hs}",
        "date": "2024-06-01",
        "good": {"description": "test good", "hs": hs, **good},
        "valuation": {"transaction_value": "100.00", "international_shipping": "0"},
        "costs": {"other_product_costs": "20.00", "period_costs": "10.00", "other_costs": "0"},
        "materials": materials,
    }


def _m(id_: str, hs: str, value: str, origin: str = "non_originating") -> dict[str, Any]:
    return {"id": id_, "hs": hs, "value": value, "origin": origin}


@pytest.mark.parametrize(
    ("hs", "materials", "originating", "gn"),
    [
        # ch. 84 rule 40: pumps 8413.30 from any other heading
        ("8413.30", [_m("CAST", "7325.99", "20"), _m("MOTOR", "8501.31", "15")], True, "ch. 84 rule 40"),
        # ... a pump from its own parts (8413.91) needs the RVC of alternative (B): 60 TV / 50 NC
        ("8413.30", [_m("PARTS", "8413.91", "55")], False, "ch. 84 rule 40"),
        # ch. 85 rule 114: wiring harness 8544.30 from outside 8544.11-.60, except copper wire 74.08
        ("8544.30", [_m("WIRE", "7408.11", "30"), _m("TERM", "8536.90", "5")], True, "ch. 85 rule 114"),
        # ch. 94 rule 1: seats 9401.20 from any other chapter
        ("9401.20", [_m("FRAME", "7326.90", "15"), _m("FOAM", "3921.13", "10")], True, "ch. 94 rule 1"),
        # ch. 40 rule 13: tires from any other heading, except from 40.09-40.17
        ("4011.10", [_m("NR", "4001.22", "20"), _m("CB", "2803.00", "5")], True, "ch. 40 rule 13"),
        ("4011.10", [_m("TUBE", "4013.10", "20")], False, "ch. 40 rule 13"),
        # ch. 70 rule 6: safety glass 7007.11 from outside 70.03-70.08, except from 70.09
        ("7007.11", [_m("FLOAT", "7005.29", "40")], False, "ch. 70 rule 6"),
        ("7007.11", [_m("SAND", "2505.10", "10")], True, "ch. 70 rule 6"),
        # ch. 39 rule 2: plastic parts 3926.90 from any other heading (even within 39.16-39.26)
        ("3926.90", [_m("RESIN", "3907.40", "25")], True, "ch. 39 rule 2"),
    ],
)
def test_goods_of_more_chapters_qualify_with_their_bundled_rule(
    hs: str, materials: list[dict[str, Any]], originating: bool, gn: str
) -> None:
    result = qualify(parse_case(_case(hs, materials)))
    assert result.originating is originating
    data = result.to_dict()
    assert any(gn in step["reference"] for step in data["explanation"]), data["explanation"]
    # step by step: the rule found, each alternative's tariff shift and verdict, then criterion B,
    # the rule's steps citing its GN rule
    steps = {step["step"]: step for step in data["explanation"]}
    assert gn in steps["rule"]["reference"]
    assert "rule.alternative[1].tariff_shift" in steps and gn in steps["rule.alternative[1]"]["reference"]
    assert steps["criterion.B"]["passed"] is originating


def test_a_material_at_6_digits_where_the_rule_names_tariff_items_is_a_question() -> None:
    # ch. 84 rule 246: bearings 8482.10 from outside 8482.10-.80, except from tariff items
    # 8482.99.05/.15/.25 (rings); a material given as 8482.99 may or may not be one of them.
    # (B) allows the rings with an RVC of 60 TV / 50 NC, which a VNM of 60 of 100 misses.
    case = _case("8482.10", [_m("RING", "8482.99", "60")])
    result = qualify(parse_case(case))
    questions = [q.to_dict() for q in result.questions]
    assert any("which 8-digit tariff item" in q["question"] for q in questions), questions
    # at 8 digits it is decided: a ring (8482.99.05) is excepted; a cage part (8482.99.45) is not
    assert result.originating is False
    case["materials"] = [_m("RING", "8482.99.05", "60")]
    ring = qualify(parse_case(case))
    assert ring.originating is False
    assert not any("8-digit" in q.to_dict()["question"] for q in ring.questions)
    case["materials"] = [_m("OTHER", "8482.99.45", "60")]
    assert qualify(parse_case(case)).originating is True


def test_a_good_at_6_digits_with_tariff_item_rules_asks_which_item() -> None:
    result = qualify(parse_case(_case("7304.41", [_m("BILLET", "7207.11", "30")])))
    assert any(q.fact == "tariff item of the good" for q in result.questions)


def test_except_from_more_than_one_of_the_following() -> None:
    # ch. 84 rule 143: 8457 from any other heading, except from 8459 or from more than one of
    # (A) 8413.50-.60, (B) 8466.93.15/.30/.53, (C) 8501.32/.52, (D) 8537.10
    one = _case("8457.10", [_m("PUMP", "8413.50", "10"), _m("STEEL", "7208.51", "20")])
    assert qualify(parse_case(one)).originating is True
    two = _case("8457.10", [_m("PUMP", "8413.50", "10"), _m("CTRL", "8537.10", "10")])
    result = qualify(parse_case(two))
    assert result.originating is False
    failing = result.to_dict()["tariff_shift"]["failing_materials"]
    assert {f["id"] for f in failing} == {"PUMP", "CTRL"}
    assert all("more than one of the groups" in f["reason"] for f in failing)


@pytest.mark.parametrize(
    ("hs", "day", "why"),
    [
        ("8471.49", "2024-06-01", "chapter rule 2"),
        ("8806.21", "2024-06-01", "whose rules differ"),
        ("8413.30", "2019-01-01", "2020-07-01"),
    ],
)
def test_cli_a_code_without_a_rule_exits_2_saying_why(tmp_path: Path, hs: str, day: str, why: str) -> None:
    case = _case(hs, [_m("X", "7208.51", "10")])
    case["date"] = day
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case), encoding="utf-8")
    result = CliRunner().invoke(main, ["qualify", str(path)])
    assert result.exit_code == 2, result.output
    assert why in result.output


def test_cli_an_unknown_code_exits_2() -> None:
    result = CliRunner().invoke(main, ["rules", "show", "8413.99"])
    assert result.exit_code == 2 and "8413.99" in result.output


def test_example_tire_qualifies_with_its_bundled_rule() -> None:
    result = CliRunner().invoke(main, ["qualify", str(ROOT / "examples" / "tire_gn11o.yaml")])
    assert result.exit_code == 0, result.output
    assert "ch. 40 rule 13" in result.output


@pytest.mark.parametrize(
    ("hs", "end_use", "kind", "table", "threshold"),
    [
        ("8407.34", "passenger_vehicle", None, "A.1", "usmca.staging.pv_lt_75"),  # engine, ch. 84 rule 17
        ("8482.10", "light_truck", None, "B", "usmca.staging.pv_lt_70"),  # bearing, ch. 84 rule 246
        ("8544.30", "passenger_vehicle", None, "C", "usmca.automotive.complementary_parts_nc"),  # harness
        ("9401.20", "heavy_truck", None, "D", "usmca.staging.ht_70"),  # seat, ch. 94 rule 1
        ("8482.10", "heavy_truck", None, "E", "usmca.automotive.ht_complementary_parts_nc"),
    ],
)
def test_table_thresholds_replace_the_rvc_of_parts_of_every_chapter(
    hs: str, end_use: str, kind: str | None, table: str, threshold: str
) -> None:
    case = parse_case(_case(hs, [_m("STEEL", "7208.51", "70")], category="auto_part", end_use=end_use))
    rule = part_rule(case, DAY, bundled_rule)
    assert rule is not None and rule.extra["gn"].startswith("gn11o-ch")  # the compiled GN 11(o) rule
    assert f"Table {table}" in (rule.note or "")
    named = {
        t.parameter
        for a in rule.alternatives
        if a.rvc
        for t in (a.rvc.net_cost, a.rvc.transaction_value)
        if t
    }
    assert threshold in named, named
    # and qualify uses it: the table is cited in the explanation
    steps = qualify(case).to_dict()["explanation"]
    assert any(f"Table {table}" in (s["reference"] or "") + s["result"] for s in steps)


def test_ev_battery_is_one_kind_for_the_rule_and_the_table_carve_out() -> None:
    # 8507.60 rule 17 (A)/(B) for the propulsion battery; Table A.1 carves it out (UR s.14(2)-(3)):
    # its own rule applies, 85 TV / 75 NC.
    case = _case(
        "8507.60",
        [_m("CELLS", "8507.90", "20")],
        category="auto_part",
        end_use="passenger_vehicle",
        kind="propulsion_battery",
    )
    data = qualify(parse_case(case)).to_dict()
    assert "Table A.1" not in json.dumps(data, default=str)
    assert any("ch. 85 rule 17" in s["reference"] for s in data["explanation"])
