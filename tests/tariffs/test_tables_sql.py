"""The law as plain rows, and the measure selection as SQL: what the bulk engine loads and runs.

sqlite3 (standard library) stands in for DuckDB/Spark here: the reference query of
``tmec.tariffs.SELECT_MEASURE_SQL`` must pick the same measure as the Python path for every entry.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from decimal import Decimal

import pytest
from hypothesis import given, settings

import tmec.tariffs
from tmec.tariffs import (
    SELECT_MEASURE_SQL,
    Entry,
    default_tables,
    measure_rows,
    parameter_rows,
    schedule_rows,
    usmca_claim_counts,
)
from tmec.tariffs.measures import PROGRAMS
from tmec.tariffs.stacking import Stack, select

from .test_properties import entries

TABLES = default_tables()


def _sql_value(v: object) -> object:
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, bool):
        return int(v)
    return v


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    rows = measure_rows(TABLES)
    cols = list(rows[0])
    con = sqlite3.connect(":memory:")
    con.execute(f"CREATE TABLE measures ({', '.join(cols)})")
    con.executemany(
        f"INSERT INTO measures VALUES ({', '.join('?' for _ in cols)})",
        [[_sql_value(r[c]) for c in cols] for r in rows],
    )
    yield con
    con.close()


def test_rows_are_plain_and_half_open() -> None:
    for rows in (schedule_rows(TABLES), measure_rows(TABLES), parameter_rows(TABLES)):
        assert rows
        for row in rows:
            assert all(
                isinstance(v, str | int | bool | Decimal | dt.date | list | type(None)) for v in row.values()
            )
            if row.get("valid_to") is not None and row.get("valid_from") is not None:
                # empty only for a measure an order replaced, retroactively, from its first day (9903.02.30
                # for Japan): in force only as deposited at entry, until its deposited_to
                assert row["valid_from"] < row["valid_to"] or (
                    row["valid_from"] == row["valid_to"] and row.get("deposited_to") is not None
                )
    stacking = [r for r in parameter_rows(TABLES) if r["name"] == "tariffs.stacking_order"]
    assert [(r["valid_from"], r["value"]) for r in stacking][-1] == (dt.date(2025, 6, 4), "metals_first")


def test_public_surface() -> None:
    assert {"Entry", "Duty", "price_entry", "measure_rows", "schedule_rows", "parameter_rows"} <= set(
        tmec.tariffs.__all__
    )
    for name in tmec.tariffs.__all__:
        assert hasattr(tmec.tariffs, name), name


@settings(max_examples=300, deadline=None)
@given(entries(origins=("MX", "CA", "GB", "RU", "JP")))
def test_sql_selection_matches_python(db: sqlite3.Connection, entry: Entry) -> None:
    line = TABLES.schedule.line(entry.hts, entry.entry_date)
    for usmca in (False, True):
        e = Entry(
            **{
                **{f: getattr(entry, f) for f in entry.__dataclass_fields__},
                "usmca": usmca and entry.origin in {"MX", "CA"},
            }
        )
        claim = usmca_claim_counts(e, line, TABLES.parameters.at(e.entry_date))
        for program in PROGRAMS:
            expected = select(TABLES.measures, program, e, claim, Stack())
            got = db.execute(
                SELECT_MEASURE_SQL,
                {
                    "program": program,
                    "day": e.entry_date.isoformat(),
                    "origin": e.origin,
                    "hts": e.hts,
                    "claim": int(claim),
                    "melted": e.melted_poured,
                    "smelted": e.smelted_cast,
                    "metal_share": None if e.metal_share is None else float(e.metal_share),
                    "metal_kg": None if e.metal_weight_kg is None else float(e.metal_weight_kg),
                    "relief": e.metals_relief,
                },
            ).fetchone()
            assert (got[0] if got else None) == (expected.id if expected else None), (program, e)
