"""Section 232 auto parts (9903.94.05/.06): U.S. note 33(g) lists the provisions in which parts of
passenger vehicles and light trucks are classifiable, but the duty falls on *being such a part*
(33(g); 33(h)(ii) puts what is not one under 9903.94.06 at no duty).  A provision whose HTSUS text
confines it to vehicles is charged as classified; one of general-purpose goods (8471, bearings,
motors, batteries...) only when the entry declares a vehicle part, and asked about otherwise."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
from decimal import Decimal as D  # noqa: N817
from pathlib import Path

import pytest
import yaml

from tests.tariffs.helpers import extra, price, run
from tmec.law.tariffs import MEASURES

LAPTOP = "8471.30.01.00"
BUMPER = "8708.10.30.50"
PART = "vehicle_part"

# Words by which a provision's text (or its superior text) confines it to vehicles.
_VEHICLE = re.compile(
    r"motor[- ]*vehicle|motor cars|vehicles of (chapter 87|subheading|heading)|road vehicles|automotive"
    r"|buses or trucks|used on vehicles|for vehicles|chapter 87",
    re.IGNORECASE,
)


def _scopes() -> dict[str, list[str]]:
    scopes = yaml.safe_load(MEASURES.read_text(encoding="utf-8"))["scopes"]
    return {
        k: [c.replace(".", "") for c in scopes[k]["items"]] for k in ("auto_parts", "auto_parts_dual_use")
    }


def _text(texts: dict[str, str], code: str) -> str:
    """The provision's text: its own line's, or its first statistical line's (which carries it)."""
    return next(t for c, t in texts.items() if c.startswith(code))


def _texts(shared_data: Path) -> dict[str, str]:
    """Each HTS code of 2026 rev 6 with its description and its superiors' (indent chain)."""
    with gzip.open(shared_data / "hts" / "revisions" / "hts_2026_rev_6.json.gz") as fh:
        rows = json.loads(fh.read())
    out: dict[str, str] = {}
    chain: list[str] = []
    for r in rows:
        indent = int(r["indent"] or 0)
        chain = [*chain[:indent], r["description"]]
        if r["htsno"]:
            out.setdefault(r["htsno"].replace(".", ""), " | ".join(chain))
    return out


def test_the_split_follows_each_provisions_text(shared_data: Path) -> None:
    texts = _texts(shared_data)
    scopes = _scopes()
    for code in scopes["auto_parts"]:
        assert code.startswith("87") or _VEHICLE.search(_text(texts, code)), (code, _text(texts, code))
    for code in scopes["auto_parts_dual_use"]:
        assert not _VEHICLE.search(_text(texts, code)), (code, _text(texts, code))
    assert "8471" in scopes["auto_parts_dual_use"]


def test_the_two_scopes_are_note_33g_as_rev_6_prints_it() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip("TMEC_TARIFF_TRACKER (a tariff-rate-tracker git dir, the notes' copy) not set")
    notes = subprocess.run(
        ["git", "-C", tracker, "show", "HEAD:data/us_notes/chapter99_2026_rev_6.txt"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8", "replace")
    start = notes.index("(g) Subject to a manufacturer's import adjustment offset amount")
    body = notes[start : notes.index("(h) Heading 9903.94.06 applies", start)]
    printed = {c.replace(".", "") for c in re.findall(r"\b\d{4}(?:\.\d{2}(?:\.\d{4}|\.\d{2})?)?\b", body)}
    printed -= {"2025", "10925", "18899"} | {c for c in printed if c.startswith("9903")}  # dates, FR pages
    printed = {c for c in printed if not (len(c) > 4 and c[:4] == "8707")}  # 8707 is listed whole
    scopes = _scopes()
    assert set(scopes["auto_parts"]) | set(scopes["auto_parts_dual_use"]) == printed
    assert not set(scopes["auto_parts"]) & set(scopes["auto_parts_dual_use"])


def test_a_laptop_is_not_charged_the_auto_parts_duty_unless_declared_a_vehicle_part() -> None:
    d = price("2026-03-01", LAPTOP, "CN", 1000)
    assert "9903.94.05" not in extra(d)
    asked = [q for q in d.questions if q.fact == "metals_relief" and "9903.94.05" in q.text]
    assert len(asked) == 1 and PART in asked[0].text
    declared = price("2026-03-01", LAPTOP, "CN", 1000, metals_relief=PART)
    assert extra(declared) == {"9903.94.05": D("250.00")}
    assert not [q for q in declared.questions if q.fact == "metals_relief"]
    stated_not = price("2026-03-01", LAPTOP, "CN", 1000, metals_relief="none")
    assert "9903.94.05" not in extra(stated_not) and not stated_not.questions
    # a USMCA claim on a declared part: 9903.94.06 at no duty (note 33(h)(i)), no Mexican IEEPA
    usmca = price("2026-03-01", LAPTOP, "MX", 1000, usmca=True, metals_relief=PART)
    assert [ln.heading for ln in usmca.lines if ln.program == "s232_vehicles"] == ["9903.94.06"]
    assert sum(ln.duty for ln in usmca.lines) == 0


def test_a_vehicle_specific_part_is_charged_as_before_without_a_declaration() -> None:
    d = price("2026-03-01", BUMPER, "CN", 1000)
    assert extra(d)["9903.94.05"] == D("250.00")
    assert not [q for q in d.questions if q.fact == "metals_relief" and "9903.94.05" in q.text]
    assert extra(price("2026-03-01", BUMPER, "CN", 1000, metals_relief="none"))["9903.94.05"] == D("250.00")


def test_the_cli_asks_and_charges_on_the_declaration() -> None:
    args = ["duty", "--hts", LAPTOP, "--origin", "CN", "--value", "1000", "--date", "2026-03-01"]
    code, out = run(*args)
    assert code == 0 and "9903.94.05" in out and "--metals-relief" in out  # asked, not charged
    assert "total duty 100.00" in out  # Section 122 only
    code, out = run(*args, "--metals-relief", "vehicle_part", "--format", "json")
    assert code == 0
    lines = json.loads(out)
    assert [(ln["heading"], ln["duty"]) for ln in lines if ln["heading"].startswith("9903")] == [
        ("9903.94.05", "250.00")
    ]


def test_the_country_arrangements_follow_the_declaration_on_general_purpose_provisions() -> None:
    bearing = "8482.10.50.44"  # column 1: 9 %
    for origin, heading, duty in (("JP", "9903.94.43", "60.00"), ("GB", "9903.94.32", "10.00")):
        assert heading not in extra(price("2026-03-01", bearing, origin, 1000)), origin
        declared = price("2026-03-01", bearing, origin, 1000, metals_relief=PART)
        assert extra(declared) == {heading: D(duty)}, origin  # 15 % / 10 % with column 1
    # a vehicle-specific part keeps its arrangement without a declaration
    assert extra(price("2026-03-01", BUMPER, "JP", 1000)) == {"9903.94.43": D("125.00")}
