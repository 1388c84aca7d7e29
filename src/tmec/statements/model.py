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
``emissions``     a producer's actual embedded emissions of one CBAM good (CN code) of one
                  installation: specific direct (and indirect) emissions, t CO2e per tonne, for
                  a reporting period, verified or not by an accredited CBAM verifier (EU CBAM,
                  Reg. (EU) 2023/956 Annex IV; used by ``tmec carbon`` in place of defaults).

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

__all__ = ["KINDS", "ORIGINS", "STATUSES", "Emissions", "Statement", "statement_id", "supplier_key"]

KINDS = ("origin", "accumulation", "melt_pour", "smelt_cast", "lvc_wage", "emissions")
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
class Emissions:
    """What an emissions declaration states of one good of one installation (EU CBAM actual data)."""

    installation: str  # the installation's id (as in the operator's communication template)
    installation_country: str  # ISO 3166 alpha-2
    cn: str  # the good's CN code, 8 digits
    see_direct: Decimal  # specific direct embedded emissions, t CO2e / t good, precursors included
    verified: bool  # by an accredited CBAM verifier
    period_from: dt.date  # the reporting period the figures are of
    period_to: dt.date
    see_indirect: Decimal | None = None  # t CO2e / t; counts only where Annex II says so
    route: str | None = None  # the installation's production route (benchmark column A)
    verifier: str | None = None

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "installation": self.installation,
            "installation_country": self.installation_country,
            "cn": self.cn,
            "route": self.route,
            "see_direct": str(self.see_direct),
            "see_indirect": _text(self.see_indirect),
            "verified": "true" if self.verified else "false",  # canonical bodies hold strings only
            "verifier": self.verifier,
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
        }
        return out

    def what(self) -> str:
        indirect = f", indirect {self.see_indirect}" if self.see_indirect is not None else ""
        route = f", route {self.route}" if self.route else ""
        check = "verified" if self.verified else "NOT verified"
        return (
            f"CN {self.cn}: direct {self.see_direct}{indirect} t CO2e/t (installation {self.installation}, "
            f"{self.installation_country}{route}; period {self.period_from.isoformat()} to "
            f"{self.period_to.isoformat()}; {check})"
        )


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
    emissions: Emissions | None = None  # kind emissions
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
            **(self.emissions.record() if self.emissions is not None else {}),
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
        if self.kind == "emissions" and self.emissions is not None:
            return self.emissions.what()
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
            **({} if self.emissions is None else self._emission_citation()),
        }

    def _emission_citation(self) -> dict[str, Any]:
        e = self.emissions
        assert e is not None
        return {"installation": e.installation, "cn": e.cn, "verified": e.verified}


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
