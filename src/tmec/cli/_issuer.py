"""What the certification commands share: the store, the issuer, the key's passphrase."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from tmec.cli._common import err_console
from tmec.core.input_limits import read_input

if TYPE_CHECKING:
    from tmec.certify.issuer import Issuer
    from tmec.certify.outputs import Finished

PASSPHRASE_ENV = "TMEC_KEY_PASSPHRASE"

passphrase_option = click.option(
    "--passphrase-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"file holding the issuer key's passphrase (default: ${PASSPHRASE_ENV})",
)


def passphrase(path: Path | None) -> bytes | None:
    """The passphrase from a file or the environment; never echoed, never logged."""
    if path is not None:
        return read_input(path).rstrip(b"\r\n") or None
    env = os.environ.get(PASSPHRASE_ENV)
    return env.encode() if env else None


def issuer(*, create: bool = False, quick: bool = False) -> Issuer:
    """The issuer over the default store; the store closes when the command ends.

    Opening the store first finishes any issue that a dead process left without its files.
    ``quick``: over the standard library's sqlite3 when it can (:mod:`tmec.store.quick_store`: SQLite
    at head, nothing pending), for the commands that only issue (``tmec certify``).
    """
    from tmec.certify.issuer import Issuer

    if quick:
        from tmec.store.quick_store import open_quick_store

        fast = open_quick_store()
        if fast is not None:
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                ctx.call_on_close(fast.close)
            return Issuer(fast)
    from tmec.store.db import open_store

    store = open_store(create=create)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(store.close)
    iss = Issuer(store)
    if not _any_pending(iss):
        return iss
    # Only now: settling a pending issue renders its files, and the PDF renderer is slow to import.
    from tmec.certify.outputs import finish_pending

    for done in finish_pending(
        iss, on_error=lambda exc: err_console.print(f"warning: {exc}", highlight=False)
    ):
        report_finished(done)
    return iss


def _any_pending(iss: Issuer) -> bool:
    """Does any issue wait for its files?  One indexed read, nearly always empty."""
    from tmec.store.sql import rows

    with iss.transaction() as s:
        return bool(rows(s, "SELECT 1 FROM pending_output LIMIT 1"))


def report_finished(done: Finished) -> None:
    """One line on stderr for a pending issue settled on opening the store."""
    if done.files:
        err_console.print(
            f"finished {done.certificate_id} (log entry {done.log_index}): its files were written "
            f"to {done.directory}",
            highlight=False,
            soft_wrap=True,
        )
    else:
        err_console.print(
            f"removed the temporary files of {done.certificate_id}, which was never issued",
            highlight=False,
            soft_wrap=True,
        )
