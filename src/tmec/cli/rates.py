"""``tmec rates --date D [--origin CC] --out FILE.parquet``: the statutory rate of every HTS-10 line
for every origin (or one) on a date, by authority (ordinary, Section 232, IEEPA, Section 122)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from tmec.cli._common import console, emit_json, handles_errors
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.tariffs.entry import country
from tmec.tariffs.pricing import default_tables


@click.command("rates")
@click.option("--date", "day", required=True, help="the day, YYYY-MM-DD")
@click.option("--origin", help="one country (ISO code); default every country")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="output file, .parquet or .csv")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="machine-readable summary")
@handles_errors
def command(day: str, origin: str | None, out: Path, as_json: bool) -> None:
    """Write the statutory rate of every HTS-10 line for every origin on --date (no claims, no
    reported facts: see the columns' notes in the README)."""
    from tmec.engine.statutory import write_statutory_rates

    started = time.perf_counter()
    when = parse_date(day, field="--date")
    origins = [country(origin, field="--origin")] if origin else None
    if out.suffix not in (".parquet", ".csv"):
        raise InputError(f"expected a .parquet or .csv file, found {out.name!r}", field="--out")
    tables = default_tables()
    n = write_statutory_rates(tables, when, out, origins=origins)
    warning = tables.staleness(when)
    summary = {
        "date": when.isoformat(),
        "rows": n,
        "out": str(out),
        "law_as_of": tables.law_as_of.isoformat() if tables.law_as_of else None,
        "warning": warning,
        "seconds": round(time.perf_counter() - started, 3),
    }
    if as_json:
        emit_json(summary)
        return
    console.print(f"{n:,} rows (HTS-10 line x origin) for {when} written to {out}", highlight=False)
    if warning:
        console.print(f"warning: {warning}", highlight=False, markup=False, soft_wrap=True)
