"""``tmec purge``: delete certificate records whose retention period has ended."""

from __future__ import annotations

import click

from tmec.cli._common import confirm, console, emit_json, handles_errors
from tmec.cli._issuer import issuer


@click.command("purge")
@click.option("--yes", is_flag=True, help="delete without asking (needed when not on a terminal)")
@click.option("--dry-run", is_flag=True, help="list the records that would be deleted; delete nothing")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(yes: bool, dry_run: bool, as_json: bool) -> None:
    """Delete certificate records kept past their retention date (five years minimum, 19 USC 1508(b)(2)).

    Records still within their retention period are never deleted: the database refuses it.
    The transparency log keeps every entry.
    """
    iss = issuer()
    due = iss.expired_records()
    if dry_run or not due:
        if as_json:
            emit_json({"dry_run": dry_run, "would_purge" if dry_run else "purged": due})
        else:
            verb = "would purge" if dry_run else "purged"
            console.print(f"{verb} {len(due)} certificate record(s) past retention", highlight=False)
            for cert_id in due if dry_run else []:
                console.print(f"  {cert_id}", highlight=False)
        return
    confirm(f"Delete {len(due)} certificate record(s) past retention? This cannot be undone", yes=yes)
    ids = iss.purge_expired()
    if as_json:
        emit_json({"purged": ids})
    else:
        console.print(f"purged {len(ids)} certificate record(s) past retention", highlight=False)
