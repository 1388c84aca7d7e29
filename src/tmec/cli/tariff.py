"""``tmec tariff import FILE``: load a full HTS schedule a user downloaded from the USITC."""

from __future__ import annotations

from pathlib import Path

import click

from tmec.cli._common import console, emit_json, handles_errors
from tmec.core.dates import parse_date
from tmec.law.tariffs import read_schedule_file, store_schedule
from tmec.tariffs.schedule import HtsLine


def _dated(lines: list[HtsLine]) -> bool:
    """The tariff database carries its own dates; an HTS export takes --valid-from."""
    return any(line.valid_to is not None for line in lines)


@click.group("tariff")
def command() -> None:
    """The tariff schedule (HTSUS) tmec prices with."""


@command.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--valid-from",
    help="date the release took effect: it continues the bundled timeline from that day "
    "(HTS JSON/CSV exports carry no dates); without it the file's codes replace the bundled ones "
    "on every date",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def import_(file: Path, valid_from: str | None, as_json: bool) -> None:
    """Import FILE (USITC HTS JSON export, HTS CSV export or annual tariff database CSV) into $TMEC_HOME.

    The normalised schedule replaces any earlier import and takes precedence over the bundled lines.
    """
    start = parse_date(valid_from, field="--valid-from") if valid_from else None
    lines = read_schedule_file(file, valid_from=start)
    target = store_schedule(lines, origin=file, extends_from=start if start and not _dated(lines) else None)
    codes = {line.hts for line in lines}
    summary = {"file": str(file), "stored": str(target), "lines": len(lines), "codes": len(codes)}
    if as_json:
        emit_json(summary)
        return
    console.print(
        f"imported {len(lines)} tariff lines ({len(codes)} codes) from {file} into {target}", highlight=False
    )
