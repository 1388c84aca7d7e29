"""``tmec verify FILE --json`` / ``POST /api/v1/verify``: every check of a certificate, JSON or PDF.

``local`` finds the issuer whose log holds the certificate (the CLI's store at hand, the server's
own store): with it, revocation and that the log extends the certificate's checkpoint are
checked too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tmec.certify.keys import Keyring
from tmec.certify.verify import (
    Verification,
    check_pdf_document,
    is_credential,
    read_certificate,
    read_document,
    verify_certificate,
    verify_credential_document,
)


class LogReader(Protocol):
    """What verification reads from the issuer's store: an :class:`tmec.certify.issuer.Issuer`, or the
    standard library's quick reader (:class:`tmec.store.quick.QuickReader`)."""

    def keyring(self) -> Keyring: ...

    def status(self, certificate_id: str) -> dict[str, Any]: ...

    def log_head(self, size: int) -> tuple[str, list[bytes]] | None: ...


@dataclass
class Verified:
    """Every check, and the signed payload when the visible pages could not be compared with it."""

    result: Verification
    signed_payload: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        extra = {"signed_payload": self.signed_payload} if self.signed_payload else {}
        return self.result.to_dict() | extra


def verify_file(
    file: Path,
    keyring: Keyring | None,
    *,
    on: dt.date | None = None,
    local: Callable[[Any], LogReader | None] = lambda _origin: None,
) -> Verified:
    doc = read_document(file)
    if is_credential(doc):
        return Verified(verify_credential_document(doc, keyring))
    env = read_certificate(file)
    iss = local(env["log"].get("origin"))
    if keyring is None and iss is not None:
        keyring = iss.keyring()
    status = iss.status(str(env["payload"].get("certificate_id"))) if iss is not None else None
    size = env["log"].get("tree_size")
    head = iss.log_head(size) if iss is not None and isinstance(size, int) else None
    result = verify_certificate(env, keyring, on=on, status=status, log_head=head)
    pdf = file.read_bytes()
    if pdf.startswith(b"%PDF") and result.valid:
        result.checks.extend(check_pdf_document(pdf, env))
    # Pages that cannot be compared: the reader gets the signed payload to compare them with.
    return Verified(result, env["payload"] if result.unverified else None)
