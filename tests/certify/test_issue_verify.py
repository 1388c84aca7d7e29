"""Issuing into the log and verifying offline, including every single-byte mutation of a certificate."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from certify_fixtures import PASSPHRASE, Case, Determination, undetected_mutations

from tmec.certify import merkle
from tmec.certify.artifacts import write_certificate_files
from tmec.certify.canonical import canonical_json
from tmec.certify.certificate import NotOriginating, Scope
from tmec.certify.issuer import Issuer
from tmec.certify.keys import Ed25519Signer, Keyring, generate_signer
from tmec.certify.parties import Parties
from tmec.certify.verify import read_certificate, verify_certificate
from tmec.core.errors import InputError

BLANKET = Scope(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))


def _issue(issuer: Issuer, signer: Ed25519Signer, parties: Parties, scope: Scope = BLANKET) -> dict:  # type: ignore[type-arg]
    return issuer.issue(
        signer, Case(), Determination(), parties, scope, certification_date=dt.date(2024, 1, 1)
    ).envelope


def test_a_certificate_verifies_offline_with_the_public_key(
    issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    env = _issue(issuer, signer, parties)
    result = verify_certificate(env, Keyring([signer.public]), on=dt.date(2024, 6, 1))
    assert result.valid, result.to_dict()
    names = {c.name: c.passed for c in result.checks}
    assert names == {
        "key": True,
        "signature": True,
        "checkpoint": True,
        "inclusion": True,
        "period": True,
        "revocation": None,
    }
    assert env["payload"]["good"]["description"] == "Ball bearings, 40 mm — sealed"


def test_outside_the_blanket_period_is_invalid(
    issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    env = _issue(issuer, signer, parties)
    result = verify_certificate(env, Keyring([signer.public]), on=dt.date(2025, 1, 1))
    assert [c.name for c in result.failed] == ["period"]


def test_another_issuers_key_is_not_trusted(issuer: Issuer, signer: Ed25519Signer, parties: Parties) -> None:
    env = _issue(issuer, signer, parties)
    result = verify_certificate(env, Keyring([generate_signer(signer.public.name).public]))
    assert not result.valid and result.failed[0].name == "key"


def test_without_a_trusted_key_integrity_is_checked_but_not_trust(
    issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    result = verify_certificate(_issue(issuer, signer, parties), None)
    assert result.valid and result.checks[0].passed is None


def test_every_single_byte_change_is_detected(
    issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    """Mutation test over the whole certificate: payload, signature, proof and checkpoint."""
    for _ in range(4):  # a proof with several hashes
        _issue(issuer, signer, parties)
    env = _issue(issuer, signer, parties)
    assert len(env["log"]["inclusion_proof"]) >= 2
    keyring = Keyring([signer.public])
    undetected = undetected_mutations(
        canonical_json(env), lambda doc: verify_certificate(doc, keyring, on=dt.date(2024, 6, 1)).valid
    )
    assert not undetected, undetected[:5]


def test_revocation_and_amendment_are_new_records(
    issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    env = _issue(issuer, signer, parties)
    cid = env["payload"]["certificate_id"]
    amended = issuer.issue(
        signer,
        Case(),
        Determination(criterion="C"),
        parties,
        BLANKET,
        amends=cid,
        reason="criterion corrected",
    )
    assert amended.envelope["payload"]["amends"] == cid
    assert issuer.status(cid)["state"] == "amended"
    new_id = amended.certificate_id
    revoked = issuer.revoke(signer, new_id, "supplier declaration withdrawn")
    assert revoked.envelope["payload"]["revokes"] == new_id
    status = issuer.status(new_id)
    assert status == {
        "state": "revoked",
        "by": revoked.certificate_id,
        "reason": "supplier declaration withdrawn",
        "log_index": revoked.log_index,
    }
    check = verify_certificate(amended.envelope, issuer.keyring(), status=status)
    assert [c.name for c in check.failed] == ["revocation"]
    # The originals stay, unchanged, and still verify as signed records.
    assert verify_certificate(issuer.envelope(cid), issuer.keyring()).valid
    with pytest.raises(InputError, match="already revoked"):
        issuer.revoke(signer, new_id, "again")
    # A revocation record is not a certificate.
    assert "kind" in {c.name for c in verify_certificate(revoked.envelope, issuer.keyring()).failed}


def test_not_originating_is_refused_and_nothing_is_logged(
    issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    before = issuer.keys()[0].log_index
    with pytest.raises(NotOriginating):
        issuer.issue(signer, Case(), Determination(originating=False, criterion=None), parties, BLANKET)
    env = _issue(issuer, signer, parties)
    assert env["log"]["index"] == before + 1


def test_key_rotation_keeps_old_certificates_verifying(
    issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    old_env = _issue(issuer, signer, parties)
    new_key = issuer.rotate(PASSPHRASE, b"new passphrase")
    new_signer = issuer.signer(b"new passphrase")
    assert new_signer.public == new_key != signer.public
    new_env = _issue(issuer, new_signer, parties)
    ring = issuer.keyring()
    assert len(ring) == 2
    assert verify_certificate(old_env, ring).valid and verify_certificate(new_env, ring).valid
    assert new_env["signature"]["key_id"] == new_key.key_id
    with pytest.raises(InputError, match="wrong passphrase"):
        issuer.signer(PASSPHRASE)
    with pytest.raises(InputError, match="not the current key"):
        _issue(issuer, signer, parties)  # a process still holding the retired key


def test_files_json_and_pdf_verify_and_the_pdf_carries_the_json(
    tmp_path: Path, issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    issued = issuer.issue(signer, Case(), Determination(), parties, Scope(invoice="INV-1"), language="es")
    files = write_certificate_files(tmp_path, issued.envelope, issued.worksheet, signer)
    assert sorted(f.name for f in files) == [
        "certificate.json",
        "certificate.pdf",
        "certificate.vc.json",
        "worksheet.json",
    ]
    from_json = read_certificate(tmp_path / "certificate.json")
    from_pdf = read_certificate(tmp_path / "certificate.pdf")
    assert from_json == from_pdf == issued.envelope
    text = (tmp_path / "certificate.json").read_text(encoding="utf-8")
    assert "Ball bearings, 40 mm — sealed" in text  # readable, as written in the case
    sheet = json.loads((tmp_path / "worksheet.json").read_text())
    assert sheet["determination"]["explanation"][0]["step"] == "rvc.net_cost"
    assert sheet["case"]["materials"][0]["value"] == "1.5"
    assert (
        issued.envelope["payload"]["qualification"]["worksheet_sha256"]
        == merkle.hashlib.sha256(canonical_json(sheet)).hexdigest()
    )


def test_the_pdf_shows_the_nine_elements_and_the_qr(
    tmp_path: Path, issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    from pypdf import PdfReader

    issued = issuer.issue(signer, Case(), Determination(), parties, BLANKET, language="fr")
    write_certificate_files(tmp_path, issued.envelope, None, None)
    text = PdfReader(tmp_path / "certificate.pdf").pages[0].extract_text()
    for n, word in enumerate(
        [
            "Certificateur",
            "Certificateur",
            "Exportateur",
            "Producteur",
            "Importateur",
            "classement tarifaire",
            "Critère d'origine",
            "Période globale",
            "Signature autorisée",
        ],
        start=1,
    ):
        assert f"{n}. " in text and word in text, (n, word)
    assert "8482.10" in text and issued.certificate_id in text and "Pages: 1" in text
    assert f"TC1:{issued.certificate_id}:" in text.replace("\n", "")


def test_unreadable_files_are_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="invalid JSON"):
        read_certificate(bad)
    bad.write_text('{"format": "other"}')
    with pytest.raises(InputError, match="not a tmec certificate"):
        read_certificate(bad)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4 garbage")
    with pytest.raises(InputError, match="PDF"):
        read_certificate(pdf)
    with pytest.raises(InputError, match="cannot read"):
        read_certificate(tmp_path / "missing.json")


def test_the_log_at_hand_must_extend_the_certificates_checkpoint(
    issuer: Issuer, signer: Ed25519Signer, parties: Parties
) -> None:
    env = _issue(issuer, signer, parties)
    for _ in range(3):
        _issue(issuer, signer, parties)
    head = issuer.log_head(env["log"]["tree_size"])
    assert head is not None
    result = verify_certificate(env, issuer.keyring(), log_head=head)
    assert result.valid and {c.name: c.passed for c in result.checks}["log"] is True
    # A fork: a signed head of another history of the same size.
    from tmec.certify.note import Checkpoint

    other = merkle.HashTree([merkle.leaf_hash(bytes([i])) for i in range(5)])
    forged = (Checkpoint(signer.public.name, 5, other.root()).sign(signer), head[1])
    failed = verify_certificate(env, issuer.keyring(), log_head=forged).failed
    assert [c.name for c in failed] == ["log"]
