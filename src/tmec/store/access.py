"""API keys and the audit trail: who may call the service, and who issued, amended or revoked what.

A key is shown once, when created; the store keeps its SHA-256 only.  The audit trail is
append-only (triggers refuse UPDATE and DELETE, as on the log).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from tmec.core.errors import InputError
from tmec.store.db import Store
from tmec.store.ledger import now
from tmec.store.models import ApiKeyRow, AuditRow
from tmec.store.roles import ROLES

__all__ = [
    "ROLES",
    "ApiKey",
    "AuditEvent",
    "audit",
    "audit_events",
    "create_key",
    "find_key",
    "find_key_hash",
    "revoke_key",
]

KEY_PREFIX = "tmec_"


@dataclass(frozen=True)
class ApiKey:
    name: str
    role: str

    def can(self, role: str) -> bool:
        """At least ``role``'s rights."""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class AuditEvent:
    at: str
    actor: str
    role: str
    action: str
    subject: str | None
    detail: str | None


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(store: Store, name: str, role: str) -> str:
    """A new key for ``name`` with ``role``; the key itself is returned once and never stored."""
    if role not in ROLES:
        raise InputError(f"expected one of {', '.join(ROLES)}, found {role!r}", field="--role")
    if not name or len(name) > 100 or not name.isprintable():
        raise InputError(f"expected a printable name of 1-100 characters, found {name!r}", field="--name")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with store.session() as s:
        if s.get(ApiKeyRow, name) is not None:
            raise InputError(f"a key named {name!r} exists already (revoke it first)", field="--name")
        s.add(ApiKeyRow(name=name, role=role, key_hash=key_hash(key), created_at=now()))
        s.add(
            AuditRow(at=now(), actor="cli", role="admin", action="api-key.create", subject=name, detail=role)
        )
    return key


def revoke_key(store: Store, name: str) -> None:
    with store.session() as s:
        row = s.get(ApiKeyRow, name)
        if row is None or row.revoked_at is not None:
            raise InputError(f"no live API key named {name!r}", field="NAME")
        # A revoked key's row is deleted, not kept: the audit trail says when and by whom.
        s.delete(row)
        s.add(AuditRow(at=now(), actor="cli", role="admin", action="api-key.revoke", subject=name))


def find_key(store: Store, key: str) -> ApiKey | None:
    """The live key whose hash this is, or None."""
    if not key.startswith(KEY_PREFIX):
        return None
    return find_key_hash(store, key_hash(key))


def find_key_hash(store: Store, digest: str) -> ApiKey | None:
    """The live key with this SHA-256 (a web session keeps the hash, not the key), or None."""
    with store.session() as s:
        row = s.scalars(select(ApiKeyRow).where(ApiKeyRow.key_hash == digest)).first()
        if row is None or row.revoked_at is not None:
            return None
        return ApiKey(row.name, row.role)


def audit(store: Store, who: ApiKey, action: str, subject: str | None, detail: str | None = None) -> None:
    with store.session() as s:
        s.add(
            AuditRow(at=now(), actor=who.name, role=who.role, action=action, subject=subject, detail=detail)
        )


def audit_events(store: Store, limit: int = 1000) -> list[AuditEvent]:
    with store.session() as s:
        rows = s.scalars(select(AuditRow).order_by(AuditRow.id.desc()).limit(limit))
        return [AuditEvent(r.at, r.actor, r.role, r.action, r.subject, r.detail) for r in rows]
