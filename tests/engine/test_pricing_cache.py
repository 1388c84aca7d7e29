"""The keys an exposure prices are kept under ``$TMEC_HOME`` by law: a second run on the same law
prices none again and gives every line the same duties, to the last decimal (``price_entry`` stays
the reference); another law, another basis or a scenario never reads them; a damaged cache is
passed over."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.engine.test_engine_exposure import SCENARIO, by_hand, engine_lines

from tmec.engine import Engine, generate_entries, pricing_cache
from tmec.engine.exposure import load_scenario, price_exposure
from tmec.engine.pricing_cache import cache_for
from tmec.tariffs import default_tables


def _parts(home: Path) -> list[Path]:
    return sorted((home / "cache" / "pricing").rglob("part-*.parquet"))


def test_a_second_run_takes_every_key_from_the_cache_and_prices_every_line_alike(
    duck: Engine, tmp_path: Path
) -> None:
    entries = tmp_path / "entries.csv"
    generate_entries(entries, lines=1500, seed=2026, year=2026)
    cold, warm = tmp_path / "cold.parquet", tmp_path / "warm.parquet"
    first = price_exposure(duck, entries, lines_out=cold)
    assert first.probed > 100 and first.cached == 0
    second = price_exposure(duck, entries, lines_out=warm)
    assert second.cached == second.probed == first.probed  # no key priced again
    assert (second.duty, second.by, second.questions, second.flow_values) == (
        first.duty,
        first.by,
        first.questions,
        first.flow_values,
    )
    assert engine_lines(warm) == engine_lines(cold) == by_hand(entries, default_tables())


def test_keys_of_another_file_are_added_to_the_cache(duck: Engine, tmp_path: Path) -> None:
    one, two = tmp_path / "one.parquet", tmp_path / "two.parquet"
    generate_entries(one, lines=600, seed=1, year=2025)
    generate_entries(two, lines=600, seed=2, year=2025)
    price_exposure(duck, one)
    x = price_exposure(duck, two)
    assert 0 < x.cached < x.probed  # some keys shared, the others priced and kept
    again = price_exposure(duck, two)
    assert again.cached == again.probed and again.by == x.by


def test_a_scenario_another_basis_or_another_law_is_never_read_from_the_cache(
    duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tables = default_tables()
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    assert cache_for(load_scenario(scenario, tables)[1], "liability") is None
    liability, deposited = cache_for(tables, "liability"), cache_for(tables, "deposited")
    assert liability is not None and deposited is not None
    assert liability.directory != deposited.directory
    # the digest covers every file of the law and of the pricing code
    package = tmp_path / "package"
    for name in (
        "law/tariffs/measures.yaml",
        "tariffs/stacking.py",
        "core/hs.py",
        "engine/pricing_keys.py",
        "engine/pricing_periods.py",
    ):
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text("x", encoding="utf-8")
    monkeypatch.setattr(pricing_cache, "_PACKAGE", package)
    pricing_cache._digest.cache_clear()
    before = pricing_cache._digest("liability", ())
    (package / "law/tariffs/measures.yaml").write_text("y", encoding="utf-8")
    pricing_cache._digest.cache_clear()
    assert pricing_cache._digest("liability", ()) != before
    pricing_cache._digest.cache_clear()


def test_a_damaged_cache_is_passed_over(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.parquet"
    generate_entries(entries, lines=800, seed=3, year=2025)
    want = price_exposure(duck, entries)
    parts = _parts(Path(pricing_cache.tmec_home()))
    assert len(parts) == 3  # the templates, and the periods of the codes and of their origins
    for part in parts:
        part.write_bytes(b"PAR1 not a parquet file")
    got = price_exposure(duck, entries)
    assert got.cached == 0 and (got.duty, got.by) == (want.duty, want.by)
    # the damaged parts were dropped and this run's kept in their place
    again = price_exposure(duck, entries)
    assert again.cached == again.probed and (again.duty, again.by) == (want.duty, want.by)


def test_the_cache_is_off_when_asked(duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pricing_cache.CACHE_ENV, "0")
    entries = tmp_path / "entries.parquet"
    generate_entries(entries, lines=300, seed=4, year=2025)
    price_exposure(duck, entries)
    assert price_exposure(duck, entries).cached == 0
    assert not _parts(Path(pricing_cache.tmec_home()))
