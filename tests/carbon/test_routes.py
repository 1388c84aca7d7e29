"""Every kind of route marker: one letter, none, a letter the benchmark lacks, compound, period."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tmec.carbon.law import CarbonLaw
from tmec.carbon.routes import RouteNeeded, marker_letters, period_marker, select_benchmark
from tmec.carbon.tables import BenchmarkEntry
from tmec.core.errors import InputError

from .conftest import calc

CDE = (
    BenchmarkEntry(Decimal("1.364"), "C", None),
    BenchmarkEntry(Decimal("0.475"), "D", None),
    BenchmarkEntry(Decimal("0.066"), "E", None),
)
FGHJ = tuple(
    BenchmarkEntry(Decimal(v), r, p)
    for v, r, p in (
        ("1.613", "F", "1"),
        ("0.788", "G", "1"),
        ("0.446", "H", "1"),
        ("0.986", "J", "1"),
        ("1.446", "F", "2"),
        ("0.775", "G", "2"),
        ("0.433", "H", "2"),
        ("0.954", "J", "2"),
    )
)


def pick(
    entries: tuple[BenchmarkEntry, ...], marker: str | None, chosen: str | None = None, year: int = 2026
):
    return select_benchmark(entries, cn="72000000", column="B", year=year, marker=marker, chosen=chosen)


def test_single_letter_selects_its_route() -> None:
    assert pick(CDE, "D").entry.value == Decimal("0.475")


def test_compound_marker_is_kept_raw_and_resolved_explicitly() -> None:
    assert marker_letters("C/F") == ("C", "F")
    got = pick(FGHJ, "C/F")
    assert got.entry.value == Decimal("1.613")  # F: the only letter of C/F with a benchmark here
    assert any("compound route marker C/F resolved to F" in f for f in got.flags)


def test_compound_marker_naming_two_routes_needs_the_declarant() -> None:
    with pytest.raises(RouteNeeded, match=r"marker 'E/H'.*F, G, H, J"):
        pick((*FGHJ, BenchmarkEntry(Decimal("0.1"), "E", "1")), "E/H")
    assert pick(FGHJ, "E/H").entry.route == "H"  # E is not a route of this benchmark


def test_no_marker_with_routed_benchmarks_needs_the_declarant() -> None:
    with pytest.raises(RouteNeeded, match="no route marker"):
        pick(CDE, None)
    assert pick(CDE, None, chosen="e").entry.value == Decimal("0.066")


def test_letter_without_a_benchmark_is_never_mapped_silently() -> None:
    with pytest.raises(RouteNeeded, match=r"marker 'C'.*F, G, H, J"):
        pick(FGHJ, "C")
    with pytest.raises(RouteNeeded, match="route 'K' has no column-B benchmark"):
        pick(FGHJ, "C", chosen="K")


def test_period_markers_follow_the_production_year() -> None:
    stainless = (BenchmarkEntry(Decimal("1.154"), None, "1"), BenchmarkEntry(Decimal("1.116"), None, "2"))
    assert pick(stainless, None, year=2027).entry.value == Decimal("1.154")
    assert pick(stainless, None, year=2028).entry.value == Decimal("1.116")
    assert period_marker(2031)[1]  # beyond the act's 2030: held, and flagged


def test_unknown_letter_is_bad_data() -> None:
    with pytest.raises(InputError, match="unknown production route 'Z'"):
        marker_letters("C/Z")


def test_real_table_letter_lacking_a_benchmark_asks_for_the_route(law: CarbonLaw) -> None:
    # Uzbekistan's 7205 21 00 row says E; its benchmarks are the alloy routes F/G/H/J only.
    with pytest.raises(RouteNeeded, match="F, G, H, J"):
        calc(law, "72052100", "UZ", "1")
    a = calc(law, "72052100", "UZ", "1", route="H")
    assert a.route == "H" and a.route_marker == "E"


def test_stainless_bolts_use_the_period_benchmark(law: CarbonLaw) -> None:
    a = calc(law, "73181535", "MX", "1", year=2028, price=Decimal(1))
    assert a.sefa == Decimal("0.90") * Decimal("1.116")
