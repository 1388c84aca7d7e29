"""Chapter 99 for every origin: IEEPA China (fentanyl), the IEEPA reciprocal duty, Section 301 and the
August 2025 derivative inclusions, stacked with Section 232 as spec tariffs.md §1.6 and the heading
texts say — worked examples with their arithmetic."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817

from tests.tariffs.helpers import extra, price

BOLT = "7318.15.20.65"  # a steel bolt: List 3 of Section 301, a chapter 73 derivative, Annex I-A in 2026


def test_a_chinese_steel_bolt_in_june_2025_pays_232_on_its_steel_then_fentanyl_reciprocal_and_301() -> None:
    d = price("2025-06-10", BOLT, "CN", 100000, steel_value=60000)
    assert extra(d) == {
        "9903.81.90": D("30000.00"),  # 50 % on the steel content (Proc. 10947)
        "9903.01.25": D("4000.00"),  # reciprocal 10 % on the rest only (U.S. note 2(v)(vii))
        "9903.01.24": D("20000.00"),  # fentanyl 20 % on the full value: no 232 exception
        "9903.88.03": D("25000.00"),  # Section 301 List 3, 25 % on the full value
    }
    assert d.total_duty == D("79000.00")  # column 1 is Free
    s301 = next(ln for ln in d.lines if ln.program == "s301")
    assert s301.unverified and s301.reference.endswith("[unverified]")  # the list is secondary


def test_the_same_bolt_in_may_2026_pays_the_annex_on_full_value_and_301_and_nothing_of_ieepa() -> None:
    d = price("2026-05-01", BOLT, "CN", 100000, steel_value=60000)
    # IEEPA ended on 2026-02-24; Section 122 spares Section 232 goods (9903.03.06)
    assert extra(d) == {"9903.82.02": D("50000.00"), "9903.88.03": D("25000.00")}


def test_before_proc_10947_the_reciprocal_duty_spares_the_whole_232_article() -> None:
    d = price("2025-05-20", BOLT, "CN", 100000, steel_value=60000)
    assert "9903.01.25" not in extra(d)
    assert extra(d)["9903.81.90"] == D("25000.00")  # 25 % on full value for a chapter 73 derivative then
    assert any("9903.01.33" in n for n in d.notes)


def test_china_reciprocal_rates_follow_the_heading_texts() -> None:
    toy = "9503.00.00"  # on no Section 232 or 301 list
    assert extra(price("2025-04-07", toy, "CN"))["9903.01.25"] == D("10000.00")
    assert extra(price("2025-04-09", toy, "CN"))["9903.01.63"] == D("84000.00")
    assert extra(price("2025-04-20", toy, "CN"))["9903.01.63"] == D("125000.00")
    assert extra(price("2025-05-14", toy, "CN"))["9903.01.25"] == D("10000.00")
    assert "9903.01.25" not in extra(price("2026-02-24", toy, "CN"))  # IEEPA ended


def test_fentanyl_on_china_and_hong_kong_dated_by_its_orders() -> None:
    toy = "9503.00.00"
    assert extra(price("2025-02-03", toy, "HK")) == {}
    assert extra(price("2025-02-04", toy, "HK")) == {"9903.01.20": D("10000.00")}
    assert extra(price("2025-11-09", toy, "CN"))["9903.01.24"] == D("20000.00")
    assert extra(price("2025-11-10", toy, "CN"))["9903.01.24"] == D("10000.00")  # EO 14357
    # the reciprocal duty reaches Hong Kong as China's; Section 301 does not
    assert "9903.01.25" in extra(price("2025-06-10", BOLT, "HK", steel_value=1))
    assert not [ln for ln in price("2025-06-10", BOLT, "HK", steel_value=1).lines if ln.program == "s301"]


def test_canada_and_mexico_pay_no_reciprocal_duty_and_others_pay_the_baseline() -> None:
    toy = "9503.00.00"
    assert extra(price("2025-05-01", toy, "MX")) == {"9903.01.01": D("25000.00")}
    assert extra(price("2025-05-01", toy, "DE")) == {"9903.01.25": D("10000.00")}


def test_a_mexican_auto_part_in_may_2026_usmca_qualifying_or_not() -> None:
    part = "8708.99.68"  # on the auto parts list (U.S. note 33(g))
    qualifying = price("2026-05-01", part, "MX", 100000, usmca=True)
    assert extra(qualifying) == {} and qualifying.total_duty == D("0.00")
    assert [ln.heading for ln in qualifying.lines if ln.program == "s232_vehicles"] == ["9903.94.06"]
    other = price("2026-05-01", part, "MX", 100000)
    assert extra(other) == {"9903.94.05": D("25000.00")}  # no Section 122 on a 232 part (9903.03.06)
    assert other.total_duty == D("27500.00")  # 2.5 % column 1 + 25 %


def test_a_chinese_car_pays_the_autos_duty_and_the_cumulative_programs_but_no_reciprocal() -> None:
    d = price("2025-06-10", "8703.23.01", "CN", 100000)
    assert extra(d) == {"9903.94.01": D("25000.00"), "9903.01.24": D("20000.00"), "9903.88.01": D("25000.00")}
    assert any("9903.01.33" in n for n in d.notes)


def test_copper_wire_in_2026_is_annex_i_a_on_full_value() -> None:
    d = price("2026-05-01", "7408.11.60", "DE", 100000)
    assert extra(d) == {"9903.82.02": D("50000.00")}
    assert d.total_duty == D("53000.00")  # 3 % column 1 + 50 %


def test_the_august_2025_inclusions_start_on_2025_08_18() -> None:
    fridge = "8418.10.00"  # note 19(k) from 2025-08-18 (FR 2025-15819 Annex I)
    before = price("2025-08-17", fridge, "KR", 100000, aluminum_value=20000)
    # its steel is charged from 2025-06-23 (a household appliance of note 16(n), FR 2025-11067)
    assert not [ln for ln in before.lines if ln.program == "s232_aluminum"]
    after = price("2025-08-18", fridge, "KR", 100000, aluminum_value=20000)
    assert extra(after)["9903.85.08"] == D("10000.00")  # 50 % on the aluminum content
    uk = price("2025-08-18", fridge, "GB", 100000, aluminum_value=20000)
    assert extra(uk)["9903.85.15"] == D("5000.00")  # the UK's 25 % (note 19(s))


def test_copper_wire_in_september_2025_pays_50_on_its_copper_content_and_the_reciprocal_on_the_rest() -> None:
    d = price("2025-09-10", "7408.11.60", "DE", 100000, copper_value=80000)
    # the EU's floor on the 20,000 that is not copper: 15 % less column 1's 3 % (9903.02.20)
    assert extra(d) == {"9903.78.01": D("40000.00"), "9903.02.20": D("2400.00")}
    cn = price("2025-09-10", "7408.11.60", "CN", 100000, copper_value=80000)
    assert extra(cn) == {
        "9903.78.01": D("40000.00"),
        "9903.01.25": D("2000.00"),  # 10 % on the 20,000 that is not copper
        "9903.01.24": D("20000.00"),
        "9903.88.03": D("25000.00"),
    }
    [copper] = [ln for ln in d.lines if ln.program == "s232_copper"]
    assert copper.unverified  # the copper list is from a secondary table
    unknown = price("2025-09-10", "7408.11.60", "DE", 100000)
    assert extra(unknown) == {"9903.78.01": D("50000.00")} and "copper_content" in [  # nothing left
        q.fact for q in unknown.questions
    ]
    # the day before Proc. 10962: copper was in Annex II of EO 14257 (9903.01.32), no reciprocal duty;
    # it left the list when Section 232 copper began (tests/tariffs/test_ieepa_annex_ii.py)
    before = price("2025-07-31", "7408.11.60", "DE", 100000, copper_value=80000)
    assert extra(before) == {} and "9903.01.32" in {ln.heading for ln in before.lines}
