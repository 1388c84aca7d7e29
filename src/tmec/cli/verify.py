"""``tmec verify FILE [--key PUBKEY]``: check a certificate offline (JSON or PDF)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tmec.certify.keys import Keyring, PublicKey
from tmec.cli._common import EXIT_FAIL, console, emit_json, handles_errors
from tmec.cli._issuer import issuer
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input
from tmec.reports.verify import verify_file
from tmec.store.paths import tmec_home

if TYPE_CHECKING:
    from tmec.reports.verify import LogReader


def read_keys(value: str) -> list[PublicKey]:
    """``--key``: a file of verifier keys (one a line, as `tmec keys export --all` writes), a PEM file,
    or a verifier key string."""
    path = Path(value)
    if path.is_file():
        text = read_input(path).decode("utf-8", "replace")
        if text.lstrip().startswith("-----BEGIN"):
            return [PublicKey.parse(text, source=str(path))]
        return [PublicKey.parse(line, source=str(path)) for line in text.splitlines() if line.strip()]
    if "+" in value:
        return [PublicKey.parse(value, source="--key")]
    raise InputError(f"no such key file, and not a verifier key string: {value!r}", field="--key")


def _local_issuer(origin: Any) -> LogReader | None:
    """The store at hand, when it holds this certificate's log."""
    if not os.environ.get("TMEC_DATABASE_URL") and not (tmec_home() / "tmec.db").is_file():
        return None
    from tmec.store.quick import quick_reader

    quick = quick_reader()  # the stdlib's sqlite3 when it can answer: no SQLAlchemy to import
    if quick is not None:
        ctx = click.get_current_context(silent=True)
        if ctx is not None:
            ctx.call_on_close(quick.close)
        names = quick.key_names()
        return quick if names and names[-1] == origin else None
    iss = issuer()
    keys = iss.keys()
    return iss if keys and keys[-1].name == origin else None


@click.command("verify")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--key",
    "keys",
    multiple=True,
    help="the issuer's public key(s): a file from `tmec keys export [--all]`, or the string; repeatable",
)
@click.option("--date", "day", help="check the certificate covers this date (blanket period)")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(file: Path, keys: tuple[str, ...], day: str | None, as_json: bool) -> None:
    """Verify FILE (certificate.json, certificate.pdf, or certificate.vc.json): signature, log inclusion,
    checkpoint signature, period on --date, revocation.

    Works offline with the issuer's public key (--key).  When the issuer's log is
    at hand ($TMEC_HOME or $TMEC_DATABASE_URL), also checks revocation.  Exit 0
    valid, 1 invalid (the failed check is named), 2 unreadable input.
    """
    on = parse_date(day, field="--date") if day else None
    keyring: Keyring | None = Keyring(k for value in keys for k in read_keys(value)) if keys else None
    verified = verify_file(file, keyring, on=on, local=_local_issuer)
    result, signed_payload = verified.result, verified.signed_payload
    if as_json:
        emit_json(verified.to_dict())
    else:
        table = Table("check", "", "detail", title=f"certificate {result.certificate_id}")
        for c in result.checks:
            mark = {True: "[green]ok[/green]", False: "[red]FAILED[/red]", None: "[yellow]-[/yellow]"}[
                c.passed
            ]
            table.add_row(c.name, Text.from_markup(mark), c.detail)  # details quote the file: as they are
        console.print(table)
        if result.valid:
            console.print("[green bold]VALID[/green bold]", markup=True)
        elif signed_payload is not None and not result.failed:
            console.print(
                "[yellow bold]NOT VERIFIED[/yellow bold]: the signed record is valid; the visible pages "
                "are not verified. Compare them with the signed payload:",
                soft_wrap=True,
                markup=True,
            )
            console.print_json(data=signed_payload)
        else:
            failed = ", ".join(c.name for c in result.failed)
            console.print(f"[red bold]INVALID[/red bold]: {escape(failed)} failed", markup=True)
    if not result.valid:
        sys.exit(EXIT_FAIL)
