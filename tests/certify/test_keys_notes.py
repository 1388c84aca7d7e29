"""Ed25519 keys, key ids, encrypted PKCS#8, and C2SP signed notes / checkpoints."""

from __future__ import annotations

import base64

import pytest

from tmec.certify.keys import Keyring, PublicKey, generate_signer, load_private_key, private_key_pem
from tmec.certify.note import Checkpoint, NoteError, open_note, sign_note
from tmec.core.errors import InputError

# The example of c2sp.org/signed-note (and golang.org/x/mod/sumdb/note): a published verifier key and a
# note it signed.
PETER_KEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_NOTE = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_the_published_signed_note_example_verifies() -> None:
    key = PublicKey.parse(PETER_KEY)
    assert key.key_id == "c74f20a3"
    text, ids = open_note(PETER_NOTE, Keyring([key]))
    assert text.startswith("If you think") and ids == ["c74f20a3"]
    assert key.verifier_key() == PETER_KEY


def test_a_changed_note_or_an_unknown_key_fails() -> None:
    key = PublicKey.parse(PETER_KEY)
    with pytest.raises(NoteError, match="no trusted key"):
        open_note(PETER_NOTE.replace("problem,", "problem;"), Keyring([key]))
    with pytest.raises(NoteError, match="no trusted key"):
        open_note(PETER_NOTE, Keyring([generate_signer("PeterNeumann").public]))


def test_a_key_with_a_colliding_id_but_another_key_is_ignored() -> None:
    real = PublicKey.parse(PETER_KEY)
    impostor = generate_signer("PeterNeumann")
    note = sign_note("hello\n", [impostor])
    blob = base64.b64decode(note.rsplit(" ", 1)[1])
    forged = note.rsplit(" ", 1)[0] + " " + base64.b64encode(real.key_id_bytes + blob[4:]).decode() + "\n"
    with pytest.raises(NoteError):
        open_note(forged, Keyring([real]))


def test_checkpoint_round_trip_and_parsing() -> None:
    signer = generate_signer("example.com/log")
    cp = Checkpoint("example.com/log", 42, bytes(range(32)))
    note = cp.sign(signer)
    assert note.startswith("example.com/log\n42\nAAECAwQF")
    assert Checkpoint.open(note, Keyring([signer.public])) == cp
    for bad in ["log\n01\n" + base64.b64encode(bytes(32)).decode() + "\n", "log\n1\nAAAA\n", "log\n1\n"]:
        with pytest.raises(NoteError):
            Checkpoint.parse_text(bad)


def test_encrypted_private_key_round_trip_and_errors_show_no_key() -> None:
    signer = generate_signer("example.com/log")
    pem = private_key_pem(signer, b"s3cret")
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert load_private_key("example.com/log", pem, b"s3cret").public == signer.public
    for wrong in (b"nope", None):
        with pytest.raises(InputError) as info:
            load_private_key("example.com/log", pem, wrong)
        assert "PRIVATE KEY" not in str(info.value) and "s3cret" not in str(info.value)
    assert "PRIVATE" not in repr(signer) and signer.public.key_id in repr(signer)
    plain = private_key_pem(signer, None)
    assert (
        load_private_key("example.com/log", plain, b"a passphrase from the environment").public
        == signer.public
    )


def test_verifier_key_and_pem_parsing() -> None:
    signer = generate_signer("example.com/log")
    pub = signer.public
    assert PublicKey.parse(pub.verifier_key()) == pub
    assert PublicKey.parse(pub.pem(), name=pub.name) == pub
    with pytest.raises(InputError, match="does not match"):
        PublicKey.parse(pub.verifier_key().replace(pub.key_id, "00000000"))
    with pytest.raises(InputError):
        PublicKey.parse("not a key")
