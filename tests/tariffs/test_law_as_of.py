"""How current the law is: ``law_as_of`` and a one-line warning on every answer past it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tariffs.helpers import price, run
from tmec.engine import generate_entries

pytestmark = pytest.mark.usefixtures("home")  # a fresh $TMEC_HOME: no imported schedule


def test_an_answer_past_the_verified_law_says_so() -> None:
    late = price("2026-12-06", "7208.39.00", "MX")
    assert late.law_as_of is not None and late.law_as_of.isoformat() == "2026-06-08"
    assert late.warning is not None and "verified through 2026-06-08" in late.warning
    assert "\n" not in late.warning
    assert price("2026-06-08", "7208.39.00", "MX").warning is None


def test_duty_json_and_text_carry_it() -> None:
    code, out = run(
        "duty", "--hts", "7208.39.00", "--origin", "MX", "--value", "10", "--date", "2026-12-06", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["law_as_of"] == "2026-06-08" and "181 days" in data["warning"]
    code, out = run("duty", "--hts", "7208.39.00", "--origin", "MX", "--value", "10", "--date", "2026-12-06")
    warning = next(ln for ln in out.splitlines() if "warning:" in ln)
    assert code == 0 and "verified through 2026-06-08" in warning


def test_exposure_totals_carry_it(tmp_path: Path) -> None:
    entries = tmp_path / "e.csv"
    generate_entries(entries, lines=50, seed=3, year=2026)
    code, out = run("exposure", str(entries), "--json")
    data = json.loads(out)
    assert code == 0 and data["law_as_of"] == "2026-06-08" and "verified through" in data["warning"]


def test_measures_show_carries_it() -> None:
    code, out = run("measures", "show", "--date", "2026-12-06", "--json")
    assert code == 0 and json.loads(out)["law_as_of"] == "2026-06-08" and json.loads(out)["warning"]


def test_law_status_lists_each_source_revision_and_date() -> None:
    code, out = run("law", "status", "--json")
    data = json.loads(out)
    assert code == 0 and data["law_as_of"] == "2026-06-08"
    hts = data["sources"][0]
    assert [r["revision"] for r in hts["revisions"]][:2] == ["2025_basic", "2025_rev_1"]
    assert hts["revisions"][-1] == {
        "revision": "2026_rev_10",
        "effective_date": "2026-06-08",
        "chapter99_from": "2026-06-08",
        "sha256": "369170d51a419688d5e9e42c3eb91b6fdb861c3729a931b03277baab3e236b80",
    }
    assert any("Annexes I-A" in s["source"] for s in data["sources"])
    code, out = run("law", "status")
    assert code == 0 and "verified through 2026-06-08" in out


def test_law_status_names_the_compiled_lists_their_sources_and_the_known_gaps() -> None:
    code, out = run("law", "status", "--json")
    data = json.loads(out)
    by_file = {s["file"]: s for s in data["sources"]}
    assert "2025-15819.pdf sha256" in by_file["tariffs/s232_derivatives_2025.yaml"]["note"]
    assert "SECONDARY" in by_file["tariffs/s301_china_lists.yaml"]["source"]
    assert "SECONDARY" in by_file["tariffs/s232_copper_2025.yaml"]["source"]
    gaps = " ".join(g["measure"] for g in data["known_gaps"])
    for heading in ("9903.02.78", "9903.01.32"):
        assert heading in gaps
    assert "9903.82.20" not in gaps and "9903.82.21" not in gaps  # note 16(j) is priced
    assert "9903.02.02" not in gaps  # the reciprocal country rates are compiled
    assert "2026-02-24" in by_file["tariffs/ieepa_reciprocal.yaml"]["note"]
    code, out = run("law", "status")
    assert code == 0 and "known gaps" in out
