"""Reading a SQLite store with the standard library alone, for the commands that only read.

``tmec qualify`` (the statements in force) and ``tmec verify`` (keys, revocation, the log's head)
read a few rows.  Through SQLAlchemy that costs a third of a second of imports before the first
query; here it costs a millisecond.  The reader answers only when nothing needs the full store:
the store is SQLite, at the migrations' head, and no issue waits for its files (the full store
finishes those when it opens).  Otherwise :func:`quick_reader` returns None and the caller opens
the store as before.  The queries read what :class:`tmec.store.statements.StatementBook` and
:class:`tmec.certify.issuer.Issuer` read, in one snapshot, and answer the same.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tmec.certify import merkle
from tmec.store.paths import tmec_home
from tmec.store.revision import migration_head

if TYPE_CHECKING:
    from tmec.certify.keys import Keyring
    from tmec.statements.model import Statement

__all__ = ["QuickReader", "quick_reader"]

T = TypeVar("T")
_PAST = {"revocation": "revoked", "amendment": "amended", "certification": "certified"}


def quick_reader(home: Path | None = None) -> QuickReader | None:
    """A reader of the default SQLite store, or None when the full store must open it."""
    if os.environ.get("TMEC_DATABASE_URL"):
        return None
    db = (home or tmec_home()) / "tmec.db"
    if not db.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    conn.isolation_level = None  # autocommit: the reader opens its own snapshots (BEGIN ... COMMIT)
    reader = QuickReader(conn)
    try:
        usable = reader.at_head() and not reader.any_pending()
    except sqlite3.Error:
        usable = False
    if not usable:
        conn.close()
        return None
    return reader


class QuickReader:
    """Read-only queries over one SQLite connection, each in a snapshot of its own."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[Any]:
        return self.conn.execute(sql, tuple(params)).fetchall()

    def at_head(self) -> bool:
        head = migration_head()
        try:
            rows = self._rows("SELECT version_num FROM alembic_version")
        except sqlite3.OperationalError:
            return False
        return head is not None and [r[0] for r in rows] == [head]

    def any_pending(self) -> bool:
        return bool(self._rows("SELECT 1 FROM pending_output LIMIT 1"))

    # -- what `tmec verify` asks of an issuer ------------------------------------------------------

    def keyring(self) -> Keyring:
        from tmec.certify.keys import Keyring, PublicKey

        rows = self._rows("SELECT name, public_key FROM issuer_key ORDER BY log_index")
        return Keyring(PublicKey(name, bytes(raw)) for name, raw in rows)

    def key_names(self) -> list[str]:
        return [r[0] for r in self._rows("SELECT name FROM issuer_key ORDER BY log_index")]

    def status(self, certificate_id: str) -> dict[str, Any]:
        """As :meth:`tmec.certify.issuer.Issuer.status`."""
        rows = self._rows(
            "SELECT id, kind, payload, log_index FROM certificate WHERE refers_to = ?", [certificate_id]
        )
        for later_id, kind, payload, log_index in rows:
            return {
                "state": _PAST[kind],
                "by": later_id,
                "reason": json.loads(bytes(payload)).get("reason"),
                "log_index": log_index,
            }
        return {"state": "valid"}

    def log_head(self, size: int) -> tuple[str, list[bytes]] | None:
        """As :meth:`tmec.certify.issuer.Issuer.log_head`: the latest checkpoint and a consistency proof."""
        self.conn.execute("BEGIN")  # one snapshot: the checkpoint and the nodes it covers
        try:
            rows = self._rows("SELECT size, note FROM checkpoint ORDER BY size DESC LIMIT 1")
            if not rows or not 0 < size <= rows[0][0]:
                return None
            head_size, note = int(rows[0][0]), str(rows[0][1])
            return note, self._with_nodes(lambda get: merkle.consistency_proof_from(get, size, head_size))
        finally:
            self.conn.execute("COMMIT")

    def _with_nodes(self, compute: Callable[[merkle.PerfectHash], T]) -> T:
        """As :func:`tmec.store.ledger._with_nodes`: learn which subtree hashes, read them in one query."""
        wanted: set[tuple[int, int]] = set()

        def record(level: int, idx: int) -> bytes:
            wanted.add((level, idx))
            return bytes(32)

        compute(record)
        found: dict[tuple[int, int], bytes] = {}
        if wanted:
            keys = sorted(wanted)
            terms = " OR ".join("(level = ? AND idx = ?)" for _ in keys)
            params = [v for k in keys for v in k]
            for level, idx, h in self._rows(f"SELECT level, idx, hash FROM log_node WHERE {terms}", params):
                found[(int(level), int(idx))] = bytes(h)
        if len(found) != len(wanted):
            from tmec.store.ledger import LogCorrupted

            raise LogCorrupted(f"the log is missing {len(wanted) - len(found)} subtree hashes")
        return compute(lambda level, idx: found[(level, idx)])

    # -- what a determination asks of the statements -----------------------------------------------

    def statements(
        self, *, in_force_on: dt.date, kinds: Iterable[str], suppliers: Iterable[str] | None = None
    ) -> list[Statement]:
        """As :meth:`tmec.store.statements.StatementBook.all` with a day, kinds and suppliers."""
        from tmec.statements.model import supplier_key
        from tmec.store.statement_body import from_body

        day = in_force_on.isoformat()
        kind_list = list(kinds)
        sql = (
            "SELECT body FROM supplier_statement WHERE valid_from <= ? AND valid_to >= ? "
            f"AND kind IN ({','.join('?' * len(kind_list))})"
        )
        params: list[Any] = [day, day, *kind_list]
        if suppliers is not None:
            keys = sorted({supplier_key(x) for x in suppliers})
            sql += f" AND supplier_key IN ({','.join('?' * len(keys))})"
            params += keys
        self.conn.execute("BEGIN")
        try:
            found = [from_body(bytes(b)) for (b,) in self._rows(sql + " ORDER BY log_index", params)]
            withdrawals = {
                str(i): (dt.date.fromisoformat(str(d)), r)
                for i, d, r in self._rows(
                    "SELECT statement_id, day, reason FROM statement_event WHERE event = 'withdrawal'"
                )
            }
        finally:
            self.conn.execute("COMMIT")
        out = []
        for st in found:
            w = withdrawals.get(st.id)
            out.append(st if w is None else st.withdrawn(w[0], w[1]))
        return [st for st in out if st.in_force(in_force_on)]
