"""Exposure totals on the full law: rate kinds, column 2 origins, dates on both sides of a revision,
questions, flows and the law's as-of date, each equal to what ``price_entry`` gives line by line.

The totals are sums of the per-key monthly duty lines (the value, the flows and the questions from
each entry line's duty line 0, on its whole value): these hold them to the lines priced one by one.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from tests.engine.test_engine_exposure import by_hand, engine_lines

from tmec.engine import Engine, InputErrors
from tmec.engine.exposure import price_exposure
from tmec.tariffs import default_tables, entry_from_mapping, price_entry
from tmec.tariffs.duty import Duty

HEADER = "line,entry_date,hts,origin,value,weight_kg,quantity,steel_value,melted_poured,program\n"
# 0402.99.90.00: a compound rate (46.3¢/kg + 14.9 %; column 2 54.5¢/kg + 17.5 %; PA 3¢/kg + 0.9 %
# in 2025, Free from the 2026 basic edition); column 2 origins (CU, KP, RU); a coil of Russia
ROWS = (
    "a,2025-12-31,0402.99.90.00,CU,1000,100,,,,\n"
    "b,2026-01-02,0402.99.90.00,DE,1000,100,,,,\n"
    "c,2025-12-31,0402.99.90.00,PA,2000,50,,,,PA\n"
    "d,2026-01-02,0402.99.90.00,PA,2000,50,,,,PA\n"
    "e,2025-03-01,0402.99.90.00,KP,500,,,,,\n"
    "f,2025-06-15,7208.39.00.30,RU,5000,,,5000,RU,\n"
    "g,2025-06-15,7208.39.00.30,MX,5000,,,5000,MX,\n"
)
LATE = "h,2026-12-06,7208.39.00.30,MX,7000,,,7000,MX,\n"  # after the day the law is verified through


def _write(path: Path, rows: str) -> Path:
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _priced(path: Path) -> list[tuple[dict[str, str], Duty]]:
    tables = default_tables()
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        (row, price_entry(entry_from_mapping(row, source=str(path), line=i), tables=tables))
        for i, row in enumerate(rows, start=2)
    ]


def test_every_line_and_every_total_equals_price_entry(duck: Engine, tmp_path: Path) -> None:
    entries = _write(tmp_path / "entries.csv", ROWS)
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out)
    assert engine_lines(out) == by_hand(entries, default_tables())
    priced = _priced(entries)
    assert x.lines == len(priced)
    assert x.value == sum(Decimal(r["value"]) for r, _ in priced)
    assert x.duty == sum(d.total_duty for _, d in priced)
    months: dict[str, Decimal] = defaultdict(Decimal)
    flows: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for r, d in priced:
        months[r["entry_date"][:7]] += d.total_duty
        flows[r["hts"][:2], r["origin"]] += Decimal(r["value"])
    assert {m["month"]: m["duty"] for m in x.by["month"]} == months
    assert {m["month"]: m["entry_lines"] for m in x.by["month"]} == {"2025-12": 2, "2026-01": 2,
                                                                      "2025-03": 1, "2025-06": 2}  # fmt: skip
    assert x.flow_values == flows
    # column 2 (CU, KP, RU) and the claimed program on both sides of the revision
    measures = {r["line"]: {ln.measure_id for ln in d.lines} for r, d in priced}
    assert measures["a"] >= {"hts:0402999000", "hts:0402999000:specific:0"}
    titles = {r["line"]: d.lines[0].measure for r, d in priced}
    assert titles["a"] == titles["e"] == titles["f"] == "Column 2 rate"
    assert titles["c"].startswith("Special rate, program PA") and titles["d"].startswith("Special rate")
    # line e has no weight: its specific part is a question, counted with its line and value
    asked = {q["question"]: (q["lines"], q["value"]) for q in x.questions}
    by_question: dict[str, tuple[int, Decimal]] = {}
    for r, d in priced:
        for q in d.questions:
            if q.fact in ("quantity", "weight_kg", "ordinary duty"):
                n, v = by_question.get(q.text, (0, Decimal(0)))
                by_question[q.text] = (n + 1, v + Decimal(r["value"]))
    assert asked == by_question and any(n == 1 and v == 500 for n, v in asked.values())
    assert x.law_as_of == default_tables().law_as_of and x.warning is None


def test_an_entry_after_the_law_as_of_date_warns_in_the_totals(duck: Engine, tmp_path: Path) -> None:
    entries = _write(tmp_path / "entries.csv", ROWS + LATE)
    x = price_exposure(duck, entries)
    tables = default_tables()
    assert x.law_as_of == tables.law_as_of
    assert x.law_as_of is not None and x.law_as_of < dt.date(2026, 12, 6)
    assert x.warning == tables.staleness(dt.date(2026, 12, 6)) and x.warning
    assert x.duty == sum(d.total_duty for _, d in _priced(entries))


def test_text_with_spaces_reads_as_trimmed_and_blank_text_is_missing(duck: Engine, tmp_path: Path) -> None:
    """Only the texts that start or end with a space are trimmed: the others are the same text."""
    plain = price_exposure(duck, _write(tmp_path / "plain.csv", ROWS))
    spaced_rows = "".join(
        ",".join(f" {v} " if i in (0, 2, 3, 8, 9) and v else v for i, v in enumerate(row.split(","))) + "\n"
        for row in ROWS.splitlines()
    )
    out = tmp_path / "lines.parquet"
    spaced = price_exposure(duck, _write(tmp_path / "spaced.csv", spaced_rows), lines_out=out)
    assert (spaced.duty, spaced.by, spaced.questions) == (plain.duty, plain.by, plain.questions)
    assert sorted({r["line"] for r in pq.read_table(out).to_pylist()}) == list("abcdefg")
    with pytest.raises(InputErrors) as info:
        price_exposure(duck, _write(tmp_path / "blank.csv", "x,2025-03-01,   ,MX,10,,,,,\n"))
    assert "hts: required" in str(info.value)


def test_whitespace_around_a_text_reads_as_price_entry_reads_it(duck: Engine, tmp_path: Path) -> None:
    """A tab, a line end or a spreadsheet's no-break space around a text (and inside a code) is
    stripped as ``str.strip()`` and ``hs.compact`` strip it: the engine prices what ``price_entry``
    prices (it refused the line: DuckDB's TRIM() strips only spaces)."""
    odd = ("\t", "\u00a0", "\u2003", "\r")

    def messy(i: int, v: str) -> str:
        w = odd[i % len(odd)]
        if i == 2 and v:  # the code: whitespace inside it too
            return f"{w}{v[:4]}{w}{v[4:]}{w}"
        return f"{w}{v}{w}" if i in (0, 1, 3, 8, 9) and v else v

    rows = "".join(
        ",".join(messy(i, v) for i, v in enumerate(row.split(","))) + "\n" for row in ROWS.splitlines()
    )
    path = _write(tmp_path / "messy.csv", rows.replace("\r", "\u2029"))  # no bare \r in a CSV line
    plain = price_exposure(duck, _write(tmp_path / "plain.csv", ROWS))
    x = price_exposure(duck, path)
    assert (x.duty, x.by, x.questions) == (plain.duty, plain.by, plain.questions)
    assert x.duty == sum(d.total_duty for _, d in _priced(path))


def test_whitespace_is_what_python_strips() -> None:
    from tmec.engine.entry_tables import WHITESPACE

    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == WHITESPACE


COPPER = (
    "line,entry_date,hts,origin,value,copper_value,steel_value\n"
    "k,2025-09-10,7407.10.50.10,CN,1000,800,\n"
    "l,2025-09-10,7407.10.50.10,CN,1000,,\n"
    "m,2025-09-10,7407.10.50.10,MX,1000,800,\n"
    "n,2025-09-10,7407.10.50.10,DE,2500,1000,\n"
    "o,2025-09-11,7407.10.50.10,DE,1000,,\n"
    "p,2026-05-04,7407.10.50.10,MX,1000,800,\n"
)


def test_copper_content_is_priced_as_the_single_entry_path_prices_it(duck: Engine, tmp_path: Path) -> None:
    # Section 232 copper (9903.78.01, 2025-08-01 to 2026-04-05) is charged on the copper content,
    # and the measures after it (IEEPA, the reciprocal duty) on the rest: the bulk path reads the
    # column and keeps lines with and without it apart.
    entries = tmp_path / "copper.csv"
    entries.write_text(COPPER, encoding="utf-8")
    out = tmp_path / "lines.parquet"
    x = price_exposure(duck, entries, lines_out=out)
    assert engine_lines(out) == by_hand(entries, default_tables())
    priced = _priced(entries)
    assert x.duty == sum(d.total_duty for _, d in priced)
    copper = {r["line"]: [y.base for y in d.lines if y.measure_id == "s232_copper_2025"] for r, d in priced}
    # without its copper value a line is charged on its whole value, as for steel and aluminum
    assert copper["k"] == [Decimal(800)] and copper["l"] == [Decimal(1000)] and copper["p"] == []
