"""``tmec law show PARAMETER [--date D]``: a legal parameter and its history; ``tmec law status``:
the sources of the tariff law, their revisions and dates, and the day the law is verified through."""

from __future__ import annotations

import datetime as dt

import click
from rich.markup import escape

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._table import Column, show_table
from tmec.core.dates import parse_date
from tmec.core.errors import InputError, UnknownParameter
from tmec.law import load_parameters


@click.group("law")
def command() -> None:
    """Legal parameters: the numbers the law sets, by date, with references."""


@command.command("show")
@click.argument("parameter", required=False)
@click.option("--date", "day", help="ISO date; default today")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def show(parameter: str | None, day: str | None, as_json: bool) -> None:
    """Show PARAMETER in force on --date, with its history; no PARAMETER lists them all."""
    when = parse_date(day, field="--date") if day else dt.date.today()
    params = load_parameters()
    if parameter is None:
        names = sorted(params)
        if as_json:
            emit_json(names)
        else:
            for name in names:
                console.print(name, highlight=False)
        return
    try:
        p = params[parameter]
    except UnknownParameter:
        raise InputError(
            f"unknown legal parameter {parameter!r}; `tmec law show` lists them", field="PARAMETER"
        ) from None
    current = params.at(when)[parameter]
    history = [
        {
            "since": d.isoformat(),
            "value": v.value if v else None,
            "reference": v.reference if v else None,
            "confidence": v.confidence if v else None,
        }
        for d, v in zip(p.dates, p.values, strict=True)
    ]
    if as_json:
        emit_json(
            {
                "parameter": p.name,
                "date": when.isoformat(),
                "value": current.value,
                "since": current.since.isoformat(),
                "reference": current.reference,
                "unverified": current.unverified,
                "description": p.description,
                "unit": p.unit,
                "history": history,
            }
        )
        return
    console.print(
        f"[bold]{escape(p.name)}[/bold] on {when.isoformat()}: [bold]{escape(str(current.value))}[/bold] "
        f"{escape(p.unit or '')}",
        markup=True,
    )
    console.print(f"  in force since {current.since.isoformat()} — {current.cite()}", highlight=False)
    console.print(f"  {p.description}", highlight=False)
    show_table(
        [Column("since"), Column("value"), Column("reference"), Column("confidence")],
        [
            [str(row["since"]), str(row["value"]), row["reference"] or "", row["confidence"] or ""]
            for row in history
        ],
    )


@command.command("status")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def status(as_json: bool) -> None:
    """Each source of the tariff law, its revision and date; the day the law is verified through."""
    from tmec.law.tariffs import law_status

    info = law_status()
    if as_json:
        emit_json(info)
        return
    console.print(f"tariff law verified through {info['law_as_of']}", highlight=False)
    for src in info["sources"]:
        revisions = src["revisions"]
        first, last = revisions[0], revisions[-1]
        span = (
            f"{first['revision']} ({first['effective_date']})"
            if len(revisions) == 1
            else f"{len(revisions)} revisions, {first['revision']} ({first['effective_date']}) .. "
            f"{last['revision']} ({last['effective_date']})"
        )
        console.print(f"- {src['source']}", highlight=False, markup=False)
        console.print(f"    {src['file']}: {span}", highlight=False, markup=False)
        if src.get("note"):
            console.print(f"    {src['note']}", highlight=False, markup=False)
    if info["known_gaps"]:
        console.print("known gaps (not priced; every answer that could need them says so):", highlight=False)
    for gap in info["known_gaps"]:
        console.print(f"- {gap['measure']}: {gap['why']}", highlight=False, markup=False)
