"""The statements a command relies on, from the store under ``$TMEC_HOME``, and what losing them does."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tmec.origin import Case, Material
    from tmec.statements.model import Statement
    from tmec.store.quick import QuickReader
    from tmec.store.statements import StatementBook

USED_KINDS = ("origin", "accumulation")


def open_book(*, create: bool = True) -> StatementBook:
    """The statements of the default store; the store closes when the command ends.

    Opened as a store, not as the issuer: a certification a dead process left without its files
    is finished by the next certification command, and the PDF and file-writing machinery that
    takes stays out of every statement command (a third of a second)."""
    import click

    from tmec.store.db import open_store
    from tmec.store.statements import StatementBook

    store = open_store(create=create)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(store.close)
    return StatementBook(store)


def store_exists() -> bool:
    from tmec.store.paths import tmec_home

    return bool(os.environ.get("TMEC_DATABASE_URL")) or (tmec_home() / "tmec.db").is_file()


@contextmanager
def one_reader() -> Iterator[QuickReader | None]:
    """One quick reader of the store for a batch of cases (None: each case reads as it would
    alone); :func:`case_statements` reads through it, one snapshot a case as before."""
    if not store_exists():
        yield None
        return
    from tmec.store.quick import quick_reader

    quick = quick_reader()
    try:
        yield quick
    finally:
        if quick is not None:
            quick.close()


def statements_in_force(
    day: dt.date,
    suppliers: Iterable[str] | None = None,
    *,
    quick: QuickReader | None = None,
    kinds: Sequence[str] = USED_KINDS,
) -> list[Statement]:
    """The statements of ``kinds`` (default: origin and accumulation) in force on ``day`` (of
    ``suppliers`` only, when given); none when there is no store yet (a determination never
    creates one).  ``quick``: a reader :func:`one_reader` opened for a batch."""
    if quick is not None:
        return quick.statements(in_force_on=day, kinds=kinds, suppliers=suppliers)
    if not store_exists():
        return []
    from tmec.store.quick import quick_reader

    own = quick_reader()  # the stdlib's sqlite3: no SQLAlchemy to import for a few rows
    if own is not None:
        try:
            return own.statements(in_force_on=day, kinds=kinds, suppliers=suppliers)
        finally:
            own.close()
    return open_book(create=False).all(in_force_on=day, kinds=kinds, suppliers=suppliers)


def emissions_declarations() -> list[Statement]:
    """Every emissions declaration of the store with its withdrawal, whatever its status: a batch of
    import lines has a date per line, and each line's date decides; none when there is no store."""
    if not store_exists():
        return []
    return open_book(create=False).all(kinds=("emissions",))


def case_statements(
    case: Case, day: dt.date | None = None, *, quick: QuickReader | None = None
) -> list[Statement]:
    """The statements a case's determination may use: in force on ``day`` (default its date), of
    its materials' suppliers; none when the case pins them off."""
    from tmec.statements import pinned_off

    if pinned_off(case):
        return []
    return statements_in_force(
        day or case.date, {m.supplier for m in _materials(case.materials) if m.supplier}, quick=quick
    )


def _materials(ms: Iterable[Material]) -> Iterator[Material]:
    for m in ms:
        yield m
        yield from _materials(m.materials)


def impact_of(book: StatementBook, gone: Sequence[Statement]) -> dict[str, Any]:
    """The certifications that relied on ``gone``, each with the action to take."""
    from tmec.statements.impact import certificate_actions

    actions = certificate_actions(book.certificate_worksheets(), [st.id for st in gone], book.all())
    return {"statements": [st.id for st in gone], "certificates": actions}


def sign_checkpoint(book: StatementBook) -> int | None:
    """Sign a checkpoint over the log as it now is, when this store has an issuer whose key opens
    (its passphrase in $TMEC_KEY_PASSPHRASE); return its size.  Otherwise the issuer's next
    checkpoint (any certification) covers the statement leaves."""
    from tmec.certify.issuer import Issuer
    from tmec.certify.note import Checkpoint
    from tmec.cli._issuer import passphrase
    from tmec.core.errors import InputError
    from tmec.store import ledger

    iss = Issuer(book.store)
    if not iss.keys():
        return None
    try:
        signer = iss.signer(passphrase(None))
    except InputError:
        return None
    with book.store.session() as s:
        size = ledger.log_size(s)
        if ledger.checkpoint_at(s, size) is None:
            note = Checkpoint(signer.public.name, size, ledger.root(s, size)).sign(signer)
            ledger.store_checkpoint(s, size, note)
    return size


def sweep(
    book: StatementBook, today: dt.date, *, decide: bool = True
) -> tuple[list[str], list[dict[str, Any]]]:
    """Notice what the calendar did: log the expiry of every statement whose period ended before
    ``today`` (once each), and list every live certification that cites a statement expired or
    withdrawn by then, with the action to take (listed until it is amended or revoked; with
    ``decide=False`` without qualifying them again: which ones, for a warning)."""
    from tmec.statements.impact import cited, lapsed_actions

    expired = book.record_expiries(today)
    live = book.live_certificates()
    actions: list[dict[str, Any]] = []
    if live:
        # a warning needs only the statements the certifications cite; a decision, every one
        cited_ids = set().union(*(cited(c.worksheet) for c in live)) if not decide else None
        actions = lapsed_actions(live, book.all(ids=cited_ids), today, decide=decide)
    if expired:
        sign_checkpoint(book)
    return expired, actions


def warn_actions(actions: Sequence[dict[str, Any]]) -> None:
    """One line on stderr (stdout may be JSON) when certifications wait for an amendment or revocation."""
    from tmec.cli._common import err_console

    if actions:
        ids = ", ".join(a["certificate_id"] for a in actions[:5]) + (" ..." if len(actions) > 5 else "")
        err_console.print(
            f"warning: {len(actions)} certification(s) of origin cite a statement that expired or was "
            f"withdrawn ({ids}): `tmec statements expire` lists what to amend or revoke",
            highlight=False,
        )
