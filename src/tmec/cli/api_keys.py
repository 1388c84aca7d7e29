"""``tmec api-keys create --name NAME --role ROLE [--json]`` / ``tmec api-keys revoke NAME``."""

from __future__ import annotations

import click

from tmec.cli._common import emit_json, handles_errors
from tmec.cli._issuer import issuer
from tmec.store.roles import ROLES


@click.group("api-keys")
def command() -> None:
    """Keys for the REST API (`tmec serve`): viewer, analyst, certifier, admin."""


@command.command("create")
@click.option("--name", required=True, help="who or what the key is for")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--json", "as_json", is_flag=True, help='print {"key": ...}')
@handles_errors
def create(name: str, role: str, as_json: bool) -> None:
    """Create a key and print it once: only its hash is stored."""
    from tmec.store.access import create_key

    key = create_key(issuer(create=True).store, name, role)
    if as_json:
        emit_json({"key": key, "name": name, "role": role})
    else:
        click.echo(key)
        click.echo(f"API key {name!r} ({role}); it is shown once — keep it secret", err=True)


@command.command("revoke")
@click.argument("name")
@handles_errors
def revoke(name: str) -> None:
    """Revoke the key NAME (the server stops accepting it within seconds)."""
    from tmec.store.access import revoke_key

    revoke_key(issuer().store, name)
    click.echo(f"API key {name!r} revoked", err=True)
