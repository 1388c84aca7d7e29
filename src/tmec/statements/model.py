"""A supplier statement: the signed fact behind a material's origin, and its status on a day.

Kinds (what the supplier states about a part, or about its whole supply):

``origin``        the part is ``originating`` or ``non_originating`` (with its HS code): the
                  producer's written representation a certifier may rely on (Annex 5-A).
``accumulation``  the producer's accumulation statement (USMCA Art. 4.11; UR s.9): ``net_cost``
                  and ``vnm`` (s.9(2)(a)), ``non_vnm_amount`` (s.9(2)(b)) or ``vnm`` (s.9(3)).
``melt_pour``     the countries where the steel was melted and poured (UR Part 6 Table S from
                  1 July 2027; Section 232).
``smelt_cast``    the countries where the aluminum was smelted and cast.
``lvc_wage``      a plant's attestation of its average base wage (labor value content, UR s.18).

A statement is valid for a blanket period (at most the months of the dated parameter
``usmca.blanket_period``) or for one shipment (``shipment``: an invoice, on one day).  Its
status on a day is computed, never stored: ``in_force``, ``not_yet`` (before its period),
``expired`` (after it) or ``withdrawn`` (from the day the supplier withdrew it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

__all__ = ["KINDS", "ORIGINS", "STATUSES", "Statement", "statement_id", "supplier_key"]

KINDS = ("origin", "accumulation", "melt_pour", "smelt_cast", "lvc_wage")
ORIGINS = ("originating", "non_originating")
STATUSES = ("in_force", "not_yet", "expired", "withdrawn")
# One encoder for every body (json.dumps with options builds a new one per call).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SHIFTS = tuple(range(75, -1, -5))


def supplier_key(name: str) -> str:
    """How suppliers are compared: case and runs of spaces do not make another supplier."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True, slots=True)
class Statement:
    kind: str
    supplier: str
    valid_from: dt.date
    valid_to: dt.date  # included
    signed_by: str
    part: str | None = None
    description: str | None = None
    hs: str | None = None  # compact digits
    origin: str | None = None  # kind origin
    net_cost: Decimal | None = None  # kind accumulation
    vnm: Decimal | None = None
    non_vnm_amount: Decimal | None = None
    countries: tuple[str, ...] = ()  # melt_pour, smelt_cast
    wage: Decimal | None = None  # lvc_wage: the plant's average base wage, USD per hour
    shipment: str | None = None  # per-shipment statement: the invoice it covers
    evidence_sha256: str | None = None  # the signed document's hash (hex)
    withdrawn_on: dt.date | None = None  # from the store: the withdrawal, not part of the record
    withdrawal_reason: str | None = None
    _body: bytes | None = field(default=None, compare=False, repr=False)  # body(), computed once
    _id: str | None = field(default=None, compare=False, repr=False)  # id, computed once

    def record(self) -> dict[str, Any]:
        """The statement as recorded (what its id and its log leaf hash): no withdrawal state."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "supplier": self.supplier,
            "part": self.part,
            "description": self.description,
            "hs": self.hs,
            "origin": self.origin,
            "net_cost": _text(self.net_cost),
            "vnm": _text(self.vnm),
            "non_vnm_amount": _text(self.non_vnm_amount),
            "countries": list(self.countries),
            "wage": _text(self.wage),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "shipment": self.shipment,
            "signed_by": self.signed_by,
            "evidence_sha256": self.evidence_sha256,
        }
        return {k: v for k, v in out.items() if v is not None and v != []}

    def body(self) -> bytes:
        """The record as canonical JSON (RFC 8785: every value is a string or a list of strings, and
        every key ASCII, so sorted keys and no spaces are the canonical form)."""
        if self._body is None:
            object.__setattr__(self, "_body", _CANONICAL.encode(self.record()).encode())  # a cache
        assert self._body is not None
        return self._body

    @property
    def id(self) -> str:
        """Content-addressed: the same statement imported twice is one statement."""
        if self._id is None:
            object.__setattr__(self, "_id", statement_id(self.body()))  # frozen: a cache, not a change
        assert self._id is not None
        return self._id

    @property
    def supplier_key(self) -> str:
        return supplier_key(self.supplier)

    def status(self, day: dt.date) -> str:
        if self.withdrawn_on is not None and self.withdrawn_on <= day:
            return "withdrawn"
        if day < self.valid_from:
            return "not_yet"
        if day > self.valid_to:
            return "expired"
        return "in_force"

    def in_force(self, day: dt.date) -> bool:
        return self.status(day) == "in_force"

    def withdrawn(self, day: dt.date, reason: str | None) -> Statement:
        return replace(self, withdrawn_on=day, withdrawal_reason=reason)

    @property
    def validity(self) -> str:
        if self.shipment is not None:
            return f"shipment {self.shipment} of {self.valid_from.isoformat()}"
        return f"{self.valid_from.isoformat()} to {self.valid_to.isoformat()}"

    def what(self) -> str:
        """What it states, in words."""
        if self.kind == "origin":
            return (self.origin or "").replace("_", "-")
        if self.kind == "accumulation":
            parts = [f"{k} {v}" for k, v in self._figures().items()]
            return "accumulation: " + ", ".join(parts)
        if self.kind in ("melt_pour", "smelt_cast"):
            verb = "melted and poured" if self.kind == "melt_pour" else "smelted and cast"
            return f"{verb} in {', '.join(self.countries)}"
        return f"average base wage {self.wage} USD/h"

    def _figures(self) -> dict[str, Decimal]:
        out = {"net_cost": self.net_cost, "vnm": self.vnm, "non_vnm_amount": self.non_vnm_amount}
        return {k: v for k, v in out.items() if v is not None}

    def citation(self) -> dict[str, Any]:
        """What an explanation cites: id, supplier, part, what it states, validity, signer."""
        return {
            "id": self.id,
            "kind": self.kind,
            "supplier": self.supplier,
            "part": self.part,
            "states": self.what(),
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "shipment": self.shipment,
            "signed_by": self.signed_by,
            "evidence_sha256": self.evidence_sha256,
        }


def statement_id(body: bytes) -> str:
    """The id of the statement whose canonical record is ``body``: ST- and 80 bits of its SHA-256,
    in base 32 (RFC 4648: 80 bits are 16 letters, no padding).

    >>> import base64; body = b'{"kind":"origin"}'
    >>> statement_id(body) == "ST-" + base64.b32encode(hashlib.sha256(body).digest()[:10]).decode()
    True
    """
    n = int.from_bytes(hashlib.sha256(body).digest()[:10], "big")
    return "ST-" + "".join([_B32[(n >> shift) & 31] for shift in _SHIFTS])


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)
