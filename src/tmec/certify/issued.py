"""What the issuer gives and takes: its errors, the records of what it issued and signed, new ids."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from tmec.certify import certificate as cert
from tmec.core.errors import InputError
from tmec.store.sql import Tx

__all__ = [
    "BeforeCommit",
    "Certification",
    "Issued",
    "IssuerKey",
    "NotInitialised",
    "Recorded",
    "SignedRecord",
    "UnknownCertificate",
    "new_certificate_id",
]


class NotInitialised(InputError):
    """The store has no issuer key yet."""


class UnknownCertificate(InputError):
    """No certificate with this id in the store."""


@dataclass(frozen=True)
class Issued:
    certificate_id: str
    log_index: int
    envelope: dict[str, Any]
    worksheet: dict[str, Any] | None
    # The worksheet's canonical JSON, as stored and hashed into the payload (None: not at hand).
    worksheet_canonical: bytes | None = None


@dataclass(frozen=True)
class Certification:
    """One certification to issue: of one good, or (``goods``) one covering many over a blanket period."""

    good: cert.Good | None = None
    certificate_id: str | None = None
    goods: list[cert.Good] | None = None


# Called inside the issuing transaction, after the log entry and before the commit: the files
# are written to temporary names there, so a committed entry always has them on disk.
BeforeCommit = Callable[[Tx, Issued], None]


@dataclass(frozen=True)
class IssuerKey:
    """An issuer key's row: its public half, where its private key lives, its log entry."""

    key_id: str
    name: str
    public_key: bytes
    private_key_file: str | None
    log_index: int
    created_at: str
    retired_at: str | None


class SignedRecord(Protocol):
    """What certificate.json is built from: a stored certificate row, or one just recorded."""

    @property
    def log_index(self) -> int: ...
    @property
    def payload(self) -> bytes: ...
    @property
    def signature(self) -> bytes: ...
    @property
    def key_id(self) -> str: ...


@dataclass(frozen=True)
class Recorded:
    log_index: int
    payload: bytes
    signature: bytes
    key_id: str


def new_certificate_id() -> str:
    return "CO-" + base64.b32encode(secrets.token_bytes(10)).decode()
