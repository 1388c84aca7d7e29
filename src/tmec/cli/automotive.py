"""``tmec automotive table NAME`` and ``tmec automotive part HS``: the Automotive Appendix tables.

``table`` lists Table A.1, A.2 (column 1 parts with their column 2 components), B, C,
D, E or S with its source; ``part`` says which table lists a part for an end use and
the staged thresholds in force on a date (UR s.14-s.15).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from tmec.cli._common import console, emit_json, handles_errors
from tmec.core.dates import parse_date
from tmec.law import load_parameters
from tmec.origin.automotive.parts import END_USES, KINDS, part_thresholds
from tmec.origin.automotive.tables import Entry, parts_table, table_a2, table_s

TABLES = ("A.1", "A.2", "B", "C", "D", "E", "S")


@click.group("automotive")
def command() -> None:
    """The Automotive Appendix (UR Part 6): its tables and the staged thresholds of parts."""


def _codes(entry: Entry) -> str:
    return ("ex " if entry.ex else "") + ", ".join(str(r) for r in entry.hs)


def _entry(entry: Entry) -> dict[str, Any]:
    return {
        "hs": [str(r) for r in entry.hs],
        "ex": entry.ex,
        "kind": entry.kind,
        "description": entry.description,
    }


@command.command("table")
@click.argument("name", type=click.Choice(TABLES, case_sensitive=False))
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def show_table(name: str, as_json: bool) -> None:
    """List Table NAME (A.1, A.2, B, C, D, E or S) with its HS 2012 codes and source."""
    name = name.upper()
    rows: list[tuple[str, str, str]] = []
    data: dict[str, Any]
    if name == "A.2":
        a2 = table_a2()
        data = {"table": "A.2", "reference": a2.reference, "source": a2.source, "parts": []}
        for part in a2.parts:
            data["parts"].append(
                {
                    "id": part.id,
                    "description": part.description,
                    "hs": [str(r) for r in part.hs],
                    "components": [_entry(c) for c in part.components],
                }
            )
            rows.append((part.id, "ex " + ", ".join(str(r) for r in part.hs), part.description))
            rows.extend(("", _codes(c), f"  {c.description}") for c in part.components)
        reference, source = a2.reference, a2.source
    elif name == "S":
        s = table_s()
        data = {
            "table": "S",
            "reference": s.reference,
            "source": s.source,
            "steel": [_entry(e) for e in s.steel],
            "aluminum": [_entry(e) for e in s.aluminum],
            "melted_and_poured_exceptions": [_entry(e) for e in s.raw_materials],
        }
        rows.extend(("steel", _codes(e), e.description) for e in s.steel)
        rows.extend(("aluminum", _codes(e), e.description) for e in s.aluminum)
        rows.extend(("raw material", _codes(e), e.description) for e in s.raw_materials)
        reference, source = s.reference, s.source
    else:
        t = parts_table(name)
        data = {
            "table": t.table,
            "title": t.title,
            "reference": t.reference,
            "source": t.source,
            "vintage": t.vintage,
            "entries": [_entry(e) for e in t.entries],
        }
        rows.extend(("", _codes(e), e.description) for e in t.entries)
        reference, source = t.reference, t.source
    if as_json:
        emit_json(data)
        return
    table = Table("", "HS 2012", "description", title=f"Table {name}", title_justify="left")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"{reference}\nsource: {source}", highlight=False)


@command.command("part")
@click.argument("hs")
@click.option("--end-use", type=click.Choice(END_USES), required=True, help="the vehicle the part is for")
@click.option("--kind", type=click.Choice(KINDS), help="what an 'ex' entry turns on")
@click.option("--date", "day", help="ISO date; default today")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def show_part(hs: str, end_use: str, kind: str | None, day: str | None, as_json: bool) -> None:
    """Which table lists part HS for END_USE, and its staged thresholds on --date."""
    when = parse_date(day, field="--date") if day else dt.date.today()
    found = part_thresholds(hs, end_use=end_use, kind=kind, params=load_parameters().at(when), field="HS")
    if found is None:
        message = "no table lists it for this end use: its own Annex 4-B (Schedule 1) rule applies"
        if as_json:
            emit_json(
                {
                    "hs": hs,
                    "end_use": end_use,
                    "kind": kind,
                    "date": when.isoformat(),
                    "table": None,
                    "note": message,
                }
            )
        else:
            console.print(f"{hs} for {end_use} on {when}: {message}", highlight=False)
        return
    out = {
        "hs": hs,
        "end_use": end_use,
        "kind": kind,
        "date": when.isoformat(),
        "table": found.table,
        "entry": _entry(found.entry),
        "rvc_only": found.rvc_only,
        "net_cost": str(found.net_cost.value),
        "transaction_value": str(found.transaction_value.value),
        "reference": f"{found.reference}; {found.net_cost.cite()}",
    }
    if as_json:
        emit_json(out)
        return
    console.print(
        f"[bold]{escape(hs)}[/] for {end_use.replace('_', ' ')} on {when}: {escape(found.describe())}",
        highlight=False,
        markup=True,
    )
    console.print(f"  {out['reference']}", highlight=False)
