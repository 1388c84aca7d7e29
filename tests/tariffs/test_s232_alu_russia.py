"""Proc. 10522's 200 % on aluminum of Russia (headings 9903.85.67 articles, 9903.85.68 derivatives): on
every derivative list of U.S. note 19(i)-(k), each from the day it joined the note.

The texts, read in every HTSUS revision of ../shared/data/hts (compiled into hts_chapter99.tsv):
9903.85.68 from 2025 rev 4 (in force from 2025-03-12 for the new lists): derivative aluminum articles of
Russia, or smelted or cast in Russia, "when such derivative articles are provided for in the headings or
subheadings enumerated in note 19(a)(iii) to this subchapter, or notes 19(i), 19(j) or 19(k) to this
subchapter, as applicable per the date of entry"; 2025 basic - rev 3 named note 19(a)(iii) only.  U.S.
note 19(m)(B) (HTSUS 2026 rev 6): "derivative aluminum articles, as enumerated in subdivisions (i), (j)
and (k) of this note", on "the full value of the article".  9903.85.07, .08 and .09 begin "Except as
provided in heading(s) ... 9903.85.68".  The 2026 headings (9903.82.02-.12) give way to .67/.68 too.

Amounts on a value of $100,000 (aluminum content $20,000 where asked): 200 % is 200,000.
"""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, price
from tmec.law.tariffs import load_chapter99, load_measures
from tmec.tariffs import Duty

D = Decimal
FULL = D("200000.00")
HINGE = "8302.20.00.00"  # note 19(k) of 12 Mar 2025 (castors of base metal), aluminum content
CAN, BEER = "7612.90.10", "2203.00.00"  # April 2025: note 19(j) (full value) and 19(k) (content)
WIRE = "8544.49.20.00"  # August 2025 inclusion, note 19(k), on no steel list
SMELTS = ("RU", "unknown")


def aluminum(d: Duty) -> dict[str, Decimal]:
    """The Section 232 aluminum (2025) or metals (2026) lines, by heading."""
    return {ln.heading: ln.duty for ln in d.lines if ln.program in ("s232_aluminum", "s232_metals")}


def test_9903_85_68_names_note_19k_from_2025_rev_4_and_the_measures_follow() -> None:
    ch99 = load_chapter99()
    before = ch99.line("99038568", dt.date(2025, 3, 6)).description
    assert "19(a)(iii)" in before and "19(k)" not in before
    for rev in ch99.revisions:
        if rev.effective >= dt.date(2025, 3, 7):
            assert "notes 19(i), 19(j) or 19(k)" in ch99.line("99038568", rev.effective).description, rev
    hts = HINGE.replace(".", "")
    covering = [m for m in load_measures() if m.heading == "9903.85.68" and m.covers(hts)]
    assert covering and min(m.valid_from for m in covering) == dt.date(2025, 3, 12)
    assert {m.base for m in covering} == {"full"} and {m.rate for m in covering} == {D(200)}


@pytest.mark.parametrize("smelt", SMELTS)
def test_a_19k_derivative_smelted_in_russia_or_unknown_pays_200_percent_from_2025_03_12(smelt: str) -> None:
    assert aluminum(price("2025-03-11", HINGE, "DE", smelted_cast=smelt, aluminum_value=20000)) == {}
    for day in ("2025-03-12", "2025-10-01", "2026-04-06", "2026-06-10"):
        d = price(day, HINGE, "DE", smelted_cast=smelt, aluminum_value=20000)
        assert aluminum(d) == {"9903.85.68": FULL}, day


def test_a_19k_derivative_smelted_elsewhere_is_unchanged() -> None:
    assert aluminum(price("2025-03-12", HINGE, "DE", smelted_cast="DE", aluminum_value=20000)) == {
        "9903.85.08": D("5000.00")  # 25 % of the aluminum content
    }
    assert aluminum(price("2025-10-01", HINGE, "DE", smelted_cast="DE", aluminum_value=20000)) == {
        "9903.85.08": D("10000.00")  # 50 % from 2025-06-04
    }


def test_a_product_of_russia_of_chapter_76_pays_200_percent_whatever_its_smelt_and_is_not_asked() -> None:
    for day in ("2025-03-12", "2026-04-06"):
        d = price(day, "7616.99.10.00", "RU", aluminum_value=20000)  # note 19(j): aluminum by its heading
        assert aluminum(d) == {"9903.85.68": FULL}, day
        assert "smelted_cast" not in [q.fact for q in d.questions]
    # a 19(k) article (outside chapter 76) of Russia is a derivative aluminum article when aluminum is in
    # it: its smelt country says so, and is asked when not given
    asked = price("2025-10-01", HINGE, "RU", aluminum_value=20000)
    assert "9903.85.68" not in aluminum(asked) and "smelted_cast" in [q.fact for q in asked.questions]
    assert aluminum(price("2025-10-01", HINGE, "RU", smelted_cast="RU", aluminum_value=20000)) == {
        "9903.85.68": FULL
    }


