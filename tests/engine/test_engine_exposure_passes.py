"""The exposure reads the entry file where it lies, in passes that count problems: a bad line found
by any pass (its code and day, its texts, the single-entry path's refusal of its key, its amounts)
is named with its file and line, nothing is priced, and no copy of the lines is left or made."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tmec.core.errors import InputError
from tmec.engine import Engine, InputErrors, generate_entries
from tmec.engine.exposure import price_exposure
from tmec.tariffs import entry_from_mapping

HEADER = "line,entry_date,hts,origin,value,steel_value,weight_kg,metal_weight_kg\n"


def _csv(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "entries.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _refusal(duck: Engine, path: Path) -> str:
    with pytest.raises(InputErrors) as info:
        price_exposure(duck, path)
    return str(info.value)


def test_amounts_are_checked_in_the_pricing_pass(duck: Engine, tmp_path: Path) -> None:
    entries = _csv(
        tmp_path,
        "a,2025-05-01,7208.51.00,MX,100,,,\n"
        "b,2025-05-01,7208.51.00,MX,-3,,,\n"
        "c,2025-05-01,7208.51.00,MX,100,150,,\n"
        "d,2025-05-01,7208.51.00,MX,100,,,\n",
    )
    text = _refusal(duck, entries)
    assert "2 malformed row(s)" in text
    assert "entries.csv:3: value: expected a number greater than 0" in text
    assert "entries.csv:4: steel_value: more than the entered value" in text


def test_a_typed_parquet_file_is_checked_as_a_text_one(duck: Engine, tmp_path: Path) -> None:
    path = tmp_path / "entries.parquet"
    money = pa.decimal128(18, 2)
    pq.write_table(
        pa.table(
            {
                "entry_date": pa.array([dt.date(2025, 5, 1)] * 3, pa.date32()),
                "hts": ["72085100"] * 3,
                "origin": ["MX", "MX", "CA"],
                "value": pa.array([Decimal("10"), Decimal("0"), Decimal("100000000000000")], money),
            }
        ),
        path,
    )
    text = _refusal(duck, path)
    # (a Parquet file's lines are its rows, from 1)
    assert "entries.parquet:2: value: expected a number greater than 0" in text
    assert "entries.parquet:3: value: at most 99999999999999.9999" in text


def test_a_typed_parquet_files_amounts_are_compared_exactly_across_scales(
    duck: Engine, tmp_path: Path
) -> None:
    """The checks compare a file's own decimals (of different scales) as they are: a thousandth
    over the value is over it, the value itself is not."""
    path = tmp_path / "entries.parquet"
    cents, mills = pa.decimal128(18, 2), pa.decimal128(18, 3)
    n = 5

    def amounts(*xs: str | None, kind: pa.DataType = mills) -> pa.Array:
        return pa.array([None if x is None else Decimal(x) for x in xs], kind)

    pq.write_table(
        pa.table(
            {
                "entry_date": pa.array([dt.date(2025, 5, 1)] * n, pa.date32()),
                "hts": ["72085100"] * n,
                "origin": ["MX"] * n,
                "value": amounts("100", "100", "100", "100", "100", kind=cents),
                "steel_value": amounts("100.000", "100.001", "60", None, "40"),
                "aluminum_value": amounts(None, None, "40.001", None, "60"),
                "weight_kg": amounts(None, None, None, "10.000", "10"),
                "metal_weight_kg": amounts(None, None, None, "10.001", "10"),
            }
        ),
        path,
    )
    text = _refusal(duck, path)
    assert "3 malformed row(s)" in text
    assert "entries.parquet:2: steel_value: more than the entered value" in text
    assert "entries.parquet:3: aluminum_value: steel value plus aluminum value is more than the value" in text
    assert "entries.parquet:4: metal_weight_kg: the metal weighs" in text
    assert "entries.parquet:1:" not in text and "entries.parquet:5:" not in text


def test_a_metal_heavier_than_the_good_is_refused_as_price_entry_refuses_it(
    duck: Engine, tmp_path: Path
) -> None:
    row = {"entry_date": "2026-12-06", "hts": "8424.89.90", "origin": "DE", "value": "1000"}
    with pytest.raises(InputError, match="more than the weight"):
        entry_from_mapping({**row, "weight_kg": "10", "metal_weight_kg": "11"})
    entries = _csv(
        tmp_path, "a,2026-12-06,8424.89.90,DE,1000,,10,11\nb,2026-12-06,8424.89.90,DE,1000,,0,11\n"
    )
    text = _refusal(duck, entries)
    assert "1 malformed row(s)" in text
    assert "entries.csv:2: metal_weight_kg: the metal weighs 11.0000 kg, more than the weight" in text


def test_a_code_the_schedule_refuses_is_named_with_its_lines(duck: Engine, tmp_path: Path) -> None:
    entries = _csv(tmp_path, "a,2025-05-01,7208.51.00,MX,100,,,\nb,2025-05-01,9999.99.99,MX,5,,,\n")
    text = _refusal(duck, entries)
    assert "entries.csv:3:" in text
    assert "entries.csv:2:" not in text


def test_the_lines_are_not_copied(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.parquet"
    generate_entries(entries, lines=3000, seed=7, year=2025)
    x = price_exposure(duck, entries)
    assert x.lines == 3000
    tables = duck.conn.execute(
        "SELECT table_name, list(column_name) FROM information_schema.columns GROUP BY table_name"
    ).fetchall()
    # no table holds the lines' amounts or numbers: the passes left only their small tables
    assert tables and not [t for t, cols in tables if {"value", "src_line"} & set(cols)]


def test_a_damaged_file_is_bad_input_naming_it(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.parquet"
    generate_entries(entries, lines=2000, seed=8, year=2025)
    data = bytearray(entries.read_bytes())
    data[len(data) // 3 : len(data) // 3 + 200] = bytes(200)
    entries.write_bytes(bytes(data))
    with pytest.raises((InputError, duckdb.Error)) as info:
        price_exposure(duck, entries)
    assert isinstance(info.value, InputError) and "entries.parquet" in str(info.value)


def test_the_largest_amounts_are_priced_exactly(duck: Engine, tmp_path: Path) -> None:
    """Rates times amounts near 10^14 need 128 bits (a product of 64-bit decimals overflows)."""
    from tests.engine.test_engine_exposure import by_hand, engine_lines

    from tmec.tariffs import default_tables

    path = tmp_path / "entries.parquet"
    pq.write_table(
        pa.table(
            {
                "entry_date": pa.array([dt.date(2025, 5, 1), dt.date(2026, 12, 6)], pa.date32()),
                "hts": ["72085100", "84248990"],
                "origin": ["CN", "DE"],
                "value": pa.array(
                    [Decimal("99999999999999.99"), Decimal("98765432109876.54")], pa.decimal128(18, 2)
                ),
                "weight_kg": pa.array([None, Decimal("99999999999.999")], pa.decimal128(18, 3)),
                "metal_weight_kg": pa.array([None, Decimal("99999999999.998")], pa.decimal128(18, 3)),
            }
        ),
        path,
    )
    out = tmp_path / "lines.parquet"
    price_exposure(duck, path, lines_out=out)
    csv_path = tmp_path / "entries.csv"
    csv_path.write_text(
        "entry_date,hts,origin,value,weight_kg,metal_weight_kg\n"
        "2025-05-01,72085100,CN,99999999999999.99,,\n"
        "2026-12-06,84248990,DE,98765432109876.54,99999999999.999,99999999999.998\n",
        encoding="utf-8",
    )
    # the Parquet file's rows are its lines from 1, the CSV file's from 2 (its header is line 1)
    assert {k + 1: v for k, v in engine_lines(out).items()} == by_hand(csv_path, default_tables())


def test_the_engine_keeps_its_insertion_order_setting(duck: Engine, tmp_path: Path) -> None:
    """The passes run without DuckDB's insertion order (their results are read in an order of their
    own); the setting is as it was afterwards, after a refusal too."""
    entries = _csv(tmp_path, "a,2025-05-01,7208.51.00,MX,100,,,\n")
    price_exposure(duck, entries)
    setting = "SELECT current_setting('preserve_insertion_order')"
    assert duck.conn.execute(setting).fetchall()[0][0] is True
    _refusal(duck, _csv(tmp_path, "b,2025-05-01,7208.51.00,MX,-3,,,\n"))
    assert duck.conn.execute(setting).fetchall()[0][0] is True


def test_keys_sharing_a_hash_are_numbered_instead(
    duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key's id is a hash of its columns; were two keys to share one (forced here: every key
    hashes to 0), they are numbered in order instead, never priced as one."""
    import tmec.engine.exposure as exposure

    path = tmp_path / "entries.parquet"
    generate_entries(path, lines=3000, seed=5, year=2025)
    want = price_exposure(duck, path)
    monkeypatch.setattr(exposure, "KEY_HASH_MODULUS", 1)
    got = price_exposure(duck, path)
    assert want.probed > 100 and got.probed == want.probed
    assert (got.duty, got.by) == (want.duty, want.by)


