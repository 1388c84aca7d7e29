"""The certified-use auto parts of U.S. note 33(p)-(r): 9903.94.07 (+25 %) on a part the importer
certifies for automobile production or repair in the United States, the country headings of the EU,
Japan, Korea and Taiwan (15 % with column 1) in its place, the UK's 9903.94.33 (10 %) for parts
certified for UK automobiles; asked about on the parts headings of chapter 87 when not declared.

A part of 8708.99.81.80 (column 1: 2.5 %, outside the list of 33(g)) worth 100,000: 25,000 under
9903.94.07; 12,500 under a 15 % floor; 7,500 under the UK's 10 % with column 1.  A valve of
8481.80.90 (column 1: 2 %) of China."""

from __future__ import annotations

from decimal import Decimal

from tests.tariffs.helpers import extra, price
from tmec.law.tariffs import law_status

D = Decimal
PART = "8708.99.81.80"  # not in note 33(g)'s list
CERTIFIED = {"metals_relief": "auto_part_certified"}


def test_a_certified_part_of_japan_or_the_eu_tops_column_1_up_to_15() -> None:
    for origin, heading in (("JP", "9903.94.55"), ("DE", "9903.94.45"), ("FR", "9903.94.45")):
        d = price("2026-01-15", PART, origin, **CERTIFIED)
        assert extra(d) == {heading: D("12500.00")}, origin
        (line,) = d.additional("s232_vehicles")
        assert line.rate == D("12.5") and "U.S. note 33(m), (r)" in line.reference
        assert d.total_duty == D("15000.00") and not d.questions
    # Taiwan's from 2026 rev 9; before, 9903.94.07
    assert extra(price("2026-05-01", PART, "TW", **CERTIFIED)) == {"9903.94.69": D("12500.00")}
    assert extra(price("2026-04-30", PART, "TW", **CERTIFIED)) == {"9903.94.07": D("25000.00")}


def test_korea_from_2025_11_01_in_law_and_as_printed_from_2025_12_05() -> None:
    d = price("2025-11-15", PART, "KR", **CERTIFIED)
    assert extra(d) == {"9903.94.65": D("12500.00")} and d.additional("s232_vehicles")[0].unverified
    assert extra(price("2025-11-15", PART, "KR", basis="deposited", **CERTIFIED)) == {
        "9903.94.07": D("25000.00")
    }
    assert extra(price("2025-12-10", PART, "KR", **CERTIFIED)) == {"9903.94.65": D("12500.00")}


def test_any_other_origin_pays_25_percent_under_9903_94_07_in_place_of_ieepa() -> None:
    d = price("2026-01-15", "8481.80.90", "CN", **CERTIFIED)
    assert extra(d) == {"9903.94.07": D("25000.00"), "9903.01.24": D("10000.00"), "9903.88.03": D("25000.00")}
    # not declared: the fentanyl and reciprocal duties, no question outside the parts headings
    plain = price("2026-01-15", "8481.80.90", "CN")
    assert "9903.94.07" not in extra(plain) and "9903.01.25" in extra(plain) and not plain.questions
    # a British part certified for US production is not the UK's: 9903.94.07
    assert extra(price("2026-01-15", PART, "GB", **CERTIFIED)) == {"9903.94.07": D("25000.00")}
    # before the heading was printed, nothing to certify under
    assert "9903.94.07" not in extra(price("2025-10-15", "8481.80.90", "CN", **CERTIFIED))


def test_the_uk_parts_certified_for_uk_automobiles_10_percent_with_column_1() -> None:
    d = price("2026-01-15", PART, "GB", metals_relief="uk_auto_part_certified")
    assert extra(d) == {"9903.94.33": D("7500.00")} and d.total_duty == D("10000.00")


def test_not_declared_asked_on_the_parts_headings_once_and_not_applied() -> None:
    d = price("2026-01-15", PART, "JP")
    assert "9903.94.55" not in extra(d) and "9903.94.07" not in extra(d)
    asked = [q for q in d.questions if q.fact == "metals_relief"]
    assert len(asked) == 1 and "--metals-relief auto_part_certified" in asked[0].text
    uk = {q.text.split("--metals-relief ")[1].split()[0] for q in price("2026-01-15", PART, "GB").questions
          if q.fact == "metals_relief"}  # fmt: skip
    assert uk == {"auto_part_certified", "uk_auto_part_certified"}
    # a part of note 33(g)'s list is priced under it: no question
    assert not [q for q in price("2026-01-15", "8708.99.68.90", "JP").questions if q.fact == "metals_relief"]


def test_not_for_chapters_72_73_76() -> None:
    d = price("2026-01-15", "7318.15.20", "DE", **CERTIFIED)
    assert not {"9903.94.45", "9903.94.07"} & set(extra(d))


def test_the_gap_names_only_what_is_not_built() -> None:
    gaps = " ".join(g["measure"] + g["why"] for g in law_status()["known_gaps"])
    assert "38(i)" in gaps and "KORUS" in gaps and "charged no Section 232 autos duty" not in gaps


def test_the_other_reading_of_note_2v_is_named_on_japans_and_the_eus_autos_while_the_reciprocal_ran() -> None:
    for origin, hts, heading in (
        ("JP", "8703.23.01", "9903.94.41"),
        ("DE", "8703.23.01", "9903.94.51"),
        ("JP", "8704.21.01", "9903.94.40"),  # at or above 15 %: the same heading pair
        ("FR", "8708.99.68.90", "9903.94.53"),
    ):
        d = price("2025-10-01", hts, origin)
        assert {ln.heading for ln in d.additional("s232_vehicles")} == {heading}
        (other,) = [n for n in d.notes if n.startswith("Other reading")]
        assert "U.S. note 2(v)" in other and "CBP" in other and heading[:-1] in other, other
    # Korea's vehicles are in note 2(v)(x); after the reciprocal duty ended there is nothing to flag
    for day, origin in (("2025-12-10", "KR"), ("2026-03-01", "DE")):
        assert not [n for n in price(day, "8703.23.01", origin).notes if n.startswith("Other reading")]


def test_the_other_reading_of_note_2v_is_named_on_the_uks_autos_while_the_reciprocal_ran() -> None:
    # U.S. note 2(v)(x)-(xi) (HTSUS 2026 rev 6) leave out 9903.94.31 (vehicles within the UK quota) and .32
    # (parts), which note 2(aa)(v)(2)-(3) names for Section 122; the UK's reciprocal 10 % (9903.01.25)
    # runs to 2026-02-23, so on the letter it would be due
    quota = {"metals_relief": "uk_vehicle_quota"}
    for hts, heading, what, kw in (
        ("8703.23.01", "9903.94.31", "vehicles", quota),
        ("4011.10.10.10", "9903.94.32", "parts", {}),
    ):
        d = price("2025-10-01", hts, "GB", **kw)
        assert {ln.heading for ln in d.additional("s232_vehicles")} == {heading}
        assert "9903.01.25" not in extra(d)
        (other,) = [n for n in d.notes if n.startswith("Other reading")]
        assert f"only the {what} of" in other and f"the United Kingdom's ({heading})" in other, other
        assert not [n for n in price("2026-03-01", hts, "GB", **kw).notes if n.startswith("Other reading")]
    # outside the quota a UK vehicle is under 9903.94.01, which note 2(v)(x) names: nothing to flag
    d = price("2025-10-01", "8703.23.01", "GB")
    assert {ln.heading for ln in d.additional("s232_vehicles")} == {"9903.94.01"}
    assert not [n for n in d.notes if n.startswith("Other reading")]
