"""The statutory-rate table in bulk: every HTS-10 line x every origin on one day, written by DuckDB.

:func:`tmec.tariffs.statutory.statutory_rows` computes each line's rates once per origin class (the
countries some measure names, and the rest); DuckDB expands the classes to the countries and
writes the file (Parquet or CSV), atomically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pyarrow as pa

from tmec.engine.output import atomic_file
from tmec.tariffs.measures import PROGRAMS
from tmec.tariffs.statutory import OTHERS, origin_classes, statutory_rows
from tmec.tariffs.tables import TariffTables

__all__ = ["write_statutory_rates"]

RATE = pa.decimal128(12, 6)


def _schema() -> pa.Schema:
    fields = [
        ("hts", pa.string()),
        ("description", pa.string()),
        ("origin_class", pa.string()),
        ("column", pa.string()),
        ("ordinary_rate", pa.string()),
        ("ordinary_ad_valorem", RATE),
        ("ordinary_specific", pa.string()),
        ("ordinary_computed", pa.bool_()),
    ]
    for p in PROGRAMS:
        fields += [(f"{p}_heading", pa.string()), (f"{p}_rate", RATE), (f"{p}_base", pa.string())]
    fields += [("additional_ad_valorem", RATE), ("total_ad_valorem", RATE)]
    return pa.schema(fields)


def write_statutory_rates(
    tables: TariffTables, day: dt.date, out: Path, *, origins: list[str] | None = None
) -> int:
    """Write the table for ``day`` (every ISO country, or ``origins``) to ``out``; return its rows."""
    from tmec.core.countries import _iso_countries

    countries = sorted(origins or _iso_countries())
    classes = set(origin_classes(tables, day))
    wanted = {c if c in classes else OTHERS for c in countries}
    rows = [r for r in statutory_rows(tables, day) if r["origin_class"] in wanted]
    by_class = pa.Table.from_pylist(rows, schema=_schema())
    mapping = pa.table({"origin": countries, "cls": [c if c in classes else OTHERS for c in countries]})
    conn = duckdb.connect()
    try:
        conn.execute("SET enable_progress_bar = false")
        conn.register("by_class", by_class)
        conn.register("mapping", mapping)
        cols = [f.name for f in by_class.schema if f.name not in ("hts", "description", "origin_class")]
        select = (
            f"SELECT r.hts, m.origin, DATE '{day.isoformat()}' AS date, r.description, "
            + ", ".join(f'r."{c}"' for c in cols)
            + " FROM by_class r JOIN mapping m ON r.origin_class = m.cls ORDER BY r.hts, m.origin"
        )
        fmt = "(FORMAT csv, HEADER true)" if out.suffix == ".csv" else "(FORMAT parquet)"
        with atomic_file(out) as tmp:
            n = conn.execute(f"COPY ({select}) TO '{tmp}' {fmt}").fetchone()  # the rows written
    finally:
        conn.close()
    return int(n[0]) if n else 0