@pytest.mark.parametrize("smelt", SMELTS)
def test_cans_and_beer_pay_200_percent_from_the_day_they_joined_note_19(smelt: str) -> None:
    for hts in (CAN, BEER):
        assert aluminum(price("2025-04-03", hts, "DE", smelted_cast=smelt, aluminum_value=20000)) == {}
        for day in ("2025-04-04", "2026-04-06"):
            d = price(day, hts, "DE", smelted_cast=smelt, aluminum_value=20000)
            assert aluminum(d) == {"9903.85.68": FULL}, (hts, day)
    assert aluminum(price("2025-04-04", CAN, "DE", smelted_cast="CA", aluminum_value=20000)) == {
        "9903.85.07": D("25000.00")  # full value
    }
    assert aluminum(price("2025-04-04", BEER, "DE", smelted_cast="CA", aluminum_value=20000)) == {
        "9903.85.08": D("5000.00")  # aluminum content
    }


@pytest.mark.parametrize("smelt", SMELTS)
def test_the_august_inclusions_pay_200_percent_from_2025_08_18(smelt: str) -> None:
    before = price("2025-08-17", WIRE, "DE", smelted_cast=smelt, aluminum_value=20000)
    assert "9903.85.68" not in aluminum(before)
    for day in ("2025-08-18", "2026-04-06"):
        d = price(day, WIRE, "DE", smelted_cast=smelt, aluminum_value=20000)
        assert aluminum(d) == {"9903.85.68": FULL}, day
    assert aluminum(price("2025-08-18", WIRE, "DE", smelted_cast="DE", aluminum_value=20000)) == {
        "9903.85.08": D("10000.00")
    }


def test_aluminum_articles_stay_under_9903_85_67() -> None:
    for day in ("2025-03-12", "2026-04-06"):
        assert aluminum(price(day, "7601.10.60", "DE", smelted_cast="RU")) == {"9903.85.67": FULL}


def test_russian_smelt_before_proc_10895_reaches_any_origin_on_the_original_lists() -> None:
    # 9903.85.67/.68 as 2025 basic prints them: "or where any amount of primary aluminum ... is smelted in
    # Russia" (Proc. 10522, from 2023-04-10); the 2020 derivatives (note 19(a)(iii)) only
    assert aluminum(price("2025-01-15", "7601.10.60", "DE", smelted_cast="RU")) == {"9903.85.67": FULL}
    assert aluminum(price("2025-01-15", "7614.10.50", "CA", smelted_cast="RU")) == {"9903.85.68": FULL}
    assert aluminum(price("2025-01-15", "7614.10.50", "RU")) == {"9903.85.68": FULL}
    assert "9903.85.68" not in aluminum(price("2025-01-15", HINGE, "DE", smelted_cast="RU"))


def test_the_200_percent_covers_every_provision_note_19_i_to_k_prints() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip("TMEC_TARIFF_TRACKER (the tariff-rate-tracker git dir, with the U.S. notes copy) not set")
    b = builder("build_s232_derivatives_2025_03")
    listed = b.note_19(b.git_show(Path(tracker), b.COMMIT, b.NOTES).decode("utf-8", errors="replace"))
    measures = [m for m in load_measures() if m.heading == "9903.85.68"]
    for day in (dt.date(2025, 8, 18), dt.date(2026, 6, 10)):
        live = [m for m in measures if m.in_force(day) and list(m.when.get("smelted_cast_in", ())) == ["RU"]]
        for sub in ("i", "j", "k"):
            missing = [c for c in listed[sub] if not any(m.covers(c.replace(".", "")) for m in live)]
            assert not missing, (day, sub, missing)


def test_the_reciprocal_duty_spared_on_a_200_percent_derivative_names_note_2v_s_letter() -> None:
    """U.S. note 2(v)(ix) names 9903.85.04, .07-.09, not .68: tmec spares the reciprocal duty (heading
    9903.01.33, EO 14257 sec. 3(b)) and says the note's letter would charge it."""
    d = price("2025-10-01", HINGE, "TR", smelted_cast="RU", aluminum_value=20000)
    assert aluminum(d) == {"9903.85.68": FULL}
    assert not [ln for ln in d.lines if ln.program == "ieepa_reciprocal"]
    other = [n for n in d.notes if n.startswith("Other reading: U.S. note 2(v)(viii)-(ix)")]
    assert len(other) == 1 and "9903.85.68" in other[0] and "9903.01.33" in other[0]
    # smelted elsewhere: the 50 % on the aluminum content, the reciprocal on the rest, no other reading
    d = price("2025-10-01", HINGE, "TR", smelted_cast="CA", aluminum_value=20000)
    assert [ln.base for ln in d.lines if ln.program == "ieepa_reciprocal"] == [D("80000.00")]
    assert not any(n.startswith("Other reading: U.S. note 2(v)(viii)") for n in d.notes)
    # a product of Russia owes no reciprocal duty at all (column 2): nothing to read otherwise
    d = price("2025-10-01", HINGE, "RU", smelted_cast="RU", aluminum_value=20000)
    assert not any(n.startswith("Other reading: U.S. note 2(v)(viii)") for n in d.notes)
