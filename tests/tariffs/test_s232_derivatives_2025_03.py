"""Section 232 derivatives of Procs. 10896 (steel) and 10895 (aluminum) from 2025-03-12, and the
inclusions of 2025-04-04 (beer, cans) and 2025-06-23 (household appliances): the lists as compiled from
the HTSUS (footnotes, notes) and the notices, and the duties they give, worked by hand."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal as D  # noqa: N817
from pathlib import Path

import pytest

from tests.tariffs.helpers import builder, extra, price
from tmec.core.errors import InputError
from tmec.law import load_yaml
from tmec.law.tariffs import S232_DERIVATIVES_2025_03, law_status, load_measures, load_schedule

BOLT = "7318.15.20.65"  # steel bolts, chapter 73: note 16(m), full value until 2025-06-04
BLADE = "8431.42.00.00"  # bulldozer blades: note 16(n), on the steel content
WASHER = "8450.11.00.40"  # household washing machine: added to 16(n) from 2025-06-23
RACKET = "9506.51.40.00"  # lawn-tennis rackets, strung: note 19(k), on the aluminum content
BEER = "2203.00.00.30"  # beer: added to 19(k) from 2025-04-04
PAN = "7615.10.71.30"  # aluminum cooking ware: note 19(j)


def test_the_lists_are_what_the_builder_makes_of_the_revisions_notes_and_notices(shared_data: Path) -> None:
    tracker = os.environ.get("TMEC_TARIFF_TRACKER")
    if not tracker or not Path(tracker).exists():
        pytest.skip("TMEC_TARIFF_TRACKER (a tariff-rate-tracker git dir, the notes' copy) not set")
    built = builder("build_s232_derivatives_2025_03").build(shared_data, Path(tracker))
    assert built == S232_DERIVATIVES_2025_03.read_bytes()


def test_the_lists_have_the_sizes_the_texts_give() -> None:
    scopes = load_yaml(S232_DERIVATIVES_2025_03)["scopes"]
    sizes = {name: len(s["items"]) for name, s in scopes.items()}
    assert sizes == {
        "s232_2020_aluminum_derivatives_19i": 6,
        "s232_2025_03_steel_derivatives_16m": 152,  # + 7317.00.30/.55/.65, under note 16(l) already
        "s232_2025_03_steel_derivatives_16n": 12,  # "12 tariff codes in Chapter 84 and 94"
        "s232_2025_06_steel_derivatives_16n": 11,  # ten subheadings and 9403.99.9020
        "s232_2025_03_aluminum_derivatives_19j": 19,
        "s232_2025_03_aluminum_derivatives_19k": 105 + 5,  # and the lines split from/into 3 of them
        "s232_2025_04_aluminum_derivatives_19j": 1,
        "s232_2025_04_aluminum_derivatives_19k": 1,
    }
    head = S232_DERIVATIVES_2025_03.read_text(encoding="utf-8").split("scopes:", 1)[0]
    assert head.count("sha256") == 5 and "licence: US Government works" in head
    secondary = {n for n, s in scopes.items() if s["confidence"] == "S"}
    assert secondary == {n for n in scopes if n.startswith(("s232_2025_04", "s232_2025_06"))}


def test_every_listed_provision_is_in_a_revision_in_force_while_its_list_was() -> None:
    """A list from the 2026 text names lines born after its start (9401.99.90.30, 2025-07-01); the lines
    they split from or into are listed with them (the file's header names each)."""
    schedule = load_schedule()
    scopes = load_yaml(S232_DERIVATIVES_2025_03)["scopes"]
    starts = {"2020": "2025-03-12", "2025_03": "2025-03-12", "2025_04": "2025-04-04", "2025_06": "2025-06-23"}
    end = dt.date(2026, 4, 6)

    def exists(digits: str, day: dt.date) -> bool:
        try:
            schedule.line(digits, day)
        except InputError:
            return False
        return True

    for name, scope in scopes.items():
        start = dt.date.fromisoformat(next(d for k, d in starts.items() if name.startswith(f"s232_{k}")))
        days = [start, *sorted({r.effective for r in schedule.revisions if start < r.effective < end})]
        for code in scope["items"]:
            digits = code.replace(".", "")
            if len(digits) == 10:
                assert any(exists(digits, d) for d in days), (name, code)
            else:
                assert schedule.codes(digits), (name, code)


def test_a_march_list_bolt_pays_25_on_its_value_then_50_on_its_steel() -> None:
    assert extra(price("2025-03-11", BOLT, "DE", 10000, steel_value=4000)) == {}
    assert extra(price("2025-04-01", BOLT, "DE", 10000, steel_value=4000)) == {"9903.81.90": D("2500.00")}
    june = price("2025-07-01", BOLT, "DE", 10000, steel_value=4000)
    # 50 % of the steel (4,000), and the EU's reciprocal 10 % on the other 6,000 (Proc. 10947)
    assert extra(june) == {"9903.81.90": D("2000.00"), "9903.01.25": D("600.00")}
    # Mexico with a USMCA claim (IEEPA Mexico spared): the 232 duty alone
    assert extra(price("2025-04-01", BOLT, "MX", 10000, steel_value=4000, usmca=True)) == {
        "9903.81.90": D("2500.00")
    }


def test_a_march_list_article_outside_chapter_73_pays_on_its_steel_content() -> None:
    d = price("2025-04-01", BLADE, "MX", 10000, steel_value=4000, usmca=True)
    assert extra(d) == {"9903.81.91": D("1000.00")}
    line = next(ln for ln in d.lines if ln.heading == "9903.81.91")
    assert line.base == D("4000") and line.measure_id == "s232_steel_deriv_other_2025"


def test_an_appliance_pays_from_2025_06_23_only() -> None:
    assert extra(price("2025-06-20", WASHER, "MX", 10000, steel_value=3000, usmca=True)) == {}
    d = price("2025-07-01", WASHER, "MX", 10000, steel_value=3000, usmca=True)
    assert extra(d) == {"9903.81.91": D("1500.00")}
    line = next(ln for ln in d.lines if ln.heading == "9903.81.91")
    assert "[unverified]" in line.reference  # the list is the notice's as CBP quotes it
    uk = price("2025-07-01", WASHER, "GB", 10000, steel_value=3000)
    assert extra(uk)["9903.81.98"] == D("750.00")
    us = price("2025-07-01", WASHER, "DE", 10000, steel_value=3000, melted_poured="US")
    assert "9903.81.91" not in extra(us) and "9903.81.92" in {ln.heading for ln in us.lines}


def test_aluminum_derivatives_outside_chapter_76_pay_on_their_aluminum() -> None:
    assert extra(price("2025-04-01", RACKET, "DE", 10000, aluminum_value=2000)) == {"9903.85.08": D("500.00")}
    assert extra(price("2025-07-01", RACKET, "DE", 10000, aluminum_value=2000))["9903.85.08"] == D("1000.00")
    assert extra(price("2025-07-01", RACKET, "GB", 10000, aluminum_value=2000))["9903.85.15"] == D("500.00")
    # seat parts: 2026 rev 6 lists 9401.99.9030 and .9070, split on 2025-07-01 from .9081, which March's
    # entries report; .9070 was split again on 2026-01-30 (into .9040, .9085)
    for day, line in (
        ("2025-04-01", "9401.99.90.81"),
        ("2025-08-01", "9401.99.90.70"),
        ("2026-03-01", "9401.99.90.85"),
    ):
        assert "9903.85.08" in extra(price(day, line, "DE", 10000, aluminum_value=1000)), (day, line)


def test_beer_from_2025_04_04_and_a_pan_on_its_full_value() -> None:
    assert extra(price("2025-04-03", BEER, "DE", 10000, aluminum_value=1000)) == {}
    assert extra(price("2025-04-04", BEER, "DE", 10000, aluminum_value=1000)) == {"9903.85.08": D("250.00")}
    assert extra(price("2025-04-01", PAN, "DE", 10000))["9903.85.07"] == D("2500.00")


def test_a_code_on_no_list_is_not_charged() -> None:
    assert extra(price("2025-04-01", "7323.91.10.00", "DE", 10000, steel_value=4000)) == {}
    # stranded aluminum wire with a steel core was not a derivative before the August inclusions
    # (note 19(i) lists 7614.10.50, not 7614.10.10); the bundled subset charged it as one
    assert not {"9903.85.04", "9903.85.07"} & set(extra(price("2025-07-01", "7614.10.10.00", "DE", 10000)))
    assert extra(price("2025-08-20", "7614.10.10.00", "DE", 10000, aluminum_value=5000))["9903.85.07"] == D(
        "2500.00"
    )


def test_both_metals_stack_on_metal_furniture() -> None:
    d = price("2025-04-01", "9403.20.00.50", "CN", 10000, steel_value=3000, aluminum_value=1000)
    got = extra(d)
    assert got["9903.81.91"] == D("750.00") and got["9903.85.08"] == D("250.00")


def test_law_status_names_the_source_and_no_longer_a_bundled_subset() -> None:
    status = law_status()
    by_file = {s["file"]: s for s in status["sources"]}
    source = by_file["tariffs/s232_derivatives_2025_03.yaml"]
    assert "hts_2025_rev_5.json.gz" in source["note"]
    assert source["revisions"][0]["effective_date"] == "2025-03-12"
    gaps = " ".join(g["measure"] + " " + g["why"] for g in status["known_gaps"])
    assert "bundled subset" not in gaps
    assert all(m.scope for m in load_measures() if m.program in ("s232_steel", "s232_aluminum"))
