"""The compiled GN 11(o) rules against the text they come from (needs ../shared/data).

* the bundled files are what the scripts give today (regenerated, compared byte for byte);
* nothing is lost: every code the text of a rule names is in the model, every "NN percent ...
  method" is a threshold of that method, every "NN percent by weight" a weight share, every
  date on the rule; the rules the grammar could not take are counted (only the hand-written);
* every HS 2022 subheading finds its rule on three dates, or an explicit reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tmec.core.errors import NoRuleError
from tmec.law.correlation import CORRELATION_FILE
from tmec.law.rules import GN11O_DIR, gn11o_document
from tmec.origin import psr

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "tools" / "law"))

import build_hs_correlation  # noqa: E402
import build_psr  # noqa: E402
import psr_codes  # noqa: E402
import psr_text  # noqa: E402

pytestmark = pytest.mark.skipif(
    not (DATA / "usmca-psr" / "gn11o_rules.jsonl").is_file(),
    reason="../shared/data (GN 11 text, UNSD correlation, HS 2022) is not present in this checkout",
)


def _records() -> list[dict[str, Any]]:
    lines = (DATA / "usmca-psr" / "gn11o_rules.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _operative() -> list[dict[str, Any]]:
    return [r for r in _records() if r["type"] == "rule" or r.get("contains_rule_text")]


def test_bundled_rules_are_what_the_script_gives() -> None:
    document, _ = build_psr.build(DATA)
    stale = build_psr.differences(build_psr.render(document), GN11O_DIR)
    assert not stale, f"src/tmec/law/rules/usmca_gn11o/ {stale} stale: run python tools/law/build_psr.py"


def test_bundled_correlation_is_what_the_script_gives() -> None:
    text = build_hs_correlation.render(build_hs_correlation.build(DATA))
    assert CORRELATION_FILE.read_text(encoding="utf-8") == text, (
        "src/tmec/law/correlation/hs2022_hs2012.json is stale: run python tools/law/build_hs_correlation.py"
    )


def test_every_numbered_rule_and_operative_note_is_in_the_model() -> None:
    records = _operative()
    assert sum(r["type"] == "rule" for r in records) == 1053
    assert sum(r["type"] == "note" for r in records) == 48
    compiled = {
        gn for ch in gn11o_document()["chapters"].values() for e in ch["rules"] for gn in e["gn"].split(", ")
    }
    assert {r["id"] for r in records} == compiled


def test_only_the_hand_written_rules_escape_the_grammar() -> None:
    unparsed = gn11o_document()["unparsed"]
    assert {u["gn"] for u in unparsed} == set(build_psr.HAND)
    assert all(u["written_by_hand"] and u["reason"] for u in unparsed)


def _entries_by_gn() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for chapter in gn11o_document()["chapters"].values():
        for entry in chapter["rules"]:
            for gn in entry["gn"].split(", "):
                out.setdefault(gn, []).append(entry)
    return out


def _walk(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def _model_codes(entries: list[dict[str, Any]]) -> tuple[set[str], set[str]]:
    """(codes in the model's fields, codes only in its words: provisos, kinds, notes)."""
    fields: set[str] = set()
    words: set[str] = set()
    for e in entries:
        for item in e["hs"]:
            fields.update(item.split("-"))
        for alt in e["any_of"]:
            for key in ("except", "from", "except_more_than_one"):
                for item in _walk(alt.get(key, [])):
                    fields.update(item.split("-"))
            for item in alt.get("weight_share", {}).get("headings", []):
                fields.update(item.split("-"))
            for key in ("proviso", "text"):
                for text in _walk(alt.get(key, [])):
                    words |= psr_codes.codes_in(psr_codes._fix(text))
        words |= psr_codes.codes_in(e.get("note", ""))
    return fields, words - fields


def test_nothing_lost_between_text_and_model() -> None:
    by_gn = _entries_by_gn()
    lost: dict[str, list[str]] = {}
    only_in_words = 0
    for record in _operative():
        entries = by_gn[record["id"]]
        fields, words = _model_codes(entries)
        text = psr_codes._fix(record["text"])
        named = psr_codes.codes_in(text)
        # A code of the good's own chapter named in a heading note line only ("Subheading rule: ...")
        missing = sorted(c for c in named if c not in fields and c not in words and c != "99")
        if missing:
            lost[record["id"]] = missing
        only_in_words += len({c for c in named if c in words})
    assert not lost, lost
    # codes kept only in words (a proviso, a kind of good) are few and counted
    assert only_in_words < 120


def test_every_threshold_is_a_threshold_of_its_method() -> None:
    by_gn = _entries_by_gn()
    wrong: dict[str, Any] = {}
    for record in _operative():
        if record["id"] in build_psr.CORRECTIONS:
            continue
        text = psr_codes._fix(record["text"])
        printed = {(m.group(2).replace(" ", "_"), m.group(1)) for m in psr_text._RVC_RE.finditer(text)}
        weights = {m.group(1) for m in psr_text._WEIGHT_RE.finditer(text)}
        model = {
            (method, value)
            for e in by_gn[record["id"]]
            for alt in e["any_of"]
            for method, value in alt.get("rvc", {}).items()
        }
        model_weights = {
            alt["weight_share"]["min_percent"]
            for e in by_gn[record["id"]]
            for alt in e["any_of"]
            if "weight_share" in alt
        }
        # Rules printed apart for the same codes are one rule (8407.31-.34: one per end use), so
        # the model may hold the thresholds of its siblings too, but never one no text prints.
        siblings = " ".join(e["text"] for e in by_gn[record["id"]])
        invented = {(m, v) for m, v in model if f"{v} percent" not in siblings}
        if not printed <= model or invented or weights != model_weights:
            wrong[record["id"]] = (sorted(printed), sorted(model), weights, model_weights)
    assert not wrong, wrong


def test_every_other_percent_is_kept_in_words() -> None:
    by_gn = _entries_by_gn()
    for record in _operative():
        text = psr_codes._fix(record["text"])
        rest = psr_text._WEIGHT_RE.sub(" ", psr_text._RVC_RE.sub(" ", text))
        for m in re.finditer(r"(\d+(?:\.\d+)?) percent", rest):
            words = " ".join(
                str(alt.get("proviso", "")) for e in by_gn[record["id"]] for alt in e["any_of"]
            ) + " ".join(e.get("note", "") for e in by_gn[record["id"]])
            assert m.group(0) in words or record["id"] in build_psr.CORRECTIONS, (record["id"], m.group(0))


def test_every_date_is_on_its_rule() -> None:
    by_gn = _entries_by_gn()
    for record in _operative():
        for phrase in record.get("date_phrases") or []:
            dates = {
                d
                for e in by_gn[record["id"]]
                for d in (e["valid_from"], e.get("valid_to"), e.get("until_as_printed"))
                if d is not None
            }
            assert phrase["date"] in dates, (record["id"], phrase)


def _hs2022_subheadings() -> list[str]:
    with (DATA / "hs2022" / "harmonized-system.csv").open(encoding="utf-8") as fh:
        return [r["hscode"] for r in csv.DictReader(fh) if r["level"] == "6" and r["hscode"] != "999999"]


EXPLAINED = (
    "is an HS 2022 code; its goods were classified in HS 2012",
    "no rule of its own",
    "depends on the trade",
)


def test_every_hs2022_subheading_finds_its_rule_or_a_reason() -> None:
    codes = _hs2022_subheadings()
    assert len(codes) == 5612
    found = 0
    explained: dict[str, str] = {}
    for day in (dt.date(2020, 7, 1), dt.date(2023, 7, 1), dt.date(2026, 12, 31)):
        for code in codes:
            try:
                rule = psr.find_rule(code, day)
            except NoRuleError as exc:
                explained[code] = str(exc)
                continue
            assert rule.valid is not None and day in rule.valid
            found += 1
    # 5,543 subheadings find a rule on every date; 69 get a reason (47 HS 2022 codes whose
    # HS 2012 counterparts have different rules: 8524 displays, 8806 drones, 8462 presses ...;
    # 8471.49 and the 8549 e-waste codes that go through it: GN 11(o) ch. 84 chapter rule 2;
    # 15 textile codes whose rule depends on the trade: Canada-US, Mexico-US or all other).
    silent = {c: why for c, why in explained.items() if not any(e in why for e in EXPLAINED)}
    assert not silent
    bilateral = {c for c, why in explained.items() if "depends on the trade" in why}
    for code in bilateral:  # with the trade given, each finds its rule
        for trade in ("CA-US", "MX-US", "other"):
            assert psr.find_rule(code, dt.date(2024, 1, 1), trade).extra["gn"]
    assert len(bilateral) == 15, sorted(bilateral)
    assert len(explained) == 69, sorted(explained)
    assert found == 3 * (len(codes) - len(explained))


@pytest.mark.parametrize("code", ["1211.50", "1211.60"])
def test_an_hs2022_code_whose_counterparts_state_one_requirement_resolves_tagged_s(code: str) -> None:
    # 1211.60 (cinchona bark) was classified in 1211.90, 1404.90 or 2008.99: rules 12-9, 14-1 and
    # 20-3 each say "a change from any other chapter"; one requirement, applied with tag S
    rule = psr.find_rule(code, dt.date(2024, 1, 1))
    assert rule.confidence == "S" and rule.extra["gn"] == "gn11o-ch12-r009"  # UNSD's conversion: 1211.90
    assert rule.note is not None and "state the same requirement" in rule.note
    # 8462.22 (HS 2022 presses) keeps its reason: 8462.21 and 8462.29 have different rules
    with pytest.raises(NoRuleError, match="whose rules differ"):
        psr.find_rule("8462.22", dt.date(2024, 1, 1))


def test_chapter_87_overlay_agrees_with_the_text_it_replaces() -> None:
    """Chapter 87 keeps its hand-written rules (the GN 11(k) staging); checked against GN 11(o):
    every code the text gives a rule has one in the overlay, and every threshold the overlay
    stages ends at a value the text prints for that code."""
    from tmec.law import load_parameters

    params = load_parameters()
    compiled = psr.compiled_chapter("87")
    overlay = psr.chapter_rules("87")
    assert overlay is not compiled
    day = dt.date(2030, 1, 1)  # after the last staging step
    final = params.at(day)
    for rule in compiled:
        assert rule.hs is not None
        code = rule.hs.start if len(rule.hs.start) >= 6 else rule.hs.start + "10"
        hand = [r for r in overlay if r.hs is not None and r.hs.contains(code) and r.valid and day in r.valid]
        assert hand, f"the overlay has no rule for {rule.hs} ({rule.extra['gn']})"
        printed = {t.value for t in psr.thresholds(rule) if t.value is not None}
        for h in hand:
            for t in psr.thresholds(h):
                value = t.value if t.value is not None else final[t.parameter or ""].decimal
                assert value in printed or not printed, (str(rule.hs), rule.extra["gn"], value, printed)


def _schedule(name: str) -> list[tuple[str, str]]:
    from tmec.law import load_parameters

    return [(v.since.isoformat(), f"{v.decimal.normalize():f}") for v in load_parameters()[name].values]


def test_the_staged_thresholds_of_chapter_87_are_those_gn11k_prints() -> None:
    """The chapter 87 rules name dated parameters for the staging GN 11(o) leaves to GN 11(k)(iii);
    each is the schedule parsed from the text (tools/law/psr_staging.py), never only retyped."""
    from tmec.law.rules import gn11o_index

    staging = {
        p["para"]: [(s["from"], s["net_cost"]) for s in p["steps"]]
        for p in gn11o_index()["automotive_staging"]
    }
    assert sorted(staging) == [f"GN 11(k)(iii)({x})" for x in "ABDEJKL"]
    assert _schedule("usmca.staging.pv_lt_75") == staging["GN 11(k)(iii)(A)"]  # vehicles 66 -> 75
    assert _schedule("usmca.staging.ht_70") == staging["GN 11(k)(iii)(J)"]  # heavy trucks 60 -> 70
    assert (
        _schedule("usmca.staging.pv_lt_70_gn11") == staging["GN 11(k)(iii)(D)"]
    )  # Table B as GN 11 dates it
    # the Appendix / UR s.14(15) reading of Table B: the same values, 1 July dates (README, Table B)
    assert [v for _, v in _schedule("usmca.staging.pv_lt_70")] == [v for _, v in staging["GN 11(k)(iii)(D)"]]
    named = {t.parameter for r in psr.chapter_rules("87") for t in psr.thresholds(r) if t.parameter}
    assert named == {"usmca.staging.pv_lt_75", "usmca.staging.pv_lt_70", "usmca.staging.ht_70"}
