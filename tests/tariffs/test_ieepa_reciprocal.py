"""The IEEPA reciprocal duties, compiled from the chapter 99 text of every revision: the file is what the
builder makes of the data, no heading of the ranges is lost, and lines from Japan, Vietnam, the EU,
India, Brazil, Korea and Switzerland are priced before, during and after, against amounts worked by
hand from the heading texts (column 1 rates from the schedule: 8481.80.90 valves 2 %, 6402.99.90
footwear 20 %, 9503.00.00 toys Free, 7318.15.20.65 bolts Free)."""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal as D  # noqa: N817
from pathlib import Path
from typing import Any

import pytest

from tests.tariffs.helpers import extra, price, run
from tmec.law import load_yaml
from tmec.law.tariffs import IEEPA_RECIPROCAL, load_chapter99, load_measures

ROOT = Path(__file__).resolve().parents[2]
VALVE, SHOE, TOY, BOLT = "8481.80.90", "6402.99.90", "9503.00.00", "7318.15.20.65"


def _builder() -> Any:
    path = ROOT / "tools" / "law" / "build_ieepa_reciprocal.py"
    spec = importlib.util.spec_from_file_location("build_ieepa_reciprocal", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_shipped_file_is_what_the_builder_makes_of_every_revision(shared_data: Path) -> None:
    built = _builder().build(shared_data)
    assert built == IEEPA_RECIPROCAL.read_bytes(), "run python tools/law/build_ieepa_reciprocal.py"


def test_every_heading_of_the_ranges_is_a_measure_or_listed_with_its_reason() -> None:
    compiled = load_yaml(IEEPA_RECIPROCAL)
    used = {m["heading"] for m in compiled["measures"]} | {
        m["floor_met_heading"] for m in compiled["measures"] if "floor_met_heading" in m
    }
    listed = {g["heading"] for g in compiled["not_compiled"]}
    ch99 = load_chapter99()
    printed = {
        f"{c[:4]}.{c[4:6]}.{c[6:]}"
        for c in ch99.codes()
        if "99030125" <= c <= "99030176" or c.startswith("990302")
    }
    assert printed and printed == used | listed
    assert not used & listed


def test_japan_before_during_and_after() -> None:
    assert extra(price("2025-04-08", VALVE, "JP")) == {"9903.01.25": D("10000.00")}  # 10 % baseline
    assert extra(price("2025-04-09", VALVE, "JP")) == {"9903.01.53": D("24000.00")}  # Brunei, Japan, Malaysia
    assert extra(price("2025-04-10", VALVE, "JP")) == {"9903.01.25": D("10000.00")}  # 9903.01.53 suspended
    # + 15 % as deposited at entry until 2025-09-16; in law 15 % inclusive of column 1 (9903.02.73)
    # from 2025-08-07, the EO of 4 Sep 2025 being retroactive: 15 - 2 = 13 % on 100,000
    assert extra(price("2025-08-07", VALVE, "JP", basis="deposited")) == {"9903.02.30": D("15000.00")}
    assert extra(price("2025-08-07", VALVE, "JP")) == {"9903.02.73": D("13000.00")}
    d = price("2025-10-01", VALVE, "JP")
    assert extra(d) == {"9903.02.73": D("13000.00")} and d.total_duty == D("15000.00")
    # column 1 at or above 15 %: nothing more, reported under 9903.02.72
    shoe = price("2025-10-01", SHOE, "JP")  # a floor met is reported at 0 (an exemption is not)
    assert extra(shoe) == {} and shoe.total_duty == D("20000.00")
    assert [ln.heading for ln in shoe.lines if ln.program == "ieepa_reciprocal"] == ["9903.02.72"]
    # IEEPA ended: Section 122 from 2026-02-24
    assert extra(price("2026-02-24", VALVE, "JP")) == {"9903.03.01": D("10000.00")}


def test_vietnam_46_for_a_day_then_10_then_20_then_nothing() -> None:
    assert extra(price("2025-04-09", TOY, "VN")) == {"9903.01.72": D("46000.00")}
    assert extra(price("2025-04-10", TOY, "VN")) == {"9903.01.25": D("10000.00")}
    assert extra(price("2025-08-06", TOY, "VN")) == {"9903.01.25": D("10000.00")}
    assert extra(price("2025-08-07", TOY, "VN")) == {"9903.02.69": D("20000.00")}
    assert "9903.02.69" not in extra(price("2026-02-24", TOY, "VN"))


def test_the_european_union_floor_every_member() -> None:
    assert extra(price("2025-04-09", VALVE, "FR")) == {"9903.01.50": D("20000.00")}  # the EU or Jordan
    assert extra(price("2025-08-06", VALVE, "DE")) == {"9903.01.25": D("10000.00")}
    for member in ("DE", "FR", "IT", "IE", "PL"):
        assert extra(price("2025-08-07", VALVE, member)) == {"9903.02.20": D("13000.00")}
    assert extra(price("2025-08-07", SHOE, "ES")) == {}  # 20 % column 1: 9903.02.19, nothing more
    assert extra(price("2025-08-07", TOY, "NL")) == {"9903.02.20": D("15000.00")}  # Free: the whole 15 %
    assert extra(price("2025-08-07", VALVE, "NO")) == {"9903.02.50": D("15000.00")}  # not a member: + 15 %


def test_india_and_brazil_their_reciprocal_rates() -> None:
    assert extra(price("2025-04-09", TOY, "IN")) == {"9903.01.55": D("26000.00")}
    # each with its own order's duty on top (tests/tariffs/test_ieepa_country.py)
    assert extra(price("2025-10-01", TOY, "IN")) == {"9903.02.26": D("25000.00"), "9903.01.84": D("25000.00")}
    assert extra(price("2025-04-09", TOY, "BR")) == {"9903.01.25": D("10000.00")}  # no Phase 1 rate
    assert extra(price("2025-10-01", TOY, "BR")) == {"9903.02.09": D("10000.00"), "9903.01.77": D("40000.00")}
    assert extra(price("2026-03-01", TOY, "BR")) == {"9903.03.01": D("10000.00")}


def test_korea_and_switzerland_move_to_their_floors() -> None:
    # Korea: printed from 2025-12-05, in law from 2025-11-14 (tests/tariffs/test_ieepa_retroactive.py)
    assert extra(price("2025-12-04", VALVE, "KR", basis="deposited")) == {"9903.02.56": D("15000.00")}
    assert extra(price("2025-12-04", VALVE, "KR")) == {"9903.02.80": D("13000.00")}
    assert extra(price("2025-12-05", VALVE, "KR")) == {"9903.02.80": D("13000.00")}
    # Switzerland and Liechtenstein: the revisions print the floors from 2026-01-01, the notice of
    # 18 Dec 2025 dates them back to 2025-11-14 (tests/tariffs/test_ieepa_retroactive.py)
    assert extra(price("2025-12-31", VALVE, "CH", basis="deposited")) == {"9903.02.58": D("39000.00")}
    assert extra(price("2025-11-13", VALVE, "CH")) == {"9903.02.58": D("39000.00")}
    assert extra(price("2025-12-31", VALVE, "CH")) == {"9903.02.83": D("13000.00")}
    assert extra(price("2026-01-01", VALVE, "CH")) == {"9903.02.83": D("13000.00")}
    assert extra(price("2026-01-01", VALVE, "LI")) == {"9903.02.88": D("13000.00")}


def test_the_floor_stacks_on_what_section_232_leaves() -> None:
    # 50 % on the 60,000 of steel (9903.81.90); the floor on the other 40,000: (15 - 0) % = 6,000
    d = price("2025-10-01", BOLT, "JP", 100000, steel_value=60000)
    assert extra(d) == {"9903.81.90": D("30000.00"), "9903.02.73": D("6000.00")}


def test_exemptions_that_are_data() -> None:
    russia = price("2025-10-01", TOY, "RU")  # general note 3(b) (9903.01.29)
    assert extra(russia) == {} and any("9903.01.29" in n for n in russia.notes)
    assert not [ln for ln in russia.lines if ln.program == "ieepa_reciprocal"]  # nothing to report
    assert extra(price("2025-10-01", TOY, "CA")) == {"9903.01.10": D("35000.00")}  # fentanyl, not reciprocal
    assert extra(price("2025-10-01", TOY, "MX", usmca=True)) == {}


def test_a_floor_on_a_specific_rate_asks_for_its_ad_valorem_equivalent() -> None:
    # 0201.10.05 (beef) is 4.4 cents/kg: the EU floor needs the ad valorem equivalent of it
    d = price("2025-10-01", "0201.10.05", "IE", 100000, weight_kg=1000)
    assert any("ad valorem equivalent" in q.text and "9903.02.20" in q.text for q in d.questions)


def test_how_many_measures_and_the_law_status() -> None:
    recip = [m for m in load_measures() if m.program == "ieepa_reciprocal"]
    assert len(recip) == len(load_yaml(IEEPA_RECIPROCAL)["measures"]) > 100
    assert all(m.valid_to is not None and m.valid_to.isoformat() <= "2026-02-24" for m in recip)
    code, out = run("law", "status", "--json")
    assert code == 0 and "ieepa_reciprocal.yaml" in out
    assert "turning each heading's country text" not in out  # the old gap is gone


@pytest.mark.parametrize("origin", ["JP", "VN", "DE", "IN", "BR"])
def test_tmec_duty_prices_the_reciprocal_rate(origin: str) -> None:
    code, out = run("duty", "--hts", VALVE, "--origin", origin, "--value", "1000", "--date", "2025-10-01")
    assert code == 0 and "9903.0" in out
