"""The statutory-rate table in bulk: every HTS-10 line x every origin on one day, written in bulk.

:func:`tmec.tariffs.statutory.statutory_rows` computes each line's rates once per origin class (the
countries some measure names, and the rest); the classes are expanded to the countries by index (no
join and sort of 4.9 M wide rows) and written, Parquet by Arrow, CSV by DuckDB, atomically.
"""

from __future__ import annotations

import datetime as dt
from array import array
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tmec.engine.output import atomic_file
from tmec.tariffs.measures import PROGRAMS, Measure
from tmec.tariffs.statutory import (
    OTHERS,
    OVERLAY,
    country_overlay,
    origin_classes,
    overlay_applies,
    statutory_row_groups,
)
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
    # the reciprocal duty, one measure per country on every line, is laid over the other programs'
    # classes (a hundred classes of full rows would cost more than the 4.9 M rows' arithmetic)
    overlay = overlay_applies(tables, day)
    classes = set(origin_classes(tables, day, overlay=overlay))
    cls_of = [c if c in classes else OTHERS for c in countries]
    wanted = set(cls_of)
    schema = _schema()
    if overlay:
        schema = schema.append(pa.field("overlay_open", pa.bool_()))
    by_class = _by_class(tables, day, overlay, schema, wanted)
    expanded = _expand(by_class, countries, cls_of)
    if overlay:
        expanded = _overlay(expanded, country_overlay(tables, day, countries))
    cols = [f.name for f in expanded.schema if f.name not in ("hts", "description", "origin_class", "origin")]
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


def _by_class(
    tables: TariffTables, day: dt.date, overlay: bool, schema: pa.Schema, wanted: set[str]
) -> pa.Table:
    """The rows of every line for the ``wanted`` classes, in line then class order: each distinct
    row made once (a line's classes mostly share a few rows) and taken by index."""
    classes = origin_classes(tables, day, overlay=overlay)
    kept = [k for k, c in enumerate(classes) if c in wanted]
    distinct: list[dict[str, Any]] = []
    index = array("q")
    lines = 0
    for rows, which in statutory_row_groups(tables, day, overlay=overlay):
        index.extend(len(distinct) + which[k] for k in kept)
        distinct.extend(rows)
        lines += 1
    at = schema.get_field_index("origin_class")
    table = pa.Table.from_pylist(distinct, schema=schema.remove(at)).take(_int64(index))
    names = pa.array([classes[k] for k in kept] * lines, pa.string())
    return table.add_column(at, schema.field(at), names)


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


def _overlay(expanded: pa.Table, measures: list[Measure | None]) -> pa.Table:
    """Each row completed with its country's reciprocal measure (``measures``, in the countries'
    order, which is the rows' order within a line): heading, rate (a floor less the ordinary rate,
    not below 0, under its "no change" heading when nothing is left), base, and the totals."""
    n = len(measures)
    lines = expanded.num_rows // n if n else 0
    # the country of each row, as an index into ``measures``: 0..n-1 repeated per line
    which = _int32(array("i", range(n)) * lines)
    rate = pa.array([None if m is None else (0 if m.exemption else m.rate) for m in measures], RATE).take(
        which
    )
    floor = pa.array([m is not None and m.floor for m in measures], pa.bool_()).take(which)
    heading = pa.array([m.heading if m else None for m in measures], pa.string()).take(which)
    met = pa.array([(m.floor_met_heading or m.heading) if m else None for m in measures], pa.string()).take(
        which
    )
    ordinary = pc.cast(expanded.column("ordinary_ad_valorem"), RATE)  # _expand made it a dictionary
    zero = pa.scalar(Decimal(0), RATE)
    topped = pc.max_element_wise(pc.cast(pc.subtract(rate, ordinary), RATE), zero)
    rate = pc.if_else(floor, topped, rate)
    heading = pc.if_else(pc.and_kleene(floor, pc.equal(rate, zero)), met, heading)
    base = pc.if_else(pc.is_null(rate), pa.scalar(None, pa.string()), pa.scalar("full"))
    added = pc.if_else(pc.and_(expanded.column("overlay_open"), pc.is_valid(rate)), rate, zero)
    additional = pc.cast(pc.add(pc.cast(expanded.column("additional_ad_valorem"), RATE), added), RATE)
    total = pc.cast(pc.add(ordinary, additional), RATE)
    out = expanded.drop_columns(["overlay_open"])
    for name, column in (
        (f"{OVERLAY}_heading", heading),
        (f"{OVERLAY}_rate", rate),
        (f"{OVERLAY}_base", base),
        ("additional_ad_valorem", additional),
        ("total_ad_valorem", total),
    ):
        out = out.set_column(out.schema.get_field_index(name), name, column)
    return out


def _int64(values: array[int]) -> pa.Array:
    """An Arrow int64 array over a C array's memory (pa.array would read it item by item)."""
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _int32(values: array[int]) -> pa.Array:
    return pa.Array.from_buffers(pa.int32(), len(values), [None, pa.py_buffer(values)])
