"""The chapter 99 measures against the law's own text: every heading, in every revision, at its rate;
the 2026 Section 232 metals regime from the proclamation's annexes."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price
from tmec.core.errors import InputError
from tmec.law.tariffs import (
    S232_ANNEXES,
    S232_COPPER_2025,
    S232_DERIVATIVES_2025,
    S301_LISTS,
    load_chapter99,
    load_measures,
)
from tmec.tariffs.measures import Measure
from tmec.tariffs.rates import parse_rate

ROOT = Path(__file__).resolve().parents[2]
CH99 = load_chapter99()
FIRST = CH99.revisions[0].effective


def _checks(m: Measure) -> list[tuple[str, dt.date]]:
    """(heading, day) for each revision of chapter 99 in force while the measure was printed: its
    validity, or the days it was deposited at entry where an order dated it back (the revisions print
    a heading from when it was deposited, not from the day the order reaches back to)."""
    start = m.deposited_from or m.valid_from
    end = m.deposited_to or m.valid_to or dt.date.max
    if end <= start:  # in force in law only, before the revision that printed it: its heading as printed
        end = start + dt.timedelta(days=1)
    days = {max(start, FIRST)} | {r.effective for r in CH99.revisions if start < r.effective}
    headings = [m.heading] + [h for h in (m.floor_met_heading, m.remainder_heading) if h]
    return [(h, d) for h in headings for d in sorted(days) if d < end]


MEASURES = [m for m in load_measures() if m.heading and (m.valid_to is None or m.valid_to > FIRST)]
BY_ID = {m.id: m for m in MEASURES}
# A revision dated before a change it already carries: (measure, revision) -> the measure whose rate
# the revision's text must then show.  2025 rev 27 takes effect 2025-11-09 (its Section 301 crane
# headings) and already prints the fentanyl cut that EO 14357 makes effective on 2025-11-10.
AHEAD = {("ieepa_cn_fentanyl_20", "2025_rev_27"): "ieepa_cn_fentanyl_10_nov"}
# A heading a later revision added with effect from before it: (heading, revision that lacks it).
# 9903.82.01 was added by 2026 rev 7 (2026-04-29) with effect from 2026-04-06; rev 6 was published
# between (the file of rev 5 already carries the correction, rev 6's does not).
# 9903.01.77 and .81 (EO 14323, Brazil) take effect on 2025-08-06, as the compiler's note of 2025 rev 20
# says; rev 18, the first to print them, takes effect on 2025-08-07.
ADDED_LATER = {("9903.82.01", "2026_rev_6"), ("9903.01.77", "2025_rev_17"), ("9903.01.81", "2025_rev_17")}
# A rate a proclamation sets from a day after the last bundled revision, which that revision does not
# print yet: measure -> the rate it still prints (the wood rises of 2027-01-01, proclamation of 31 Dec
# 2025).  A newer revision printing the rise makes this fail: then the exception goes.
NOT_YET_PRINTED = {"s232_wood_upholstered_2027": Decimal(25), "s232_wood_cabinets_vanities_2027": Decimal(25)}


@pytest.mark.parametrize("measure", MEASURES, ids=[m.id for m in MEASURES])
def test_every_heading_is_in_chapter_99_with_the_measures_rate_in_every_revision(measure: Measure) -> None:
    assert _checks(measure)
    if measure.id in NOT_YET_PRINTED:
        last = CH99.revisions[-1]
        assert measure.valid_from > last.effective
        printed = parse_rate(CH99.line(measure.heading.replace(".", ""), last.effective).general).ad_valorem
        assert printed == NOT_YET_PRINTED[measure.id] != measure.rate
        return
    for heading, day in _checks(measure):
        rev = CH99.revision_on(day)
        if (heading, rev.name) in ADDED_LATER:
            with pytest.raises(InputError):  # it must really be absent there, or the exception is stale
                CH99.line(heading.replace(".", ""), day)
            continue
        line = CH99.line(heading.replace(".", ""), day)  # exit-2 error naming the revision if absent
        rate = parse_rate(line.general).ad_valorem
        if rate is None and measure.exemption and not line.general:
            rate = Decimal(0)  # 9903.01.29 (general note 3(b) countries) prints no rate: none is added
        free = (measure.floor_met_heading, measure.remainder_heading)  # "No change": none added
        want = Decimal(0) if measure.exemption or heading in free else measure.rate
        if (measure.id, rev.name) in AHEAD:
            want = BY_ID[AHEAD[(measure.id, rev.name)]].rate
        assert rate == want, f"{heading} in {rev}: {line.general!r}, measure {measure.id} says {want}"


def test_the_annex_lists_are_what_the_builder_makes_of_the_proclamation(shared_data: Path) -> None:
    assert builder("build_s232_annexes").build(shared_data, S232_ANNEXES.parent) == S232_ANNEXES.read_bytes()


def test_the_august_2025_derivative_lists_are_what_the_builder_makes_of_the_notice(shared_data: Path) -> None:
    built = builder("build_s232_derivatives_2025").build(shared_data, S232_DERIVATIVES_2025.parent)
    assert built == S232_DERIVATIVES_2025.read_bytes()


def test_the_section_301_and_copper_lists_are_what_the_builder_makes_of_the_tracker_tables() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip(
            "TMEC_TARIFF_TRACKER (a tariff-rate-tracker checkout or git dir, the lists' source) not set"
        )
    tracker_lists = builder("build_tracker_lists")
    assert tracker_lists.build(Path(tracker)) == S301_LISTS.read_bytes()
    assert tracker_lists.build_copper(Path(tracker)) == S232_COPPER_2025.read_bytes()


def test_the_compiled_lists_name_their_source_and_the_301_lists_are_secondary() -> None:
    for path in (S232_DERIVATIVES_2025, S301_LISTS, S232_COPPER_2025):
        assert "sha256" in path.read_text(encoding="utf-8").split("scopes:", 1)[0]
    measures = load_measures()
    for program in ("s301", "s232_copper"):
        # the duties; the Section 301 product exclusions are the USITC notes' own words (their tests)
        duties = [m for m in measures.program(program) if not m.exemption]
        assert duties and all(m.unverified for m in duties)
        assert all("[unverified]" in m.cite() for m in duties)


TODAY = "2026-12-06"


def test_mexican_coil_entered_today_is_priced_under_the_2026_annex_not_9903_81_87() -> None:
    d = price(TODAY, "7208.39.00", "MX", usmca=True)
    assert extra(d) == {"9903.82.02": Decimal("50000.00")}
    assert "9903.81.87" not in {ln.heading for ln in d.lines}
    assert extra(price("2026-04-05", "7208.39.00", "MX")) == {"9903.81.87": Decimal("50000.00")}


def test_mexican_pipe_is_priced() -> None:
    assert extra(price(TODAY, "7306.30.50.56", "MX")) == {"9903.82.02": Decimal("50000.00")}


def test_annex_i_b_pays_25_on_full_value_and_annex_ii_nothing() -> None:
    d = price(TODAY, "7321.11.10", "DE", weight_kg=Decimal(100), metal_weight_kg=Decimal(60))
    assert extra(d) == {"9903.82.09": Decimal("25000.00")}
    assert not [ln for ln in price(TODAY, "9506.91.00", "CN").lines if ln.program.startswith("s232")]


def test_the_united_kingdom_pays_25_on_uk_melted_steel() -> None:
    assert extra(price(TODAY, "7208.39.00", "GB", melted_poured="GB")) == {"9903.82.04": Decimal("25000.00")}
    assert extra(price(TODAY, "7208.39.00", "GB", melted_poured="CN")) == {"9903.82.02": Decimal("50000.00")}


def test_annex_iii_tops_column_1_up_to_15_percent() -> None:
    # 8424.89.90 (column 1: 1.8 %) pays 13.2 % more under 9903.82.10
    d = price(TODAY, "8424.89.90", "DE", weight_kg=Decimal(100), metal_weight_kg=Decimal(80))
    (line,) = [ln for ln in d.lines if ln.program == "s232_metals"]
    assert (line.heading, line.rate) == ("9903.82.10", Decimal("13.2"))
    assert d.total_duty == Decimal("15000.00")


def test_metal_under_15_percent_of_the_weight_is_carved_out_outside_the_metal_chapters() -> None:
    light = price(TODAY, "8424.89.90", "DE", weight_kg=Decimal(100), metal_weight_kg=Decimal(10))
    assert extra(light) == {} and [ln.heading for ln in light.lines][-1] == "9903.82.03"
    unknown = price(TODAY, "8424.89.90", "DE")
    assert "metal_weight_kg" in [q.fact for q in unknown.questions]
    # in chapter 72 the weight does not matter
    coil = price(TODAY, "7208.39.00", "DE", weight_kg=Decimal(100), metal_weight_kg=Decimal(1))
    assert extra(coil) == {"9903.82.02": Decimal("50000.00")}


def test_new_derivatives_of_2025_are_reported_under_the_headings_cbp_named() -> None:
    # issue 11 item 4: chapter 73 under 9903.81.90, chapter 76 under 9903.85.07 (duty unchanged)
    steel = price("2025-07-01", "7326.90.86", "MX", steel_value=40000)
    assert extra(steel)["9903.81.90"] == Decimal("20000.00")
    alu = price("2025-07-01", "7610.10.00", "MX", aluminum_value=40000)
    assert extra(alu)["9903.85.07"] == Decimal("20000.00")
    assert extra(price("2025-04-01", "7610.10.00", "DE")) == {"9903.85.07": Decimal("25000.00")}


def test_no_floor_reaches_a_column_2_origin() -> None:
    """A floor (Annex III, note 16(e)-(f); the reciprocal 15 % all-in) is what column 1 and the duty
    come to together, and its heading's column 2 rate is "No change": a good of a column 2 origin
    pays the heading that excepts it (9903.82.12, .17 for Russia), never a floor computed against
    its column 2 rate.  Priced, for every floor, on its first day, with every fact its conditions ask."""
    from tmec.law.tariffs import load_tables

    tables = load_tables()
    floors = [m for m in tables.measures if m.floor]
    assert floors, "the law has floors (Annex III, the reciprocal rates of the EU, Japan, Korea...)"
    priced = 0
    for m in floors:
        day = max(m.valid_from, FIRST)
        # a code of its list (the reciprocal floors cover everything: an ordinary steel article)
        code = next((item.lo for item in m.scope if item.level >= 8), "73269086")
        facts: dict[str, object] = {
            "melted_poured": "US",
            "smelted_cast": "US",
            "steel_value": 40000,
            "aluminum_value": 40000,
        }
        if "metals_relief" in m.when:
            facts["metals_relief"] = m.when["metals_relief"]
        for origin in sorted(tables.parameters.at(day)["tariffs.column2_countries"].value):
            try:
                duty = price(day.isoformat(), code, origin, **facts)
            except InputError:  # the code not in the revision of that day
                continue
            priced += 1
            headings = {line.heading for line in duty.lines}
            assert not headings & {m.heading, m.floor_met_heading}, (m.id, origin, day, headings)
    assert priced >= 4 * 5, priced
