"""The statutory-rate table in bulk: every HTS-10 line x every origin on one day, written in bulk.

:func:`tmec.tariffs.statutory.statutory_table` makes each distinct row once (a few thousand for
20,000 lines x the origin classes) and points each line's classes at them.  Here the countries are
put in groups that come to the same rows (the same class and, on the days of the IEEPA reciprocal
country rates, the same reciprocal measure), each distinct (row, reciprocal measure) is completed
once, and the table is streamed to the file in row groups of about 250,000 rows: each column a
small table of distinct values taken by an integer index, never 4.9 M Python objects or the whole
table in memory.  Parquet by Arrow (the text columns written as the dictionaries they are), CSV by
DuckDB, atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tmec.engine.output import atomic_file
from tmec.tariffs.measures import PROGRAMS, Measure
from tmec.tariffs.statutory import (
    OTHERS,
    OVERLAY,
    StatutoryTable,
    country_overlay,
    overlay_applies,
    statutory_table,
    table_origins,
)
from tmec.tariffs.tables import TariffTables

__all__ = ["write_statutory_rates"]

RATE = pa.decimal128(12, 6)
CHUNK_ROWS = 1 << 18  # rows per row group written: a few tens of MB of columns at a time


def _body_schema(overlay: bool) -> pa.Schema:
    """The columns of a class's row of a line (after ``hts, origin, date, description``)."""
    fields = [
        ("column", pa.string()),
        ("ordinary_rate", pa.string()),
        ("ordinary_ad_valorem", RATE),
        ("ordinary_specific", pa.string()),
        ("ordinary_computed", pa.bool_()),
    ]
    for p in PROGRAMS:
        fields += [(f"{p}_heading", pa.string()), (f"{p}_rate", RATE), (f"{p}_base", pa.string())]
    fields += [("additional_ad_valorem", RATE), ("total_ad_valorem", RATE)]
    if overlay:
        fields.append(("overlay_open", pa.bool_()))
    return pa.schema(fields)


def write_statutory_rates(
    tables: TariffTables, day: dt.date, out: Path, *, origins: list[str] | None = None
) -> int:
    """Write the table for ``day`` (every ISO country but the United States' customs territory, or
    ``origins``) to ``out``; return its rows."""
    from tmec.core.countries import _iso_countries

    countries = table_origins(tables, day, _iso_countries(), origins)
    # the reciprocal duty, one measure per country on every line, is laid over the other programs'
    # classes (a hundred classes of full rows would cost more than completing the distinct rows)
    overlay = overlay_applies(tables, day)
    table = statutory_table(tables, day, overlay=overlay)
    measures: list[Measure | None] = [None] * len(countries)
    if overlay:
        measures = country_overlay(tables, day, countries)
    rows, per_group, group_of = _distinct_rows(table, countries, measures, overlay)
    batches = _batches(table, day, countries, rows, per_group, group_of)
    n = len(table.codes) * len(countries)
    if out.suffix != ".csv":
        # without Arrow's schema in the file the text columns read back as plain text; min and max
        # kept for the columns a reader can skip row groups by (the lines are in order; the others'
        # ranges span every row group, and cost half the writing)
        with (
            atomic_file(out) as tmp,
            pq.ParquetWriter(
                tmp, _empty(rows).schema, store_schema=False, write_statistics=["hts", "origin", "date"]
            ) as writer,
        ):
            for chunk in batches:
                writer.write_table(chunk, row_group_size=chunk.num_rows)
        return n
    import duckdb  # CSV only

    conn = duckdb.connect()
    try:
        conn.execute("SET enable_progress_bar = false")
        conn.execute("SET threads = 1")  # one scan of the stream, in the order written
        reader = pa.RecordBatchReader.from_batches(
            _empty(rows).schema, (b for t in batches for b in t.to_batches())
        )
        conn.register("expanded", reader)
        with atomic_file(out) as tmp:
            written = conn.execute(f"COPY expanded TO '{tmp}' (FORMAT csv, HEADER true)").fetchone()
    finally:
        conn.close()
    return int(written[0]) if written else 0


