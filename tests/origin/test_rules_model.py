import datetime as dt
from decimal import Decimal

import pytest

from tmec.core.errors import InputError
from tmec.law import load_parameters
from tmec.origin.rules import parse_rule


def test_case_rule_form() -> None:
    rule = parse_rule(
        {
            "any_of": [
                {
                    "change": "heading",
                    "except": ["72.08-72.29"],
                    "rvc": {"transaction_value": 60, "net_cost": 50},
                },
                {"rvc": {"net_cost": "usmca.criterion_d_net_cost"}},
                {"weight_share": {"headings": ["72.08-72.29"], "min_percent": 70}},
            ]
        }
    )
    first, second, third = rule.alternatives
    assert first.change is not None and first.change.level == "heading"
    assert first.change.except_[0].contains("7210.49")
    assert first.rvc is not None and first.rvc.methods() == ("transaction_value", "net_cost")
    assert second.rvc is not None and second.rvc.methods() == ("net_cost",)
    resolved = second.rvc.net_cost.resolve(load_parameters().at(dt.date(2024, 1, 1)))  # type: ignore[union-attr]
    assert resolved.value == Decimal(50)
    assert third.weight_share is not None and third.weight_share.min_percent == Decimal(70)


def test_end_use_filter() -> None:
    rule = parse_rule(
        {"any_of": [{"change": "heading", "end_use": ["passenger_vehicle"]}, {"rvc": {"net_cost": 50}}]}
    )
    assert len(rule.applicable("passenger_vehicle", None)) == 2
    assert len(rule.applicable("aftermarket", None)) == 1


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"change": "headng"}, "rule.change"),
        ({"rvc": {"tv": 60}}, "rule.rvc"),
        ({"rvc": {"net_cost": 160}}, "rule.rvc.net_cost"),
        ({"any_of": []}, "rule.any_of"),
        ({"change": "heading", "except": ["72.O8"]}, "rule.except[0]"),
        ({"colour": "red"}, "rule"),
    ],
)
def test_bad_rules_name_the_field(bad: dict, field: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InputError) as info:
        parse_rule(bad, source="case.yaml")
    assert f"case.yaml: {field}" in str(info.value)
