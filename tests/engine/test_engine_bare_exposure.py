"""The exposure benchmark's bare baseline does the whole join: every entry line meets exactly one
rate (its 8-digit item, origin and the schedule version in force on its date), and its duty is the
general ad valorem rate on the value."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
from tests.engine.test_engine_bare_baseline import _bench

from tmec.engine import generate_entries
from tmec.tariffs import Entry, default_tables, price_entry


def test_every_line_meets_one_rate_and_pays_the_general_rate(tmp_path: Path) -> None:
    bench = _bench()
    entries, rates = tmp_path / "entries.parquet", tmp_path / "rates.parquet"
    generate_entries(entries, lines=400, seed=3, year=2025)
    assert bench.write_bare_rates(entries, rates) > 0
    conn = duckdb.connect()
    try:
        sql = bench.BARE_EXPOSURE.format(entries=entries, rates=rates)
        rows = conn.sql(sql).fetchall()
        lines = conn.sql(f"SELECT entry_date, hts, origin, value FROM read_parquet('{entries}')").fetchall()
    finally:
        conn.close()
    assert sum(r[2] for r in rows) == 400 and len(rows) == 12
    tables = default_tables()
    expected = Decimal(0)
    for day, hts, origin, value in lines:
        ordinary = price_entry(Entry(entry_date=day, hts=hts, origin=origin, value=value), tables=tables)
        general = tables.schedule.line(hts, day).general_rate.ad_valorem or Decimal(0)
        if ordinary.lines[0].measure == "General (MFN) rate":
            assert ordinary.lines[0].rate == general
        expected += (value * general / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert sum(r[1] for r in rows) == expected
