"""IEEPA duties of a country's own order on top of the reciprocal rate: Brazil (EO 14323, +40 %,
9903.01.77) and India (EO 14329, +25 %, 9903.01.84), compiled from the chapter 99 text; Brazil's Annex I
from the order's text.  Amounts worked by hand from the heading texts (column 1 from the schedule:
0901.21.00 roasted coffee Free, 9503.00.00 toys Free, 7318.15.20.65 bolts Free, 7208.39.00 coil Free)."""

from __future__ import annotations

import json
import os
from decimal import Decimal as D  # noqa: N817
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price, run
from tmec.law import load_yaml
from tmec.law.tariffs import IEEPA_BRAZIL_ANNEX, IEEPA_COUNTRY, load_chapter99, load_measures

COFFEE, TOY, BOLT, COIL, PART = "0901.21.00", "9503.00.00", "7318.15.20.65", "7208.39.00", "8708.99.68"
IN_FORCE = "2025-10-01"


def _country_lines(d: object) -> list[tuple[str, D, D]]:
    return [(ln.heading, ln.rate, ln.base) for ln in d.lines if ln.program == "ieepa_country"]  # type: ignore[attr-defined]


def test_the_shipped_file_is_what_the_builder_makes_of_every_revision(shared_data: Path) -> None:
    built = builder("build_ieepa_country").build(shared_data, IEEPA_COUNTRY.parent)
    assert built == IEEPA_COUNTRY.read_bytes(), "run python tools/law/build_ieepa_country.py"


def test_the_annex_is_what_the_builder_makes_of_the_order() -> None:
    git_dir = os.environ.get("TMEC_WH_BRIEFINGS")
    if not git_dir or not Path(git_dir).exists():
        pytest.skip(
            "TMEC_WH_BRIEFINGS (a git directory of github brian14708/wh-briefings, the order's copy) not set"
        )
    assert builder("build_ieepa_brazil_annex").build(Path(git_dir)) == IEEPA_BRAZIL_ANNEX.read_bytes()


def test_every_heading_of_the_range_is_a_measure_or_listed_with_its_reason() -> None:
    compiled = load_yaml(IEEPA_COUNTRY)
    used = {m["heading"] for m in compiled["measures"]}
    listed = {g["heading"] for g in compiled["not_compiled"]}
    printed = {f"{c[:4]}.{c[4:6]}.{c[6:]}" for c in load_chapter99().codes() if "99030177" <= c <= "99030190"}
    assert len(printed) == 14 and printed == used | listed
    annex = load_yaml(IEEPA_BRAZIL_ANNEX)["scopes"]
    assert (
        len(annex["brazil_annex_i"]["items"]) == 129
        and len(annex["brazil_annex_i_civil_aircraft"]["items"]) == 565
    )


def test_brazilian_coffee_pays_40_on_top_of_the_reciprocal_10_and_is_asked_about_its_exemptions() -> None:
    d = price(IN_FORCE, COFFEE, "BR")
    assert extra(d) == {"9903.02.09": D("10000.00"), "9903.01.77": D("40000.00")}
    # stacking: ordinary, then the reciprocal duty, then the country's own order (its s.3(c))
    assert [ln.program for ln in d.lines] == ["ordinary", "ieepa_reciprocal", "ieepa_country"]
    (q,) = [q for q in d.questions if q.fact == "exemption"]
    assert "9903.01.79" in q.text and "9903.01.80" in q.text and "9903.01.78" in q.text  # in transit to 10-05
    assert "9903.01.90" not in q.text  # the agricultural additions start on 2025-11-13
    later = [q.text for q in price("2025-12-01", TOY, "BR").questions if q.fact == "exemption"]
    assert "9903.01.90" in later[0] and "9903.01.78" not in later[0]


def test_brazil_before_during_and_after() -> None:
    assert "9903.01.77" not in extra(price("2025-08-05", TOY, "BR"))
    assert extra(price("2025-08-06", TOY, "BR"))["9903.01.77"] == D("40000.00")  # the compiler's note's day
    assert extra(price("2026-02-23", TOY, "BR"))["9903.01.77"] == D("40000.00")
    assert extra(price("2026-02-24", TOY, "BR")) == {"9903.03.01": D("10000.00")}  # IEEPA ended: Section 122


