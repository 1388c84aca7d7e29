"""``tmec init``: create the store and the issuer's Ed25519 key."""

from __future__ import annotations

from pathlib import Path

import click

from tmec.cli._common import console, emit_json, err_console, handles_errors
from tmec.cli._issuer import issuer, passphrase, passphrase_option


@click.command("init")
@click.option(
    "--origin",
    default="tmec.local/issuer",
    show_default=True,
    help="the log's name (C2SP origin) and the key's name, e.g. example.com/acme-steel",
)
@passphrase_option
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(origin: str, passphrase_file: Path | None, as_json: bool) -> None:
    """Create the store (migrations run by themselves) and an Ed25519 issuer key.

    The private key is written as PKCS#8, encrypted when a passphrase is given
    (--passphrase-file or $TMEC_KEY_PASSPHRASE).  The key's creation is the
    log's first entry.
    """
    iss = issuer(create=True)
    secret = passphrase(passphrase_file)
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
            "[yellow]warning:[/yellow] the private key is not encrypted; "
            "give a passphrase (--passphrase-file or $TMEC_KEY_PASSPHRASE) to encrypt it"
        )
