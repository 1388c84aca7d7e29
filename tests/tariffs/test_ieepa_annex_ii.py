"""The reciprocal duty's Annex II (9903.01.32), India's exemption of the same products (9903.01.86) and
Brazil's Annex I as revised from 2025-11-13, compiled from U.S. note 2 as HTSUS 2026 rev 6 prints it
(dates from a tracker's table, so the Annex II lines are [unverified])."""

from __future__ import annotations

import os
from decimal import Decimal as D  # noqa: N817
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price
from tmec.law import load_yaml
from tmec.law.tariffs import IEEPA_ANNEX_II, IEEPA_COUNTRY, load_measures

COFFEE, CRUDE, TOY, COPPER_TUBE = "0901.21.00", "2709.00.10", "9503.00.00", "7411.10.10"


def _annex(d: object) -> list[tuple[str, str, D]]:
    return [
        (ln.heading, ln.program, ln.rate)
        for ln in d.lines  # type: ignore[attr-defined]
        if ln.program in ("ieepa_annex_ii", "ieepa_reciprocal", "ieepa_country")
    ]


def test_the_lists_are_what_the_builder_makes_of_the_notes() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip("TMEC_TARIFF_TRACKER (a tariff-rate-tracker git dir, the notes' copy) not set")
    assert builder("build_ieepa_annex_ii").build(Path(tracker)) == IEEPA_ANNEX_II.read_bytes()
    # the country file is built after the lists (it asks only about what they leave)
    assert b"9903.01.86" not in IEEPA_COUNTRY.read_bytes().split(b"not_compiled:")[0]


def test_colombian_coffee_owes_the_reciprocal_duty_until_the_agricultural_order() -> None:
    assert extra(price("2025-11-12", COFFEE, "CO")) == {"9903.01.25": D("10000.00")}
    d = price("2025-11-13", COFFEE, "CO")
    assert extra(d) == {} and _annex(d) == [("9903.01.32", "ieepa_annex_ii", D(0))]
    (line,) = [ln for ln in d.lines if ln.program == "ieepa_annex_ii"]
    assert "U.S. note 2(v)(iii)(a)" in line.reference and "[unverified]" in line.reference


def test_an_annex_ii_product_from_the_start_and_one_that_left_it() -> None:
    japan = price("2025-10-01", CRUDE, "JP", quantity=1000)  # energy: in Annex II from 2025-04-05
    assert not [ln for ln in japan.lines if ln.program == "ieepa_reciprocal"]
    assert _annex(japan) == [("9903.01.32", "ieepa_annex_ii", D(0))]
    assert _annex(price("2025-04-05", CRUDE, "JP", quantity=1000)) == [("9903.01.32", "ieepa_annex_ii", D(0))]
    # copper tubes left Annex II when Section 232 copper began (2025-08-01)
    assert extra(price("2025-07-31", COPPER_TUBE, "DE")) == {}
    assert "9903.01.32" not in {
        ln.heading for ln in price("2025-08-01", COPPER_TUBE, "DE", copper_value=1).lines
    }


def test_india_spares_annex_ii_products_and_brazil_its_revised_annex() -> None:
    india = price("2025-12-01", COFFEE, "IN")
    assert extra(india) == {} and [h for h, _, _ in _annex(india)] == ["9903.01.32", "9903.01.86"]
    assert not [q for q in india.questions if q.fact == "exemption"]
    assert extra(price("2025-12-01", TOY, "IN"))["9903.01.84"] == D("25000.00")
    assert extra(price("2025-11-12", COFFEE, "BR"))["9903.01.77"] == D("40000.00")
    brazil = price("2025-11-13", COFFEE, "BR")
    assert extra(brazil) == {} and [h for h, _, _ in _annex(brazil)] == ["9903.01.32", "9903.01.81"]


def test_the_measures_are_dated_within_ieepa_and_marked_secondary() -> None:
    # the same program carries the EU, Swiss and Liechtenstein lists (tests/tariffs/test_ieepa_floor_lists.py)
    annex = [m for m in load_measures().program("ieepa_annex_ii") if m.heading == "9903.01.32"]
    assert len(annex) == 6 and all(m.unverified for m in annex)
    assert min(m.valid_from for m in annex).isoformat() == "2025-04-05"
    assert max(m.valid_to for m in annex if m.valid_to).isoformat() == "2026-02-24"
    compiled = load_yaml(IEEPA_ANNEX_II)
    assert sum(len(s["items"]) for n, s in compiled["scopes"].items() if n.startswith("reciprocal")) == 1324
