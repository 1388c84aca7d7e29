"""``tmec init``: create the store and the issuer's Ed25519 key."""

from __future__ import annotations

from pathlib import Path

import click

from tmec.cli._common import console, emit_json, err_console, handles_errors
from tmec.cli._issuer import PASSPHRASE_ENV, issuer, passphrase, passphrase_option
from tmec.core.errors import InputError


@click.command("init")
@click.option(
    "--origin",
    default="tmec.local/issuer",
    show_default=True,
    help="the log's name (C2SP origin) and the key's name, e.g. example.com/acme-steel",
)
@passphrase_option
@click.option(
    "--no-passphrase",
    is_flag=True,
    help="write the private key unencrypted (refused unless asked for: anyone who reads it can sign)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(origin: str, passphrase_file: Path | None, no_passphrase: bool, as_json: bool) -> None:
    """Create the store (migrations run by themselves) and an Ed25519 issuer key.

    The private key is written as PKCS#8, encrypted with the passphrase
    (--passphrase-file or $TMEC_KEY_PASSPHRASE); an unencrypted key needs
    --no-passphrase.  The store and the keys are readable by their owner only
    (files 0600 in a 0700 directory).  The key's creation is the log's first entry.
    """
    secret = passphrase(passphrase_file)
    if secret is None and not no_passphrase:
        raise InputError(
            f"no passphrase for the issuer key: give --passphrase-file or ${PASSPHRASE_ENV}, "
            "or --no-passphrase to write it unencrypted",
            field="--no-passphrase",
        )
    if secret is not None and no_passphrase:
        raise InputError("--no-passphrase given with a passphrase: choose one", field="--no-passphrase")
    iss = issuer(create=True)
    key = iss.init(origin, secret)
    info = {
        "store": iss.store.url,
        "origin": origin,
        "key_id": key.key_id,
        "public_key": key.verifier_key(),
        "encrypted": secret is not None,
    }
    if as_json:
        emit_json(info)
        return
    console.print(f"store      {iss.store.url}", highlight=False, soft_wrap=True)
    console.print(f"log origin {origin}", highlight=False, soft_wrap=True)
    console.print(
        f"issuer key {key.key_id}  (publish it: `tmec keys export`)", highlight=False, soft_wrap=True
    )
    console.print(f"public key {key.verifier_key()}", highlight=False, soft_wrap=True)
    if secret is None:
        err_console.print(
            "[yellow]warning:[/yellow] the private key is not encrypted (--no-passphrase)", markup=True
        )
