"""Table B staging dates (issue 11 item 3).

The Automotive Appendix Art. 3.3 ("January 1, 20xx or n years after entry into force, whichever is
later": 1 July with entry into force on 1 July 2020) and UR s.14(15) start Table B's levels on
1 July; HTSUS GN 11(k)(iii)(D)(3)-(4) prints 1 January 2022 and 1 January 2023.  tmec applies
1 July and flags every result that GN 11's dates would change.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tmec.law import load_parameters
from tmec.origin import parse_case, qualify

GN11 = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "usmca-psr" / "gn11_hts2025r7.txt"


def _bearing(day: str, vnm: int) -> dict[str, object]:
    """A Table B part for a passenger vehicle whose RVC (net cost 100) is 100 - vnm percent."""
    return {
        "date": day,
        "good": {"hs": "8482.10", "category": "auto_part", "end_use": "passenger_vehicle"},
        "rule": {"rvc": {"net_cost": 50}},
        "method": "net_cost",
        "costs": {"other_product_costs": 30},
        "materials": [
            {"id": "RINGS", "hs": "8482.99", "origin": "non_originating", "value": vnm},
            {"id": "BALLS", "hs": "8482.91", "origin": "originating", "value": 70 - vnm},
        ],
    }


@pytest.mark.parametrize(
    ("day", "vnm", "originating", "flagged"),
    [
        ("2022-03-01", 34, True, True),  # 66 % >= 65 (1 July reading); < 67.5 (GN 11's 1 January)
        ("2022-09-01", 34, False, False),  # both readings: 67.5
        ("2023-03-01", 32, True, True),  # 68 % >= 67.5; < 70 under GN 11
        ("2023-03-01", 34, False, False),  # 66 %: fails under both
        ("2023-03-01", 29, True, False),  # 71 %: passes under both
        ("2021-09-01", 34, True, False),  # the readings agree before 2022
    ],
)
def test_the_other_reading_is_flagged_where_it_changes_the_result(
    day: str, vnm: int, originating: bool, flagged: bool
) -> None:
    det = qualify(parse_case(_bearing(day, vnm)))
    assert det.originating is originating
    assert bool(det.notes) is flagged
    if flagged:
        text = det.to_dict()["notes"][0]
        assert text.startswith("FLAGGED") and ("not be originating" in text) is originating
        assert any(s.step == "note.other_reading" for s in det.explanation)


def test_the_applied_dates_cite_the_appendix_and_the_regulations() -> None:
    snap = load_parameters().at(dt.date(2022, 3, 1))
    applied = snap["usmca.staging.pv_lt_70"]
    assert applied.decimal == 65
    assert "Automotive Appendix Art. 3.3" in applied.reference and "UR s.14(15)" in applied.reference
    assert snap["usmca.staging.pv_lt_70_gn11"].decimal == Decimal("67.5")


@pytest.mark.skipif(not GN11.is_file(), reason="../shared/data (GN 11 text) is not present")
def test_the_other_reading_is_what_gn_11_prints() -> None:
    text = GN11.read_text(encoding="utf-8")
    start = (
        "(D) Notwithstanding subdivision (o) of this note, the regional value content requirement for a part"
    )
    part = text[text.index(start) :]
    part = part[: part.index("(E) Notwithstanding")]
    level = r"\(\d\) ([\d.]+) percent under the net cost method or ([\d.]+) percent.*?"
    level += r"beginning on (\w+ \d+, \d{4})"
    printed = re.findall(level, part)
    params = load_parameters()
    for nc, tv, day in printed:
        when = dt.datetime.strptime(day, "%B %d, %Y").date()
        snap = params.at(when)
        assert snap["usmca.staging.pv_lt_70_gn11"].decimal == Decimal(nc)
        assert snap["usmca.automotive.principal_parts_tv_gn11"].decimal == Decimal(tv)
        if when > dt.date(2020, 7, 1):
            assert params.at(when - dt.timedelta(days=1))["usmca.staging.pv_lt_70_gn11"].decimal < Decimal(nc)
    assert [d for _, _, d in printed][2:] == ["January 1, 2022", "January 1, 2023"]
