"""Every kind of rate: ad valorem, specific, compound, Free, and texts tmec does not compute."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.tariffs.helpers import price
from tmec.core.errors import InputError
from tmec.law.tariffs import load_schedule
from tmec.tariffs.rates import parse_rate


@pytest.mark.parametrize(
    ("text", "kind", "ad_valorem", "parts"),
    [
        ("Free", "free", "0", []),
        ("2.5%", "ad valorem", "2.5", []),
        ("33 1/3%", "ad valorem", "33.33333333333333333333333333", []),
        ("4.4¢/kg", "specific", "0", [("0.044", "kg")]),
        ("$1.034/kg", "specific", "0", [("1.034", "kg")]),
        ("0.9¢ each", "specific", "0", [("0.009", "No.")]),
        ("6¢/pf.liter", "specific", "0", [("0.06", "pf.liters")]),
        ("2.5% + 4.4¢/kg", "compound", "2.5", [("0.044", "kg")]),
        ("17¢/kg +6%", "compound", "6", [("0.17", "kg")]),
        ("37.5¢ each + 5.5%", "compound", "5.5", [("0.375", "No.")]),
        ("10¢/pr. + 15%", "compound", "15", [("0.1", "prs.")]),
        ("$1.56/t", "specific", "0", [("1.56", "t")]),
        # chapter 99 texts: 9903.88.01 (Section 301 List 1) writes "plus", the others "+"
        ("The duty provided in the applicable subheading plus 25%", "ad valorem", "25", []),
        ("The duty provided in the applicable subheading + 7.5%", "ad valorem", "7.5", []),
    ],
)
def test_rate_texts_are_parsed_into_their_parts(
    text: str, kind: str, ad_valorem: str, parts: list[tuple[str, str]]
) -> None:
    rate = parse_rate(text)
    assert rate.text == text and rate.kind() == kind and rate.ad_valorem == Decimal(ad_valorem)
    assert [(p.amount, p.unit) for p in rate.parts] == [(Decimal(a), u) for a, u in parts]


@pytest.mark.parametrize(
    "text",
    [
        "7.4¢/kg on drained weight",
        "The rate applicable to each garment in the ensemble if separately entered",
        "75¢ each + 45% on the case + 35% on the battery",
    ],
)
def test_texts_that_are_not_a_sum_of_parts_are_kept_and_flagged(text: str) -> None:
    rate = parse_rate(text)
    assert rate.text == text and not rate.complete and rate.kind() == "other" and not rate.computable


def test_every_rate_text_of_the_schedule_parses_without_error() -> None:
    kinds: dict[str, int] = {}
    for line in load_schedule():
        for rate in (line.general_rate, line.column2_rate, *line.programs.values()):
            kinds[rate.kind()] = kinds.get(rate.kind(), 0) + 1
    assert kinds["specific"] > 1000 and kinds["compound"] > 500 and kinds["ad valorem"] > 10000


def test_a_specific_rate_is_priced_on_the_weight() -> None:
    # 0201.10.10 (beef) general 4.4¢/kg; Argentina, 2025-01-15 (before any measure on it)
    d = price("2025-01-15", "0201.10.10", "AR", 10000, weight_kg=Decimal(2000))
    specific = [ln for ln in d.lines if ln.unit]
    assert [(ln.rate, ln.base, ln.duty, ln.unit) for ln in specific] == [
        (Decimal("0.044"), Decimal(2000), Decimal("88.00"), "kg")
    ]
    assert d.total_duty == Decimal("88.00") and not d.questions


def test_a_missing_quantity_is_a_question_never_a_silent_zero() -> None:
    d = price("2025-01-15", "0201.10.10", "AR", 10000)
    assert not any(ln.unit for ln in d.lines)
    assert [q.fact for q in d.questions] == ["weight_kg"] and "4.4¢/kg" in d.questions[0].text


def test_a_compound_rate_per_unit_takes_the_quantity_in_the_lines_unit() -> None:
    # 0105.11.00 (chickens) 0.9¢ each, reported in No.
    d = price("2025-01-15", "0105.11.00", "DE", 1000, quantity=Decimal(1000))
    assert [(ln.rate, ln.base, ln.duty) for ln in d.lines if ln.unit] == [
        (Decimal("0.009"), Decimal(1000), Decimal("9.00"))
    ]


def test_column2_countries_pay_column2() -> None:
    d = price("2025-01-15", "0201.10.10", "KP", 10000, weight_kg=Decimal(1000))
    assert [ln.measure for ln in d.lines][:2] == ["Column 2 rate", "Column 2 rate, specific part 13.2¢/kg"]
    assert d.lines[1].duty == Decimal("132.00")


def test_a_special_program_claimed_by_its_symbol() -> None:
    kr = price("2025-01-15", "8708.99.81", "KR", 1000, program="KR")
    assert kr.lines[0].rate == 0 and "program KR" in kr.lines[0].measure
    # a program the line does not grant: the general rate, and a note
    jo = price("2025-01-15", "0201.10.10", "DE", 1000, program="ZZ", weight_kg=Decimal(1))
    assert "not granted" in jo.lines[0].measure and any("does not grant" in n for n in jo.notes)
    with pytest.raises(InputError, match="usmca"):
        price("2025-01-15", "8708.99.81", "MX", 1000, program="S")
