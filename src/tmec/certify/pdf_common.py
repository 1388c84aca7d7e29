"""What both renderers of the certificate's PDF write the same way: the QR code's text, a party's lines."""

from __future__ import annotations

from typing import Any

from tmec.certify.envelope import payload_hash_b64url
from tmec.certify.labels import label

__all__ = ["party_text", "qr_text"]


def qr_text(payload: dict[str, Any]) -> str:
    """``TC1:<certificate id>:<base64url SHA-256 of the canonical payload>``: a scanner matches a
    paper copy to the signed record."""
    return f"TC1:{payload['certificate_id']}:{payload_hash_b64url(payload)}"


def party_text(party: Any, lang: str, tr: str | None, *, missing: str) -> str:
    def lbl(key: str) -> str:
        return label(key, lang) if tr is None else f"{label(key, lang)} / {label(key, tr)}"

    if party is None:
        return lbl(missing)
    if isinstance(party, str):
        return lbl("various") if party == "Various" else lbl("upon_request")
    lines = [party.get("name", "")]
    for key in ("title", "company", "address"):
        if party.get(key):
            lines.append(party[key])
    lines.append(party.get("country", ""))
    contact = ", ".join(party[k] for k in ("phone", "email") if party.get(k))
    if contact:
        lines.append(contact)
    return "\n".join(lines)
