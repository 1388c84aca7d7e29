"""Time-phased chapter 73 rules and staged chapter 87 thresholds, on both sides of each switch."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tmec.law import load_parameters
from tmec.origin.psr import find_rule
from tmec.origin.rules import Rule

D = dt.date


def _steel_rule(rule: Rule) -> bool:
    """The later chapter 73 rule: (a) CTH with exclusions, (b) weight test, (c) RVC."""
    return any(a.weight_share is not None for a in rule.alternatives) and any(
        a.change is None and a.rvc is not None for a in rule.alternatives
    )


@pytest.mark.parametrize(
    ("code", "switch"),
    [
        ("7306.30", D(2023, 7, 1)),  # welded tubes: 73.05-73.07
        ("7305.11", D(2023, 7, 1)),
        ("7307.19", D(2023, 7, 1)),
        ("7308.40", D(2022, 7, 1)),  # structures: two-year phase-in
        ("7308.10", D(2022, 7, 1)),
        ("7308.90", D(2022, 7, 1)),
        ("7312.10", D(2023, 1, 1)),  # stranded wire: a January switch
        ("7313.00", D(2023, 7, 1)),
        ("7314.19", D(2023, 7, 1)),
        ("7314.39", D(2023, 7, 1)),
        ("7315.82", D(2023, 7, 1)),
        ("7317.00", D(2023, 7, 1)),
    ],
)
def test_steel_rule_applies_from_the_switch_date(code: str, switch: dt.date) -> None:
    before = find_rule(code, switch - dt.timedelta(days=1))
    on = find_rule(code, switch)
    assert not _steel_rule(before)
    assert _steel_rule(on)
    assert before.valid is not None and before.valid.end == switch
    assert on.valid is not None and on.valid.start == switch


def test_welded_tube_rule_before_and_after() -> None:
    (cc,) = find_rule("7306.30", D(2023, 6, 30)).alternatives
    assert cc.change is not None and cc.change.level == "chapter"
    a, b, c = find_rule("7306.30", D(2023, 7, 1)).alternatives
    assert a.change is not None and a.change.level == "heading"
    assert a.change.except_[0].contains("7208.51") and a.change.except_[1].contains("7326.90")
    assert b.weight_share is not None and b.weight_share.min_percent == Decimal(70)
    assert c.rvc is not None and c.rvc.transaction_value is not None and c.rvc.net_cost is not None
    assert (c.rvc.transaction_value.value, c.rvc.net_cost.value) == (Decimal(75), Decimal(65))


def test_structures_thresholds_differ_by_subheading() -> None:
    day = D(2022, 7, 1)

    def rvc(code: str) -> tuple[Decimal | None, Decimal | None]:
        last = find_rule(code, day).alternatives[-1]
        assert last.rvc is not None
        tv, nc = last.rvc.transaction_value, last.rvc.net_cost
        return (tv.value if tv else None, nc.value if nc else None)

    assert rvc("7308.10") == (Decimal(75), Decimal(65))
    assert rvc("7308.40") == (Decimal(65), Decimal(55))
    assert rvc("7308.20") == (Decimal(65), Decimal(55))
    assert rvc("7308.90") == (None, Decimal(65))  # net cost only, as transcribed


def test_structures_early_rule_carries_the_process_proviso() -> None:
    (alt,) = find_rule("7308.40", D(2022, 6, 30)).alternatives
    assert alt.proviso is not None and "heading 7216" in alt.proviso


def test_stranded_wire_switches_in_january() -> None:
    assert len(find_rule("7312.10", D(2022, 12, 31)).alternatives) == 1
    assert len(find_rule("7312.10", D(2023, 1, 1)).alternatives) == 3
    # 7312.90 is not phased
    assert find_rule("7312.90", D(2022, 12, 31)) is find_rule("7312.90", D(2024, 1, 1))


def test_screws_and_bolts_keep_their_rule_after_2023() -> None:
    # The hand-typed rule was M: trade commentary listed 73.18 among the phased steel headings.
    # The USITC text (GN 11(o) ch. 73, HTS 2025 Rev. 7) has no dated note for 73.18: rule 16 stands.
    rule = find_rule("7318.15", D(2024, 1, 1))
    assert rule.confidence == "V" and rule.extra["gn"] == "gn11o-ch73-r016"
    (alt,) = rule.alternatives
    assert alt.change is not None and [str(r) for r in alt.change.except_] == ["73.17"]


@pytest.mark.parametrize(
    ("name", "steps"),
    [
        (
            "usmca.staging.pv_lt_75",
            [(D(2020, 7, 1), "66"), (D(2021, 7, 1), "69"), (D(2022, 7, 1), "72"), (D(2023, 7, 1), "75")],
        ),
        (
            "usmca.staging.pv_lt_70",
            [(D(2020, 7, 1), "62.5"), (D(2021, 7, 1), "65"), (D(2022, 7, 1), "67.5"), (D(2023, 7, 1), "70")],
        ),
        ("usmca.staging.ht_70", [(D(2020, 7, 1), "60"), (D(2024, 7, 1), "64"), (D(2027, 7, 1), "70")]),
    ],
)
def test_staged_thresholds_on_both_sides_of_each_step(name: str, steps: list[tuple[dt.date, str]]) -> None:
    params = load_parameters()
    previous: str | None = None
    for day, value in steps:
        on = params.at(day)[name]
        assert on.decimal == Decimal(value) and on.since == day
        assert on.reference and not on.unverified
        if previous is not None:
            assert params.at(day - dt.timedelta(days=1))[name].decimal == Decimal(previous)
        previous = value


def _nc_threshold(code: str, day: dt.date, end_use: str, kind: str | None = None) -> Decimal:
    """The net cost threshold of the RVC alternative that applies to a good."""
    params = load_parameters().at(day)
    values = {
        a.rvc.net_cost.resolve(params).value
        for a in find_rule(code, day).applicable(end_use, kind)
        if a.rvc is not None and a.rvc.net_cost is not None
    }
    assert len(values) == 1, values
    return values.pop()


@pytest.mark.parametrize(
    ("code", "end_use", "kind", "day", "expected"),
    [
        ("8703.23", "passenger_vehicle", None, D(2021, 6, 30), "66"),
        ("8703.23", "passenger_vehicle", None, D(2021, 7, 1), "69"),
        ("8703.23", "passenger_vehicle", None, D(2023, 6, 30), "72"),
        ("8703.23", "passenger_vehicle", None, D(2023, 7, 1), "75"),
        ("8703.23", "other", None, D(2023, 7, 1), "62.5"),
        ("8704.21", "light_truck", None, D(2022, 7, 1), "72"),
        ("8704.21", "other", None, D(2022, 7, 1), "62.5"),
        ("8704.23", "heavy_truck", None, D(2024, 6, 30), "60"),
        ("8704.23", "heavy_truck", None, D(2024, 7, 1), "64"),
        ("8704.23", "heavy_truck", None, D(2027, 6, 30), "64"),
        ("8704.23", "heavy_truck", None, D(2027, 7, 1), "70"),
        ("8708.29", "passenger_vehicle", "body_stamping", D(2022, 6, 30), "69"),
        ("8708.29", "passenger_vehicle", None, D(2022, 6, 30), "65"),
        ("8708.29", "aftermarket", "body_stamping", D(2022, 6, 30), "50"),
        ("8708.40", "light_truck", None, D(2020, 7, 1), "66"),
        ("8708.40", "heavy_truck", None, D(2025, 1, 1), "64"),
        ("8708.99", "passenger_vehicle", "chassis_frame", D(2023, 7, 1), "75"),
        ("8706.00", "other", None, D(2023, 7, 1), "60"),
    ],
)
def test_staged_vehicle_and_part_thresholds(
    code: str, end_use: str, kind: str | None, day: dt.date, expected: str
) -> None:
    assert _nc_threshold(code, day, end_use, kind) == Decimal(expected)


def test_buses_split_by_capacity() -> None:
    rule = find_rule("8702.10", D(2024, 1, 1))
    assert [a.rvc.net_cost.value for a in rule.applicable(None, "up_to_15_persons")] == [Decimal("62.5")]  # type: ignore[union-attr]
    assert [a.rvc.net_cost.value for a in rule.applicable(None, "16_or_more_persons")] == [Decimal(60)]  # type: ignore[union-attr]
