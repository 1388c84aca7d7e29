"""C2SP signed notes and transparency-log checkpoints.

A signed note (c2sp.org/signed-note) is a UTF-8 text ending in a newline, a
blank line, then one line per signature: ``— <key name> <base64(key id ||
signature)>``.  The text of a checkpoint (c2sp.org/tlog-checkpoint) is three
lines: the log's origin, the tree size in decimal, and the root hash in base64.

Verifiers ignore signatures from unknown keys, as the spec requires, and a note
verifies only when at least one known key signed it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from tmec.certify.canonical import b64decode_strict
from tmec.certify.keys import Keyring, Signer

__all__ = ["Checkpoint", "NoteError", "note_text", "open_note", "sign_note"]

_DASH = "\u2014"  # EM DASH, as the format requires


class NoteError(ValueError):
    """A malformed note, or one no trusted key signed."""


def sign_note(text: str, signers: list[Signer]) -> str:
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("a note's text ends with a newline and has no blank line")
    lines = []
    for s in signers:
        sig = s.sign(text.encode())
        blob = base64.b64encode(s.public.key_id_bytes + sig).decode()
        lines.append(f"{_DASH} {s.public.name} {blob}\n")
    return text + "\n" + "".join(lines)


def _split(note: str) -> tuple[str, str]:
    text, sep, sigs = note.rpartition("\n\n")
    if not sep:
        raise NoteError("not a signed note: no blank line before the signatures")
    return text + "\n", sigs


def note_text(note: str) -> str:
    """A signed note's text, signatures unchecked (for reading a size before checking)."""
    return _split(note)[0]


def open_note(note: str, keyring: Keyring) -> tuple[str, list[str]]:
    """Check a signed note; return its text and the key ids whose signatures verified."""
    text, sigs = _split(note)
    if not sigs.endswith("\n"):
        raise NoteError("a signed note ends with a newline")
    good: list[str] = []
    for line in sigs[:-1].split("\n"):
        parts = line.split(" ")
        if len(parts) != 3 or parts[0] != _DASH:
            raise NoteError(f"malformed signature line {line!r}")
        _, name, b64 = parts
        try:
            blob = b64decode_strict(b64)
        except (binascii.Error, ValueError):
            raise NoteError("a signature is not base64") from None
        if len(blob) < 5:
            raise NoteError("a signature is too short")
        key_id = blob[:4].hex()
        for key in keyring.candidates(key_id, name):
            if key.verify(blob[4:], text.encode()):
                good.append(key_id)
    if not good:
        raise NoteError("no trusted key signed this note")
    return text, good


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The signed head of the log: origin, size and root hash."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    def sign(self, signer: Signer) -> str:
        return sign_note(self.text(), [signer])

    @classmethod
    def parse_text(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has an origin, a size and a root hash, one per line")
        origin, size, root = lines[0], lines[1], lines[2]
        if not origin:
            raise NoteError("a checkpoint's origin is empty")
        if not size.isdigit() or (size != "0" and size.startswith("0")):
            raise NoteError(f"a checkpoint's size must be a decimal number, found {size!r}")
        try:
            raw = b64decode_strict(root)
        except (binascii.Error, ValueError):
            raise NoteError("a checkpoint's root hash is not base64") from None
        if len(raw) != 32:
            raise NoteError("a checkpoint's root hash has 32 bytes")
        return cls(origin, int(size), raw)

    @classmethod
    def open(cls, note: str, keyring: Keyring) -> Checkpoint:
        """Verify a signed checkpoint note and parse it."""
        text, _ = open_note(note, keyring)
        return cls.parse_text(text)
