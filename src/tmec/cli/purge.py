"""``tmec purge``: delete certificate records whose retention period has ended."""

from __future__ import annotations

import click

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._issuer import issuer


@click.command("purge")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(as_json: bool) -> None:
    """Delete certificate records kept past their retention date (five years minimum, 19 USC 1508(b)(2)).

    Records still within their retention period are never deleted: the database refuses it.
    The transparency log keeps every entry.
    """
    ids = issuer().purge_expired()
    if as_json:
        emit_json({"purged": ids})
    else:
        console.print(f"purged {len(ids)} certificate record(s) past retention", highlight=False)
