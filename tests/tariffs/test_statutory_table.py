"""How the statutory-rate table is made fast, checked against the slow ways it replaces: the
measures covering each run of codes against ``MeasureSet.covering`` code by code, the schedule read
in one pass against the look-up of each code, and the distinct rows against the rows of each line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tmec.engine import statutory
from tmec.engine.statutory import write_statutory_rates
from tmec.law.tariffs import HTS_SCHEDULE, _compiled
from tmec.tariffs import default_tables
from tmec.tariffs.measures import PROGRAMS, MeasureSet, parse_measures
from tmec.tariffs.rates import parse_rate, special_programs
from tmec.tariffs.statutory import _covering_runs, statutory_table

pytestmark = pytest.mark.usefixtures("home")  # a fresh $TMEC_HOME: no imported schedule


@pytest.mark.parametrize("day", ["2025-01-15", "2025-10-01", "2026-12-06"])
def test_each_run_has_the_measures_covering_each_of_its_codes(day: str) -> None:
    tables = default_tables()
    when = dt.date.fromisoformat(day)
    measures = MeasureSet(m for m in tables.measures if m.in_force(when))
    codes = sorted(c for c in tables.schedule.codes() if len(c) == 10)
    seen = []
    for run, covering in _covering_runs(codes, {p: measures.program(p) for p in PROGRAMS}):
        seen += run
        for code in run:
            assert covering == {p: measures.covering(p, code)[0] for p in PROGRAMS}, code
    assert seen == codes


def test_runs_start_and_end_where_scopes_do() -> None:
    """Ranges at a coarser level, a single 10-digit line, overlaps, a range ending at the last code."""

    def measure(mid: str, scope: str) -> dict[str, object]:
        return {
            "id": mid,
            "program": "s301",
            "heading": "9903.88.01",
            "rate": 25,
            "scope": scope,
            "valid_from": "2025-01-01",
            "reference": "r",
        }

    scopes = {"wide": {"items": ["7208-7212", "7304.19.10.20"]}, "narrow": {"items": ["7210.49-7304.19"]}}
    measures = parse_measures(
        {"scopes": scopes, "measures": [measure("wide", "wide"), measure("narrow", "narrow")]}
    )
    codes = ["7207110000", "7208100000", "7210490090", "7212600000", "7213100000", "7304191020", "7304191050"]
    by_program = {p: measures.program(p) for p in PROGRAMS}
    runs = [(run, [m.id for m in cover["s301"]]) for run, cover in _covering_runs(codes, by_program)]
    assert runs == [
        (["7207110000"], []),
        (["7208100000"], ["wide"]),
        (["7210490090", "7212600000"], ["wide", "narrow"]),
        (["7213100000"], ["narrow"]),
        (["7304191020"], ["wide", "narrow"]),
        (["7304191050"], ["narrow"]),
    ]


def test_a_preloaded_schedule_has_the_versions_looked_up_code_by_code() -> None:
    lazy, preloaded = _compiled(HTS_SCHEDULE, "USITC HTSUS"), _compiled(HTS_SCHEDULE, "USITC HTSUS")
    preloaded.preload()
    codes = sorted(lazy.codes())
    assert len(codes) > 20_000
    for code in codes[::37]:
        assert [v.to_row() for v in preloaded.versions(code)] == [v.to_row() for v in lazy.versions(code)]
        assert [v.source for v in preloaded.versions(code)] == [v.source for v in lazy.versions(code)]


def test_parsed_rates_are_shared_but_a_line_s_programs_are_its_own() -> None:
    assert parse_rate("2.5% + 4.4¢/kg") is parse_rate("2.5% + 4.4¢/kg")
    text = "Free (A+,AU,B,S,SG) 7 cents/kg (KR)"
    first = special_programs(text)
    first.pop("S")
    assert "S" in special_programs(text)


def test_distinct_rows_are_made_once() -> None:
    tables = default_tables()
    table = statutory_table(tables, dt.date(2026, 12, 6))
    assert len(table.index) == len(table.codes) * len(table.classes)
    assert len(table.rows) == len({tuple(r.items()) for r in table.rows})
    assert len(table.rows) < len(table.codes)  # a few thousand for 20,000 lines x the classes
    assert sorted(set(table.index)) == list(range(len(table.rows)))


def test_the_table_is_streamed_in_row_groups_of_whole_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written a thousand lines at a time, the file holds the same rows as written in one piece."""
    origins = ["CN", "DE", "KP", "MX", "SG", "VN", "ZW"]
    day = dt.date(2025, 10, 1)
    whole = tmp_path / "whole.parquet"
    n = write_statutory_rates(default_tables(), day, whole, origins=origins)
    assert pq.ParquetFile(whole).metadata.num_row_groups == 1
    monkeypatch.setattr(statutory, "CHUNK_ROWS", 1000 * len(origins) + 3)
    out = tmp_path / "rates.parquet"
    assert write_statutory_rates(default_tables(), day, out, origins=origins) == n
    meta = pq.ParquetFile(out).metadata
    assert meta.num_rows == n and meta.num_row_groups == -(-n // (1000 * len(origins))) > 10
    assert {meta.row_group(g).num_rows for g in range(meta.num_row_groups - 1)} == {1000 * len(origins)}
    assert pq.read_table(out).equals(pq.read_table(whole))
