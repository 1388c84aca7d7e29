"""The consistency-proof document a monitor checks offline: every single-byte change is caught."""

from __future__ import annotations

import datetime as dt

from certify_fixtures import Case, Determination, undetected_mutations

from tmec.certify.canonical import canonical_json
from tmec.certify.certificate import Scope
from tmec.certify.consistency import consistency_document, verify_consistency_document
from tmec.certify.issuer import Issuer
from tmec.certify.keys import Ed25519Signer, Keyring
from tmec.certify.parties import Parties
from tmec.store import ledger


def _document(issuer: Issuer, signer: Ed25519Signer, parties: Parties) -> dict:  # type: ignore[type-arg]
    def issue() -> None:
        issuer.issue(
            signer,
            Case(),
            Determination(),
            parties,
            Scope(invoice="1"),
            certification_date=dt.date(2024, 1, 1),
        )

    for _ in range(2):
        issue()
    with issuer.store.session() as s:
        old = ledger.latest_checkpoint(s)
    for _ in range(4):
        issue()
    with issuer.store.session() as s:
        new = ledger.latest_checkpoint(s)
        assert old is not None and new is not None
        proof = ledger.consistency_proof(s, old.size, new.size)
    return consistency_document(old.note, new.note, proof)


def test_a_consistency_document_verifies(issuer: Issuer, signer: Ed25519Signer, parties: Parties) -> None:
    doc = _document(issuer, signer, parties)
    check = verify_consistency_document(doc, Keyring([signer.public]))
    assert check.passed, check.detail
    assert "the tree of 7 extends the tree of 3" in check.detail


def test_every_single_byte_change_is_caught(issuer: Issuer, signer: Ed25519Signer, parties: Parties) -> None:
    keyring = Keyring([signer.public])
    undetected = undetected_mutations(
        canonical_json(_document(issuer, signer, parties)),
        lambda doc: bool(verify_consistency_document(doc, keyring).passed),
    )
    assert not undetected, undetected[:5]
