"""``certificate.json``: the signed payload with everything needed to verify it offline.

::

    {"format": "tmec.certificate/1",
     "payload": {... the certification, readable ...},
     "signature": {"alg": "Ed25519", "key_id": "1a2b3c4d", "key_name": "...", "value": "<base64>"},
     "public_key": "<C2SP verifier key, for convenience: trust comes from --key>",
     "log": {"origin": "...", "index": 41, "tree_size": 42,
             "inclusion_proof": ["<base64>", ...], "checkpoint": "<signed note>"}}

The log leaf is not stored in the file: a verifier rebuilds it from the payload
and the signature (:func:`leaf_body`), so a certificate cannot point at someone
else's leaf.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from tmec.certify.canonical import canonical_json, sha256_hex

__all__ = ["ENVELOPE_FORMAT", "leaf_body", "payload_hash_b64url"]

ENVELOPE_FORMAT = "tmec.certificate/1"


def leaf_body(
    payload: dict[str, Any], signature: bytes, key_id: str, *, canonical: bytes | None = None
) -> bytes:
    """The log entry for a certification event: what the Merkle leaf hashes (``canonical``: the
    payload's canonical JSON, when the caller has it already)."""
    return canonical_json(
        {
            "event": f"certificate.{payload['kind']}",
            "certificate_id": payload["certificate_id"],
            "payload_sha256": sha256_hex(canonical if canonical is not None else canonical_json(payload)),
            "key_id": key_id,
            "signature": base64.b64encode(signature).decode(),
        }
    )


def payload_hash_b64url(payload: dict[str, Any]) -> str:
    digest = hashlib.sha256(canonical_json(payload)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
