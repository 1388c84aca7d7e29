"""The parser from the words of GN 11(o) to the rule model (tools/law/psr_text.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "law"))

import psr_codes  # noqa: E402
import psr_ranges  # noqa: E402
import psr_text  # noqa: E402


def _rule(text: str, chapter: int = 84, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"gn11o-ch{chapter:02d}-r001",
        "type": "rule",
        "chapter": chapter,
        "rule_no": 1,
        "label_raw": "1.",
        "page": 7,
        "text": text,
        **extra,
    }


def _alts(text: str, **extra: Any) -> list[dict[str, Any]]:
    parsed = psr_text.parse_record(_rule(text, **extra))
    assert parsed.problems == []
    assert len(parsed.entries) == 1
    return [{k: v for k, v in a.items() if k != "text"} for a in parsed.entries[0]["any_of"]]


def test_change_of_chapter_heading_subheading_tariff_item() -> None:
    assert _alts("1. A change to headings 0101 through 0106 from any other chapter.") == [
        {"change": "chapter"}
    ]
    assert _alts("1. A change to subheading 8413.30 from any other heading.") == [{"change": "heading"}]
    assert _alts("1. A change to subheading 8413.30 from any other subheading.") == [{"change": "subheading"}]
    assert _alts("1. A change to tariff item 8482.99.05 from any other tariff item.") == [
        {"change": "tariff_item"}
    ]


def test_outside_that_group_and_within_that_group() -> None:
    assert _alts("1. A change to headings 7208 through 7216 from any heading outside that group.") == [
        {"change": "heading", "except": ["7208-7216"]}
    ]
    assert _alts(
        "1. A change to headings 8601 through 8602 from any other heading, including another heading within "
        "that group."
    ) == [{"change": "heading"}]


def test_except_codes_ranges_tariff_items_and_chapters() -> None:
    (alt,) = _alts(
        "1. A change to subheading 8482.10 from any other heading, except from tariff items 8482.99.05, "
        "8482.99.15 or 8482.99.25, headings 7208 through 7229, or chapter 4."
    )
    assert alt == {
        "change": "heading",
        "except": ["04", "84829905", "84829915", "84829925", "7208-7229"],
    }


def test_whether_or_not_with_rvc_on_two_lines() -> None:
    alts = _alts(
        "1. (A) A change to subheadings 8482.10 through 8482.80 from any subheading outside that "
        "group, except "
        "from tariff items 8482.99.05; or\n(B) A change to subheadings 8482.10 through 8482.80 from "
        "tariff item "
        "8482.99.05, whether or not there is also a change from any subheading outside that group, "
        "provided there "
        "is a regional value content of not less than:\n(1) 60 percent where the transaction value method is "
        "used; or\n(2) 50 percent where the net cost method is used."
    )
    assert alts[1] == {
        "change": "subheading",
        "except": ["848210-848280"],
        "from": ["84829905"],
        "rvc": {"transaction_value": "60", "net_cost": "50"},
    }


def test_end_use_header_and_kind_of_good() -> None:
    text = (
        "24. For a body stamping of subheading 8708.29 for use in a passenger vehicle or light truck:\n"
        "(A) No change in tariff classification to a body stamping of subheading 8708.29, provided "
        "there is a "
        "regional value content of at least 75 percent under the net cost method."
    )
    parsed = psr_text.parse_record(_rule(text, chapter=87, label_raw="24."))
    (entry,) = parsed.entries
    assert entry["hs"] == ["870829"]
    assert entry["any_of"][0]["end_use"] == ["passenger_vehicle", "light_truck"]
    assert entry["any_of"][0]["kind"] == ["body_stamping"]
    assert entry["any_of"][0]["rvc"] == {"net_cost": "75"}


def test_any_other_good_excludes_the_kinds_named_before() -> None:
    alts = _alts(
        "1. (A) A change to a smoked good of subheadings 0306.11 through 0308.90 from any other chapter; or\n"
        "(B) A change to any other good of subheadings 0306.11 through 0308.90 from any other heading."
    )
    assert alts[0]["kind"] == ["smoked_good"]
    assert alts[1]["except_kind"] == ["smoked_good"]


def test_weight_share_and_dated_note() -> None:
    note = {
        "id": "gn11o-ch73-n04",
        "type": "note",
        "chapter": 73,
        "page": 58,
        "label": "Subheading rule",
        "text": "Subheading rule: Beginning on July 1, 2022, and thereafter, the following rules of "
        "origin shall "
        "apply to subheading 7308.10:\n(a) A change to subheading 7308.10 from headings 7208, 7211 or 72.26, "
        "provided that at least 70 percent by weight of the materials of headings 7208, 7211 and 7226 is "
        "originating; or\n(b) No change in tariff classification to a good of subheading 7308.10 "
        "provided there "
        "is a regional value content of not less than:\n(i) 75 percent where the transaction value method is "
        "used; or\n(ii) 65 percent where the net cost method is used.",
    }
    (entry,) = psr_text.parse_record(note).entries
    assert entry["valid_from"] == "2022-07-01" and "valid_to" not in entry
    assert entry["any_of"][0]["weight_share"] == {"headings": ["7208", "7211", "7226"], "min_percent": "70"}
    assert entry["any_of"][0]["from"] == ["7208", "7211", "7226"]
    assert entry["any_of"][1]["rvc"] == {"transaction_value": "75", "net_cost": "65"}


def test_bilateral_scope() -> None:
    note = {
        "id": "gn11o-ch55-n01",
        "type": "note",
        "chapter": 55,
        "page": 40,
        "label": "Subheading rule",
        "text": "Subheading rule: For the purposes of trade between the territory of Canada and the "
        "territory of "
        "the United States of goods of subheading 5509.31 the following rule of origin applies:\n(a) "
        "A change to "
        "subheading 5509.31 from acid-dyeable acrylic tow of subheading 5501.30 or any other "
        "chapter, except from "
        "headings 5201 through 5203.\nFor the purposes of all other trade of subheading 5509.31 the "
        "following "
        "rule of origin applies:\n(a) A change to subheading 5509.31 from any other chapter, except "
        "from headings "
        "5201 through 5203.",
    }
    parsed = psr_text.parse_record(note)
    assert [e["scope"] for e in parsed.entries] == ["CA-US", "other"]
    assert parsed.entries[0]["any_of"][0]["from"] == ["550130"]
    # the tow's kind is not a code: a condition on the materials of 5501.30, exact, so no note
    assert parsed.entries[0]["any_of"][0]["material_kinds"] == {"550130": "acid_dyeable_acrylic_tow"}
    assert "note" not in parsed.entries[0]


def test_except_from_more_than_one_of_the_following() -> None:
    (alt,) = _alts(
        "1. A change to heading 8457 from any other heading, except from heading 8459 or more than "
        "one of the "
        "following:\n(A) subheadings 8413.50 through 8413.60,\n(B) tariff items 8466.93.15 or 8466.93.30,\n"
        "(C) subheading 8537.10."
    )
    assert alt == {
        "change": "heading",
        "except": ["8459"],
        "except_more_than_one": [["841350-841360"], ["84669315", "84669330"], ["853710"]],
    }


def test_a_sentence_it_does_not_know_is_a_problem_not_a_pass() -> None:
    parsed = psr_text.parse_record(_rule("1. Production of any good of heading 2710 by distillation."))
    assert parsed.problems and "not understood" in parsed.problems[0]


def test_codes_in_reads_numbers_that_are_not_codes_as_numbers() -> None:
    text = "not less than 60 percent ... 140 grams per square meter ... chapters 54 or 55, headings 5106"
    text += " through 5113"
    assert psr_codes.codes_in(text) == {"54", "55", "5106", "5113"}


@pytest.mark.parametrize("odd", ["6006or", "through7326", "any othersubheading", "(A)No change"])
def test_print_oddities_are_normalised(odd: str) -> None:
    fixed = psr_codes._fix(odd)
    assert fixed != odd


def _chapter(*texts: str) -> list[dict[str, Any]]:
    """Records of ch. 87 parsed in print order, as build_psr does, with the kinds carried."""
    entries: list[dict[str, Any]] = []
    before = None
    for n, text in enumerate(texts, 1):
        before = psr_text.parse_record(
            _rule(text, chapter=87, rule_no=n, label_raw=f"{text.split('.')[0]}."), before
        )
        assert before.problems == []
        entries.extend(before.entries)
    psr_ranges.exclude_named_kinds(entries)
    return [{k: v for k, v in a.items() if k != "text"} for e in entries for a in e["any_of"]]


def test_any_other_good_for_use_in_a_vehicle_is_not_the_kind_a_rule_before_names_for_that_use() -> None:
    # GN 11(o) ch. 87 rules 24-25: a body stamping for a passenger vehicle or light truck has rule
    # 24 only; one for a heavy truck is "any other good" of rule 25
    alts = _chapter(
        "24. For a body stamping of subheading 8708.29 for use in a passenger vehicle or light truck:\n"
        "(A) No change in tariff classification to a body stamping of subheading 8708.29, provided "
        "there is a regional value content of at least 75 percent under the net cost method.",
        "25. For any other good of subheading 8708.29 for use in a passenger vehicle, light truck or "
        "heavy truck:\n(A) A change to subheading 8708.29 from any other heading; or\n"
        "(B) No change in tariff classification to a good of subheading 8708.29, provided there is a "
        "regional value content of not less than 70 percent under the net cost method.",
    )
    assert alts[1:] == [
        {
            "change": "heading",
            "end_use": ["passenger_vehicle", "light_truck"],
            "except_kind": ["body_stamping"],
        },
        {"change": "heading", "end_use": ["heavy_truck"]},
        {
            "end_use": ["passenger_vehicle", "light_truck"],
            "except_kind": ["body_stamping"],
            "rvc": {"net_cost": "70"},
        },
        {"end_use": ["heavy_truck"], "rvc": {"net_cost": "70"}},
    ]


RULE_52 = (
    "52. For any other good of subheading 8708.99 for use in a heavy truck or for any other good of "
    "subheading 8708.99 for use in a passenger vehicle or light truck:\n"
    "(A) A change to tariff items 8708.99.03, 8708.99.27 or 8708.99.55 from any other subheading, "
    "provided there is a regional value content of not less than 70 percent under the net cost method,"
)
RULE_53 = (
    "53. (A) A change to subheading 8708.99 from any other heading; or\n"
    "(B) No change in tariff classification to a good of subheading 8708.99, provided there is a "
    "regional value content of not less than 70 percent under the net cost method."
)


def test_a_rule_printed_without_opening_words_continues_the_heading_line_before_it() -> None:
    # GN 11(o) ch. 87 rules 50, 52-53: rule 53 is the "any other good" branch of rule 52: for use
    # in a vehicle, and neither a chassis frame (rule 50) nor the tariff items rule 52 names
    chassis_frame = (
        "50. For a chassis frame of subheading 8708.99 for use in a passenger vehicle or light truck:\n"
        "(A) No change in tariff classification to a good of subheading 8708.99, provided there is a "
        "regional value content of not less than 75 percent under the net cost method."
    )
    alts = _chapter(chassis_frame, RULE_52, RULE_53)
    items = "tariff_items_8708_99_03_8708"
    assert alts[1]["kind"] == [items] and alts[1]["except_kind"] == ["chassis_frame"]
    assert alts[1]["end_use"] == ["passenger_vehicle", "light_truck"]
    assert alts[2] == {
        "end_use": ["heavy_truck"],
        "kind": [items],
        "change": "subheading",
        "rvc": {"net_cost": "70"},
    }
    assert alts[3:] == [
        {
            "change": "heading",
            "end_use": ["passenger_vehicle", "light_truck"],
            "except_kind": ["chassis_frame", items],
        },
        {"change": "heading", "end_use": ["heavy_truck"], "except_kind": [items]},
        {
            "end_use": ["passenger_vehicle", "light_truck"],
            "except_kind": ["chassis_frame", items],
            "rvc": {"net_cost": "70"},
        },
        {"end_use": ["heavy_truck"], "except_kind": [items], "rvc": {"net_cost": "70"}},
    ]


def test_a_rule_with_its_own_codes_does_not_continue_the_heading_line_before_it() -> None:
    alts = _chapter(
        RULE_52,
        RULE_53,
        "56. (A) A change to subheadings 8709.11 through 8709.19 from any other heading.",
    )
    assert alts[-1] == {"change": "heading"}
