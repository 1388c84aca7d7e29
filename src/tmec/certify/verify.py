"""Offline verification of a certificate: signature, log inclusion, checkpoint, period, revocation.

Needs only the certificate (JSON, or the PDF that embeds it) and the issuer's
public key.  Each check is reported, passed or failed, so that a customs
officer sees what was verified and what was not.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tmec.certify import merkle
from tmec.certify.canonical import b64decode_strict, canonical_json, loads
from tmec.certify.envelope import ENVELOPE_FORMAT, leaf_body
from tmec.certify.keys import Keyring, PublicKey
from tmec.certify.note import Checkpoint, NoteError
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input

__all__ = [
    "Check",
    "Verification",
    "check_pdf_document",
    "is_credential",
    "read_certificate",
    "read_document",
    "verify_certificate",
    "verify_credential_document",
]

ATTACHMENT = "certificate.json"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    passed: bool | None  # None: not checked (and why, in detail)
    detail: str
    # A required check left unchecked keeps the result from being plain valid (the PDF's pages).
    required: bool = False
    # About the visible document (the PDF's pages, its QR code), not the signed record.
    visible: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.name, "passed": self.passed, "detail": self.detail}


@dataclass
class Verification:
    certificate_id: str | None
    checks: list[Check] = field(default_factory=list)

    @property
    def record_valid(self) -> bool:
        """Every check of the signed record that was made passed (the visible document aside)."""
        record = [c for c in self.checks if not c.visible]
        return all(c.passed is not False for c in record) and any(c.passed for c in record)

    @property
    def unverified(self) -> list[Check]:
        return [c for c in self.checks if c.required and c.passed is None]

    @property
    def valid(self) -> bool:
        made = all(c.passed is not False for c in self.checks)
        return made and self.record_valid and not self.unverified

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.passed is False]

    def to_dict(self) -> dict[str, Any]:
        return {
            "certificate_id": self.certificate_id,
            "valid": self.valid,
            "signed_record_valid": self.record_valid,
            "unverified": [c.name for c in self.unverified],
            "checks": [c.to_dict() for c in self.checks],
        }


def read_certificate(path: Path) -> dict[str, Any]:
    """Read ``certificate.json``, or the copy attached to a certificate PDF."""
    env = read_document(path)
    if env.get("format") != ENVELOPE_FORMAT:
        raise InputError(f"not a tmec certificate (expected format {ENVELOPE_FORMAT!r})", source=str(path))
    for key in ("payload", "signature", "log"):
        if not isinstance(env.get(key), dict):
            raise InputError(f"the certificate has no {key!r} object", source=str(path), field=key)
    return env


def is_credential(doc: Mapping[str, Any]) -> bool:
    kinds = doc.get("type")
    return isinstance(kinds, list) and "VerifiableCredential" in kinds


def read_document(path: Path) -> dict[str, Any]:
    """A JSON object from a file, or from the certificate.json attached to a PDF."""
    data = read_input(path)
    if data.startswith(b"%PDF"):
        data = _pdf_attachment(data, path)
    try:
        env = loads(data)
    except RecursionError:
        raise InputError("not a certificate: JSON nested too deep", source=str(path)) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a certificate: invalid JSON ({exc})", source=str(path)) from None
    if not isinstance(env, dict):
        raise InputError("not a certificate: expected a JSON object", source=str(path))
    return env


def _pdf_attachment(data: bytes, path: Path) -> bytes:
    own = _own_attachment(data)
    if own is not None:
        return own
    from pypdf import PdfReader

    try:  # pypdf reads lazily: a damaged file fails in .get() or bytes() with any exception
        found = PdfReader(io.BytesIO(data)).attachments.get(ATTACHMENT)
        attachment = bytes(found[0]) if found else None
    except Exception as exc:  # a PDF pypdf cannot read is bad input, whatever the reason
        raise InputError(f"unreadable PDF: {type(exc).__name__}: {exc}", source=str(path)) from None
    if attachment is None:
        raise InputError(f"the PDF has no {ATTACHMENT} attachment", source=str(path))
    return attachment


# The last PDF proven to be exactly what its attached record renders to (SHA-256 of the file -> the
# record), so the check of its pages that follows does not render it again.  One entry: a server
# verifying many files keeps no more than one.
_RENDERED: dict[bytes, bytes] = {}


def _own_attachment(pdf: bytes) -> bytes | None:
    """The record attached by tmec's own renderer, read without a PDF parser — trusted only when it
    renders back to ``pdf`` byte for byte (then the file holds nothing else); otherwise None and
    the caller reads the file with a full parser."""
    from tmec.certify.pdf import attachment, render_pdf

    found = attachment(pdf)
    if found is None:
        return None
    try:
        same = render_pdf(loads(found)) == pdf
    except Exception:  # a record the renderer cannot draw: let the full parser and the checks say why
        return None
    if not same:
        return None
    _RENDERED.clear()
    _RENDERED[hashlib.sha256(pdf).digest()] = found
    return found


def check_pdf_document(pdf: bytes, env: dict[str, Any]) -> list[Check]:
    """Is the visible PDF exactly what the signed record renders to, and does its QR code match?

    Only an exact match verifies the pages.  Nothing the file says about itself (its Producer) can
    switch the comparison off: it only chooses which renderer to compare with (tmec's own, or the
    fpdf2 renderer of earlier releases, loaded only then).  A PDF that differs is either altered or
    made by another renderer, and in neither case are its pages verified.
    """
    from tmec.certify.pdf import PRODUCER, render_pdf

    if _RENDERED.get(hashlib.sha256(pdf).digest()) == canonical_json(env) or render_pdf(env) == pdf:
        return [
            Check(
                "document", True, "the visible PDF is exactly what the signed record renders to", visible=True
            )
        ]
    reader = _pdf_reader(pdf)
    producer = _producer(reader)
    renderer = PRODUCER
    if producer is not None and "fpdf2" in producer:
        from tmec.certify import pdf_fpdf2

        renderer = pdf_fpdf2.PRODUCER
        if pdf_fpdf2.render_pdf(env) == pdf:
            return [
                Check(
                    "document",
                    True,
                    f"the visible PDF is exactly what the signed record renders to ({renderer})",
                    visible=True,
                )
            ]
    qr = _qr_check(reader, env["payload"])
    if producer == renderer:
        return [
            qr,
            Check(
                "document",
                False,
                f"the PDF names this renderer ({renderer}) but its pages differ from what the signed "
                "record renders to: it was altered",
                visible=True,
            ),
        ]
    return [
        qr,
        Check(
            "document",
            None,
            f"the PDF's pages differ from what this tmec renders ({renderer}; the file names "
            f"{producer or 'no producer'}): the visible pages are not verified; compare them with the "
            "signed payload",
            required=True,
            visible=True,
        ),
    ]


def _pdf_reader(pdf: bytes) -> Any:
    from pypdf import PdfReader

    try:
        return PdfReader(io.BytesIO(pdf))
    except Exception:  # a PDF pypdf cannot read: nothing in it can be compared
        return None


def _producer(reader: Any) -> str | None:
    try:
        meta = reader.metadata if reader is not None else None
        value = meta.get("/Producer") if meta is not None else None
    except Exception:  # metadata pypdf cannot parse says nothing
        return None
    return str(value) if value is not None else None


def _qr_check(reader: Any, payload: Mapping[str, Any]) -> Check:
    """The QR code on the first page must carry the signed payload's id and SHA-256."""
    from tmec.certify.pdf_common import qr_text

    expected = qr_text(dict(payload))
    try:
        images = [img.image for img in reader.pages[0].images] if reader is not None else []
    except Exception:  # images pypdf cannot decode cannot be the QR code
        images = []
    if any(image is not None and _is_qr_of(image, expected) for image in images):
        return Check("qr", True, f"the QR code carries {expected}", visible=True)
    return Check(
        "qr",
        False,
        f"no QR code on the first page carries the signed payload's hash ({expected})",
        visible=True,
    )


