"""USMCA certification of origin (Annex 5-A), signing, the RFC 9162 Merkle log, verification.

>>> from tmec.certify import Issuer, verify_certificate        # doctest: +SKIP
>>> from tmec.certify.merkle import root, inclusion_proof, verify_inclusion

The Merkle functions live in :mod:`tmec.certify.merkle`; the store-backed log in
:mod:`tmec.store.ledger`.
"""

from typing import TYPE_CHECKING

from tmec._lazy import lazy_attributes

if TYPE_CHECKING:
    from tmec.certify.artifacts import evidence_pack, write_certificate_files
    from tmec.certify.audit import Audit, audit_log
    from tmec.certify.canonical import canonical_json
    from tmec.certify.certificate import (
        NotOriginating,
        Scope,
        build_certification,
        build_revocation,
        worksheet,
    )
    from tmec.certify.consistency import consistency_document, verify_consistency_document
    from tmec.certify.issuer import Issued, Issuer
    from tmec.certify.keys import Ed25519Signer, Keyring, PublicKey, Signer
    from tmec.certify.note import Checkpoint, open_note, sign_note
    from tmec.certify.parties import Parties, Party, parse_parties
    from tmec.certify.retention import retention_years
    from tmec.certify.vc import to_credential, verify_credential
    from tmec.certify.verify import Check, Verification, read_certificate, verify_certificate

# Loaded on first use: the command line imports this package for every command, and the PDF,
# database and migration libraries behind these names cost half a second to import.
_WHERE = {
    "consistency_document": "tmec.certify.consistency",
    "verify_consistency_document": "tmec.certify.consistency",
    "Audit": "tmec.certify.audit",
    "Check": "tmec.certify.verify",
    "Checkpoint": "tmec.certify.note",
    "Ed25519Signer": "tmec.certify.keys",
    "Issued": "tmec.certify.issuer",
    "Issuer": "tmec.certify.issuer",
    "Keyring": "tmec.certify.keys",
    "NotOriginating": "tmec.certify.certificate",
    "Parties": "tmec.certify.parties",
    "Party": "tmec.certify.parties",
    "PublicKey": "tmec.certify.keys",
    "Scope": "tmec.certify.certificate",
    "Signer": "tmec.certify.keys",
    "Verification": "tmec.certify.verify",
    "audit_log": "tmec.certify.audit",
    "build_certification": "tmec.certify.certificate",
    "build_revocation": "tmec.certify.certificate",
    "canonical_json": "tmec.certify.canonical",
    "evidence_pack": "tmec.certify.artifacts",
    "open_note": "tmec.certify.note",
    "parse_parties": "tmec.certify.parties",
    "read_certificate": "tmec.certify.verify",
    "retention_years": "tmec.certify.retention",
    "sign_note": "tmec.certify.note",
    "to_credential": "tmec.certify.vc",
    "verify_certificate": "tmec.certify.verify",
    "verify_credential": "tmec.certify.vc",
    "worksheet": "tmec.certify.certificate",
    "write_certificate_files": "tmec.certify.artifacts",
}


__all__ = [
    "Audit",
    "Check",
    "Checkpoint",
    "Ed25519Signer",
    "Issued",
    "Issuer",
    "Keyring",
    "NotOriginating",
    "Parties",
    "Party",
    "PublicKey",
    "Scope",
    "Signer",
    "Verification",
    "audit_log",
    "build_certification",
    "build_revocation",
    "canonical_json",
    "consistency_document",
    "evidence_pack",
    "open_note",
    "parse_parties",
    "read_certificate",
    "retention_years",
    "sign_note",
    "to_credential",
    "verify_certificate",
    "verify_consistency_document",
    "verify_credential",
    "worksheet",
    "write_certificate_files",
]

__getattr__ = lazy_attributes(__name__, _WHERE, globals())
