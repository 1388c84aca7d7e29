"""A stored supplier statement's body (canonical JSON) back into a :class:`Statement`; no database code,
so the quick reader (:mod:`tmec.store.quick`) and the store share it."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from tmec.statements.model import Emissions, Statement

__all__ = ["from_body"]


def from_body(body: bytes) -> Statement:
    data = json.loads(body)

    def amount(key: str) -> Decimal | None:
        return Decimal(data[key]) if key in data else None

    return Statement(
        kind=data["kind"],
        supplier=data["supplier"],
        valid_from=dt.date.fromisoformat(data["valid_from"]),
        valid_to=dt.date.fromisoformat(data["valid_to"]),
        signed_by=data["signed_by"],
        part=data.get("part"),
        description=data.get("description"),
        hs=data.get("hs"),
        origin=data.get("origin"),
        countries=tuple(data.get("countries", ())),
        shipment=data.get("shipment"),
        evidence_sha256=data.get("evidence_sha256"),
        net_cost=amount("net_cost"),
        vnm=amount("vnm"),
        non_vnm_amount=amount("non_vnm_amount"),
        wage=amount("wage"),
        emissions=_emissions(data) if data["kind"] == "emissions" else None,
        _body=body,  # what the store holds is the record's canonical form: its id is hashed from it
    )


def _emissions(data: dict[str, str]) -> Emissions:
    return Emissions(
        installation=data["installation"],
        installation_country=data["installation_country"],
        cn=data["cn"],
        route=data.get("route"),
        see_direct=Decimal(data["see_direct"]),
        see_indirect=Decimal(data["see_indirect"]) if "see_indirect" in data else None,
        verified=data["verified"] == "true",
        verifier=data.get("verifier"),
        period_from=dt.date.fromisoformat(data["period_from"]),
        period_to=dt.date.fromisoformat(data["period_to"]),
    )
