"""The lists the EU, Switzerland and Liechtenstein spare their reciprocal floors (U.S. note 2(v)(xx),
(xxiii), (xxv)(b), (xxv)(d); 9903.02.74, .77, .84, .86, .89, .91), compiled from HTSUS 2026 rev 6."""

from __future__ import annotations

import os
from decimal import Decimal as D  # noqa: N817
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price
from tmec.law.tariffs import IEEPA_FLOOR_LISTS, IEEPA_RECIPROCAL, law_status

PICKLES = "0711.90.30"  # note 2(v)(xx): 8 % column 1
RABBITS = "0106.14.00"  # note 2(v)(xxv)(b): Free
ACID = "2807.00.00"  # note 2(v)(xxiii) and (xxv)(d): Free


def _floor(d: object) -> list[tuple[str, D]]:
    return [
        (ln.heading, ln.duty)
        for ln in d.lines  # type: ignore[attr-defined]
        if ln.program in ("ieepa_annex_ii", "ieepa_reciprocal")
    ]


def test_the_lists_are_what_the_builder_makes_of_the_notes() -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip("TMEC_TARIFF_TRACKER (a tariff-rate-tracker git dir, the notes' copy) not set")
    assert builder("build_ieepa_floor_lists").build(Path(tracker)) == IEEPA_FLOOR_LISTS.read_bytes()
    # the tracker's per-revision tables count the same provisions (219 EU, 321 Swiss, 807 pharmaceutical)
    head = IEEPA_FLOOR_LISTS.read_text(encoding="utf-8").splitlines()[4]
    assert head == (
        "# provisions: 9903.02.74 219; 9903.02.77 807; 9903.02.84 321; 9903.02.89 321; 9903.02.86 807; "
        "9903.02.91 807"
    )
    # and the reciprocal duties' file names them as compiled here, not as gaps
    reciprocal = IEEPA_RECIPROCAL.read_text(encoding="utf-8").split("not_compiled:")[1]
    for heading in ("9903.02.74", "9903.02.77", "9903.02.84", "9903.02.86", "9903.02.89", "9903.02.91"):
        assert f"{heading}, why: 'the product list" in reciprocal.replace("\n    ", " ")


def test_an_eu_listed_product_pays_column_1_only_from_the_day_its_heading_is_printed() -> None:
    before = price("2025-09-24", PICKLES, "DE", 1000)
    assert extra(before) == {"9903.02.20": D("70.00")}  # the floor: 15 % less column 1's 8 %
    d = price("2025-10-01", PICKLES, "DE", 1000)
    assert d.total_duty == D("80.00") and _floor(d) == [("9903.02.74", D("0.00"))]
    (line,) = [ln for ln in d.lines if ln.heading == "9903.02.74"]
    assert "U.S. note 2(v)(xx)" in line.reference and "[unverified]" not in line.reference
    # not for a product of another country
    assert extra(price("2025-10-01", PICKLES, "JP", 1000)) == {"9903.02.73": D("70.00")}


def test_swiss_and_liechtenstein_lists_apply_from_2025_11_14_in_law_and_2026_01_01_as_deposited() -> None:
    for origin, heading in (("CH", "9903.02.84"), ("LI", "9903.02.89")):
        d = price("2025-12-20", RABBITS, origin, 1000)
        assert d.total_duty == 0 and _floor(d) == [(heading, D("0.00"))]
        deposited = price("2025-12-20", RABBITS, origin, 1000, basis="deposited")
        assert deposited.total_duty == D("150.00") if origin == "LI" else deposited.total_duty > 0
        assert _floor(price("2026-01-10", RABBITS, origin, 1000, basis="deposited")) == [(heading, D("0.00"))]


def test_a_pharmaceutical_product_is_spared_only_when_declared_unpatented() -> None:
    asked = price("2025-10-01", ACID, "DE", 1000)
    assert extra(asked) == {"9903.02.20": D("150.00")}
    assert [q.fact for q in asked.questions if "9903.02.77" in q.text] == ["metals_relief"]
    declared = price("2025-10-01", ACID, "DE", 1000, metals_relief="unpatented_pharma")
    assert declared.total_duty == 0 and _floor(declared) == [("9903.02.77", D("0.00"))]
    assert _floor(price("2026-01-10", ACID, "CH", 1000, metals_relief="unpatented_pharma")) == [
        ("9903.02.86", D("0.00"))
    ]
    assert extra(price("2025-10-01", ACID, "DE", 1000, metals_relief="none")) == {"9903.02.20": D("150.00")}


def test_law_status_names_the_compiled_lists() -> None:
    status = law_status()
    assert any("9903.02.74" in str(s) for s in status["sources"])  # type: ignore[index, union-attr]
