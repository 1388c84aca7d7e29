"""``tmec keys export|list|rotate``: the issuer's public keys, and key rotation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.table import Table

from tmec.certify.keys import PublicKey
from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._issuer import issuer, passphrase, passphrase_option


@click.group("keys")
def command() -> None:
    """The issuer's keys: export the public ones, list them, rotate."""


@command.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["verifier", "pem"]),
    default="verifier",
    show_default=True,
    help="C2SP verifier key string, or a PEM public key",
)
@click.option(
    "--all", "every", is_flag=True, help="every key, retired ones too (they verify old certificates)"
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def export(fmt: str, every: bool, as_json: bool) -> None:
    """Print the issuer's public key (never the private one) for verifiers: `tmec verify --key FILE`."""
    iss = issuer()
    rows = iss.keys() if every else [iss.current_key()]
    keys = [PublicKey(r.name, bytes(r.public_key)) for r in rows]
    if as_json:
        emit_json(
            [
                {"key_id": k.key_id, "name": k.name, "verifier_key": k.verifier_key(), "pem": k.pem()}
                for k in keys
            ]
        )
        return
    for k in keys:
        click.echo(k.verifier_key() if fmt == "verifier" else k.pem().rstrip())


@command.command("list")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def list_keys(as_json: bool) -> None:
    """Every issuer key, with when it was added to the log and retired."""
    rows = issuer().keys()
    data: list[dict[str, Any]] = [
        {
            "key_id": r.key_id,
            "name": r.name,
            "log_index": r.log_index,
            "created_at": r.created_at,
            "retired_at": r.retired_at,
        }
        for r in rows
    ]
    if as_json:
        emit_json(data)
        return
    table = Table("key id", "name", "log entry", "created", "retired")
    for d in data:
        table.add_row(*(str(d[k] or "") for k in ("key_id", "name", "log_index", "created_at", "retired_at")))
    console.print(table)


@command.command("rotate")
@passphrase_option
@click.option(
    "--new-passphrase-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="passphrase for the new key (default: the same as the old one)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def rotate(passphrase_file: Path | None, new_passphrase_file: Path | None, as_json: bool) -> None:
    """Make a new current key; the old one is retired, endorses the new one, and keeps verifying."""
    iss = issuer()
    old = passphrase(passphrase_file)
    new = passphrase(new_passphrase_file) if new_passphrase_file else old
    key = iss.rotate(old, new)
    if as_json:
        emit_json({"key_id": key.key_id, "public_key": key.verifier_key()})
    else:
        console.print(f"new issuer key {key.key_id}: {key.verifier_key()}", highlight=False, soft_wrap=True)
