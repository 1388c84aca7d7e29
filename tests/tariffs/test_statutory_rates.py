"""`tmec rates`: the statutory rate of every HTS-10 line for every origin on a date, by authority."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.tariffs.helpers import price, run
from tmec.core.countries import _iso_countries
from tmec.core.errors import InputError
from tmec.tariffs import Entry, default_tables, price_entry
from tmec.tariffs.statutory import OTHERS, statutory_rows, table_origins

pytestmark = pytest.mark.usefixtures("home")  # a fresh $TMEC_HOME: no imported schedule


@pytest.mark.parametrize("day", ["2025-06-10", "2025-10-01", "2026-12-06"])
def test_each_row_is_what_price_entry_charges_on_the_value(day: str) -> None:
    """On lines with ad valorem rates only and measures on the full value, the table's total rate
    is the duty price_entry computes on an entry of that line, as a percentage of its value."""
    tables = default_tables()
    when = dt.date.fromisoformat(day)
    rows = list(statutory_rows(tables, when))
    checked = 0
    for row in rows[:: max(1, len(rows) // 400)]:
        origin = {"*": "SG"}.get(row["origin_class"], row["origin_class"])  # named by no measure
        metals = ("s232_metals", "s232_aluminum", "s232_steel", "s232_copper", "s232_vehicles")
        bases = {row[f"{p}_base"] for p in metals}
        if row["ordinary_specific"] or not row["ordinary_computed"] or bases - {None, "full"}:
            continue
        duty = price_entry(
            Entry(entry_date=when, hts=row["hts"], origin=origin, value=Decimal(1_000_000)), tables=tables
        )
        if any(q.fact == "metal_weight_kg" for q in duty.questions) and row["s232_metals_heading"] is None:
            continue
        assert duty.total_duty / 10_000 == row["total_ad_valorem"], (row, [ln.to_dict() for ln in duty.lines])
        checked += 1
    assert checked > 100


def test_cli_writes_every_line_for_one_origin(tmp_path: Path) -> None:
    out = tmp_path / "mx.parquet"
    code, text = run("rates", "--date", "2026-12-06", "--origin", "MX", "--out", str(out), "--json")
    assert code == 0, text
    summary = json.loads(text)
    table = pq.read_table(out).to_pylist()
    assert (
        summary["rows"] == len(table) > 19000 and summary["law_as_of"] == "2026-06-08" and summary["warning"]
    )
    coil = next(r for r in table if r["hts"] == "7208390030")
    assert (coil["origin"], coil["s232_metals_heading"], coil["total_ad_valorem"]) == (
        "MX",
        "9903.82.02",
        Decimal("50.000000"),
    )
    beef = next(r for r in table if r["hts"] == "0201101010")
    assert beef["ordinary_specific"] == "4.4¢/kg"


def test_column_2_countries_get_column_2() -> None:
    rows = [r for r in statutory_rows(default_tables(), dt.date(2025, 1, 15)) if r["hts"] == "7208390030"]
    by = {r["origin_class"]: r for r in rows}
    assert by["KP"]["column"] == "column 2" and by["KP"]["ordinary_rate"] == "20%"
    assert by[OTHERS]["ordinary_rate"] == "Free"


def test_bad_input_exits_2(tmp_path: Path) -> None:
    assert run("rates", "--date", "2026-02-30", "--out", str(tmp_path / "x.parquet"))[0] == 2
    assert (
        run("rates", "--date", "2026-01-01", "--origin", "ZZ", "--out", str(tmp_path / "x.parquet"))[0] == 2
    )
    assert run("rates", "--date", "2026-01-01", "--out", str(tmp_path / "x.txt"))[0] == 2
    assert not (tmp_path / "x.parquet").exists()


@pytest.mark.parametrize("origin", ["US", "PR"])
def test_the_united_states_is_no_origin_of_the_table(tmp_path: Path, origin: str) -> None:
    """Goods of U.S. origin are not imports rated by origin (returned: 9801.00.10, Free); on
    2025-10-01 the table gave the United States the 10 % reciprocal baseline (9903.01.25)."""
    out = tmp_path / "us.parquet"
    code, text = run("rates", "--date", "2025-10-01", "--origin", origin, "--out", str(out))
    assert code == 2 and "customs territory of the United States" in text and "9801.00.10" in text, text
    assert not out.exists()
    every = table_origins(default_tables(), dt.date(2025, 10, 1), _iso_countries(), None)
    assert "US" not in every and "PR" not in every and {"MX", "CA", "CN"} <= set(every)
    assert len(every) == len(_iso_countries()) - 2


@pytest.mark.parametrize("origin", ["US", "pr"])
def test_duty_refuses_an_origin_in_the_customs_territory(origin: str) -> None:
    """Goods of U.S. origin are not imports rated by origin (returned, they are entered under
    9801.00.10, Free): ``tmec duty`` refuses the line, as ``tmec rates`` has no row for it, rather
    than charging the 10 % reciprocal baseline or a Section 232 duty."""

    with pytest.raises(InputError) as info:
        price("2025-10-01", "7326.90.86", origin)
    assert info.value.field == "origin" and "customs territory" in info.value.message
    assert "9801.00.10" in info.value.message
    code, out = run(
        "duty", "--hts", "7326.90.86", "--origin", origin, "--value", "1000", "--date", "2025-10-01"
    )
    assert code == 2 and "customs territory of the United States" in out
