"""Section 301 product exclusions (USTR; headings 9903.88.69 and 9903.88.70, U.S. note 20(vvv) and
20(www)): the lists as the notes print them, asked about on a Chinese line whose code one names while
the headings' text keeps them in force, and applied at 0 % in place of the List 1-4A duty when claimed."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal as D  # noqa: N817
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price
from tmec.law.tariffs import S301_EXCLUSIONS, law_status, load_measures, load_schedule

SOLAR = "8486.10.00.00"  # silicon growth furnaces and 6 more solar machines (note 20(www)(1)-(7))
BEARING = "8483.50.90.40"  # a number excluded whole (note 20(vvv)(i)(1)), List 1
CLAIM = "s301_exclusion"
# each subdivision, the heading it is claimed under and the List measures whose duty it spares
SPARES = {
    "vvv_i": ("9903.88.69", {"s301_list_1"}),
    "vvv_ii": ("9903.88.69", {"s301_list_2"}),
    "vvv_iii": ("9903.88.69", {"s301_list_3", "s301_list_3_additional"}),
    "vvv_iv": ("9903.88.69", {"s301_list_4a"}),
    "www": ("9903.88.70", {"s301_list_2"}),
}


def _exclusions() -> list[tuple[str, str]]:
    return [
        (m.id.removeprefix("s301_exclusion_").rsplit("_", 1)[0], m.id)
        for m in load_measures().program("s301")
        if m.exemption
    ]


def test_the_exclusions_are_what_the_builder_makes_of_note_20() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip("TMEC_TARIFF_TRACKER (a tariff-rate-tracker git dir, the notes' copy) not set")
    assert builder("build_s301_exclusions").build(Path(tracker)) == S301_EXCLUSIONS.read_bytes()


def test_the_178_exclusions_ustr_extended_are_compiled_with_their_source() -> None:
    head = S301_EXCLUSIONS.read_text(encoding="utf-8").split("scopes:", 1)[0]
    assert "sha256" in head and "copy: GitHub arifshehab/tariff-rate-tracker" in head
    counts: dict[str, int] = {}
    for sub, _ in _exclusions():
        counts[sub] = counts.get(sub, 0) + 1
    # USTR's notices of 2025 extended 164 exclusions of note 20(vvv) and the 14 solar machines of 20(www)
    assert counts == {"vvv_i": 47, "vvv_ii": 22, "vvv_iii": 70, "vvv_iv": 25, "www": 14}


def test_every_exclusion_names_a_number_of_every_revision_on_the_list_it_spares() -> None:
    measures = load_measures()
    by_id = {m.id: m for m in measures}
    schedule = load_schedule()
    days = [dt.date(2025, 1, 1), *(r.effective for r in schedule.revisions)]
    for sub, mid in _exclusions():
        m = by_id[mid]
        heading, lists = SPARES[sub]
        assert m.heading == heading and m.rate == 0 and m.origins == frozenset({"CN"}), mid
        # "through November 9, 2026", as printed from 2025-11-30
        assert m.valid_to == dt.date(2026, 11, 10), mid
        for item in m.scope:
            assert item.level == 10, (mid, item.lo)
            assert any(by_id[x].covers(item.lo) for x in lists), (mid, item.lo)
            for day in days:
                schedule.line(item.lo, day)  # an error naming the revision if the number is not in it


def test_a_chinese_solar_furnace_pays_list_2_and_is_asked_about_each_exclusion_of_its_number() -> None:
    d = price("2026-03-01", SOLAR, "CN")
    assert extra(d)["9903.88.02"] == D("25000.00")
    asked = [q.text for q in d.questions if q.fact == "metals_relief"]
    assert len(asked) == 7, asked  # note 20(www)(1)-(7) all describe products of 8486.10.00.00
    assert "20(www)(1): Silicon growth furnaces" in asked[0] and "(9903.88.70)" in asked[0]
    assert all(f"--metals-relief {CLAIM}" in q for q in asked)


def test_the_claimed_exclusion_is_reported_at_0_in_place_of_the_section_301_duty() -> None:
    d = price("2026-03-01", SOLAR, "CN", metals_relief=CLAIM)
    assert "9903.88.02" not in extra(d)
    line = next(x for x in d.lines if x.program == "s301")
    assert (line.heading, line.rate, line.duty) == ("9903.88.70", D(0), D("0.00"))
    assert "20(www)(1)" in line.measure and "Silicon growth furnaces" in line.measure
    assert not [q for q in d.questions if q.fact == "metals_relief"]
    whole = price("2025-07-01", BEARING, "CN", metals_relief=CLAIM)
    assert "9903.88.01" not in extra(whole)
    assert [x.heading for x in whole.lines if x.program == "s301"] == ["9903.88.69"]


def test_a_claim_several_exclusions_answer_alike_names_them_all() -> None:
    d = price("2026-03-01", SOLAR, "CN", metals_relief=CLAIM)
    alike = [n for n in d.notes if "matches 7 measures" in n]
    assert len(alike) == 1, d.notes  # the line cites 20(www)(1); the note names (1)-(7)
    assert all(f"20(www)({k})" in alike[0] for k in range(1, 8)) and "9903.88.70" in alike[0]
    assert not [n for n in price("2025-07-01", BEARING, "CN", metals_relief=CLAIM).notes if "matches" in n]
    assert not [n for n in price("2026-03-01", SOLAR, "CN").notes if "matches" in n]  # asked, not claimed


def test_no_exclusion_after_november_9_2026_nor_for_another_origin_nor_when_none_is_claimed() -> None:
    late = price("2026-11-10", SOLAR, "CN", metals_relief=CLAIM)
    assert extra(late)["9903.88.02"] == D("25000.00")
    assert not [q for q in price("2026-11-10", SOLAR, "CN").questions if q.fact == "metals_relief"]
    assert extra(price("2026-11-09", SOLAR, "CN", metals_relief=CLAIM)).get("9903.88.02") is None
    other = price("2026-03-01", SOLAR, "VN")
    assert not [q for q in other.questions if "Section 301" in q.text]
    refused = price("2026-03-01", SOLAR, "CN", metals_relief="none")
    assert extra(refused)["9903.88.02"] == D("25000.00") and not refused.questions


def test_the_days_between_an_end_and_its_extension_are_covered() -> None:
    """2025 rev 15's text ended the exclusions on May 31, 2025; the extension the next revision printed
    reaches back to June 1 (entries "on or after June 15, 2024 and through August 31, 2025")."""
    assert "9903.88.01" not in extra(price("2025-06-02", BEARING, "CN", metals_relief=CLAIM))


def test_law_status_names_the_exclusions_and_their_copy() -> None:
    source = next(s for s in law_status()["sources"] if s.get("file") == "tariffs/s301_exclusions.yaml")
    assert "9903.88.69" in source["source"] and "sha256" in source["note"]
