"""``tmec measures show --date D --origin CC``: the chapter-99 measures in force."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from tmec.cli._common import console, emit_json, handles_errors
from tmec.core.dates import parse_date
from tmec.core.hs import validate
from tmec.law.tariffs import load_measures
from tmec.tariffs.entry import country


@click.group("measures")
def command() -> None:
    """US additional duties (chapter 99) as dated data."""


@command.command("show")
@click.option("--date", "day", help="ISO date; default today")
@click.option("--origin", help="country of origin (ISO code); default every country")
@click.option("--hts", help="only the measures whose scope covers this HTS code")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def show(day: str | None, origin: str | None, hts: str | None, as_json: bool) -> None:
    """List the measures in force on --date for goods of --origin, in stacking priority order."""
    when = parse_date(day, field="--date") if day else dt.date.today()
    cc = country(origin, field="--origin") if origin else None
    found = load_measures().in_force(when, cc)
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
        emit_json({"date": when.isoformat(), "origin": cc, "hts": hts, "measures": rows})
        return
    table = Table(title=f"Measures in force on {when.isoformat()}" + (f" for goods of {cc}" if cc else ""))
    for col in ("program", "heading", "rate %", "base", "measure", "when", "until", "reference"):
        table.add_column(col, no_wrap=col in {"heading", "rate %"}, overflow="fold")
    for r in rows:
        cond = ", ".join(f"{k}={v}" for k, v in r["conditions"].items())
        table.add_row(
            str(r["program"]),
            str(r["heading"]),
            str(r["rate"]),
            str(r["base"]),
            escape(str(r["measure"])),
            escape(cond),
            str(r["valid_to"] or ""),
            escape(str(r["reference"])),
        )
    console.print(table)
