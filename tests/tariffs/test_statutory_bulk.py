"""The bulk statutory-rate table: each (line, country) row is its class's row of that line, in
(line, country) order, in Parquet (plain text columns) and CSV alike."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tmec.engine.statutory import write_statutory_rates
from tmec.tariffs import default_tables
from tmec.tariffs.statutory import OTHERS, origin_classes, statutory_rows

pytestmark = pytest.mark.usefixtures("home")  # a fresh $TMEC_HOME: no imported schedule

DAY = dt.date(2026, 12, 6)
# a column 2 country, named countries (USMCA, China) and two that no measure names
ORIGINS = ["ZW", "CN", "MX", "KP", "DE", "CA"]
# on 2025-10-01 the reciprocal duty is laid over the rows country by country: the EU's and Japan's
# floors, Vietnam's rate, the baseline, the exemptions of Canada, Mexico and the column 2 countries
RECIPROCAL_DAY = dt.date(2025, 10, 1)
RECIPROCAL_ORIGINS = [*ORIGINS, "JP", "VN", "FR", "RU", "BR", "IN"]


def _expected(day: dt.date = DAY, origins: list[str] = ORIGINS) -> list[tuple[str, str, dict[str, object]]]:
    tables = default_tables()
    classes = set(origin_classes(tables, day))
    by = {(r["hts"], r["origin_class"]): r for r in statutory_rows(tables, day)}
    codes = sorted({hts for hts, _ in by})
    return [(hts, c, by[hts, c if c in classes else OTHERS]) for hts in codes for c in sorted(origins)]


@pytest.mark.parametrize(("day", "origins"), [(DAY, ORIGINS), (RECIPROCAL_DAY, RECIPROCAL_ORIGINS)])
def test_parquet_rows_are_the_class_rows_in_line_then_country_order(
    tmp_path: Path, day: dt.date, origins: list[str]
) -> None:
    out = tmp_path / "rates.parquet"
    n = write_statutory_rates(default_tables(), day, out, origins=origins)
    table = pq.read_table(out)
    assert all(not pa.types.is_dictionary(f.type) for f in table.schema)  # plain text, as before
    assert not table.schema.field("date").nullable
    rows = table.to_pylist()
    expected = _expected(day, origins)
    assert n == len(rows) == len(expected)
    assert {r["origin"] for r in rows if r["origin"] in ("KP", "CN")} == {"KP", "CN"}
    for row, (hts, origin, source) in zip(rows, expected, strict=True):
        assert (row["hts"], row["origin"], row["date"]) == (hts, origin, day)
        assert {k: row[k] for k in source if k != "origin_class"} == {
            k: v for k, v in source.items() if k != "origin_class"
        }


def test_csv_has_the_same_rows_in_the_same_order(tmp_path: Path) -> None:
    out = tmp_path / "rates.csv"
    n = write_statutory_rates(default_tables(), DAY, out, origins=ORIGINS)
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    expected = _expected()
    assert n == len(rows) == len(expected)
    assert [(r["hts"], r["origin"]) for r in rows] == [(h, o) for h, o, _ in expected]
    kp = [r for r in rows if r["origin"] == "KP"][:50]
    assert all(r["column"] == "column 2" for r in kp)
