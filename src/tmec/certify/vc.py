"""The certification as a W3C Verifiable Credential.

Shape: the W3C CCG traceability vocabulary's ``CertificationOfOrigin``
credential (w3id.org/traceability; its schema ``CertificationOfOrigin.yml``):
``credentialSubject.items`` of ``TradeLineItem`` with an HS ``commodity``,
``manufacturingCountry``, and the USMCA elements (certifier role, parties,
criterion, blanket period) under ``credentialSubject.usmca``.

Proof: a Data Integrity proof with the ``eddsa-jcs-2022`` cryptosuite (W3C
"Data Integrity EdDSA Cryptosuites v1.0" §3.3): the Ed25519 signature over
``SHA-256(JCS(proof options)) || SHA-256(JCS(credential))``, ``proofValue``
in multibase base58-btc, the issuer a ``did:key``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tmec.certify.canonical import canonical_json
from tmec.certify.keys import PublicKey, Signer

__all__ = ["did_key", "raw_key_from_did", "to_credential", "verify_credential"]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_ED25519_MULTICODEC = b"\xed\x01"
CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "https://w3id.org/traceability/v1",
    "https://w3id.org/security/data-integrity/v2",
]


def _b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        n = n * 58 + _B58.index(ch)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(key: PublicKey) -> str:
    return "did:key:z" + _b58encode(_ED25519_MULTICODEC + key.raw)


def raw_key_from_did(did: str) -> bytes | None:
    """The Ed25519 public key of a ``did:key`` (or of a verification method ``did:key:...#...``)."""
    did = did.split("#", 1)[0]
    if not did.startswith("did:key:z"):
        return None
    try:
        blob = _b58decode(did.removeprefix("did:key:z"))
    except ValueError:
        return None
    if len(blob) != 34 or not blob.startswith(_ED25519_MULTICODEC):
        return None
    return blob[2:]


def _hash_data(proof_options: dict[str, Any], document: dict[str, Any]) -> bytes:
    return (
        hashlib.sha256(canonical_json(proof_options)).digest()
        + hashlib.sha256(canonical_json(document)).digest()
    )


def to_credential(envelope: dict[str, Any], signer: Signer) -> dict[str, Any]:
    p = envelope["payload"]
    did = did_key(signer.public)
    producer = p.get("producer")
    country = producer.get("country") if isinstance(producer, dict) else p["certifier"].get("country")
    credential: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"urn:tmec:certificate:{p['certificate_id']}",
        "type": ["VerifiableCredential", "CertificationOfOrigin"],
        "name": "USMCA Certification of Origin",
        "issuanceDate": f"{p['certification']['date']}T00:00:00Z",
        "issuer": {
            "type": "Organization",
            "id": did,
            "name": p["certifier"].get("company") or p["certifier"]["name"],
        },
        "credentialSubject": {
            "type": "CertificationOfOrigin",
            "items": [
                {
                    "type": "TradeLineItem",
                    "description": good["description"],
                    "commodity": {
                        "type": "Commodity",
                        "commodityCode": good["hs"].replace(".", ""),
                        "commodityCodeType": "HS",
                    },
                }
                for good in p.get("goods") or [p["good"]]
            ],
            "usmca": {
                k: p.get(k)
                for k in (
                    "certifier",
                    "exporter",
                    "producer",
                    "importer",
                    "origin_criterion" if "goods" not in p else "goods",
                    "blanket_period",
                    "invoice_number",
                    "certification",
                )
            },
        },
        "manufacturingCountry": country,
        "relatedLink": [
            {
                "type": "LinkRole",
                "linkRelationship": "transparencyLog",
                "target": f"tmec-log:{envelope['log']['origin']}#{envelope['log']['index']}",
            }
        ],
    }
    options = {
        "@context": CONTEXT,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "created": credential["issuanceDate"],
        "verificationMethod": f"{did}#{did.removeprefix('did:key:')}",
        "proofPurpose": "assertionMethod",
    }
    signature = signer.sign(_hash_data(options, credential))
    proof = {k: v for k, v in options.items() if k != "@context"}
    proof["proofValue"] = "z" + _b58encode(signature)
    return {**credential, "proof": proof}


def verify_credential(credential: dict[str, Any], key: PublicKey) -> bool:
    """Check an ``eddsa-jcs-2022`` proof made by :func:`to_credential` with ``key``."""
    proof = credential.get("proof")
    if not isinstance(proof, dict) or not str(proof.get("proofValue", "")).startswith("z"):
        return False
    if not str(proof.get("verificationMethod", "")).startswith(did_key(key) + "#"):
        return False
    document = {k: v for k, v in credential.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document.get("@context")
    try:
        signature = _b58decode(proof["proofValue"][1:])
    except ValueError:
        return False
    return key.verify(signature, _hash_data(options, document))