def test_a_failure_of_duckdb_that_is_not_the_file_is_not_reported_as_unreadable(
    duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a read or parse error of the input says "cannot read the file"; an overflow (or running
    out of memory...) in a pass over a good file names what failed, and is not bad input."""
    from tmec.engine.entry_tables import EngineFailure
    from tmec.engine.line_passes import Passes

    entries = tmp_path / "entries.parquet"
    generate_entries(entries, lines=500, seed=9, year=2025)
    real = Passes.get

    def overflowing(self: Passes, sql: str) -> pa.Table:
        if "count_if(bad_amount)" in sql:  # the pricing pass
            sql = "SELECT 9223372036854775807::BIGINT * 2 AS n"
        return real(self, sql)

    monkeypatch.setattr(Passes, "get", overflowing)
    with pytest.raises(EngineFailure) as info:
        price_exposure(duck, entries)
    text = str(info.value)
    assert not isinstance(info.value, InputError) and "cannot read" not in text
    assert "pricing the entry lines" in text and "entries.parquet" in text and "Overflow" in text


@pytest.mark.parametrize("value", ["7.77", "9999999999.99", "10000000000.00", "99999999999999.99"])
def test_the_totals_are_exact_on_both_duty_expressions(
    duck: Engine, tmp_path: Path, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pricing pass takes its lean duty expression in one product first, then in two when a
    rate times a base is too large for one (DuckDB refuses an overflow), then, when a base is too
    large for both, the expression that chooses per line: either way every total is the
    single-entry path's, to the cent."""
    from tmec.engine import line_passes
    from tmec.tariffs import default_tables, price_entry

    passes: list[str] = []  # per pricing pass made: the duty expression it took
    made = line_passes.Passes._priced

    def spy(self: line_passes.Passes, *args: Any) -> str:
        lean, short = (args[3], args[4]) if len(args) > 4 else (args[3], False)
        passes.append("units" if not any(lean) else "short" if short else "lean")
        return made(self, *args)

    monkeypatch.setattr(line_passes.Passes, "_priced", spy)
    rows = (
        f"a,2025-05-01,7208.51.00,MX,{value},,,\n"
        f"b,2025-06-02,7208.51.00,CN,{value},,,\n"
        f"c,2026-12-06,8424.89.90,DE,{value},1.23,100,7\n"
        "d,2025-03-14,7604.29.10,CN,10.10,3.33,,\n"
    )
    x = price_exposure(duck, _csv(tmp_path, rows))
    tables = default_tables()
    want = Decimal(0)
    for i, r in enumerate(rows.splitlines()):
        f = dict(zip(HEADER.strip().split(","), r.split(","), strict=True))
        want += price_entry(entry_from_mapping(f, line=i + 2), tables=tables).total_duty
    assert x.duty == want
    small, large = Decimal(value) < 1000, Decimal(value) < 10**10
    assert passes == (["short"] if small else ["short", "lean"] if large else ["short", "lean", "units"])


def test_facts_sharing_a_hash_are_refused(
    duck: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lines are grouped by their facts themselves and each fact hashed once: were two facts
    to share a hash (forced here), the lines could not be told apart by it, and the file is
    refused rather than priced wrong."""
    from tmec.engine import line_passes

    made = line_passes.Passes.fact_hash

    def one_hash(self: line_passes.Passes, alias: str, grouped: bool = False) -> str:
        return "CAST(0 AS UBIGINT)" if grouped else made(self, alias, grouped)

    monkeypatch.setattr(line_passes.Passes, "fact_hash", one_hash)
    path = _csv(tmp_path, "a,2025-05-01,7208.51.00,MX,100,,,\nb,2025-05-01,7208.51.00,CN,100,,,\n")
    with pytest.raises(InputError, match="share a hash"):
        price_exposure(duck, path)
