"""``tmec log verify|checkpoint``: audit the transparency log, publish its signed head."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from tmec.certify.audit import audit_log
from tmec.cli._common import EXIT_FAIL, console, emit_json, handles_errors
from tmec.cli._issuer import issuer
from tmec.core.errors import InputError
from tmec.store import ledger


@click.group("log")
def command() -> None:
    """The append-only transparency log of certificates and keys (RFC 9162)."""


@command.command("verify")
@click.option(
    "--from",
    "earlier",
    type=click.Path(dir_okay=False, path_type=Path),
    help="an earlier signed checkpoint (from `tmec log checkpoint`): prove the log extends it",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def verify(earlier: Path | None, as_json: bool) -> None:
    """Recompute the whole tree from the entries and check it against the signed checkpoints.

    Exit 0 when every check passes, 1 when the log was altered or rewritten.
    """
    iss = issuer()
    note = None
    if earlier is not None:
        try:
            note = earlier.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read the checkpoint: {exc.strerror}", source=str(earlier)) from None
    result = audit_log(iss.store, iss.keyring(), earlier=note)
    if as_json:
        emit_json(result.to_dict())
    else:
        table = Table("check", "", "detail", title=f"log of {result.size} entries, root {result.root.hex()}")
        for c in result.checks:
            table.add_row(c.name, "[green]ok[/green]" if c.passed else "[red]FAILED[/red]", c.detail)
        console.print(table)
        console.print(
            "[green bold]CONSISTENT[/green bold]" if result.valid else "[red bold]ALTERED[/red bold]"
        )
    if not result.valid:
        sys.exit(EXIT_FAIL)


@command.command("checkpoint")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def checkpoint(as_json: bool) -> None:
    """Print the latest signed checkpoint (C2SP signed note); keep it outside the database."""
    iss = issuer()
    with iss.store.session() as s:
        row = ledger.latest_checkpoint(s)
    if row is None:
        raise InputError("the log is empty: run `tmec init`")
    if as_json:
        emit_json({"size": row.size, "note": row.note})
    else:
        click.echo(row.note, nl=False)
