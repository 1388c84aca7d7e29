"""The statutory-rate table in bulk: every HTS-10 line x every origin on one day, written in bulk.

:func:`tmec.tariffs.statutory.statutory_rows` computes each line's rates once per origin class (the
countries some measure names, and the rest); the classes are expanded to the countries by index (no
join and sort of 4.9 M wide rows) and written, Parquet by Arrow, CSV by DuckDB, atomically.
"""

from __future__ import annotations

import datetime as dt
from array import array
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

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
    cls_of = [c if c in classes else OTHERS for c in countries]
    wanted = set(cls_of)
    rows = [r for r in statutory_rows(tables, day) if r["origin_class"] in wanted]
    by_class = pa.Table.from_pylist(rows, schema=_schema())
    expanded = _expand(by_class, countries, cls_of)
    cols = [f.name for f in by_class.schema if f.name not in ("hts", "description", "origin_class")]
    if out.suffix != ".csv":
        # the text columns stay dictionaries on the way to Parquet (which stores them so anyway);
        # without Arrow's schema in the file they read back as plain text
        n = int(expanded.num_rows)
        date = pa.DictionaryArray.from_arrays(_int32(array("i", bytes(4 * n))), pa.array([day], pa.date32()))
        table = pa.table(
            [
                expanded.column("hts"),
                expanded.column("origin"),
                date.cast(pa.date32()),
                expanded.column("description"),
                *(expanded.column(c) for c in cols),
            ],
            schema=pa.schema(
                [
                    pa.field("hts", expanded.schema.field("hts").type),
                    pa.field("origin", pa.string()),
                    pa.field("date", pa.date32(), nullable=False),
                    pa.field("description", expanded.schema.field("description").type),
                    *(expanded.schema.field(c) for c in cols),
                ]
            ),
        )
        with atomic_file(out) as tmp:
            pq.write_table(table, tmp, store_schema=False)
        return n
    conn = duckdb.connect()
    try:
        conn.execute("SET enable_progress_bar = false")
        conn.register("expanded", expanded)
        # read in the order written (DuckDB keeps a scan's insertion order): no sort of wide rows
        select = (
            f"SELECT hts, origin, DATE '{day.isoformat()}' AS date, description, "
            + ", ".join(f'"{c}"' for c in cols)
            + " FROM expanded"
        )
        with atomic_file(out) as tmp:
            n_rows = conn.execute(f"COPY ({select}) TO '{tmp}' (FORMAT csv, HEADER true)").fetchone()
    finally:
        conn.close()
    return int(n_rows[0]) if n_rows else 0


def _expand(by_class: pa.Table, countries: list[str], cls_of: list[str]) -> pa.Table:
    """One row per line and country, ordered by line then country: each country takes its class's
    row of the line.  ``statutory_rows`` gives every line the same classes in the same order, in
    line order, so the row of (line i, class k) is i x classes + k: an index, not a join and sort."""
    order = by_class.column("origin_class").to_pylist()
    n_classes = len(dict.fromkeys(order))
    position = {c: i for i, c in enumerate(order[:n_classes])}
    lines = by_class.num_rows // n_classes if n_classes else 0
    if order != order[:n_classes] * lines:  # pragma: no cover
        raise AssertionError("statutory rows: the lines do not share their classes' order")
    # built in C: the countries' class positions repeated per line, plus each line's first row
    count = lines * len(cls_of)
    step = pc.multiply(
        pc.divide(_int64(array("q", range(count))), pa.scalar(len(cls_of), pa.int64())),
        pa.scalar(n_classes, pa.int64()),
    )
    index = pc.add(step, _int64(array("q", [position[c] for c in cls_of]) * lines))
    # text and rate columns as dictionaries first: the take copies indices, not the values 249 times
    encoded = pa.table(
        {
            f.name: pc.dictionary_encode(by_class.column(f.name))
            if pa.types.is_string(f.type) or pa.types.is_decimal(f.type)
            else by_class.column(f.name)
            for f in by_class.schema
        }
    )
    taken = encoded.take(index)
    origin = pa.DictionaryArray.from_arrays(
        _int32(array("i", range(len(countries))) * lines), pa.array(countries, pa.string())
    )
    return taken.append_column("origin", origin.cast(pa.string()))


def _int64(values: array[int]) -> pa.Array:
    """An Arrow int64 array over a C array's memory (pa.array would read it item by item)."""
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _int32(values: array[int]) -> pa.Array:
    return pa.Array.from_buffers(pa.int32(), len(values), [None, pa.py_buffer(values)])