def _distinct_rows(
    table: StatutoryTable, countries: list[str], measures: list[Measure | None], overlay: bool
) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """The distinct final rows (without ``hts, origin, date, description``), the row of each line
    and country group (``per_group[i * groups + g]``), and each country's group."""
    position = {c: k for k, c in enumerate(table.classes)}
    cls = [position.get(c, position[OTHERS]) for c in countries]
    distinct = list({id(m): m for m in [None, *measures]}.values())  # None first
    at = {id(m): i for i, m in enumerate(distinct)}
    measure = [at[id(m)] for m in measures]
    keys: dict[tuple[int, int], int] = {}
    group_of = np.array(
        [keys.setdefault((k, m), len(keys)) for k, m in zip(cls, measure, strict=True)], np.int32
    )
    group_cls = np.array([k for k, _ in keys], np.int64)
    group_measure = np.array([m for _, m in keys], np.int64)
    lines, n_classes = len(table.codes), len(table.classes)
    index = np.frombuffer(table.index, np.int32) if lines else np.zeros(0, np.int32)
    # the row of each (line, group): the line's row of the group's class
    body = index[(np.arange(lines, dtype=np.int64)[:, None] * n_classes + group_cls[None, :]).ravel()]
    bodies = pa.Table.from_pylist(table.rows, schema=_body_schema(overlay))
    if not overlay:
        return bodies, body.astype(np.int32), group_of
    # each distinct (row, reciprocal measure) completed once
    pairs = pc.dictionary_encode(
        pa.array(body.astype(np.int64) * len(distinct) + np.tile(group_measure, lines))
    )
    unique = pairs.dictionary.to_numpy()  # in order of first use: a hash, no sort
    completed = _overlay(
        bodies.take(pa.array(unique // len(distinct))), distinct, pa.array(unique % len(distinct), pa.int32())
    )
    return completed, pairs.indices.to_numpy(), group_of


def _batches(
    table: StatutoryTable,
    day: dt.date,
    countries: list[str],
    rows: pa.Table,
    per_group: np.ndarray,
    group_of: np.ndarray,
) -> Iterator[pa.Table]:
    """The table in row groups of whole lines, in line then country order: each country takes its
    group's row of the line, text columns as dictionaries of their distinct values."""
    width = len(countries)
    groups = int(group_of.max()) + 1 if width else 0
    # text columns as dictionaries: a take copies their small integer indices, not the text
    encoded = pa.table(
        {
            f.name: pc.dictionary_encode(rows.column(f.name))
            if pa.types.is_string(f.type)
            else rows.column(f.name)
            for f in rows.schema
        }
    )
    codes = pa.array(table.codes, pa.string())
    descriptions = pa.array(table.descriptions, pa.string())
    origin = pa.array(countries, pa.string())
    step = max(1, CHUNK_ROWS // max(1, width))
    for start in range(0, len(table.codes), step):
        lines = min(step, len(table.codes) - start)
        line = np.repeat(np.arange(lines, dtype=np.int32), width)
        country = np.tile(np.arange(width, dtype=np.int32), lines)
        taken = encoded.take(
            pa.array(per_group[(line.astype(np.int64) + start) * groups + group_of[country]])
        )
        local = pa.array(line)
        described = pc.dictionary_encode(descriptions.slice(start, lines))
        date = np.full(lines * width, (day - dt.date(1970, 1, 1)).days, np.int32)
        yield pa.table(
            [
                pa.DictionaryArray.from_arrays(local, codes.slice(start, lines)),
                pa.DictionaryArray.from_arrays(pa.array(country), origin),
                pa.Array.from_buffers(pa.date32(), len(date), [None, pa.py_buffer(date)]),
                described.take(local),
                *taken.columns,
            ],
            schema=_schema(taken.schema),
        )


def _schema(rows: pa.Schema) -> pa.Schema:
    text = pa.dictionary(pa.int32(), pa.string())
    return pa.schema(
        [
            pa.field("hts", text),
            pa.field("origin", text),
            pa.field("date", pa.date32(), nullable=False),
            pa.field("description", text),
            *rows,
        ]
    )


def _empty(rows: pa.Table) -> pa.Table:
    """The table's schema with no rows (no line in force, or no country)."""
    text = pa.dictionary(pa.int32(), pa.string())
    fields = [pa.field(f.name, text) if pa.types.is_string(f.type) else f for f in rows.schema]
    return _schema(pa.schema(fields)).empty_table()


def _overlay(rows: pa.Table, measures: list[Measure | None], which: pa.Array) -> pa.Table:
    """Each row completed with a reciprocal measure (``measures[which[i]]`` for row ``i``): heading,
    rate (a floor less the ordinary rate, not below 0, under its "no change" heading when nothing is
    left), base, and the totals."""
    rate = pa.array([None if m is None else (0 if m.exemption else m.rate) for m in measures], RATE).take(
        which
    )
    floor = pa.array([m is not None and m.floor for m in measures], pa.bool_()).take(which)
    heading = pa.array([m.heading if m else None for m in measures], pa.string()).take(which)
    met = pa.array([(m.floor_met_heading or m.heading) if m else None for m in measures], pa.string()).take(
        which
    )
    ordinary = rows.column("ordinary_ad_valorem")
    zero = pa.scalar(Decimal(0), RATE)
    topped = pc.max_element_wise(pc.cast(pc.subtract(rate, ordinary), RATE), zero)
    rate = pc.if_else(floor, topped, rate)
    heading = pc.if_else(pc.and_kleene(floor, pc.equal(rate, zero)), met, heading)
    base = pc.if_else(pc.is_null(rate), pa.scalar(None, pa.string()), pa.scalar("full"))
    added = pc.if_else(pc.and_(rows.column("overlay_open"), pc.is_valid(rate)), rate, zero)
    additional = pc.cast(pc.add(rows.column("additional_ad_valorem"), added), RATE)
    total = pc.cast(pc.add(ordinary, additional), RATE)
    out = rows.drop_columns(["overlay_open"])
    for name, column in (
        (f"{OVERLAY}_heading", heading),
        (f"{OVERLAY}_rate", rate),
        (f"{OVERLAY}_base", base),
        ("additional_ad_valorem", additional),
        ("total_ad_valorem", total),
    ):
        out = out.set_column(out.schema.get_field_index(name), name, column)
    return out
