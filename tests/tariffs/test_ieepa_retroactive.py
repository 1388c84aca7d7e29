"""The IEEPA reciprocal floors that a later order dated back: in law from the order's day, as deposited
at entry from the revision that printed them (``--basis deposited``).

Japan: the EO of 4 Sep 2025 "Implementing the United States-Japan Agreement", sec. 2(d), from
2025-08-07 (the revisions print 9903.02.73 from 2025-09-16). Switzerland and Liechtenstein: FR notice
2025-23316 (18 Dec 2025), from 2025-11-14 (printed from 2026-01-01). Korea: FR notice 2025-21940
(4 Dec 2025) as CBP's CSMS #67045953 dates it, from 2025-11-14 (printed from 2025-12-05). A valve
(8481.80.90, column 1 2 %) worth 100,000: the floor is 13,000; Japan's and Korea's +15 % was 15,000,
Switzerland's 39 % 39,000.
"""

from __future__ import annotations

import io
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price
from tests.tariffs.test_ieepa_reciprocal import _builder  # its dataclasses need it in sys.modules
from tmec.law.tariffs import load_measures

D = Decimal
VALVE = "8481.80.90"


@pytest.mark.parametrize(
    ("day", "origin", "law", "deposited"),
    [
        ("2025-08-07", "JP", "9903.02.73", ("9903.02.30", "15000.00")),
        ("2025-09-15", "JP", "9903.02.73", ("9903.02.30", "15000.00")),
        ("2025-11-14", "CH", "9903.02.83", ("9903.02.58", "39000.00")),
        ("2025-12-31", "CH", "9903.02.83", ("9903.02.58", "39000.00")),
        ("2025-11-14", "LI", "9903.02.88", ("9903.02.36", "15000.00")),
        ("2025-11-20", "KR", "9903.02.80", ("9903.02.56", "15000.00")),  # CBP CSMS #67045953
    ],
)
def test_in_law_the_floor_from_the_orders_day_as_deposited_the_old_rate(
    day: str, origin: str, law: str, deposited: tuple[str, str]
) -> None:
    assert extra(price(day, VALVE, origin)) == {law: D("13000.00")}
    assert extra(price(day, VALVE, origin, basis="deposited")) == {deposited[0]: D(deposited[1])}


def test_before_the_orders_day_and_once_printed_both_bases_agree() -> None:
    for day, origin, heading, duty in (
        ("2025-08-06", "JP", "9903.01.25", "10000.00"),
        ("2025-09-16", "JP", "9903.02.73", "13000.00"),
        ("2025-11-13", "CH", "9903.02.58", "39000.00"),
        ("2026-01-01", "LI", "9903.02.88", "13000.00"),
        ("2025-11-13", "KR", "9903.02.56", "15000.00"),
        ("2025-12-05", "KR", "9903.02.80", "13000.00"),
    ):
        for basis in ("liability", "deposited"):
            assert extra(price(day, VALVE, origin, basis=basis)) == {heading: D(duty)}, (day, origin, basis)


def test_the_floors_name_the_order_and_keep_the_days_deposited() -> None:
    by_heading = {m.heading: m for m in load_measures() if m.program == "ieepa_reciprocal"}
    japan = by_heading["9903.02.73"]
    assert str(japan.valid_from) == "2025-08-07" and str(japan.deposited_from) == "2025-09-16"
    assert (
        "sec. 2(d)" in japan.reference and "Implementing the United States-Japan Agreement" in japan.reference
    )
    for heading in ("9903.02.83", "9903.02.88"):
        m = by_heading[heading]
        assert str(m.valid_from) == "2025-11-14" and str(m.deposited_from) == "2026-01-01"
        assert "2025-23316" in m.reference and "90 FR 59281" in m.reference
    plus = [m for m in load_measures() if m.heading == "9903.02.30"]
    assert [(str(m.valid_to), str(m.deposited_to)) for m in plus] == [("2025-08-07", "2025-09-16")]


def _git_dir(name: str, what: str) -> Path:
    git_dir = os.environ.get(name)
    if not git_dir or not Path(git_dir).exists():
        pytest.skip(f"{name} ({what}) not set")
    return Path(git_dir)


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


def test_the_japan_order_says_so() -> None:
    b = _builder()
    git_dir = _git_dir(
        "TMEC_WH_BRIEFINGS", "a git directory of github brian14708/wh-briefings, the order's copy"
    )
    text = _words(builder("builder_cli").git_show(git_dir, b.WH_BRIEFINGS[1], b.JAPAN_EO).decode("utf-8"))
    assert (
        "source_url: https://www.whitehouse.gov/presidential-actions/2025/09/implementing-the-united-states-japan-agreement/"
        in text
    )
    section = text[text.index("(d) The tariffs set forth in subsection (a) of this section") :][:400]
    assert "shall apply retroactively to products of Japan entered for consumption" in section
    assert "on or after 12:01 a.m. eastern daylight time on August 7, 2025" in section
    assert b.RETROACTIVE["JP"][1] == "2025-08-07"


def test_the_swiss_notice_says_so() -> None:
    from pypdf import PdfReader

    b = _builder()
    git_dir = _git_dir("TMEC_TARIFF_TRACKER", "a tariff-rate-tracker git dir, the notice's copy")
    raw = builder("builder_cli").git_show(git_dir, b.TRACKER[1], b.SWISS_NOTICE)
    text = _words(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(raw)).pages))
    assert "Framework for a United States\u2014Switzerland\u2014 Liechtenstein Agreement" in text
    dates = text[text.index("DATES:") :][:400]
    assert (
        "modifications set out in Annex II to this notice are effective with respect to goods entered"
        in dates
    )
    assert "on or after 12:01 a.m. eastern time on November 14, 2025" in dates
    assert "Vol. 90, No. 241 / Thursday, December 18, 2025" in text and "59281" in text
    assert b.RETROACTIVE["CH"][1] == b.RETROACTIVE["LI"][1] == "2025-11-14"
    # its Annex II, effective from that day, creates the lists the floors spare (ieepa_floor_lists.yaml)
    annex = text[text.index("Annex II Effective with respect to goods entered") :]
    assert all(h in annex for h in ("9903.02.84", "9903.02.86", "9903.02.89", "9903.02.91"))


def test_the_korea_day_is_the_one_cbp_quotes() -> None:
    b = _builder()
    assert "on or after 12:01 a.m. eastern time November 14, 2025" in b.KOREA
    assert "2025-21940" in b.KOREA and "CSMS #67045953" in b.KOREA and "read 2026-12-07" in b.KOREA
    assert b.RETROACTIVE["KR"][1] == "2025-11-14"
