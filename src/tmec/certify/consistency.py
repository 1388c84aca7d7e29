"""The consistency-proof file a monitor checks offline (``tmec log prove`` / ``tmec log check``).

::

    {"format": "tmec.consistency/1", "old": "<signed checkpoint>", "new": "<signed checkpoint>",
     "proof": ["<base64>", ...]}

Both checkpoints must be signed by a trusted key, name the same log, and the RFC 9162
consistency proof (§2.1.4) must show the new tree extends the old one.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

from tmec.certify import merkle
from tmec.certify.canonical import b64decode_strict
from tmec.certify.keys import Keyring
from tmec.certify.note import Checkpoint, NoteError
from tmec.certify.verify import Check

__all__ = ["CONSISTENCY_FORMAT", "consistency_document", "verify_consistency_document"]

CONSISTENCY_FORMAT = "tmec.consistency/1"


def consistency_document(old_note: str, new_note: str, proof: list[bytes]) -> dict[str, Any]:
    return {
        "format": CONSISTENCY_FORMAT,
        "old": old_note,
        "new": new_note,
        "proof": [base64.b64encode(p).decode() for p in proof],
    }


def verify_consistency_document(data: Mapping[str, Any], keyring: Keyring) -> Check:
    if set(data) != {"format", "old", "new", "proof"} or data.get("format") != CONSISTENCY_FORMAT:
        return Check(
            "consistency", False, f"not a {CONSISTENCY_FORMAT} document (unexpected or missing fields)"
        )
    try:
        if not isinstance(data["proof"], list):
            raise ValueError("the proof is not a list")
        proof = [b64decode_strict(p) for p in data["proof"]]
        old, new = Checkpoint.open(str(data["old"]), keyring), Checkpoint.open(str(data["new"]), keyring)
    except (binascii.Error, ValueError, TypeError) as exc:
        if isinstance(exc, NoteError):
            return Check("consistency", False, f"a checkpoint does not verify: {exc}")
        return Check("consistency", False, f"malformed proof: {exc}")
    if old.origin != new.origin:
        return Check("consistency", False, f"the checkpoints are of two logs: {old.origin}, {new.origin}")
    if merkle.verify_consistency(old.size, new.size, old.root, new.root, proof):
        return Check(
            "consistency", True, f"{new.origin}: the tree of {new.size} extends the tree of {old.size}"
        )
    return Check(
        "consistency",
        False,
        f"{new.origin}: NOT an extension of the tree of {old.size}: the log was rewritten or forked",
    )
