"""Supplier statements in the store, every recording, withdrawal and expiry a leaf of the log.

A leaf holds hashes, as a certification's does (:func:`tmec.certify.envelope.leaf_body`):
``{"event": "statement.record", "statement_id": ..., "record_sha256": ...}`` (and
``statement.withdrawal`` / ``statement.expiry`` with the day).  The leaves are covered by
the next signed checkpoint the issuer writes (``tmec log checkpoint``, or any certification).

An import is one transaction: a crash at any point leaves every statement of the file
recorded, or none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from tmec.certify.canonical import sha256_hex
from tmec.certify.certificate import good_worksheets
from tmec.core.errors import InputError
from tmec.statements.impact import LiveCertificate, cited
from tmec.statements.model import Statement, supplier_key
from tmec.store import ledger
from tmec.store.bulk import insert_rows
from tmec.store.db import Store
from tmec.store.models import CertificateRow, StatementEventRow, StatementRow, table
from tmec.store.statement_body import from_body as _from_body

__all__ = ["Imported", "StatementBook", "UnknownStatement"]

COLUMNS = ("id", "kind", "supplier_key", "part", "valid_from", "valid_to", "body", "log_index", "recorded_at")


class UnknownStatement(InputError):
    """No statement with this id in the store."""


@dataclass(frozen=True)
class Imported:
    ids: list[str]  # every statement of the file, in its order
    new: int  # how many were not in the store yet
    first_log_index: int | None


def _record_leaf(sid: str, record_sha256: str) -> bytes:
    """:func:`_event_leaf` of a recording, written out: the keys in their sorted order, the values
    an id and a hex digest (nothing to escape).  A test checks it is the same bytes."""
    return b'{"event":"statement.record","record_sha256":"%s","statement_id":"%s"}' % (
        record_sha256.encode(),
        sid.encode(),
    )


def _event_leaf(event: str, sid: str, **extra: str) -> bytes:
    """A log leaf, canonical JSON (RFC 8785) as certify's leaves are: only ASCII keys and strings here,
    so sorted keys without spaces is the canonical form, at a fraction of the general encoder's cost."""
    leaf = {"event": f"statement.{event}", "statement_id": sid, **extra}
    return json.dumps(leaf, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class StatementBook:
    """The statements of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- writing ---------------------------------------------------------------------------------

    def record(self, statements: Sequence[Statement]) -> Imported:
        """Record every statement not yet in the store, in one transaction (all or none)."""
        bodies = [st.body() for st in statements]
        ids = [st.id for st in statements]
        with self.store.session() as s:
            known = self._known(s, ids)
            fresh: dict[str, tuple[Statement, bytes]] = {}
            for sid, st, body in zip(ids, statements, bodies, strict=True):
                if sid not in known:
                    fresh.setdefault(sid, (st, body))
            if not fresh:
                return Imported(ids, 0, None)
            leaves = [_record_leaf(sid, hashlib.sha256(body).hexdigest()) for sid, (_, body) in fresh.items()]
            first, _ = ledger.append_many(s, "statement.record", leaves)
            at = ledger.now()
            rows = [
                (sid, st.kind, st.supplier_key, st.part, st.valid_from, st.valid_to, body, first + n, at)
                for n, (sid, (st, body)) in enumerate(fresh.items())
            ]
            insert_rows(s, "supplier_statement", COLUMNS, rows)
        return Imported(ids, len(fresh), first)

    def _known(self, s: Session, ids: Sequence[str]) -> set[str]:
        out: set[str] = set()
        if s.scalar(select(StatementRow.id).limit(1)) is None:
            return out  # a first import: nothing to look up
        unique = sorted(set(ids))
        for lo in range(0, len(unique), 900):
            chunk = unique[lo : lo + 900]
            out.update(s.scalars(select(StatementRow.id).where(StatementRow.id.in_(chunk))))
        return out

    def withdraw(self, statement_id: str, day: dt.date, reason: str | None) -> Statement:
        """Record the supplier's withdrawal of a statement, from ``day`` on."""
        with self.store.session() as s:
            row = s.get(StatementRow, statement_id)
            if row is None:
                raise UnknownStatement(f"no statement {statement_id} in this store", field="ID")
            if s.get(StatementEventRow, (statement_id, "withdrawal")) is not None:
                raise InputError(f"statement {statement_id} was already withdrawn", field="ID")
            self._event(s, statement_id, "withdrawal", day, reason)
            return _from_body(bytes(row.body)).withdrawn(day, reason)

    def record_expiries(self, today: dt.date) -> list[str]:
        """Log the expiry of every statement whose period ended before ``today`` (once each)."""
        with self.store.session() as s:
            logged = select(StatementEventRow.statement_id).where(
                StatementEventRow.event.in_(("expiry", "withdrawal"))
            )
            stmt = (
                select(StatementRow.id, StatementRow.valid_to)
                .where(StatementRow.valid_to < today, StatementRow.id.not_in(logged))
                .order_by(StatementRow.valid_to, StatementRow.id)
            )
            due = [(str(i), d) for i, d in s.execute(stmt)]
            if not due:
                return []
            leaves = [_event_leaf("expiry", i, day=(d + dt.timedelta(days=1)).isoformat()) for i, d in due]
            first, _ = ledger.append_many(s, "statement.expiry", leaves)
            at = ledger.now()
            s.execute(
                insert(table(StatementEventRow)),
                [
                    {
                        "statement_id": i,
                        "event": "expiry",
                        "day": d + dt.timedelta(days=1),
                        "reason": None,
                        "log_index": first + n,
                        "created_at": at,
                    }
                    for n, (i, d) in enumerate(due)
                ],
            )
        return [i for i, _ in due]

    def _event(self, s: Session, statement_id: str, event: str, day: dt.date, reason: str | None) -> None:
        extra: dict[str, Any] = {"day": day.isoformat()}
        if reason:
            extra["reason_sha256"] = sha256_hex(reason.encode())
        index, _, _ = ledger.append(s, f"statement.{event}", _event_leaf(event, statement_id, **extra))
        s.execute(
            insert(table(StatementEventRow)),
            [
                {
                    "statement_id": statement_id,
                    "event": event,
                    "day": day,
                    "reason": reason,
                    "log_index": index,
                    "created_at": ledger.now(),
                }
            ],
        )

    # -- reading ---------------------------------------------------------------------------------

    def all(
        self,
        *,
        in_force_on: dt.date | None = None,
        kinds: Iterable[str] | None = None,
        suppliers: Iterable[str] | None = None,
        ids: Iterable[str] | None = None,
    ) -> list[Statement]:
        """The statements (with their withdrawals), optionally only those whose period covers a day."""
        with self.store.session() as s:
            stmt = select(StatementRow.body)
            if ids is not None:  # a few cited ones
                stmt = stmt.where(StatementRow.id.in_(sorted(set(ids))))
            if in_force_on is not None:
                stmt = stmt.where(
                    StatementRow.valid_from <= in_force_on, StatementRow.valid_to >= in_force_on
                )
            if kinds is not None:
                stmt = stmt.where(StatementRow.kind.in_(list(kinds)))
            if suppliers is not None:  # a case's few suppliers: read their statements only
                stmt = stmt.where(StatementRow.supplier_key.in_(sorted({supplier_key(x) for x in suppliers})))
            found = [_from_body(bytes(b)) for (b,) in s.execute(stmt.order_by(StatementRow.log_index))]
            withdrawals = {
                str(i): (d, r)
                for i, d, r in s.execute(
                    select(
                        StatementEventRow.statement_id, StatementEventRow.day, StatementEventRow.reason
                    ).where(StatementEventRow.event == "withdrawal")
                )
            }
        out = []
        for st in found:
            w = withdrawals.get(st.id)
            out.append(st if w is None else st.withdrawn(w[0], w[1]))
        if in_force_on is not None:
            out = [st for st in out if st.in_force(in_force_on)]
        return out

    def get(self, statement_id: str) -> Statement:
        with self.store.session() as s:
            row = s.get(StatementRow, statement_id)
            if row is None:
                raise UnknownStatement(f"no statement {statement_id} in this store", field="ID")
            w = s.get(StatementEventRow, (statement_id, "withdrawal"))
        st = _from_body(bytes(row.body))
        return st if w is None else st.withdrawn(w.day, w.reason)

    def certificate_worksheets(self) -> list[tuple[str, dict[str, Any]]]:
        """(id, worksheet) of every live certification (not revoked, not amended) that kept one.

        The worksheet's determination lists the statements it relied on (``statements``); its
        hash is in the signed payload, so that record is what the certificate attests.  A
        certification of many goods gives one pair per good (the same id, each good's worksheet).
        """
        with self.store.session() as s:
            superseded = select(CertificateRow.refers_to).where(CertificateRow.refers_to.is_not(None))
            stmt = (
                select(CertificateRow.id, CertificateRow.worksheet)
                .where(CertificateRow.kind != "revocation", CertificateRow.id.not_in(superseded))
                .order_by(CertificateRow.log_index)
            )
            rows = [(str(i), json.loads(bytes(w))) for i, w in s.execute(stmt) if w is not None]
        # A certification covering many goods keeps one worksheet per good: each is listed.
        return [(i, dict(good)) for i, sheet in rows for good in good_worksheets(sheet)]

    def live_certificates(self) -> list[LiveCertificate]:
        """The live certifications that cite a statement, with the last day each covers (a blanket
        period's end; for a single shipment, the date its good was qualified on); one per good of
        a certification covering many."""
        with self.store.session() as s:
            superseded = select(CertificateRow.refers_to).where(CertificateRow.refers_to.is_not(None))
            stmt = (
                select(CertificateRow.id, CertificateRow.worksheet, CertificateRow.payload,
                       CertificateRow.certification_date)
                .where(CertificateRow.kind != "revocation", CertificateRow.id.not_in(superseded))
                .order_by(CertificateRow.log_index)
            )  # fmt: skip
            out = []
            for i, w, payload, certified in s.execute(stmt):
                if w is None:
                    continue
                period = json.loads(bytes(payload)).get("blanket_period") or {}
                for sheet in good_worksheets(json.loads(bytes(w))):
                    if not cited(sheet):
                        continue
                    if period.get("to"):
                        end = dt.date.fromisoformat(period["to"])
                    else:  # one shipment: of the good as qualified on its case's date
                        end = dt.date.fromisoformat(sheet.get("case_date") or certified.isoformat())
                    out.append(LiveCertificate(str(i), sheet, end))
            return out
