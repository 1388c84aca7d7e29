"""``tmec log verify|checkpoint``: audit the transparency log, publish its signed head."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tmec.certify.canonical import loads
from tmec.certify.consistency import consistency_document, verify_consistency_document
from tmec.certify.keys import Keyring
from tmec.certify.note import Checkpoint, NoteError, note_text
from tmec.cli._common import EXIT_FAIL, console, emit_json, handles_errors
from tmec.cli._issuer import issuer
from tmec.cli._progress import progress
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input


def _text(path: Path) -> str:
    """A checkpoint file's text, within the input limits."""
    try:
        return read_input(path).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not a checkpoint: not UTF-8 text", source=str(path)) from None


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
@click.option(
    "--all-checkpoints", is_flag=True, help="also check every stored checkpoint, not only the latest"
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def verify(earlier: Path | None, all_checkpoints: bool, as_json: bool) -> None:
    """Recompute the whole tree from the entries and check it against the signed checkpoints.

    Exit 0 when every check passes, 1 when the log was altered or rewritten.
    """
    from tmec.certify.audit import audit_log

    iss = issuer()
    note = None
    if earlier is not None:
        note = _text(earlier)
        try:  # unreadable input is exit 2; a well-formed checkpoint the log does not extend is exit 1
            Checkpoint.parse_text(note_text(note))
        except NoteError as exc:
            raise InputError(f"not a checkpoint: {exc}", source=str(earlier)) from None
    with progress("recomputing the log from its entries", quiet=as_json):
        result = audit_log(iss.store, iss.keyring(), earlier=note, all_checkpoints=all_checkpoints)
    if as_json:
        emit_json(result.to_dict())
    else:
        table = Table("check", "", "detail", title=f"log of {result.size} entries, root {result.root.hex()}")
        for c in result.checks:
            table.add_row(
                c.name, Text.from_markup("[green]ok[/green]" if c.passed else "[red]FAILED[/red]"), c.detail
            )
        console.print(table)
        console.print(
            "[green bold]CONSISTENT[/green bold]" if result.valid else "[red bold]ALTERED[/red bold]",
            markup=True,
        )
    if not result.valid:
        sys.exit(EXIT_FAIL)


@command.command("checkpoint")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def checkpoint(as_json: bool) -> None:
    """Print the latest signed checkpoint (C2SP signed note); keep it outside the database."""
    from tmec.store import ledger

    iss = issuer()
    with iss.store.session() as s:
        row = ledger.latest_checkpoint(s)
    if row is None:
        raise InputError("the log is empty: run `tmec init`")
    if as_json:
        emit_json({"size": row.size, "note": row.note})
    else:
        click.echo(row.note, nl=False)


@command.command("prove")
@click.option(
    "--from",
    "earlier",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="an earlier signed checkpoint a monitor holds",
)
@click.option("--json", "as_json", is_flag=True, help="errors as JSON too (the proof is JSON in any case)")
@handles_errors
def prove(earlier: Path, as_json: bool) -> None:
    """Print JSON with the latest checkpoint and an RFC 9162 consistency proof from --from to it.

    A monitor checks it offline with `tmec log check FILE --key KEY`.
    """
    from tmec.store import ledger

    iss = issuer()
    earlier_text = _text(earlier)
    try:
        old = Checkpoint.parse_text(note_text(earlier_text))
    except NoteError as exc:
        raise InputError(f"not a checkpoint: {exc}", source=str(earlier)) from None
    with iss.store.session() as s:
        head = ledger.latest_checkpoint(s)
        if head is None or old.size > head.size:
            raise InputError(f"the log has no tree of size {old.size}", source=str(earlier))
        proof = ledger.consistency_proof(s, old.size, head.size)
    emit_json(consistency_document(earlier_text, head.note, proof))


@command.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "keys", multiple=True, required=True, help="the issuer's public key(s), as for verify")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def check(file: Path, keys: tuple[str, ...], as_json: bool) -> None:
    """Offline: check a `tmec log prove` file: both checkpoints signed, the new one extends the old."""
    from tmec.cli.verify import read_keys

    keyring = Keyring(k for value in keys for k in read_keys(value))
    try:
        data = loads(read_input(file))
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not a consistency proof file: {exc}", source=str(file)) from None
    if not isinstance(data, dict):
        raise InputError("not a consistency proof file: expected a JSON object", source=str(file))
    result = verify_consistency_document(data, keyring)
    ok, detail = bool(result.passed), result.detail
    if as_json:
        emit_json({"valid": ok, "detail": detail})
    else:
        console.print(
            ("[green]CONSISTENT[/green] " if ok else "[red]INCONSISTENT[/red] ") + escape(detail),
            highlight=False,
            soft_wrap=True,
            markup=True,
        )
    if not ok:
        sys.exit(EXIT_FAIL)
