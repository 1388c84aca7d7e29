"""The transactional store's tables (SQLAlchemy 2 typed models).

The log tables (``log_entry``, ``log_node``, ``checkpoint``) are append-only:
triggers created by the migrations refuse UPDATE and DELETE on both SQLite and
PostgreSQL.  Certificates can't be changed either, and can't be deleted before
their ``retain_until`` date (19 USC 1508(b)(2): at least five years).
Nothing here stores money; the bill-of-materials snapshot travels as JSON text
with decimal strings (SQLite would turn NUMERIC into REAL and lose digits).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ApiKeyRow",
    "AuditRow",
    "Base",
    "CertificateRow",
    "CheckpointRow",
    "IssuerKeyRow",
    "LogEntry",
    "LogNode",
    "PendingOutputRow",
    "StatementEventRow",
    "StatementRow",
    "table",
]


class Base(DeclarativeBase):
    pass


def table(model: type[Base]) -> Table:
    """A model's Core table, for the plain INSERTs of the hot path (no unit-of-work bookkeeping)."""
    return cast(Table, model.__table__)


class LogEntry(Base):
    """One leaf of the RFC 9162 log: the canonical JSON of an event and its leaf hash."""

    __tablename__ = "log_entry"
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(32))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    created_at: Mapped[str] = mapped_column(String(32))


class LogNode(Base):
    """The hash of a perfect subtree: level ``level``, covering leaves ``[idx·2^level, (idx+1)·2^level)``."""

    __tablename__ = "log_node"
    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class CheckpointRow(Base):
    """A signed checkpoint note (C2SP tlog-checkpoint) for the tree of ``size`` leaves."""

    __tablename__ = "checkpoint"
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[str] = mapped_column(String(32))


class IssuerKeyRow(Base):
    """An issuer key's public half; the private key lives in an (encrypted) PKCS#8 file."""

    __tablename__ = "issuer_key"
    key_id: Mapped[str] = mapped_column(String(8), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    private_key_file: Mapped[str | None] = mapped_column(Text)
    log_index: Mapped[int] = mapped_column(ForeignKey("log_entry.idx"))
    created_at: Mapped[str] = mapped_column(String(32))
    # A retired key signs nothing new but still verifies what it signed.  Retirement is itself a
    # log event; this column is the only one ever updated (see the migration's trigger).
    retired_at: Mapped[str | None] = mapped_column(String(32))


class CertificateRow(Base):
    """A certification event (issue, amendment, revocation) with its signed payload and worksheet."""

    __tablename__ = "certificate"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    refers_to: Mapped[str | None] = mapped_column(String(40), index=True)
    log_index: Mapped[int] = mapped_column(ForeignKey("log_entry.idx"), unique=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary(64))
    key_id: Mapped[str] = mapped_column(String(8))
    certification_date: Mapped[dt.date] = mapped_column(Date)
    jurisdiction: Mapped[str] = mapped_column(String(2))
    retain_until: Mapped[dt.date] = mapped_column(Date)
    worksheet: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[str] = mapped_column(String(32))


class StatementRow(Base):
    """A supplier statement as recorded (tmec.statements): its record as canonical JSON, its log leaf.

    Append-only like the log: a withdrawal or an expiry is a :class:`StatementEventRow`, never an
    update.  The columns beside ``body`` are what look-ups filter on.
    """

    __tablename__ = "supplier_statement"
    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    supplier_key: Mapped[str] = mapped_column(String(200), index=True)
    part: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date, index=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    log_index: Mapped[int] = mapped_column(ForeignKey("log_entry.idx"), unique=True)
    recorded_at: Mapped[str] = mapped_column(String(32))


class StatementEventRow(Base):
    """A statement's withdrawal or expiry: at most one of each, each a leaf of the log."""

    __tablename__ = "statement_event"
    statement_id: Mapped[str] = mapped_column(ForeignKey("supplier_statement.id"), primary_key=True)
    event: Mapped[str] = mapped_column(String(16), primary_key=True)  # withdrawal | expiry
    day: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    log_index: Mapped[int] = mapped_column(ForeignKey("log_entry.idx"), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))


class PendingOutputRow(Base):
    """A certificate's files not yet in place: written before issuing, deleted once they are renamed.

    A row whose certificate exists was committed with the log entry; if its owner died before the
    files were renamed, the next command that opens the store writes them again from the signed
    record.  A row without its certificate is an issue that never committed: its temporary files
    are removed.  ``credential`` keeps the W3C credential's bytes, which need the private key.
    """

    __tablename__ = "pending_output"
    certificate_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    directory: Mapped[str] = mapped_column(Text)
    # The first directory this issue created (removed again if nothing was issued), if any.
    created_dir: Mapped[str | None] = mapped_column(Text)
    with_worksheet: Mapped[bool] = mapped_column(Boolean)
    credential: Mapped[bytes | None] = mapped_column(LargeBinary)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[str] = mapped_column(String(32))


class ApiKeyRow(Base):
    """An API key of the service (``tmec api-keys``): its SHA-256 only, never the key."""

    __tablename__ = "api_key"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[str] = mapped_column(String(32))
    revoked_at: Mapped[str | None] = mapped_column(String(32), nullable=True)


class AuditRow(Base):
    """Who did what through the service (append-only: triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(100), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class WebSessionRow(Base):
    """A signed-in web session: the SHA-256 of its cookie and of the API key it signed in with."""

    __tablename__ = "web_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[float] = mapped_column(Float)


class ServiceJobRow(Base):
    """A portfolio or exposure job of the service: its state, progress, summary or error (JSON)."""

    __tablename__ = "service_job"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))
    done: Mapped[int] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created: Mapped[float] = mapped_column(Float)
    finished: Mapped[float | None] = mapped_column(Float, nullable=True)
    worker: Mapped[str] = mapped_column(String(300))
