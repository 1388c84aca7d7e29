"""An entry line declares a set of facts (``metals_relief``): read once, by one parser, for every edge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tmec.core.errors import InputError
from tmec.tariffs import Entry, entry_from_mapping, price_entry
from tmec.tariffs.declared import EXCLUSIVE, RELIEFS, canonical

# starter motors: a general-purpose provision of U.S. note 33(g), and exclusion 20(vvv)(iii)(54)
STARTER = "8511.40.00.00"


def starter(relief: str | None, day: str = "2026-03-02") -> Entry:
    return Entry(dt.date.fromisoformat(day), STARTER, "CN", Decimal(1000), metals_relief=relief)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("vehicle_part", "vehicle_part"),
        (" Vehicle_Part ", "vehicle_part"),
        ("vehicle_part;s301_exclusion", "s301_exclusion;vehicle_part"),
        (" S301_EXCLUSION ; vehicle_part;;vehicle_part ", "s301_exclusion;vehicle_part"),
        ("  ", None),
        (";", None),
        (None, None),
    ],
)
def test_a_set_has_one_text_whatever_its_order_case_and_repeats(text: str | None, want: str | None) -> None:
    assert canonical(text) == want
    if text is not None:
        assert Entry(dt.date(2026, 3, 2), STARTER, "CN", Decimal(1), metals_relief=text).metals_relief == want


def test_an_unknown_fact_is_named() -> None:
    with pytest.raises(InputError) as one:
        canonical("Quota ")
    assert (one.value.field, one.value.message) == (
        "metals_relief",
        f"expected one of {', '.join(RELIEFS)}, found 'Quota '",  # one value: as it was written
    )
    with pytest.raises(InputError, match=r"found 'quota'$"):
        canonical("vehicle_part; quota")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("motorcycle_parts;equipment_parts", "reliefs of U.S. note 16 are mutually exclusive (16(a)"),
        ("commerce_quota;motorcycle_parts", "reliefs of U.S. note 16 are mutually exclusive"),
        ("none;s301_exclusion", "none declares that no such fact is claimed"),
        ("uk_vehicle_quota;vehicle_part", "U.S. note 33(i)) is not a part"),
    ],
)
def test_two_exclusive_facts_are_refused_not_resolved(text: str, why: str) -> None:
    with pytest.raises(InputError) as info:
        entry_from_mapping(
            {"entry_date": "2026-06-10", "hts": STARTER, "origin": "CN", "value": "1", "metals_relief": text},
            source="entries.csv",
            line=7,
        )
    a, b = sorted(text.split(";"))
    assert str(info.value).startswith(f"entries.csv:7: metals_relief: {a} and {b} cannot both be declared")
    assert why in info.value.message


def test_every_exclusive_fact_is_a_fact() -> None:
    for one, other, why in EXCLUSIVE:
        assert set(one) | set(other) <= set(RELIEFS) and why


def test_a_chinese_starter_motor_declared_a_vehicle_part_and_excluded_pays_both() -> None:
    """9903.94.05 (25 %, note 33(g)) and the Section 301 exclusion 9903.88.69 (0 % in place of List 3's
    25 %) both apply; either alone gives another duty."""
    both = price_entry(starter("vehicle_part;s301_exclusion"))
    headings = {ln.heading: ln.duty for ln in both.lines}
    assert headings == {"8511.40.0000": Decimal("25.00"), "9903.94.05": Decimal("250.00"), "9903.88.69": 0}
    assert both.total_duty == Decimal("275.00")
    assert price_entry(starter("vehicle_part")).total_duty == Decimal("525.00")  # List 3 charged
    assert price_entry(starter("s301_exclusion")).total_duty == Decimal("125.00")  # Section 122 charged
    assert not both.questions
    used = "declared facts: s301_exclusion, used by 9903.88.69; vehicle_part, used by 9903.94.05"
    assert used in both.notes
    assert price_entry(starter(" S301_Exclusion;vehicle_part;vehicle_part")).lines == both.lines


def test_a_fact_no_measure_turns_on_is_named_as_unused() -> None:
    d = price_entry(starter("vehicle_part;not_wood_cabinet"))
    unused = "not_wood_cabinet, used by no measure of this line; vehicle_part, used by 9903.94.05"
    assert f"declared facts: {unused}" in d.notes
    assert not [n for n in price_entry(starter("vehicle_part")).notes if n.startswith("declared facts")]


def test_a_json_line_may_declare_a_list() -> None:
    row = {"entry_date": "2026-03-02", "hts": STARTER, "origin": "CN", "value": "1000"}
    listed = entry_from_mapping({**row, "metals_relief": ["vehicle_part", "s301_exclusion"]})
    assert listed.metals_relief == "s301_exclusion;vehicle_part"
    assert listed.declared == frozenset({"vehicle_part", "s301_exclusion"})
    assert entry_from_mapping({**row, "metals_relief": []}).metals_relief is None
