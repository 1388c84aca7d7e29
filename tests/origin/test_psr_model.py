"""The rule-model fields the bundled rules added: except_kind, proviso, note."""

from __future__ import annotations

import datetime as dt

import pytest

from tmec.core.errors import InputError
from tmec.law import load_parameters
from tmec.origin.psr import find_rule
from tmec.origin.rule_text import describe_alternative
from tmec.origin.rules import parse_rule


def test_except_kind_excludes_only_that_kind() -> None:
    rule = parse_rule(
        {
            "any_of": [
                {"rvc": {"net_cost": 75}, "kind": ["body_stamping"]},
                {"change": "heading", "except_kind": ["body_stamping"]},
            ]
        }
    )
    stamping, other = rule.alternatives
    assert rule.applicable(None, "body_stamping") == (stamping,)
    assert rule.applicable(None, "bracket") == (other,)
    assert rule.applicable(None, None) == (other,)  # a good with no kind is not excluded


def test_proviso_is_kept_and_shown() -> None:
    rule = parse_rule({"change": "heading", "proviso": "not only painting or galvanizing"})
    (alt,) = rule.alternatives
    assert alt.proviso == "not only painting or galvanizing"
    assert "proviso to confirm: not only painting" in describe_alternative(alt)


def test_except_kind_needs_names() -> None:
    with pytest.raises(InputError, match=r"rule\.except_kind"):
        parse_rule({"change": "heading", "except_kind": []})


def test_axle_rule_branches_by_kind_and_end_use() -> None:
    rule = find_rule("8708.50", dt.date(2024, 1, 1))
    pv = rule.applicable("passenger_vehicle", "drive_axle_for_8703")
    assert len(pv) == 1 and pv[0].change is None  # RVC only for passenger vehicles
    ht = rule.applicable("heavy_truck", "drive_axle_for_8703")
    excepts = [a for a in ht if a.change is not None and a.change.except_]
    assert excepts and excepts[0].change is not None and excepts[0].change.except_[0].contains("8482.10")
    other_goods = rule.applicable("aftermarket", None)
    assert {a.change.level if a.change else None for a in other_goods} == {"heading", None}


def test_words_resolve_staged_thresholds() -> None:
    day = dt.date(2021, 7, 1)
    alt = find_rule("8703.23", day).applicable("passenger_vehicle", None)[0]
    words = describe_alternative(alt, load_parameters().at(day))
    assert "69 %" in words and "usmca.staging.pv_lt_75" in words and "net cost" in words
    assert "@usmca.staging.pv_lt_75" in describe_alternative(alt)
