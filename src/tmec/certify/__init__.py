"""USMCA certification of origin (Annex 5-A), signing, the RFC 9162 Merkle log, verification.

>>> from tmec.certify import Issuer, verify_certificate        # doctest: +SKIP
>>> from tmec.certify.merkle import root, inclusion_proof, verify_inclusion

The Merkle functions live in :mod:`tmec.certify.merkle`; the store-backed log in
:mod:`tmec.store.ledger`.
"""

from tmec.certify.artifacts import evidence_pack, write_certificate_files
from tmec.certify.audit import Audit, audit_log
from tmec.certify.canonical import canonical_json
from tmec.certify.certificate import NotOriginating, Scope, build_certification, build_revocation, worksheet
from tmec.certify.issuer import Issued, Issuer, retention_years
from tmec.certify.keys import Ed25519Signer, Keyring, PublicKey, Signer
from tmec.certify.note import Checkpoint, open_note, sign_note
from tmec.certify.parties import Parties, Party, parse_parties
from tmec.certify.vc import to_credential, verify_credential
from tmec.certify.verify import Check, Verification, read_certificate, verify_certificate

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
    "evidence_pack",
    "open_note",
    "parse_parties",
    "read_certificate",
    "retention_years",
    "sign_note",
    "to_credential",
    "verify_certificate",
    "verify_credential",
    "worksheet",
    "write_certificate_files",
]
