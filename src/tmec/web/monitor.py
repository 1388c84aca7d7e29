"""The monitor page (public, for an authority): the log's checkpoints and consistency, and how many
certificates were issued per month, producer and HS chapter — counts only, never a bill of materials."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select

from tmec.certify.audit import audit_log
from tmec.certify.canonical import loads
from tmec.certify.issuer import Issuer
from tmec.store.db import Store
from tmec.store.models import CertificateRow, CheckpointRow

MAX_CHECKPOINTS = 20


def _producer(payload: dict[str, Any]) -> str:
    producer = payload.get("producer")
    if isinstance(producer, str):
        return producer
    party = producer if isinstance(producer, dict) else payload.get("certifier") or {}
    return str(party.get("company") or party.get("name") or "?")


def monitor_view(store: Store) -> dict[str, Any]:
    iss = Issuer(store)
    with store.session() as s:
        checkpoints = list(
            s.scalars(select(CheckpointRow).order_by(CheckpointRow.size.desc()).limit(MAX_CHECKPOINTS))
        )
        rows = list(s.scalars(select(CertificateRow).where(CertificateRow.kind != "revocation")))
        revoked = list(s.scalars(select(CertificateRow.refers_to).where(CertificateRow.kind == "revocation")))
    months: Counter[str] = Counter()
    producers: Counter[str] = Counter()
    chapters: Counter[str] = Counter()
    for row in rows:
        payload = loads(bytes(row.payload))
        months[row.certification_date.strftime("%Y-%m")] += 1
        producers[_producer(payload)] += 1
        chapters[str(payload.get("good", {}).get("hs", ""))[:2]] += 1
    audit = audit_log(store, iss.keyring()) if checkpoints else None
    return {
        "checkpoints": [{"size": c.size, "at": c.created_at, "note": c.note} for c in checkpoints],
        "audit": audit.to_dict() if audit is not None else None,
        "issued": len(rows),
        "revoked": len(revoked),
        "by_month": sorted(months.items()),
        "by_producer": producers.most_common(),
        "by_chapter": sorted(chapters.items()),
    }
