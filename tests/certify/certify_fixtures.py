"""Test data for certification: a certifier file and a qualified good.

Until the origin engine's ``qualify`` is at hand, ``Case``/``Determination`` are
small objects with exactly the attributes certification reads
(``tmec.certify.certificate.CaseLike`` / ``DeterminationLike``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PASSPHRASE = b"correct horse battery staple"
ORIGIN = "tmec.example/acme-bearings"

CERTIFIER: dict[str, Any] = {
    "certifier": {
        "role": "producer",
        "name": "Ana Pérez",
        "title": "Trade Compliance Manager",
        "company": "Rodamientos del Norte SA de CV",
        "address": "Av. Industrial 100, Monterrey, NL",
        "country": "MX",
        "phone": "+52 81 5555 0100",
        "email": "ana.perez@example.mx",
    },
    "importer": {"name": "Acme Motors Inc.", "address": "1 Assembly Way, Detroit, MI", "country": "US"},
}


@dataclass
class Good:
    description: str = "Ball bearings, 40 mm — sealed"
    hs: str = "8482.10.50"


@dataclass
class Case:
    id: str = "W-1"
    date: dt.date = dt.date(2023, 7, 1)
    good: Good = field(default_factory=Good)
    raw: dict[str, Any] = field(
        default_factory=lambda: {
            "format": 1,
            "id": "W-1",
            "date": dt.date(2023, 7, 1),
            "good": {"description": "Ball bearings, 40 mm — sealed", "hs": "8482.10.50"},
            "materials": [{"id": "RING", "hs": "8482.99", "origin": "non_originating", "value": 1.5}],
        }
    )


@dataclass
class Determination:
    originating: bool = True
    criterion: str | None = "B"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": "W-1",
            "originating": self.originating,
            "criterion": self.criterion,
            "explanation": [
                {"step": "rvc.net_cost", "result": "54.5454 >= 50", "reference": "USMCA Art. 4.5"}
            ],
        }


def undetected_mutations(data: bytes, accepted: Callable[[Any], bool]) -> list[tuple[int, int, bytes]]:
    """Flip bits of every byte of ``data`` (a JSON document); return the changes ``accepted`` let through.

    A change that makes the document unreadable (bad JSON, bad UTF-8, a missing field) counts as
    detected: the command line exits 2 on it.
    """
    from tmec.certify.canonical import loads
    from tmec.core.errors import InputError

    missed = []
    for i in range(len(data)):
        for flip in (0x01, 0x20):
            mutated = bytearray(data)
            mutated[i] ^= flip
            try:
                ok = accepted(loads(bytes(mutated)))
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, InputError):
                ok = False
            if ok:
                missed.append((i, flip, bytes(mutated[max(0, i - 20) : i + 20])))
    return missed
