"""Section 232 timber, lumber and wood products (Proc. 10976, U.S. note 37, 9903.76) and semiconductors
(U.S. note 39, 9903.79): the lists as the notes print them, the rates by origin and day, and the duties
each takes the place of."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal as D  # noqa: N817
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price
from tmec.law.tariffs import S232_WOOD, S232_WOOD_2027, law_status, load_measures, load_schedule, load_tables
from tmec.tariffs.statutory import statutory_table

CHAIR = "9401.61.40.11"  # upholstered seat with a wooden frame, household (note 37(d))
CABINET = "9403.40.90.60"  # wooden kitchen furniture, other (note 37(f))
PARTS = "9403.91.00.80"  # parts of wooden furniture, other (note 37(f); 37(g) when not of a cabinet)
LUMBER = "4407.11.00"  # sawn pine (note 37(b))


def test_the_lists_are_what_the_builder_makes_of_notes_37_and_39() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip("TMEC_TARIFF_TRACKER (a tariff-rate-tracker git dir, the notes' copy) not set")
    assert builder("build_s232_wood_semiconductors").build(Path(tracker)) == S232_WOOD.read_bytes()


def test_every_listed_provision_is_in_every_revision_since_the_duty_began() -> None:
    schedule = load_schedule()
    measures = [m for m in load_measures() if m.program in ("s232_wood", "s232_semiconductors")]
    items = {item.lo for m in measures for item in m.scope}
    assert len(items) == 15 + 4 + 3 + 3
    days = sorted({r.effective for r in schedule.revisions if r.effective >= dt.date(2025, 10, 14)})
    for day in [dt.date(2025, 10, 14), *days]:
        for code in items:
            if len(code) < 8:  # a subheading (note 39(b)): lines under it
                assert schedule.codes(code), (code, day)
            else:
                schedule.line(code, day)  # an error naming the revision if the code is not in it


def test_a_mexican_sofa_pays_the_wood_duty_instead_of_ieepa_mexico() -> None:
    before = price("2025-10-13", CHAIR, "MX")
    assert extra(before) == {"9903.01.01": D("25000.00")}
    after = price("2025-11-01", CHAIR, "MX")
    assert extra(after) == {"9903.76.02": D("25000.00")}
    assert any("IEEPA Mexico not applied" in n for n in after.notes)


def test_usmca_gives_no_relief_from_the_wood_duty() -> None:
    d = price("2025-11-01", CHAIR, "MX", usmca=True)
    assert extra(d) == {"9903.76.02": D("25000.00")}
    assert extra(price("2025-11-01", LUMBER, "CA", usmca=True)) == {"9903.76.01": D("10000.00")}


def test_the_rise_of_2026_01_01_was_put_off() -> None:
    assert extra(price("2026-01-02", CABINET, "MX")) == {"9903.76.03": D("25000.00")}
    assert extra(price("2026-06-10", CHAIR, "CA")) == {"9903.76.02": D("25000.00")}


def test_the_rises_come_on_2027_01_01_except_for_countries_with_an_agreement() -> None:
    assert extra(price("2026-12-31", CABINET, "MX")) == {"9903.76.03": D("25000.00")}
    assert extra(price("2027-01-01", CABINET, "MX")) == {"9903.76.03": D("50000.00")}
    assert extra(price("2027-01-01", CHAIR, "CA")) == {"9903.76.02": D("30000.00")}
    after = price("2027-01-01", CHAIR, "VN")
    assert extra(after) == {"9903.76.02": D("30000.00")}
    assert after.warning and "2026-06-08" in after.warning  # a day past the bundled law: said so
    # the United Kingdom, Japan and the EU keep their own headings
    assert extra(price("2027-01-01", CABINET, "GB")) == {"9903.76.20": D("10000.00")}
    assert set(extra(price("2027-01-01", CHAIR, "JP"))) <= {"9903.76.21"}


def test_the_rises_are_what_the_builder_makes_of_the_proclamation_of_31_dec_2025() -> None:
    git_dir = os.environ.get("TMEC_WH_BRIEFINGS")
    if not git_dir or not Path(git_dir).exists():
        pytest.skip("TMEC_WH_BRIEFINGS (a git directory of github brian14708/wh-briefings) not set")
    assert builder("build_s232_wood_semiconductors").build_rises(Path(git_dir)) == S232_WOOD_2027.read_bytes()


def test_section_122_spares_wood_products_and_section_301_stacks() -> None:
    d = price("2026-03-01", CABINET, "CN")
    assert extra(d) == {"9903.76.03": D("25000.00"), "9903.88.03": D("25000.00")}
    # a Vietnamese cabinet owes no Section 122 surcharge: the wood duty only
    assert extra(price("2026-03-01", CABINET, "VN")) == {"9903.76.03": D("25000.00")}


def test_the_reciprocal_and_brazil_duties_give_way_to_the_wood_duty() -> None:
    assert extra(price("2025-11-01", CHAIR, "BR")) == {"9903.76.02": D("25000.00")}
    assert extra(price("2025-11-01", CHAIR, "VN")) == {"9903.76.02": D("25000.00")}
    # before 2025-10-14 the same chair paid the reciprocal and Brazil duties
    assert set(extra(price("2025-10-13", CHAIR, "BR"))) == {"9903.02.09", "9903.01.77"}


def test_partner_countries() -> None:
    assert extra(price("2025-11-01", CHAIR, "GB")) == {"9903.76.20": D("10000.00")}
    assert extra(price("2025-11-01", CHAIR, "JP")) == {"9903.76.21": D("15000.00")}
    assert extra(price("2025-11-01", CABINET, "IT")) == {"9903.76.22": D("15000.00")}
    # Korea's 15 % in law from 2025-11-14 (notice 2025-21940, [unverified] until the revision of
    # 2025-12-05 prints it; 25 % as deposited before); Taiwan's from 2026-05-01
    assert extra(price("2025-11-13", CHAIR, "KR")) == {"9903.76.02": D("25000.00")}
    back = price("2025-11-14", CHAIR, "KR")
    assert extra(back) == {"9903.76.23": D("15000.00")}
    assert "[unverified]" in back.lines[-1].reference and "2025-21940" in back.lines[-1].reference
    assert extra(price("2025-12-04", CHAIR, "KR", basis="deposited")) == {"9903.76.02": D("25000.00")}
    printed = price("2025-12-05", CHAIR, "KR")
    assert (
        extra(printed) == {"9903.76.23": D("15000.00")} and "[unverified]" not in printed.lines[-1].reference
    )
    assert extra(price("2026-04-30", CHAIR, "TW")) == {"9903.76.02": D("25000.00")}
    assert extra(price("2026-05-01", CHAIR, "TW")) == {"9903.76.24": D("15000.00")}


def test_a_part_not_of_a_cabinet_is_asked_about_and_when_claimed_pays_the_other_duties() -> None:
    asked = price("2025-11-01", PARTS, "BR")
    assert extra(asked) == {"9903.76.03": D("25000.00")}
    assert [q.fact for q in asked.questions if "37(g)" in q.text] == ["metals_relief"]
    claimed = price("2025-11-01", PARTS, "BR", metals_relief="not_wood_cabinet")
    assert extra(claimed) == {"9903.02.09": D("10000.00"), "9903.01.77": D("40000.00")}
    assert "9903.76.04" in {ln.heading for ln in claimed.lines}
    assert extra(price("2025-11-01", PARTS, "MX", metals_relief="not_wood_cabinet")) == {
        "9903.01.01": D("25000.00")
    }
    assert extra(price("2025-11-01", PARTS, "MX", metals_relief="none")) == {"9903.76.03": D("25000.00")}


def test_an_8_digit_furniture_code_asks_for_its_statistical_line() -> None:
    d = price("2025-11-01", "9401.61.40", "MX")
    assert any(q.fact == "hts statistical suffix" and "9903.76.02" in q.text for q in d.questions)


def test_law_status_names_note_37() -> None:
    sources = {s["file"]: s for s in law_status()["sources"]}
    wood = sources["tariffs/s232_wood_semiconductors.yaml"]
    assert "sha256" in wood["note"] and "public domain" in wood["licence"]
    gaps = " ".join(g["measure"] for g in law_status()["known_gaps"])
    assert "lumber 9903.76" not in gaps and "semiconductors 9903.79," not in gaps
    assert "9903.79.02" in gaps and "pharmaceuticals" in gaps


def test_the_statutory_table_stacks_the_wood_duty_as_the_pricing_does() -> None:
    tables = load_tables()
    day = dt.date(2025, 11, 1)
    table = statutory_table(tables, day)
    i = table.codes.index(CHAIR.replace(".", ""))
    for origin, want in (("MX", D(25)), ("BR", D(25)), ("JP", D(15)), ("GB", D(10))):
        row = table.rows[table.index[i * len(table.classes) + table.classes.index(origin)]]
        assert row["total_ad_valorem"] == want, (origin, row)
        duty = price(day.isoformat(), CHAIR, origin)
        assert duty.total_duty == want * 1000


SERVER = "8471.50.01.50"  # a processing unit (note 39(b): 8471.50, 8471.80, 8473.30)
CHIPS = "semiconductor_article"


def test_a_declared_semiconductor_article_pays_25_in_place_of_ieepa_and_the_reciprocal_duty() -> None:
    d = price("2026-02-01", SERVER, "TW", metals_relief=CHIPS)
    assert extra(d) == {"9903.79.01": D("25000.00")}
    # declared a vehicle part, 8471 pays the auto parts duty of U.S. note 33(g) (9903.94.05), which
    # spares the reciprocal duty; undeclared, neither
    assert extra(price("2026-02-01", SERVER, "TW", metals_relief="vehicle_part")) == {
        "9903.94.05": D("25000.00")
    }
    assert extra(price("2026-02-01", SERVER, "TW")) == {}
    part = price("2026-02-01", "8473.30.51.00", "TW", metals_relief=CHIPS)
    assert extra(part) == {"9903.79.01": D("25000.00")}
    assert "9903.01.32" not in {ln.heading for ln in part.lines}  # nor its Annex II line
    # Section 122 (from 2026-02-24) spares it too; the part is also an aluminum derivative of note 19(k)
    # (from 2025-03-12, on its aluminum content: none here)
    assert extra(price("2026-03-01", "8473.30.51.00", "DE", aluminum_value=0)) == {
        "9903.03.01": D("10000.00")
    }
    assert extra(price("2026-03-01", "8473.30.51.00", "DE", metals_relief=CHIPS)) == {
        "9903.79.01": D("25000.00")
    }
    # before 2026-01-15 the declaration changes nothing
    assert extra(price("2026-01-14", SERVER, "TW", metals_relief=CHIPS)) == extra(
        price("2026-01-14", SERVER, "TW")
    )


def test_semiconductors_win_over_the_auto_parts_duty_and_section_122() -> None:
    # 8471 is among the provisions of U.S. note 33(g): declared a vehicle part, the line pays 9903.94.05
    assert extra(price("2026-03-01", SERVER, "MX", metals_relief="vehicle_part")) == {
        "9903.94.05": D("25000.00")
    }
    assert extra(price("2026-03-01", SERVER, "MX", metals_relief=CHIPS)) == {"9903.79.01": D("25000.00")}
    assert extra(price("2026-03-01", SERVER, "MX", usmca=True, metals_relief=CHIPS)) == {
        "9903.79.01": D("25000.00")
    }


def test_section_301_stacks_on_a_semiconductor_article_and_the_fentanyl_duty_does_not() -> None:
    d = price("2026-02-01", SERVER, "CN", metals_relief=CHIPS)
    assert set(extra(d)) == {"9903.79.01", "9903.88.03"}
    assert "9903.01.24" in extra(price("2026-02-01", SERVER, "CN"))


def test_an_undeclared_line_is_asked_about() -> None:
    d = price("2026-03-01", SERVER, "DE")
    assert [q.fact for q in d.questions if "39(b)" in q.text] == ["metals_relief"]
    assert not [
        q for q in price("2026-03-01", SERVER, "DE", metals_relief="none").questions if "39(b)" in q.text
    ]
