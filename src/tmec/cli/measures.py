"""``tmec measures show --date D --origin CC``: the chapter-99 measures in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._table import Column, format_option, show_table
from tmec.core.dates import parse_date
from tmec.core.hs import validate
from tmec.law.tariffs import load_measures
from tmec.tariffs.entry import country
from tmec.tariffs.pricing import default_tables


def _words(value: object) -> str:
    """A condition's value as people write it: ``US or CA``, not a Python list."""
    if isinstance(value, list | tuple):
        return " or ".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)


@click.group("measures")
def command() -> None:
    """US additional duties (chapter 99) as dated data."""


@command.command("show")
@click.option("--date", "day", help="ISO date; default today")
@click.option("--origin", help="country of origin (ISO code); default every country")
@click.option("--hts", help="only the measures whose scope covers this HTS code")
@format_option
@click.option("--json", "as_json", is_flag=True, help="machine-readable output, every field")
@handles_errors
def show(day: str | None, origin: str | None, hts: str | None, fmt: str, as_json: bool) -> None:
    """List the measures in force on --date for goods of --origin, in stacking priority order."""
    when = parse_date(day, field="--date") if day else dt.date.today()
    cc = country(origin, field="--origin") if origin else None
    found = load_measures().in_force(when, cc)
    tables = default_tables()
    as_of, warning = tables.law_as_of or when, tables.staleness(when)
    if hts:
        digits = validate(hts, min_digits=4, field="--hts")
        found = [m for m in found if m.covers(digits)]
    rows: list[dict[str, Any]] = [
        {
            "id": m.id,
            "program": m.program,
            "measure": m.title,
            "heading": m.heading,
            "rate": str(m.rate),
            "base": m.base,
            "origins": sorted(m.origins) if m.origins is not None else "*",
            "conditions": {k: list(v) if isinstance(v, tuple) else v for k, v in m.when.items()},
            "scope": sorted({i.scope for i in m.scope}),
            "valid_from": m.valid_from.isoformat(),
            "valid_to": m.valid_to.isoformat() if m.valid_to else None,
            "reference": m.cite(),
            "unverified": m.unverified,
        }
        for m in found
    ]
    if as_json:
        emit_json(
            {
                "date": when.isoformat(),
                "origin": cc,
                "hts": hts,
                "measures": rows,
                "law_as_of": as_of.isoformat(),
                "warning": warning,
            }
        )
        return
    title = f"Measures in force on {when.isoformat()}" + (f" for goods of {cc}" if cc else "")
    columns = [Column("program"), Column("heading"), Column("rate %", numeric=True), Column("base"),
               Column("measure"), Column("when"), Column("until"), Column("reference")]  # fmt: skip
    table = [
        [
            str(r["program"]),
            str(r["heading"]),
            str(r["rate"]),
            str(r["base"]),
            str(r["measure"]),
            ", ".join(f"{k}={_words(v)}" for k, v in r["conditions"].items()),
            str(r["valid_to"] or ""),
            str(r["reference"]),
        ]
        for r in rows
    ]
    show_table(columns, table, fmt=fmt, title=title)
    if warning and fmt == "table":
        console.print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)
