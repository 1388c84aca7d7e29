"""The seven stacking cases of spec tariffs.md §6, and both sides of every regime date."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.tariffs.helpers import extra, price

D = Decimal


# --- spec §6.6 (i)-(vii) -----------------------------------------------------------------


def test_i_non_usmca_mexican_hrc_april_2025_pays_ieepa_not_232() -> None:
    d = price("2025-04-15", "7208.39.00", "MX")
    assert extra(d) == {"9903.01.01": D("25000.00")}
    assert not d.additional("s232_steel")


def test_ii_same_good_june_2025_pays_232_at_50_not_ieepa() -> None:
    d = price("2025-06-10", "7208.39.00", "MX")
    assert extra(d) == {"9903.81.87": D("50000.00")}
    assert not d.additional("ieepa")


def test_iii_usmca_mexican_hrc_april_2025_pays_232_not_ieepa() -> None:
    d = price("2025-04-15", "7208.39.00", "MX", usmca=True)
    assert extra(d) == {"9903.81.87": D("25000.00")}
    assert [line.heading for line in d.additional("ieepa")] == ["9903.01.04"]  # the 0 % USMCA line


def test_iv_usmca_canadian_aluminum_august_2025_pays_232_at_50() -> None:
    d = price("2025-08-15", "7601.20.90", "CA", usmca=True, smelted_cast="CA")
    assert extra(d) == {"9903.85.02": D("50000.00")}
    assert d.total_duty == D("50000.00")


def test_v_usmca_mexican_car_may_2025_pays_autos_on_non_us_content_only() -> None:
    d = price("2025-05-01", "8703.23.01", "MX", 30000, usmca=True, non_us_content=12000)
    ordinary = d.lines[0]
    assert ordinary.rate == 0 and "USMCA" in ordinary.measure  # MFN 2.5 %, USMCA Free
    assert extra(d) == {"9903.94.03": D("3000.00")}  # 25 % of 12,000
    assert [(x.heading, x.base) for x in d.additional("s232_vehicles")] == [
        ("9903.94.03", 12000),
        ("9903.94.04", 18000),
    ]
    assert not d.additional("ieepa") and not d.additional("s232_steel") and not d.additional("s232_aluminum")
    same_without_claim = price("2025-05-01", "8703.23.01", "MX", 30000)
    assert same_without_claim.lines[0].rate == D("2.5")
    assert extra(same_without_claim) == {"9903.94.01": D("7500.00")}


def test_vi_non_usmca_canadian_good_outside_232_march_2026_pays_section_122() -> None:
    d = price("2026-03-01", "8516.71.00", "CA", 1000)  # coffee makers, on no Section 232 list
    assert extra(d) == {"9903.03.01": D("100.00")}
    assert d.total_duty == D("137.00")  # 2.7 % MFN + 10 %


def test_an_auto_part_the_august_2025_inclusions_list_is_a_232_derivative_not_a_section_122_good() -> None:
    # 8708.99.81 is in U.S. note 16(n) from 2025-08-18 (FR 2025-15819 Annex I): its steel content pays
    # 50 % under 9903.81.91 and the rest is the only part Section 122 reaches
    d = price("2026-03-01", "8708.99.81", "CA", 1000, steel_value=400)
    assert extra(d) == {"9903.81.91": D("200.00"), "9903.03.01": D("60.00")}
    assert extra(price("2025-08-15", "8708.99.81", "CA", 1000, steel_value=400)) == {
        "9903.01.10": D("350.00")
    }


def test_vii_usmca_mexican_listed_auto_part_june_2025_pays_zero() -> None:
    d = price("2025-06-01", "8708.29.25", "MX", 1000, usmca=True)
    assert [(line.heading, line.rate) for line in d.additional("s232_vehicles")] == [("9903.94.06", D(0))]
    assert d.total_duty == 0


# --- both sides of every regime date ------------------------------------------------------

REGIME_DATES = [
    # (date, hts, origin, kwargs, expected additional duty by heading on value 100,000)
    ("2018-05-31", "7208.39.00", "MX", {}, {}),  # CA/MX exempt pending NAFTA talks
    ("2018-06-01", "7208.39.00", "MX", {}, {"9903.80.01": D("25000.00")}),  # Proc. 9759
    ("2018-05-31", "7601.20.90", "CA", {}, {}),
    ("2018-06-01", "7601.20.90", "CA", {}, {"9903.85.01": D("10000.00")}),  # Proc. 9758
    ("2019-05-19", "7208.39.00", "CA", {}, {"9903.80.01": D("25000.00")}),
    ("2019-05-20", "7208.39.00", "CA", {}, {}),  # Proc. 9894
    ("2019-05-19", "7601.20.90", "MX", {}, {"9903.85.01": D("10000.00")}),
    ("2019-05-20", "7601.20.90", "MX", {}, {}),  # Proc. 9893
    ("2024-07-09", "7208.39.00", "MX", {"melted_poured": "BR"}, {}),
    ("2024-07-10", "7208.39.00", "MX", {"melted_poured": "BR"}, {"9903.81.85": D("25000.00")}),  # Proc. 10783
    ("2024-07-10", "7208.39.00", "MX", {"melted_poured": "MX"}, {}),
    ("2024-07-09", "7604.21.00", "MX", {"smelted_cast": "CN"}, {}),
    ("2024-07-10", "7604.21.00", "MX", {"smelted_cast": "CN"}, {"9903.85.71": D("10000.00")}),  # Proc. 10782
    ("2024-07-10", "7604.21.00", "MX", {"smelted_cast": "CA"}, {}),
    ("2025-03-03", "8708.99.81", "MX", {}, {}),
    ("2025-03-04", "8708.99.81", "MX", {}, {"9903.01.01": D("25000.00")}),  # EO 14194
    ("2025-03-06", "8708.99.81", "MX", {"usmca": True}, {"9903.01.01": D("25000.00")}),  # not retroactive
    ("2025-03-07", "8708.99.81", "MX", {"usmca": True}, {}),  # USMCA exemption
    ("2025-03-11", "7208.39.00", "MX", {"usmca": True}, {}),
    ("2025-03-12", "7208.39.00", "MX", {"usmca": True}, {"9903.81.87": D("25000.00")}),  # Proc. 10896
    ("2025-03-11", "7601.20.90", "CA", {"usmca": True, "smelted_cast": "CA"}, {}),
    ("2025-03-12", "7601.20.90", "CA", {"usmca": True, "smelted_cast": "CA"}, {"9903.85.02": D("25000.00")}),
    ("2025-04-02", "8703.23.01", "MX", {"usmca": True, "non_us_content": 40000}, {}),
    (
        "2025-04-03",
        "8703.23.01",
        "MX",
        {"usmca": True, "non_us_content": 40000},
        {"9903.94.03": D("10000.00")},
    ),
    ("2025-05-02", "8708.29.25", "MX", {}, {"9903.01.01": D("25000.00")}),
    ("2025-05-03", "8708.29.25", "MX", {}, {"9903.94.05": D("25000.00")}),  # parts from 3 May 2025
    ("2025-06-03", "7208.39.00", "MX", {}, {"9903.01.01": D("25000.00")}),  # EO 14289: IEEPA first
    ("2025-06-04", "7208.39.00", "MX", {}, {"9903.81.87": D("50000.00")}),  # Proc. 10947: metals first
    ("2025-06-03", "7326.90.86", "MX", {"steel_value": 40000}, {"9903.01.01": D("25000.00")}),
    (
        "2025-06-04",
        "7326.90.86",
        "MX",
        {"steel_value": 40000},
        # a chapter 73 derivative of the 2025 list: heading 9903.81.90 (issue 11 item 4), on its content
        {"9903.81.90": D("20000.00"), "9903.01.01": D("15000.00")},
    ),
    ("2025-07-31", "8708.99.81", "CA", {}, {"9903.01.10": D("25000.00")}),
    ("2025-08-01", "8708.99.81", "CA", {}, {"9903.01.10": D("35000.00")}),  # 35 % from 1 Aug 2025
    ("2025-10-31", "8704.23.01", "MX", {}, {"9903.01.01": D("25000.00")}),
    ("2025-11-01", "8704.23.01", "MX", {}, {"9903.74.01": D("25000.00")}),  # Proc. 10984
    # from 2025-08-18 8708.99.81 is a steel derivative (note 16(n)): a good outside Section 232 here
    ("2026-02-23", "8516.71.00", "MX", {}, {"9903.01.01": D("25000.00")}),
    ("2026-02-24", "8516.71.00", "MX", {}, {"9903.03.01": D("10000.00")}),  # IEEPA ends; s.122 starts
    ("2026-02-24", "8516.71.00", "MX", {"usmca": True}, {}),  # 9903.03.08
    # a part on Annex I-B pays Section 232 from 2026-04-06 (and no s.122): a plastics article here
    ("2026-07-23", "3926.90.99", "CA", {}, {"9903.03.01": D("10000.00")}),
    ("2026-07-24", "3926.90.99", "CA", {}, {}),  # 150-day limit
]


@pytest.mark.parametrize(("day", "hts", "origin", "kw", "expected"), REGIME_DATES)
def test_regime_dates(
    day: str, hts: str, origin: str, kw: dict[str, object], expected: dict[str, Decimal]
) -> None:
    assert extra(price(day, hts, origin, **kw)) == expected


# --- split lines, melt/smelt conditions, USMCA eligibility vs claim -------------------------


def test_derivative_outside_chapter_73_pays_on_steel_content_only() -> None:
    d = price("2025-03-20", "9403.20.00", "MX", usmca=True, steel_value=30000)
    (line,) = d.additional("s232_steel")
    assert (line.heading, line.base, line.duty, line.base_kind) == (
        "9903.81.91",
        D(30000),
        D("7500.00"),
        "steel_content",
    )


def test_missing_metal_content_pays_on_full_value_and_asks() -> None:
    d = price("2025-06-10", "9403.20.00", "MX", usmca=True)
    (line,) = d.additional("s232_steel")
    assert line.base == D(100000)
    assert any(q.fact == "steel_content" for q in d.questions)


def test_us_melted_steel_is_relieved_of_232_but_not_of_ieepa() -> None:
    d = price("2025-06-10", "7208.39.00", "MX", melted_poured="US", usmca=True)
    assert extra(d) == {}
    assert [line.heading for line in d.additional("s232_steel")] == ["9903.81.92"]
    # Not a 232 good any more, a non-USMCA Mexican good pays IEEPA on its whole value.
    assert extra(price("2025-06-10", "7208.39.00", "MX", melted_poured="US")) == {"9903.01.01": D("25000.00")}


def test_unknown_smelt_country_pays_the_penalty_rate_and_missing_asks() -> None:
    assert extra(price("2025-06-10", "7601.20.90", "CA", usmca=True, smelted_cast="unknown")) == {
        "9903.85.67": D("200000.00")
    }
    assert extra(price("2025-06-10", "7601.20.90", "CA", usmca=True, smelted_cast="RU")) == {
        "9903.85.67": D("200000.00")
    }
    not_given = price("2025-06-10", "7601.20.90", "CA", usmca=True)
    assert extra(not_given) == {"9903.85.02": D("50000.00")}
    assert any(q.fact == "smelted_cast" for q in not_given.questions)


def test_unknown_melt_country_in_2024_mexico_regime_pays_25() -> None:
    assert extra(price("2024-10-01", "7208.39.00", "MX", melted_poured="unknown")) == {
        "9903.81.85": D("25000.00")
    }


def test_uk_stays_at_25_percent() -> None:
    d = price("2025-06-10", "7208.39.00", "GB")
    assert extra(d) == {"9903.81.94": D("25000.00")}  # the UK's own heading, U.S. note 16(q)


def test_claim_on_a_line_without_the_preference_is_not_honoured() -> None:
    # 8703.23.01 before 2022 did not exist; 8703.23.00 in 2019 granted NAFTA (CA/MX), not USMCA.
    d = price("2019-01-10", "8703.23.00", "MX", 30000, usmca=True)
    assert d.lines[0].rate == 0 and "NAFTA" in d.lines[0].measure
    d = price("2025-04-15", "8703.23.01", "MX", 30000)
    assert d.lines[0].rate == D("2.5")  # eligible, not claimed: no preference


def test_column_2_countries_pay_column_2() -> None:
    d = price("2023-01-10", "8703.23.01", "RU", 30000)
    assert d.lines[0].measure == "Column 2 rate" and d.lines[0].rate == 10


def test_usmca_part_escape_parameter_is_reported() -> None:
    d = price("2025-06-10", "8708.10.30", "MX", usmca=True, steel_value=50000)
    assert d.total_duty == 0
    assert any("usmca_part_escapes" in n or "9903.94.06" in n or "0 %" in n for n in d.notes)


def test_effective_rate_and_rounding() -> None:
    d = price("2025-06-10", "7326.90.86", "MX", "1234.565", steel_value="333.333")
    assert all(line.duty == line.duty.quantize(D("0.01")) for line in d.lines)
    assert d.total_duty == sum(line.duty for line in d.lines)
    assert d.effective_rate == d.total_duty / D("1234.565") * 100


def test_deposited_before_eo_14289_was_signed_stacks_both_and_the_difference_is_the_refund() -> None:
    liability = price("2025-04-15", "7208.39.00", "MX", melted_poured="MX")
    deposited = price("2025-04-15", "7208.39.00", "MX", melted_poured="MX", basis="deposited")
    assert extra(liability) == {"9903.01.01": D("25000.00")}
    assert deposited.basis == "deposited"
    assert extra(deposited) == {"9903.01.01": D("25000.00"), "9903.81.87": D("25000.00")}
    assert price("2025-05-01", "7208.39.00", "MX", melted_poured="MX", basis="deposited").total_duty == D(
        "25000.00"
    )
