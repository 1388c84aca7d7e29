"""Supplier statements in the store, on SQLite and PostgreSQL: all or none, append-only, on the log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tmec.certify.audit import audit_log
from tmec.certify.issuer import Issuer
from tmec.statements import parse_rows
from tmec.store import ledger
from tmec.store.models import LogEntry, StatementRow
from tmec.store.statements import StatementBook

ROWS = [
    (
        n + 2,
        {
            "kind": "origin",
            "supplier": "Lakeshore",
            "part": f"P{n}",
            "hs": "7210.49",
            "origin": "originating",
            "valid_from": "2025-01-01",
            "valid_to": "2025-06-30" if n == 2 else "2025-12-31",
            "signed_by": "JS",
        },
    )
    for n in range(3)
]


def test_statements_are_recorded_withdrawn_and_expire_on_the_log(issuer_at: Issuer) -> None:
    book = StatementBook(issuer_at.store)
    statements = parse_rows(ROWS, source="t")
    done = book.record(statements)
    assert done.new == 3 and book.record(statements).new == 0
    book.withdraw(done.ids[1], dt.date(2025, 5, 1), "mill changed")
    assert book.record_expiries(dt.date(2025, 7, 2)) == [done.ids[2]]
    status = {st.id: st.status(dt.date(2025, 7, 2)) for st in book.all()}
    assert status == {done.ids[0]: "in_force", done.ids[1]: "withdrawn", done.ids[2]: "expired"}
    assert [st.id for st in book.all(in_force_on=dt.date(2025, 7, 2))] == [done.ids[0]]
    with issuer_at.store.session() as s:
        kinds = list(s.scalars(select(LogEntry.kind).order_by(LogEntry.idx)))
    assert kinds == ["key.add", *["statement.record"] * 3, "statement.withdrawal", "statement.expiry"]
    # the leaves appended in bulk are a valid tree: the checkpoint (of the key) still verifies, and a
    # new checkpoint over the whole log matches the recomputed root
    assert audit_log(issuer_at.store, issuer_at.keyring()).valid


def test_statements_are_append_only(issuer_at: Issuer) -> None:
    book = StatementBook(issuer_at.store)
    (sid, *_) = book.record(parse_rows(ROWS, source="t")).ids
    for sql in (
        "UPDATE supplier_statement SET kind = 'accumulation'",
        "DELETE FROM supplier_statement",
    ):
        with pytest.raises(DBAPIError, match="append-only"), issuer_at.store.session() as s:
            s.execute(text(sql))
    with issuer_at.store.session() as s:
        assert s.scalar(select(func.count()).select_from(StatementRow)) == 3
        assert ledger.log_size(s) == 4
    assert book.get(sid).part == "P0"
