"""Bulk duty exposure equals ``price_entry`` on every entry line (exact Decimal equality)."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from tmec.cli import main
from tmec.engine import Engine, InputErrors, generate_entries
from tmec.engine.exposure import load_scenario, price_exposure
from tmec.tariffs import default_tables, entry_from_mapping, price_entry
from tmec.tariffs.entry import RELIEFS
from tmec.tariffs.tables import TariffTables

SCENARIO = """\
name: "232 steel at 50 % on Mexico from 2025-08-01"
scopes:
  steel_everything:
    items: ["72", "73"]
measures:
  - id: scenario_mx_steel_50
    program: s232_steel
    title: "Scenario: Section 232 steel at 50 % on Mexico"
    heading: "9903.81.99"
    rate: 50
    base: steel_content
    scope: steel_everything
    origins: ["MX"]
    valid_from: 2025-08-01
    reference: "scenario"
    confidence: L
"""


def by_hand(
    path: Path, tables: TariffTables, basis: str = "liability"
) -> dict[int, list[tuple[str, Decimal, Decimal]]]:
    out = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            entry = entry_from_mapping(row, source=str(path), line=line)
            duty = price_entry(entry, tables=tables, basis=basis)
            out[line] = sorted((d.measure_id, d.base, d.duty) for d in duty.lines)
    return out


def engine_lines(out: Path) -> dict[int, list[tuple[str, Decimal, Decimal]]]:
    got: dict[int, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for r in pq.read_table(out).to_pylist():
        got[r["src_line"]].append((r["measure_id"], r["base"], r["duty"]))
    return {k: sorted(v) for k, v in got.items()}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_line_equals_price_entry(duck: Engine, tmp_path: Path, year: int) -> None:
    entries = tmp_path / "entries.csv"
    generate_entries(entries, lines=1500, seed=year, year=year)
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out)
    want = by_hand(entries, default_tables())
    assert engine_lines(out) == want
    assert x.duty == sum(d for lines in want.values() for _, _, d in lines)
    assert (
        sum(Decimal(r["duty"]) for r in x.by["month"])
        == x.duty
        == sum(Decimal(r["duty"]) for r in x.by["origin"])
    )


def test_scenario_equals_price_entry_under_the_scenario(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    generate_entries(entries, lines=800, seed=3, year=2025)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    name, tables = load_scenario(scenario, default_tables())
    out = tmp_path / "lines.parquet"
    price_exposure(duck, entries, tables=tables, lines_out=out)
    assert engine_lines(out) == by_hand(entries, tables)
    assert any(m == "scenario_mx_steel_50" for lines in engine_lines(out).values() for m, _, _ in lines)
    assert name.startswith("232 steel")


def test_cli_exposure_with_scenario(tmp_path: Path) -> None:
    entries = tmp_path / "entries.parquet"
    generate_entries(entries, lines=300, seed=4, year=2025)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    result = CliRunner().invoke(main, ["exposure", str(entries), "--scenario", str(scenario), "--json"])
    assert result.exit_code == 0, result.output
    assert '"difference"' in result.output


def test_bad_entry_lines_are_reported(duck: Engine, tmp_path: Path) -> None:
    entries = tmp_path / "entries.csv"
    entries.write_text(
        "entry_date,hts,origin,value,usmca,metals_relief\n2025-13-01,7208.51.00,MX,10,yes,\n"
        "2025-05-01,72085100,DE,10,yes,\n2025-05-01,72085100,ZZ,5,no,\n2025-05-01,99999999,MX,5,no,\n"
        "2015-05-01,72085100,MX,5,no,\n2026-05-01,84138100,DE,10,no,motorcycle_parts\n"
        "2026-05-01,84138100,DE,10,no,quota\n2025-05-01,72085100,us,10,no,\n",
        encoding="utf-8",
    )
    with pytest.raises(InputErrors) as info:
        price_exposure(duck, entries)
    text = str(info.value)
    assert "entries.csv:2: entry_date: expected an ISO date" in text
    assert "entries.csv:3: usmca: a USMCA claim needs a good of Canada or Mexico" in text
    assert "entries.csv:4: origin: expected an ISO 3166 country code, found ZZ" in text
    assert "entries.csv:6: entry_date: no tariff data before 2018-01-01, found 2015-05-01" in text
    assert "entries.csv:7" not in text
    relief = f"expected one of {', '.join(RELIEFS)}, found 'quota'"  # the reliefs of notes 16 and 37
    assert f"entries.csv:8: metals_relief: {relief}" in text
    # the customs territory is no origin (refused as tmec duty refuses it)
    assert (
        "entries.csv:9: origin: expected an origin outside the customs territory of the United States, "
        "found 'US'" in text
    )
    assert "9801.00.10" in text


def test_a_bad_file_leaves_the_loaded_lines_as_they_were(duck: Engine, tmp_path: Path) -> None:
    """Lines are typed and checked in one pass into a table of another name: a bad file replaces
    nothing (the lines loaded before stay, no half-made table is left behind)."""
    from tmec.engine.entry_tables import load_entries

    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    generate_entries(good, lines=50, seed=2, year=2025)
    bad.write_text(
        "entry_date,hts,origin,value,usmca,melted_poured\n2025-05-01,72085100,MX,10,yes,mx\n"
        "2025-05-01,72085100,MX,-3,no,\n2025-05-01,72085100,MX,5,maybe,XX\n"
        "2025-05-01,72085100,MX,1000000000000000,no,\n",
        encoding="utf-8",
    )
    assert load_entries(duck.conn, good) == 50
    before = duck.conn.execute("SELECT * FROM entries ORDER BY src_line").fetchall()
    with pytest.raises(InputErrors) as info:
        load_entries(duck.conn, bad)
    text = str(info.value)
    assert "bad.csv:3: value:" in text
    assert "bad.csv:4: usmca: expected yes/no (true/false), found 'maybe'" in text
    assert "bad.csv:4: melted_poured: expected an ISO 3166 country code, found XX" in text
    # past DECIMAL(18,4): named, not read as a blank value (which priced nothing)
    assert "bad.csv:5: value: expected an amount below 100,000,000,000,000 with at most 4 decimals" in text
    assert duck.conn.execute("SELECT * FROM entries ORDER BY src_line").fetchall() == before
    tables = {r[0] for r in duck.conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert not {t for t in tables if "staged" in t or t.startswith("raw_")}


def test_full_law_columns_equal_price_entry(duck: Engine, tmp_path: Path) -> None:
    """Specific rates on a weight or quantity, a special program, the 2026 metal-weight rules, and a
    specific rate without its quantity (a question, counted by line), in bulk as one by one."""
    entries = tmp_path / "entries.csv"
    entries.write_text(
        "line,entry_date,hts,origin,value,weight_kg,quantity,metal_weight_kg,program,metals_relief\n"
        "a,2025-01-15,0201.10.10,AR,10000,2000,,,,\n"
        "b,2025-01-15,0105.11.00,DE,1000,,1000,,,\n"
        "c,2025-01-15,8708.99.81,KR,1000,,,,KR,\n"
        "d,2026-12-06,8424.89.90,DE,100000,100,,10,,\n"
        "e,2026-12-06,8424.89.90,DE,100000,100,,80,,\n"
        "f,2025-01-15,0201.10.10,AR,10000,,,,,\n"
        # no metal at all (9903.82.01), with and without the weight; June's (c)(xi); Russia
        "g,2026-06-10,8424.89.90,DE,100000,,,0,,\n"
        "h,2026-06-10,8424.89.90,DE,100000,100,,0,,\n"
        "i,2026-06-10,8429.51.10,JP,100000,100,,80,,\n"
        "j,2026-04-23,7208.39.00,RU,100000,,,,,\n"
        # a relief of note 16 claimed, refused, or not stated (9903.82.13)
        "k,2026-04-23,8413.81.00,DE,100000,100,,80,,motorcycle_parts\n"
        "l,2026-04-23,8413.81.00,DE,100000,100,,80,,None\n"
        "m,2026-04-23,8413.81.00,DE,100000,100,,80,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out)
    assert engine_lines(out) == by_hand(entries, default_tables())
    assert [(q["lines"], "4.4¢/kg" in q["question"]) for q in x.questions] == [(1, True)]
