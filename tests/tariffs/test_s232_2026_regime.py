"""Section 232 metals in 2026 after the April annexes: the Russia headings (9903.82.14-.17, 9903.85.67)
and the June changes of Proclamation 11032 (lists from a tracker's table, secondary).

Every amount below is worked by hand from the heading texts (HTSUS 2026 rev 5 - rev 10) on a value of
$100,000: "+ 50%" is 50,000; "15%" is a total with column 1 (column 1 Free: 15,000; 1.4 %: 13,600).
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price
from tmec.core.errors import InputError
from tmec.law.tariffs import S232_JUNE_2026, load_measures
from tmec.tariffs import Duty

D = Decimal
# a derivative outside the metal chapters must weigh at least 15 % metal to be in scope (note 16(c))
HEAVY = {"weight_kg": D(100), "metal_weight_kg": D(80)}


def test_the_june_lists_are_what_the_builder_makes_of_the_tracker_table() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip(
            "TMEC_TARIFF_TRACKER (a tariff-rate-tracker checkout or git dir, the lists' source) not set"
        )
    built = builder("build_s232_june_2026").build(Path(tracker), S232_JUNE_2026.parent)
    assert built == S232_JUNE_2026.read_bytes()


def test_a_moved_code_leaves_every_list_of_another_annex_and_a_coarser_one_left_there_fails() -> None:
    b = builder("build_s232_june_2026")
    april = {"i_b_steel_derivatives": ["8432.10.00", "8415.90.80"], "iii_steel_derivatives": ["8401.40.00"]}
    june = b.june_lists(april, [("8432.10.00", "iii_steel_derivatives")])
    assert june["i_b_steel_derivatives"] == ["8415.90.80"]
    assert june["iii_steel_derivatives"] == ["8401.40.00", "8432.10.00"]
    with pytest.raises(SystemExit, match=r"keeps the coarser 8415\.90\.80"):
        b.june_lists(april, [("8415.90.80.10", "iii_steel_derivatives")])


def test_the_june_lists_are_secondary_and_every_measure_on_them_is_unverified() -> None:
    header = S232_JUNE_2026.read_text(encoding="utf-8").split("scopes:", 1)[0]
    assert "SECONDARY" in header and "sha256" in header
    june = [m for m in load_measures() if any(i.scope.startswith("s232_2026_jun_") for i in m.scope)]
    assert len(june) == 20 and all(m.unverified and "[unverified]" in m.cite() for m in june)


def test_forklifts_and_loaders_join_list_c_xi_on_2026_06_08() -> None:
    # 8429.51.10 (column 1 Free): Annex I-B until June 7; then (c)(xi): 25 % under 9903.82.09, or
    # 15 % in all for the partner countries of 9903.82.22 (Germany is in the European Union)
    assert extra(price("2026-06-05", "8429.51.10", "DE", **HEAVY)) == {"9903.82.09": D("25000.00")}
    assert extra(price("2026-06-08", "8429.51.10", "DE", **HEAVY)) == {"9903.82.22": D("15000.00")}
    assert extra(price("2026-06-10", "8429.51.10", "JP", **HEAVY)) == {"9903.82.22": D("15000.00")}
    assert extra(price("2026-06-10", "8429.51.10", "BR", **HEAVY)) == {"9903.82.09": D("25000.00")}
    # USMCA goods of Mexico: 9903.82.20's 25 %, without the value of their U.S. parts on the full
    # value (an upper bound), and a question asking for it (note 16(j), below)
    usmca = price("2026-06-10", "8429.51.10", "MX", usmca=True, **HEAVY)
    assert extra(usmca) == {"9903.82.20": D("25000.00")}
    assert extra(price("2026-06-10", "8429.51.10", "MX", **HEAVY)) == {"9903.82.09": D("25000.00")}
    partner = price("2026-06-10", "8429.51.10", "DE", **HEAVY)
    assert any("[unverified]" in ln.reference for ln in partner.lines if ln.heading == "9903.82.22")


def test_agricultural_machinery_moves_from_annex_i_b_to_the_15_percent_floor() -> None:
    # 8432.10.00 (Free) and 8415.90.80.10 (1.4 %): 25 % on the full value until June 7, then
    # topped up to 15 % (9903.82.10)
    assert extra(price("2026-06-05", "8432.10.00", "BR", **HEAVY)) == {"9903.82.09": D("25000.00")}
    assert extra(price("2026-06-08", "8432.10.00", "BR", **HEAVY)) == {"9903.82.10": D("15000.00")}
    assert extra(price("2026-06-05", "8415.90.80.10", "BR", **HEAVY)) == {"9903.82.09": D("25000.00")}
    d = price("2026-06-10", "8415.90.80.10", "BR", **HEAVY)
    assert extra(d) == {"9903.82.10": D("13600.00")} and d.total_duty == D("15000.00")


def test_russia_has_its_own_headings() -> None:
    # column 2 plus: Annex I-A +50 % (9903.82.14), I-B +25 % (.16), Annex III steel +25 % (.17)
    assert extra(price("2026-04-10", "7208.39.00", "RU")) == {"9903.82.14": D("50000.00")}
    assert extra(price("2026-04-23", "7321.11.10", "RU", **HEAVY)) == {"9903.82.16": D("25000.00")}
    assert extra(price("2026-05-01", "8424.89.90", "RU", **HEAVY)) == {"9903.82.17": D("25000.00")}
    us_melted = price("2026-04-23", "7321.11.10", "RU", melted_poured="US", **HEAVY)
    assert extra(us_melted) == {"9903.82.15": D("10000.00")}
    # (c)(xi) joins 9903.82.16 from June 8
    assert extra(price("2026-06-10", "8429.51.10", "RU", **HEAVY)) == {"9903.82.16": D("25000.00")}
    # other origins keep the general headings
    assert extra(price("2026-04-10", "7208.39.00", "BR")) == {"9903.82.02": D("50000.00")}


def test_russian_smelted_aluminum_pays_200_percent_instead_of_the_2026_heading() -> None:
    # 9903.82.02: "Except as provided for in headings 9903.82.14, 9903.85.67 and 9903.85.68"
    russian = price("2026-04-06", "7601.10.60", "RU", smelted_cast="RU")
    assert extra(russian) == {"9903.85.67": D("200000.00")}
    assert extra(price("2026-06-10", "7601.10.60", "CA", smelted_cast="unknown")) == {
        "9903.85.67": D("200000.00")
    }
    assert extra(price("2026-06-10", "7601.10.60", "CA", smelted_cast="CA")) == {"9903.82.02": D("50000.00")}


def test_an_article_with_no_metal_in_it_pays_no_metals_duty_under_9903_82_01() -> None:
    # 8424.89.90 (Annex III, column 1 1.8 %): a metal weight of 0 is no steel, aluminum or copper;
    # not a Section 232 good, it pays the Section 122 surcharge (10 %, to 2026-07-24) like any other
    for day in ("2026-04-06", "2026-04-23", "2026-06-10"):
        none = price(day, "8424.89.90", "DE", metal_weight_kg=D(0))
        (line,) = [ln for ln in none.lines if ln.program == "s232_metals"]
        assert (line.heading, line.duty) == ("9903.82.01", D("0.00"))
        assert extra(none) == {"9903.03.01": D("10000.00")}
        assert "metal_weight_kg" not in [q.fact for q in none.questions]
    assert extra(price("2026-08-01", "8424.89.90", "DE", metal_weight_kg=D(0))) == {}
    # the weight given as well: 9903.82.01 still comes first (note 16(a): one heading)
    both = price("2026-06-10", "8424.89.90", "DE", weight_kg=D(100), metal_weight_kg=D(0))
    assert [ln.heading for ln in both.lines if ln.program == "s232_metals"] == ["9903.82.01"]
    # some metal: the 15 % floor of Annex III (13.2 % on top of 1.8 %)
    some = price("2026-06-10", "8424.89.90", "DE", weight_kg=D(100), metal_weight_kg=D(80))
    assert extra(some) == {"9903.82.10": D("13200.00")}
    # not given: the answer asks, and the carve-out is not taken
    asked = price("2026-06-10", "8424.89.90", "DE")
    assert extra(asked) == {"9903.82.10": D("13200.00")}
    assert any("contain any steel, aluminum or copper" in q.text for q in asked.questions)
    # a steel coil is of steel by its classification: no carve-out can reach chapter 72
    coil = price("2026-06-10", "7208.39.00", "DE", metal_weight_kg=D(0))
    assert extra(coil) == {"9903.82.02": D("50000.00")}
    # before the 2026 regime the heading did not exist
    assert "9903.82.01" not in [ln.heading for ln in price("2026-04-05", "8424.89.90", "DE").lines]


NOTE_16 = Path(__file__).resolve().parents[2] / "tools" / "law" / "sources" / "hts_2026_rev_6_note_16.txt"


def test_the_stored_note_16_is_what_the_extractor_keeps_of_the_chapter_99_text() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip(
            "TMEC_TARIFF_TRACKER (a tariff-rate-tracker checkout or git dir, the text's source) not set"
        )
    assert builder("extract_note_16").build(Path(tracker)) == NOTE_16.read_bytes()


def test_the_reliefs_are_the_words_of_note_16() -> None:
    text = " ".join(NOTE_16.read_text(encoding="utf-8").split())
    assert "sha256" in text and "2026HTSRev6" in text
    by_id = {m.id: m for m in load_measures()}
    april = yaml_scopes()
    # 16(h)-(i): (c)(iii) steel / (c)(i) aluminum, melted or smelted in Canada or Mexico, USMCA
    # (general note 11), within a Commerce authorisation (clause 13 of Proc. 10984)
    for heading, sub, metal, place, mid in (
        ("9903.82.18", "(c)(iii)", "steel", "melted and poured", "s232_2026_usmca_steel_quota"),
        ("9903.82.19", "(c)(i)", "aluminum", "smelted and cast", "s232_2026_usmca_aluminum_quota"),
    ):
        applies = f"Heading {heading} applies to limited quantities of articles of {metal} described"
        assert f"{applies} in subdivision {sub}" in text
        assert f"were {place} in Canada or Mexico" in text
        m = by_id[mid]
        assert m.heading == heading and m.origins == {"CA", "MX"} and m.rate == 0
        key = "melted_poured_in" if metal == "steel" else "smelted_cast_in"
        assert m.when == {"usmca_claim": True, key: ("CA", "MX"), "metals_relief": "commerce_quota"}
        assert {i.lo for i in m.scope} == {c.replace(".", "") for c in april[f"s232_2026_i_a_{metal}"]}
    usmca = "under the United States-Mexico-Canada Agreement, as provided in general note 11"
    assert text.count(usmca) == 2
    assert text.count("pursuant to clause 13 of Presidential Proclamation 10984") == 2
    # 16(g): (c)(vi)-(viii) articles that are motorcycle parts of chapters 84, 85, 87
    assert (
        "Heading 9903.82.13 applies to articles that otherwise meet the criteria of subdivisions "
        "(c)(vi)-(viii) that are motorcycle parts classifiable in chapter 84, 85 or 87 for use in the "
        "manufacturing of motorcycles in the United States" in text
    )
    moto = by_id["s232_2026_motorcycle_parts"]
    i_b = {
        c.replace(".", "")
        for n in ("steel_derivatives", "aluminum_derivatives", "copper")
        for c in april[f"s232_2026_i_b_{n}"]
    }
    assert {i.lo for i in moto.scope} == {c for c in i_b if c[:2] in ("84", "85", "87")}
    # 16(c): the weight rule, and 16(a): one heading per article
    assert "only apply where the weight of the applicable metal is at least 15 percent" in text
    assert by_id["s232_2026_light_metal"].when == {"metal_weight_under": 15}
    assert "These headings are mutually exclusive" in text


def yaml_scopes() -> dict[str, list[str]]:
    from tmec.law import load_yaml
    from tmec.law.tariffs import S232_ANNEXES

    return {name: [str(c) for c in spec["items"]] for name, spec in load_yaml(S232_ANNEXES)["scopes"].items()}


def test_usmca_steel_within_a_commerce_authorisation_pays_no_metals_duty_from_2026_04_23() -> None:
    # 7208.39.00 of Mexico, USMCA (Free), steel melted and poured in Mexico: 9903.82.18 "no change"
    quota = {"usmca": True, "melted_poured": "MX", "metals_relief": "commerce_quota"}
    d = price("2026-04-23", "7208.39.00", "MX", **quota)
    assert extra(d) == {} and "9903.82.18" in [ln.heading for ln in d.lines]
    assert d.total_duty == D(0)
    # before revision 6 the heading did not exist: 50 % under 9903.82.02
    assert extra(price("2026-04-22", "7208.39.00", "MX", **quota)) == {"9903.82.02": D("50000.00")}
    # not stated: 50 %, and the answer asks; stated none: 50 %, no question
    asked = price("2026-04-23", "7208.39.00", "MX", usmca=True, melted_poured="MX")
    assert extra(asked) == {"9903.82.02": D("50000.00")}
    assert [q.fact for q in asked.questions] == ["metals_relief"]
    told = price("2026-04-23", "7208.39.00", "MX", usmca=True, melted_poured="MX", metals_relief="none")
    assert extra(told) == {"9903.82.02": D("50000.00")} and not told.questions
    # each condition of note 16(h) is needed, and none is asked about when another one fails
    for kw in ({**quota, "usmca": False}, {**quota, "melted_poured": "BR"}):
        assert extra(price("2026-06-10", "7208.39.00", "MX", **kw)) == {"9903.82.02": D("50000.00")}
    no_claim = price("2026-06-10", "7208.39.00", "MX", melted_poured="MX")
    assert "metals_relief" not in [q.fact for q in no_claim.questions]
    # 16(i): aluminum of Canada smelted and cast in Canada (9903.82.19)
    alu = price(
        "2026-06-10", "7601.10.60", "CA", usmca=True, smelted_cast="CA", metals_relief="commerce_quota"
    )
    assert extra(alu) == {} and "9903.82.19" in [ln.heading for ln in alu.lines]


def test_motorcycle_parts_pay_no_metals_duty_and_no_section_122() -> None:
    # 8413.81.00 (pumps, Annex I-B, Free): 25 % under 9903.82.09, or nothing under 9903.82.13 for
    # motorcycle manufacture; a Section 232 good either way, so no Section 122 (note 2(aa)(v)(1))
    assert extra(price("2026-04-23", "8413.81.00", "DE", **HEAVY)) == {"9903.82.09": D("25000.00")}
    moto = price("2026-04-23", "8413.81.00", "DE", metals_relief="motorcycle_parts", **HEAVY)
    assert extra(moto) == {} and "9903.82.13" in [ln.heading for ln in moto.lines]
    # (c)(xi) joins it from June 8
    assert extra(price("2026-06-10", "8429.51.10", "BR", metals_relief="motorcycle_parts", **HEAVY)) == {}
    # a floor met (9903.82.11, "No change") is a Section 232 good too: no Section 122
    d = price("2026-04-23", "8479.89.95.99", "DE", **HEAVY)
    assert "9903.03.01" not in extra(d)
    # the carve-outs 9903.82.01/.03 leave Section 232: Section 122 applies
    light = price("2026-04-23", "8413.81.00", "DE", weight_kg=D(100), metal_weight_kg=D(5))
    assert extra(light) == {"9903.03.01": D("10000.00")}


def test_a_relief_not_in_the_list_is_refused() -> None:
    with pytest.raises(InputError, match="metals_relief"):
        price("2026-04-23", "8413.81.00", "DE", metals_relief="quota")


def test_the_statutory_table_spares_section_122_on_a_2026_heading_whatever_its_rate() -> None:
    from tmec.tariffs.statutory import _stacked

    by_id = {m.id: m for m in load_measures()}
    floor, light, s122 = by_id["s232_2026_iii_floor"], by_id["s232_2026_light_metal"], by_id["s122"]
    # column 1 at 20 %: the 15 % floor is met (9903.82.11, nothing added), still no Section 122
    assert _stacked({"s232_metals": floor, "s122": s122}, D(20), "metals_first")[0] == 0
    assert _stacked({"s232_metals": floor, "s122": s122}, D(2), "metals_first")[0] == 13
    # the carve-out 9903.82.03 leaves Section 232: Section 122's 10 % is due
    assert _stacked({"s232_metals": light, "s122": s122}, D(2), "metals_first")[0] == 10


def test_parts_for_making_equipment_pay_10_or_15_percent_with_column_1_from_2026_06_08() -> None:
    # 8413.81.00 (pumps, Annex I-B, Free), claimed as parts for agricultural or industrial equipment
    # (note 16(k), secondary): 15 % under 9903.82.25, or 10 % under 9903.82.23 of US-melted steel
    parts = {"metals_relief": "equipment_parts", **HEAVY}
    assert extra(price("2026-06-10", "8413.81.00", "DE", **parts)) == {"9903.82.25": D("15000.00")}
    us = price("2026-06-10", "8413.81.00", "DE", melted_poured="US", **parts)
    assert extra(us) == {"9903.82.23": D("10000.00")}
    assert all("[unverified]" in ln.reference for ln in us.lines if ln.heading == "9903.82.23")
    # not for the general note 3(b) countries (Russia keeps 9903.82.16), nor before June 8
    assert extra(price("2026-06-10", "8413.81.00", "RU", **parts)) == {"9903.82.16": D("25000.00")}
    assert extra(price("2026-06-05", "8413.81.00", "DE", **parts)) == {"9903.82.09": D("25000.00")}
    # not stated: 25 % under 9903.82.09, and the answer asks about both end uses
    asked = price("2026-06-10", "8413.81.00", "DE", **HEAVY)
    assert extra(asked) == {"9903.82.09": D("25000.00")}
    assert [q.fact for q in asked.questions].count("metals_relief") == 2


def _split(d: Duty) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    return [(ln.heading, ln.rate, ln.base, ln.duty) for ln in d.lines if ln.heading.startswith("9903.82.2")]


def test_note_16j_splits_a_usmca_good_by_its_us_parts_with_a_15_percent_minimum() -> None:
    """Proc. 11032 clause (2)(d): 25 % on the value less the parts produced in the United States,
    the duty at least 15 % of the value (a base of at least 60 % of it); the rest at 0 % under
    9903.82.21.  On $100,000: U.S. parts of 30,000 leave 70,000 (17,500); of 50,000, the
    minimum 60,000 (15,000), 40,000 free; none, the full value under 9903.82.20 alone."""
    d = price("2026-06-10", "8429.51.10", "MX", usmca=True, us_parts_value=30000, **HEAVY)
    assert _split(d) == [("9903.82.20", 25, 70000, D("17500.00")), ("9903.82.21", 0, 30000, 0)]
    assert not any(q.fact == "us_parts_value" for q in d.questions)
    assert all("upper bound" not in n for n in d.notes)
    d = price("2026-06-10", "8429.51.10", "CA", usmca=True, us_parts_value=50000, **HEAVY)
    assert _split(d) == [("9903.82.20", 25, 60000, D("15000.00")), ("9903.82.21", 0, 40000, 0)]
    assert d.total_duty == D("15000.00")  # column 1 Free under the USMCA: 15 % in all
    d = price("2026-06-10", "8429.51.10", "MX", usmca=True, us_parts_value=100000, **HEAVY)
    assert _split(d) == [("9903.82.20", 25, 60000, D("15000.00")), ("9903.82.21", 0, 40000, 0)]
    d = price("2026-06-10", "8429.51.10", "MX", usmca=True, us_parts_value=0, **HEAVY)
    assert _split(d) == [("9903.82.20", 25, 100000, D("25000.00"))]
    line = next(ln for ln in d.lines if ln.heading == "9903.82.20")
    assert "clause (2)(d)" in line.reference and "Proclamation 11032" in line.reference
    # each line names its measure, heading, rate, base and reference; the remainder its own measure
    d = price("2026-06-10", "8429.51.10", "MX", usmca=True, us_parts_value=30000, **HEAVY)
    rest = next(ln for ln in d.lines if ln.heading == "9903.82.21")
    assert "parts produced in the United States" in rest.measure and rest.reference == line.reference
    assert rest.measure_id == "s232_2026_xi_usmca:remainder" and rest.base_kind == "us_parts"
    # 60 % of 100.01 is 60.006; of 1234.5679, 740.74074, taken up to the ten-thousandth
    d = price("2026-06-10", "8429.51.10", "MX", "100.01", usmca=True, us_parts_value=50, **HEAVY)
    assert _split(d) == [("9903.82.20", 25, D("60.006"), D("15.00")), ("9903.82.21", 0, D("40.004"), 0)]
    d = price("2026-06-10", "8429.51.10", "MX", "1234.5679", usmca=True, us_parts_value=900, **HEAVY)
    assert _split(d)[0][2] == D("740.7408")


def test_without_its_us_parts_a_16j_good_pays_on_the_full_value_and_the_answer_asks() -> None:
    d = price("2026-06-10", "8429.51.10", "MX", usmca=True, **HEAVY)
    assert _split(d) == [("9903.82.20", 25, 100000, D("25000.00"))]
    asked = [q.text for q in d.questions if q.fact == "us_parts_value"]
    assert len(asked) == 1 and "--us-parts-value" in asked[0] and "upper bound" in asked[0]
    assert "60 %" in asked[0] and "15 %" in asked[0]
    assert any("upper bound" in n for n in d.notes)
    # the parts change nothing where note 16(j) does not apply: no claim, another origin, before June 8
    for day, origin, usmca in (
        ("2026-06-10", "MX", False),
        ("2026-06-10", "DE", False),
        ("2026-06-05", "MX", True),
    ):
        d = price(day, "8429.51.10", origin, usmca=usmca, us_parts_value=30000, **HEAVY)
        assert not _split(d) or _split(d)[0][0] == "9903.82.22"
        assert not any(q.fact == "us_parts_value" for q in d.questions)


def test_us_parts_above_the_value_are_bad_input() -> None:
    with pytest.raises(InputError, match="us parts value 200 is more than the entered value 100"):
        price("2026-06-10", "8429.51.10", "MX", 100, usmca=True, us_parts_value=200)