def _is_qr_of(image: Any, text: str) -> bool:
    """Does ``image`` show the QR symbol of ``text`` (quiet zone of 2 modules, any whole scale), as
    either renderer draws it (fpdf2's: the best mask; tmec's own: a fixed one)?"""
    import segno

    from tmec.certify.pdf import QR_MASK

    gray = image.convert("L")
    for mask in (None, QR_MASK):
        matrix = segno.make(text, error="m", mask=mask).matrix
        if _shows(gray, matrix):
            return True
    return False


def _shows(gray: Any, matrix: Any) -> bool:
    border = 2
    size = len(matrix) + 2 * border
    width, height = gray.size
    if width != height or width % size:
        return False
    scale = width // size
    pixels = gray.load()
    for y in range(size):
        for x in range(size):
            dark = pixels[x * scale + scale // 2, y * scale + scale // 2] < 128
            inside = border <= x < size - border and border <= y < size - border
            if dark != (inside and bool(matrix[y - border][x - border])):
                return False
    return True


def _b64(value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a base64 string")
    try:
        return b64decode_strict(value)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} is not base64") from None


def verify_certificate(
    env: Mapping[str, Any],
    keyring: Keyring | None,
    *,
    on: dt.date | None = None,
    status: Mapping[str, Any] | None = None,
    log_head: tuple[str, list[bytes]] | None = None,
) -> Verification:
    """Check a certificate envelope.  ``keyring=None`` falls back to the key embedded in it (untrusted).

    ``status`` (revocation) and ``log_head`` (the log's latest signed checkpoint and a consistency
    proof from the certificate's checkpoint to it) come from the issuer's log when it is at hand.
    """
    payload, sig, log = env.get("payload"), env.get("signature"), env.get("log")
    result = Verification(payload.get("certificate_id") if isinstance(payload, dict) else None)
    add = result.checks.append
    problem = _structure_problem(env)
    if problem:
        add(Check("format", False, problem))
        return result
    assert isinstance(payload, dict) and isinstance(sig, dict) and isinstance(log, dict)

    # -- which key --------------------------------------------------------------------------------
    key_id, key_name = str(sig.get("key_id", "")), str(sig.get("key_name", ""))
    if keyring is None:
        try:
            embedded = PublicKey.parse(str(env.get("public_key", "")))
        except InputError as exc:
            add(Check("key", False, f"no trusted key given and the embedded key is unreadable: {exc}"))
            return result
        keyring = Keyring([embedded])
        add(
            Check(
                "key",
                None,
                f"no trusted key given: used the key embedded in the file ({embedded.key_id}); "
                "this proves integrity, not who issued it — pass --key",
            )
        )
    else:
        embedded_text = env.get("public_key")
        written: PublicKey | None = None
        try:
            written = PublicKey.parse(str(embedded_text)) if embedded_text is not None else None
        except InputError:
            written = None
        if embedded_text is not None and (
            written is None or written not in keyring.candidates(written.key_id, written.name)
        ):
            add(Check("key", False, "the public key written in the file is not a trusted key"))
            return result
    candidates = keyring.candidates(key_id, key_name)
    if not candidates:
        add(Check("key", False, f"signed by key {key_id} ({key_name}), which is not a trusted key"))
        return result
    if not any(c.name == "key" for c in result.checks):
        add(Check("key", True, f"signed by trusted key {key_id} ({key_name})"))

    # -- signature over the canonical payload ------------------------------------------------------
    try:
        signature = _b64(sig.get("value"), "the signature")
        body = canonical_json(payload)
    except (ValueError, InputError) as exc:
        add(Check("signature", False, str(exc)))
        return result
    if sig.get("alg") == "Ed25519" and any(k.verify(signature, body) for k in candidates):
        add(Check("signature", True, "Ed25519 signature over the RFC 8785 canonical payload"))
    else:
        add(Check("signature", False, "the signature does not match the payload: it was altered or forged"))

    # -- checkpoint --------------------------------------------------------------------------------
    checkpoint: Checkpoint | None = None
    try:
        checkpoint = Checkpoint.open(str(log.get("checkpoint", "")), keyring)
    except NoteError as exc:
        add(Check("checkpoint", False, f"the checkpoint does not verify: {exc}"))
    else:
        if checkpoint.origin != log.get("origin"):
            add(
                Check(
                    "checkpoint",
                    False,
                    f"the checkpoint is for log {checkpoint.origin!r}, not {log.get('origin')!r}",
                )
            )
            checkpoint = None
        else:
            add(
                Check("checkpoint", True, f"signed checkpoint of {checkpoint.origin}, size {checkpoint.size}")
            )

    # -- inclusion in the log ----------------------------------------------------------------------
    try:
        index, size = log.get("index"), log.get("tree_size")
        if not isinstance(index, int) or not isinstance(size, int):
            raise ValueError("the log index and tree size must be integers")
        proof = [_b64(p, "an inclusion proof hash") for p in log.get("inclusion_proof") or []]
        leaf = merkle.leaf_hash(leaf_body(payload, signature, key_id))
    except (ValueError, KeyError, InputError) as exc:
        add(Check("inclusion", False, f"malformed log data: {exc}"))
    else:
        if checkpoint is None:
            add(Check("inclusion", False, "no verified checkpoint to check inclusion against"))
        elif checkpoint.size != size:
            add(
                Check(
                    "inclusion",
                    False,
                    f"the proof is for a tree of {size}, the checkpoint has {checkpoint.size}",
                )
            )
        elif merkle.verify_inclusion(index, size, leaf, proof, checkpoint.root):
            add(Check("inclusion", True, f"entry {index} of the log of {size} (RFC 9162 inclusion proof)"))
        else:
            add(Check("inclusion", False, "the inclusion proof does not lead to the checkpoint's root"))

    if log_head is not None and checkpoint is not None:
        add(_head_check(checkpoint, log_head, keyring))

    # -- what the certificate says ----------------------------------------------------------------
    kind = payload.get("kind")
    if kind == "revocation":
        add(Check("kind", False, f"this record revokes {payload.get('revokes')}; it is not a certification"))
    if on is not None and kind != "revocation":
        add(_period_check(payload, on))
    elif kind != "revocation":
        add(Check("period", None, "no --date given: coverage of a shipment date not checked"))
    if status is None:
        add(Check("revocation", None, "no log at hand: revocation status not checked"))
    elif status.get("state") == "valid":
        add(Check("revocation", True, "neither revoked nor amended in the issuer's log"))
    else:
        add(
            Check("revocation", False, f"{status.get('state')} by {status.get('by')}: {status.get('reason')}")
        )
    return result


def _head_check(checkpoint: Checkpoint, log_head: tuple[str, list[bytes]], keyring: Keyring) -> Check:
    note, proof = log_head
    try:
        head = Checkpoint.open(note, keyring)
    except NoteError as exc:
        # After a key rotation the log's head is signed by a newer key than the one given.
        return Check(
            "log",
            None,
            f"the log's latest checkpoint is not signed by a key you trust ({exc}): "
            "give the issuer's current key too to check the log at hand",
        )
    if head.origin != checkpoint.origin or head.size < checkpoint.size:
        return Check(
            "log",
            False,
            f"the log at hand ({head.origin}, size {head.size}) cannot contain this "
            f"certificate's checkpoint (size {checkpoint.size})",
        )
    if merkle.verify_consistency(checkpoint.size, head.size, checkpoint.root, head.root, proof):
        return Check(
            "log",
            True,
            f"the log at hand (size {head.size}) extends the certificate's checkpoint "
            f"(size {checkpoint.size}): RFC 9162 consistency proof",
        )
    return Check(
        "log",
        False,
        "the log at hand is not an extension of the certificate's checkpoint: "
        "the log was rewritten or forked",
    )


def verify_credential_document(doc: Mapping[str, Any], keyring: Keyring | None) -> Verification:
    """Check a Verifiable Credential exported by tmec (``eddsa-jcs-2022`` proof)."""
    from tmec.certify.vc import raw_key_from_did, verify_credential

    result = Verification(str(doc.get("id", "")).removeprefix("urn:tmec:certificate:") or None)
    proof = doc.get("proof")
    method = str(proof.get("verificationMethod", "")) if isinstance(proof, Mapping) else ""
    raw = raw_key_from_did(method)
    if raw is None:
        result.checks.append(Check("key", False, "the proof names no did:key Ed25519 verification method"))
        return result
    trusted = [k for k in keyring if k.raw == raw] if keyring is not None else []
    if keyring is None:
        key = PublicKey("did-key", raw)
        result.checks.append(
            Check(
                "key",
                None,
                "no trusted key given: used the credential's own did:key; "
                "this proves integrity, not who issued it — pass --key",
            )
        )
    elif not trusted:
        result.checks.append(Check("key", False, "signed by a key that is not a trusted key"))
        return result
    else:
        key = trusted[0]
        result.checks.append(Check("key", True, f"signed by trusted key {key.key_id} ({key.name})"))
    ok = verify_credential(dict(doc), key)
    result.checks.append(
        Check(
            "signature",
            ok,
            "eddsa-jcs-2022 Data Integrity proof"
            if ok
            else "the proof does not match the credential: it was altered or forged",
        )
    )
    return result


_SHAPE = {
    "": {"format", "payload", "signature", "public_key", "log"},
    "signature": {"alg", "key_id", "key_name", "value"},
    "log": {"origin", "index", "tree_size", "inclusion_proof", "checkpoint"},
}


def _structure_problem(env: Mapping[str, Any]) -> str | None:
    """Every name outside the signed payload is known: an unexpected one means the file was altered."""
    if env.get("format") != ENVELOPE_FORMAT:
        return f"not a {ENVELOPE_FORMAT} certificate"
    for where, names in _SHAPE.items():
        obj = env.get(where) if where else env
        if not isinstance(obj, Mapping):
            return f"{where} is not an object"
        if set(obj) != names:
            return (
                f"{where or 'the certificate'} has unexpected or missing fields: {sorted(set(obj) ^ names)}"
            )
    if not isinstance(env.get("payload"), Mapping):
        return "the payload is not an object"
    return None


def _period_check(payload: Mapping[str, Any], on: dt.date) -> Check:
    period = payload.get("blanket_period")
    if not period:
        # A single-shipment certification covers its invoice, whenever that shipment entered.
        return Check(
            "period",
            None,
            f"single shipment (invoice {payload.get('invoice_number') or 'not given'}): "
            "no blanket period to check the date against",
        )
    try:
        start, end = dt.date.fromisoformat(period["from"]), dt.date.fromisoformat(period["to"])
    except (KeyError, TypeError, ValueError) as exc:
        return Check("period", False, f"malformed blanket period in the certificate: {exc}")
    if start <= on <= end:
        return Check("period", True, f"{on} is within the blanket period {start} to {end}")
    return Check("period", False, f"{on} is outside the blanket period {start} to {end}")
