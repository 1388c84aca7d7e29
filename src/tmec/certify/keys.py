"""Ed25519 issuer keys: key ids, encrypted PKCS#8 storage, verifier keys, rotation.

A key's id is the C2SP signed-note key id, ``SHA-256(name || 0x0A || 0x01 ||
public key)[:4]`` (c2sp.org/signed-note, "Ed25519"), written as 8 hex digits.
The same key signs certificates and checkpoints, so one published verifier key
string (``name+hexid+base64(0x01 || public key)``) checks both.

Rotation adds a new key and retires the old one; retired keys stay in the
:class:`Keyring` so that what they signed keeps verifying.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tmec.certify.canonical import b64decode_strict
from tmec.core.errors import InputError

__all__ = [
    "ALG_ED25519",
    "Ed25519Signer",
    "Keyring",
    "PublicKey",
    "Signer",
    "generate_signer",
    "load_private_key",
    "private_key_pem",
]

ALG_ED25519 = 0x01  # the signed-note signature type byte for Ed25519


def _key_id(name: str, raw: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + raw).digest()[:4]


def _check_name(name: str) -> str:
    if not name or any(c.isspace() for c in name) or "+" in name:
        raise InputError(f"a key name must be non-empty, without spaces or '+', found {name!r}")
    return name


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A named Ed25519 public key: what a verifier needs, and nothing secret."""

    name: str
    raw: bytes  # 32 bytes

    @property
    def key_id(self) -> str:
        return _key_id(self.name, self.raw).hex()

    @property
    def key_id_bytes(self) -> bytes:
        return _key_id(self.name, self.raw)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def verifier_key(self) -> str:
        """The C2SP signed-note verifier key: ``name+hexid+base64(0x01 || key)``."""
        b64 = base64.b64encode(bytes([ALG_ED25519]) + self.raw).decode()
        return f"{self.name}+{self.key_id}+{b64}"

    def pem(self) -> str:
        key = Ed25519PublicKey.from_public_bytes(self.raw)
        return key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    @classmethod
    def parse(cls, text: str, *, source: str | None = None, name: str | None = None) -> PublicKey:
        """Read a verifier key string, or a PEM public key (then ``name`` names it)."""
        text = text.strip()
        if text.startswith("-----BEGIN"):
            try:
                key = serialization.load_pem_public_key(text.encode())
            except ValueError as exc:
                raise InputError(f"not a PEM public key: {exc}", source=source) from None
            if not isinstance(key, Ed25519PublicKey):
                raise InputError("expected an Ed25519 public key", source=source)
            if name is None:
                raise InputError("a PEM key needs the key name (use the verifier key string)", source=source)
            return cls(name, key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
        parts = text.split("+", 2)  # the base64 key may itself contain "+"
        if len(parts) != 3:
            raise InputError("expected a verifier key 'name+hexid+base64key' or a PEM key", source=source)
        key_name, hexid, b64 = parts
        try:
            blob = b64decode_strict(b64)
        except ValueError:
            raise InputError("the verifier key's key is not base64", source=source) from None
        if len(blob) != 33 or blob[0] != ALG_ED25519:
            raise InputError("the verifier key is not an Ed25519 key", source=source)
        pub = cls(_check_name(key_name), blob[1:])
        if pub.key_id != hexid:  # exact: 8 lower-case hex digits, one spelling per key
            raise InputError(
                f"the verifier key's id {hexid} does not match its key ({pub.key_id})", source=source
            )
        return pub


class Signer(Protocol):
    """Anything that signs with a named Ed25519 key (a file key today; an HSM or KMS later)."""

    @property
    def public(self) -> PublicKey: ...

    def sign(self, message: bytes) -> bytes: ...


class Ed25519Signer:
    """A signer holding the private key in memory.  Its repr never shows the key."""

    __slots__ = ("_key", "public")

    def __init__(self, name: str, key: Ed25519PrivateKey) -> None:
        self._key = key
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public = PublicKey(_check_name(name), raw)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:
        return f"Ed25519Signer({self.public.name!r}, key_id={self.public.key_id})"

    def private_key(self) -> Ed25519PrivateKey:
        return self._key


def generate_signer(name: str) -> Ed25519Signer:
    return Ed25519Signer(name, Ed25519PrivateKey.generate())


def private_key_pem(signer: Ed25519Signer, passphrase: bytes | None) -> bytes:
    """PKCS#8 PEM, encrypted with the passphrase when one is given."""
    enc: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    )
    return signer.private_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc
    )


def load_private_key(
    name: str, pem: bytes, passphrase: bytes | None, *, source: str | None = None
) -> Ed25519Signer:
    """Load a PKCS#8 key; a wrong or missing passphrase is an input error that shows no key material."""
    if passphrase and b"ENCRYPTED" not in pem.split(b"\n", 1)[0]:
        passphrase = None  # an unencrypted key opens without one, whatever the environment holds
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase or None)
    except TypeError:
        raise InputError(
            "the issuer key is encrypted: give its passphrase (TMEC_KEY_PASSPHRASE or --passphrase-file)",
            source=source,
        ) from None
    except ValueError:
        raise InputError(
            "cannot open the issuer key: wrong passphrase or not a PKCS#8 key", source=source
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError("the issuer key is not an Ed25519 key", source=source)
    return Ed25519Signer(name, key)


class Keyring:
    """Trusted public keys by key id: the current key and every retired one."""

    def __init__(self, keys: Iterable[PublicKey] = ()) -> None:
        self._keys: dict[str, list[PublicKey]] = {}
        for k in keys:
            self.add(k)

    def add(self, key: PublicKey) -> None:
        bucket = self._keys.setdefault(key.key_id, [])
        if key not in bucket:
            bucket.append(key)

    def candidates(self, key_id: str, name: str | None = None) -> list[PublicKey]:
        """Keys with this id (and name, if given); ids are 4 bytes, so they may collide."""
        return [k for k in self._keys.get(key_id, []) if name is None or k.name == name]

    def __iter__(self) -> Iterator[PublicKey]:
        for bucket in self._keys.values():
            yield from bucket

    def __len__(self) -> int:
        return sum(len(b) for b in self._keys.values())
