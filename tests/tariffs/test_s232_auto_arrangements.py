"""The Section 232 auto and auto-parts country arrangements (9903.94.31-.67): in place of 9903.94.01/.05
for goods of the United Kingdom, Japan, the EU, Korea and Taiwan, from the day each starts in law.

A car of 8703.23.01 (column 1: 2.5 %) worth 100,000: 25,000 under 9903.94.01; under a 15 % floor
12,500 (15 % all-in).  A light truck of 8704.21.01 (column 1: 25 %): no additional duty, reported
under the "at or above 15 %" heading.  A part of 8708.99.68.90 (column 1: 2.5 %)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price, run
from tmec.law.tariffs import S232_AUTO_ARRANGEMENTS, law_status, load_measures, load_tables
from tmec.tariffs.statutory import statutory_table

D = Decimal
CAR = "8703.23.01"
TRUCK = "8704.21.01"
PART = "8708.99.68.90"
EU = ("DE", "FR", "IT", "SE", "CZ")


def test_the_arrangements_are_what_the_builder_makes_of_chapter_99_and_note_33() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip("TMEC_TARIFF_TRACKER (a tariff-rate-tracker git dir, the notes' copy) not set")
    built = builder("build_s232_auto_arrangements").build(Path(tracker))
    assert built == S232_AUTO_ARRANGEMENTS.read_bytes()


def test_a_japanese_car_pays_15_percent_all_in_from_2025_09_16() -> None:
    d = price("2025-10-01", CAR, "JP")
    assert extra(d) == {"9903.94.41": D("12500.00")}
    (line,) = d.additional("s232_vehicles")
    assert (line.rate, line.base, line.unverified) == (D("12.5"), D(100000), False)
    assert "EO 14345" in line.reference and "9903.94.41" in line.reference
    assert d.total_duty == D("15000.00")
    # EO 14345 sec. 4(a): from the notice's publication; sec. 2(d)'s retroactivity is the reciprocal's only
    for basis in ("liability", "deposited"):
        assert extra(price("2025-09-15", CAR, "JP", basis=basis)) == {"9903.94.01": D("25000.00")}


def test_at_or_above_15_percent_no_additional_duty_under_the_at_or_above_heading() -> None:
    d = price("2025-10-01", TRUCK, "JP")
    assert extra(d) == {} and d.total_duty == D("25000.00")
    (line,) = d.additional("s232_vehicles")
    assert (line.heading, line.rate) == ("9903.94.40", D(0))
    assert [ln.heading for ln in price("2025-12-10", TRUCK, "KR").additional("s232_vehicles")] == [
        "9903.94.60"
    ]


def test_a_japanese_part_tops_column_1_up_to_15() -> None:
    assert extra(price("2025-10-01", PART, "JP")) == {"9903.94.43": D("12500.00")}
    assert extra(price("2025-09-15", PART, "JP")) == {"9903.94.05": D("25000.00")}


def test_the_eu_from_2025_08_01_in_law_as_deposited_from_2025_09_25() -> None:
    for origin in EU:
        d = price("2025-08-15", CAR, origin)
        assert extra(d) == {"9903.94.51": D("12500.00")}, origin
        assert d.additional("s232_vehicles")[0].unverified  # the retroactive start is a secondary's word
        assert extra(price("2025-08-15", CAR, origin, basis="deposited")) == {"9903.94.01": D("25000.00")}
        printed = price("2025-10-01", PART, origin)
        assert extra(printed) == {"9903.94.53": D("12500.00")}
        assert not printed.additional("s232_vehicles")[0].unverified
    assert extra(price("2025-07-31", CAR, "DE")) == {"9903.94.01": D("25000.00")}


def test_korea_from_2025_11_01_on_column_1_general_or_special() -> None:
    assert extra(price("2025-10-15", CAR, "KR")) == {"9903.94.01": D("25000.00")}
    assert extra(price("2025-11-15", CAR, "KR")) == {"9903.94.61": D("12500.00")}
    assert extra(price("2025-11-15", CAR, "KR", basis="deposited")) == {"9903.94.01": D("25000.00")}
    assert extra(price("2025-12-05", PART, "KR", basis="deposited")) == {"9903.94.63": D("12500.00")}
    # KORUS claimed: column 1-Special is Free, so the whole 15 % is the additional duty (note 33(m), (s))
    korus = price("2025-12-10", CAR, "KR", program="KR")
    assert korus.lines[0].rate == 0 and extra(korus) == {"9903.94.61": D("15000.00")}


def test_taiwan_parts_from_2026_05_01_and_its_cars_stay_at_25() -> None:
    assert extra(price("2026-04-30", PART, "TW")) == {"9903.94.05": D("25000.00")}
    assert extra(price("2026-05-01", PART, "TW")) == {"9903.94.67": D("12500.00")}
    assert extra(price("2026-06-10", CAR, "TW")) == {"9903.94.01": D("25000.00")}


def test_the_uk_quota_is_claimed_by_the_importer_else_25_and_its_parts_are_10_all_in() -> None:
    unclaimed = price("2026-01-15", CAR, "GB")
    assert extra(unclaimed) == {"9903.94.01": D("25000.00")}
    (asked,) = [q for q in unclaimed.questions if q.fact == "metals_relief"]
    assert "uk_vehicle_quota" in asked.text and "9903.94.31" in asked.text
    claimed = price("2026-01-15", CAR, "GB", metals_relief="uk_vehicle_quota")
    assert extra(claimed) == {"9903.94.31": D("7500.00")} and claimed.total_duty == D("10000.00")
    assert extra(price("2026-01-15", CAR, "GB", metals_relief="none")) == {"9903.94.01": D("25000.00")}
    # a light truck is not of note 33(i)'s list: no quota, nothing asked
    truck = price("2026-01-15", TRUCK, "GB")
    assert extra(truck) == {"9903.94.01": D("25000.00")} and not truck.questions
    # parts of note 33(j): EO 14309 sec. 2(b), "a total tariff of 10 percent (including any MFN tariffs)"
    assert extra(price("2026-01-15", PART, "GB")) == {"9903.94.32": D("7500.00")}
    assert extra(price("2025-06-29", PART, "GB")) == {"9903.94.05": D("25000.00")}
    assert extra(price("2025-06-30", PART, "GB")) == {"9903.94.32": D("7500.00")}
    # a part of 33(g) not in 33(j)'s list (a tyre of 4011.20.10.25): 9903.94.05
    assert extra(price("2026-01-15", "4011.20.10.25", "GB")) == {"9903.94.05": D("25000.00")}


def test_the_arrangements_owe_no_reciprocal_duty_no_metals_duty_and_no_section_122() -> None:
    assert extra(price("2025-10-01", "8708.30.50.90", "JP")) == {"9903.94.43": D("12500.00")}
    d = price("2026-03-01", CAR, "DE")  # Section 122 in force
    assert extra(d) == {"9903.94.51": D("12500.00")}
    assert not d.additional("s122") and not d.additional("ieepa_reciprocal")


def test_the_other_origins_keep_9903_94_01_and_the_note_names_only_what_is_not_built() -> None:
    d = price("2026-01-15", CAR, "CN")
    assert extra(d)["9903.94.01"] == D("25000.00")
    note = next(n for n in d.notes if "not included" in n)
    assert "9903.94.07" in note and "upper bound" not in note and "9903.94.31-.69" not in note
    assert "none is charged" not in note  # the certified parts are built: only their gaps are named
    assert "38(i)" in note and "33(r)" in note


def test_every_arrangement_names_its_source_and_law_status_is_true() -> None:
    arrangements = [
        m for m in load_measures() if m.id.startswith("s232_autos_") and m.origins and "certified" not in m.id
    ]
    headings = {m.heading for m in arrangements} | {m.floor_met_heading for m in arrangements} - {""}
    numbers = (31, 32, 40, 41, 42, 43, 50, 51, 52, 53, 60, 61, 62, 63, 66, 67)
    assert headings == {f"9903.94.{n}" for n in numbers}
    assert all(m.reference and m.confidence in "TS" for m in arrangements)
    status = law_status()
    sources = {s["file"]: s for s in status["sources"]}
    source = sources["tariffs/s232_auto_arrangements.yaml"]
    assert "sha256" in source["note"] and "public domain" in source["licence"]
    gaps = " ".join(g["measure"] + g["why"] for g in status["known_gaps"])
    assert "9903.94.07" in gaps and "upper bound" not in gaps.split("9903.94.07", 1)[1][:400]
    code, out = run("law", "status")
    assert code == 0 and "s232_auto_arrangements.yaml" in out


def test_tmec_duty_prices_a_japanese_car_at_15_all_in() -> None:
    code, out = run(
        "duty", "--hts", CAR, "--origin", "JP", "--value", "1000", "--date", "2025-10-01", "--json"
    )
    assert code == 0, out
    answer = json.loads(out)
    lines = {ln["heading"]: ln for ln in answer["lines"]}
    assert D(lines["9903.94.41"]["rate"]) == D("12.5") and D(lines["9903.94.41"]["duty"]) == D("125.00")
    assert D(answer["total_duty"]) == D("150.00")
    code, out = run("duty", "--hts", CAR, "--origin", "GB", "--value", "1000", "--date", "2026-01-15",
                    "--metals-relief", "uk_vehicle_quota")  # fmt: skip
    assert code == 0 and "9903.94.31" in out and re.search(r"7\.5\s*%", out), out


def test_the_statutory_table_gives_the_floor_as_the_pricing_does() -> None:
    tables = load_tables()
    day = dt.date(2025, 12, 10)
    table = statutory_table(tables, day)
    i = table.codes.index("8703230190")
    for origin, want in (("JP", D(15)), ("DE", D(15)), ("KR", D(15)), ("CN", None), ("TW", D("27.5"))):
        row = table.rows[table.index[i * len(table.classes) + table.classes.index(origin)]]
        if want is not None:
            assert row["total_ad_valorem"] == want, (origin, row)
        assert price(day.isoformat(), "8703.23.01.90", origin).total_duty == row["total_ad_valorem"] * 1000, (
            origin
        )


def _order(path: str) -> str:
    git_dir = os.environ.get("TMEC_WH_BRIEFINGS")
    if not git_dir or not Path(git_dir).exists():
        pytest.skip(
            "TMEC_WH_BRIEFINGS (a git directory of github brian14708/wh-briefings, the orders' copy) not set"
        )
    raw = builder("builder_cli").git_show(Path(git_dir), "HEAD", path).decode("utf-8")
    return re.sub(r"\s+", " ", raw.replace("\u2019", "'").replace("*", "").replace("\\", ""))


def test_the_japan_order_starts_the_autos_floor_on_publication_not_retroactively() -> None:
    text = _order("presidential-actions/2025-09/2025-09-04-implementing-the-united-states-japan-agreement.md")
    autos = text[text.index("Automobiles and Automobile Parts</span>. (a)") :][:1200]
    assert "As of the date of publication of the Federal Register notice described in subsection (b)" in autos
    assert "the sum of its Column 1 Duty Rate and the additional automobile or automobile part" in autos
    assert (
        "retroactive" not in autos
    )  # sec. 2(d) dates back "the tariffs set forth in subsection (a) of this section"
    assert "(d) The tariffs set forth in subsection (a) of this section shall apply retroactively" in text
    japan = next(m for m in load_measures() if m.id == "s232_autos_japan_vehicle")
    assert str(japan.valid_from) == "2025-09-16" and japan.deposited_from is None


def test_the_uk_order_sets_7_5_on_cars_in_the_quota_and_10_all_in_on_parts() -> None:
    text = _order(
        "presidential-actions/2025-06/2025-06-16-implementing-the-general-terms-of-the-united-states-of-america-"
        "united-kingdom-economic-prosperity-deal.md"
    )
    assert (
        "shall instead be subject to a 7.5 percent tariff, in addition to the most-favored-nation rate"
        in text
    )
    assert "a total tariff of 10 percent (including any most-favored-nation tariffs)" in text
    by_id = {m.id: m for m in load_measures()}
    assert not by_id["s232_autos_uk_vehicle"].floor and by_id["s232_autos_uk_parts"].floor