def test_brazilian_steel_pays_section_232_only() -> None:
    d = price(IN_FORCE, COIL, "BR", melted_poured="BR")
    assert extra(d) == {"9903.81.87": D("50000.00")}
    assert any("IEEPA Brazil" in n and "9903.01.83" in n for n in d.notes)
    part = price(IN_FORCE, PART, "BR")  # an auto part under Section 232: neither IEEPA duty
    assert extra(part) == {"9903.94.05": D("25000.00")}
    assert any("IEEPA Brazil" in n and "vehicles and parts" in n for n in part.notes)


def test_a_brazilian_derivative_pays_40_on_what_section_232_leaves() -> None:
    d = price(IN_FORCE, BOLT, "BR", steel_value=60000, melted_poured="BR")
    # 50 % on the 60,000 of steel; 10 % and 40 % on the other 40,000
    assert extra(d) == {"9903.81.90": D("30000.00"), "9903.02.09": D("4000.00"), "9903.01.77": D("16000.00")}
    assert _country_lines(d) == [("9903.01.77", D(40), D(40000))]


def test_annex_i_products_are_reported_under_9903_01_81_at_nothing() -> None:
    d = price(IN_FORCE, "2009.11.00", "BR", weight_kg=1000, quantity=1000)  # frozen orange juice
    assert "9903.01.77" not in extra(d) and _country_lines(d) == [("9903.01.81", D(0), D(100000))]
    # a provision of Annex I for civil aircraft only: the 40 % is charged and the answer asks
    jet = price(IN_FORCE, "8411.91.90", "BR")
    assert extra(jet)["9903.01.77"] == D("40000.00")
    assert any("9903.01.82" in q.text for q in jet.questions if q.fact == "exemption")


def test_india_before_and_after_its_end() -> None:
    assert extra(price("2025-08-26", TOY, "IN")) == {"9903.02.26": D("25000.00")}
    assert extra(price("2025-08-27", TOY, "IN")) == {"9903.02.26": D("25000.00"), "9903.01.84": D("25000.00")}
    last = price("2026-02-06", TOY, "IN")
    assert extra(last) == {"9903.02.26": D("25000.00"), "9903.01.84": D("25000.00")}
    (q,) = [q.text for q in last.questions if q.fact == "exemption"]
    assert "9903.01.88" in q and "9903.01.85" not in q  # in transit only to 2025-09-17; .86 is compiled
    assert "9903.01.85" in next(
        q.text for q in price("2025-09-16", TOY, "IN").questions if q.fact == "exemption"
    )
    assert extra(price("2026-02-07", TOY, "IN")) == {
        "9903.02.26": D("25000.00")
    }  # terminated as of 2026-02-07
    assert extra(price("2025-10-01", COIL, "IN", melted_poured="IN")) == {"9903.81.87": D("50000.00")}


def test_the_measures_and_their_dates_come_from_the_text() -> None:
    ids = {m["id"] for m in load_yaml(IEEPA_COUNTRY)["measures"]}  # the exemption lists are elsewhere
    by_id = {m.id: m for m in load_measures() if m.id in ids and m.program == "ieepa_country"}
    assert set(by_id) == {
        "ieepa_br_01_81",
        "ieepa_br_01_77_civil_aircraft",
        "ieepa_br_01_77",
        "ieepa_in_01_84",
    }
    india = by_id["ieepa_in_01_84"]
    assert (india.valid_from.isoformat(), india.valid_to and india.valid_to.isoformat()) == (
        "2025-08-27",
        "2026-02-07",
    )
    assert all(not m.unverified for m in by_id.values())


def test_tmec_duty_json_names_the_measure() -> None:
    code, out = run(
        "duty", "--hts", COFFEE, "--origin", "BR", "--value", "1000", "--date", IN_FORCE, "--json"
    )
    assert code == 0
    (line,) = [ln for ln in json.loads(out)["lines"] if ln["program"] == "ieepa_country"]
    assert (line["heading"], line["rate"], line["base"], line["duty"]) == (
        "9903.01.77",
        "40",
        "1000",
        "400.00",
    )
    assert "EO 14323" in line["reference"] and line["measure_id"] == "ieepa_br_01_77"
    code, out = run("law", "status")
    assert code == 0 and "ieepa_country.yaml" in out and "ieepa_brazil_annex_i.yaml" in out
