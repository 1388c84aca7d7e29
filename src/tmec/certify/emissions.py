"""Signed emissions declarations: a producer's specific embedded emissions on the same log.

A producer states its installation's specific embedded emissions (CN codes, period, direct and
indirect SEE, route, precursors, verifier) in the actual-data form of :mod:`tmec.carbon.actual`;
``tmec carbon sign-emissions`` signs it with the issuer key and appends it to the transparency
log, exactly as a certificate of origin: the envelope is ``tmec.certificate/1`` with a payload of
kind ``emissions``, so ``tmec verify`` checks it offline unchanged (signature, checkpoint,
inclusion; ``--date`` checks the date against the declared period, kept as ``blanket_period``).
An importer's calculation takes the file as actual data and cites its log entry.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from tmec.carbon.actual import ActualData, parse_actual
from tmec.certify.canonical import canonical_json
from tmec.certify.envelope import ENVELOPE_FORMAT, leaf_body
from tmec.certify.issuer import Issuer
from tmec.certify.keys import Ed25519Signer
from tmec.certify.note import Checkpoint
from tmec.certify.verify import Verification, verify_certificate
from tmec.core.errors import InputError
from tmec.store import ledger
from tmec.store.models import IssuerKeyRow

__all__ = ["KIND", "actual_from_envelope", "build_payload", "issue_emissions"]

KIND = "emissions"
LAW = "Reg. (EU) 2023/956 Annex IV; Commission IR (EU) 2025/2547 (specific embedded emissions)"


def _jsonable(value: Any) -> Any:
    """The declaration as canonical JSON takes it: numbers as their decimal text, dates ISO."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def build_payload(
    data: Mapping[str, Any], *, source: str, day: dt.date, issuer: Mapping[str, str]
) -> dict[str, Any]:
    """Validate the actual-data mapping (as ``--actual`` reads it) and make the payload to sign."""
    parsed = parse_actual(data, source=source)
    if parsed.installation.id is None or parsed.installation.country is None:
        raise InputError(
            "a signed declaration names its installation's id and country",
            source=source,
            field="installation",
        )
    if parsed.period_from is None or parsed.period_to is None:
        raise InputError("a signed declaration states its period (from, to)", source=source, field="period")
    body = _jsonable(data)
    return {
        "kind": KIND,
        "certificate_id": "EM-" + base64.b32encode(secrets.token_bytes(10)).decode(),
        "declaration_date": day.isoformat(),
        "blanket_period": {"from": parsed.period_from.isoformat(), "to": parsed.period_to.isoformat()},
        "installation": body.get("installation"),
        "verified": parsed.verified,
        "verifier": parsed.verifier,
        "goods": body["goods"],
        "law": LAW,
        "issuer": dict(issuer),
    }


def issue_emissions(iss: Issuer, signer: Ed25519Signer, payload: dict[str, Any]) -> dict[str, Any]:
    """Sign ``payload``, append it to the log with a new checkpoint (one transaction), return the envelope."""
    with iss.store.session() as s:
        key = s.get(IssuerKeyRow, signer.public.key_id)
        if key is None or key.retired_at is not None:
            raise InputError(
                f"issuer key {signer.public.key_id} is not the current key (rotated?): reload it"
            )
        signature = signer.sign(canonical_json(payload))
        leaf = leaf_body(payload, signature, signer.public.key_id)
        index, root, proof = ledger.append(s, f"certificate.{KIND}", leaf)
        note = Checkpoint(signer.public.name, index + 1, root).sign(signer)
        ledger.store_checkpoint(s, index + 1, note)
    return {
        "format": ENVELOPE_FORMAT,
        "payload": payload,
        "signature": {
            "alg": "Ed25519",
            "key_id": signer.public.key_id,
            "key_name": signer.public.name,
            "value": base64.b64encode(signature).decode(),
        },
        "public_key": signer.public.verifier_key(),
        "log": {
            "origin": signer.public.name,
            "index": index,
            "tree_size": index + 1,
            "inclusion_proof": [base64.b64encode(p).decode() for p in proof],
            "checkpoint": note,
        },
    }


def actual_from_envelope(env: Mapping[str, Any], *, source: str) -> tuple[ActualData, Verification]:
    """The actual data a signed declaration carries, once its signature and log inclusion verify.

    Checked with the key written in the file: that proves the record is intact and logged, not who
    signed it (``tmec verify FILE --key`` does); the result says so in its flags.
    """
    payload = env.get("payload")
    if not isinstance(payload, Mapping) or payload.get("kind") != KIND:
        raise InputError("not a signed emissions declaration (payload kind 'emissions')", source=source)
    check = verify_certificate(env, None)
    failed = [c for c in check.checks if c.passed is False]
    if failed:
        raise InputError(
            f"the signed declaration does not verify: {failed[0].name}: {failed[0].detail}", source=source
        )
    data = parse_actual(
        {k: payload.get(k) for k in ("installation", "verified", "verifier", "goods")}
        | {"period": payload.get("blanket_period")},
        source=source,
    )
    log = env["log"]
    citation = (
        f"signed emissions declaration {payload.get('certificate_id')}, entry {log.get('index')} of the "
        f"log {log.get('origin')}, key {env['signature'].get('key_id')}"
    )
    flags = (
        "signed declaration checked with the key written in it (intact and logged); check who signed it: "
        "tmec verify FILE --key ISSUER_KEY",
    )
    return ActualData(
        installation=data.installation,
        period_from=data.period_from,
        period_to=data.period_to,
        verified=data.verified,
        verifier=data.verifier,
        goods=data.goods,
        source=source,
        citation=citation,
        extra_flags=flags,
    ), check
