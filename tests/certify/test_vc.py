"""The W3C Verifiable Credential export (eddsa-jcs-2022 proof, CCG traceability CertificationOfOrigin)."""

from __future__ import annotations

import copy

from certify_fixtures import Case, Determination

from tmec.certify import merkle
from tmec.certify.certificate import Scope
from tmec.certify.issuer import Issuer
from tmec.certify.keys import Ed25519Signer, generate_signer
from tmec.certify.parties import Parties
from tmec.certify.vc import _b58decode, _b58encode, did_key, to_credential, verify_credential


def test_credential_shape_and_proof(issuer: Issuer, signer: Ed25519Signer, parties: Parties) -> None:
    env = issuer.issue(signer, Case(), Determination(), parties, Scope(invoice="INV-3")).envelope
    vc = to_credential(env, signer)
    assert vc["type"] == ["VerifiableCredential", "CertificationOfOrigin"]
    assert "https://w3id.org/traceability/v1" in vc["@context"]
    item = vc["credentialSubject"]["items"][0]
    assert item["commodity"] == {"type": "Commodity", "commodityCode": "848210", "commodityCodeType": "HS"}
    assert vc["credentialSubject"]["usmca"]["origin_criterion"] == "B"
    assert vc["issuer"]["id"].startswith("did:key:z6Mk")  # multicodec ed25519-pub, base58btc
    assert vc["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert verify_credential(vc, signer.public)
    tampered = copy.deepcopy(vc)
    tampered["credentialSubject"]["usmca"]["origin_criterion"] = "A"
    assert not verify_credential(tampered, signer.public)
    assert not verify_credential(vc, generate_signer(signer.public.name).public)


def test_base58_round_trip_keeps_leading_zeros() -> None:
    for data in (b"", b"\0\0\x01", merkle.leaf_hash(b"x"), b"\xff" * 40):
        assert _b58decode(_b58encode(data)) == data
    assert _b58encode(b"\0\x01") == "12"
    assert did_key(generate_signer("a").public).startswith("did:key:z6Mk")
