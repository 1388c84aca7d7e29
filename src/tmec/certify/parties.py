"""The people on a certification: certifier, exporter, producer, importer (Annex 5-A elements 1–5).

Read from the certifier file given to ``tmec certify --certifier FILE.yaml``::

    certifier: {role: producer, name: ..., title: ..., company: ..., address: ...,
                country: MX, phone: ..., email: ...}
    exporter:  {name: ..., address: ..., country: MX, phone: ..., email: ...}   # optional
    producer:  Various          # or "Available upon request by the importing authorities", or a party
    importer:  {...}            # optional ("if known")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tmec.core.errors import InputError

__all__ = ["AVAILABLE_UPON_REQUEST", "ROLES", "VARIOUS", "Parties", "Party", "parse_parties"]

ROLES = ("producer", "exporter", "importer")  # USMCA Art. 5.2: who may certify
USMCA_COUNTRIES = ("US", "MX", "CA")
VARIOUS = "Various"  # Annex 5-A element 4: several producers
AVAILABLE_UPON_REQUEST = "Available upon request by the importing authorities"  # element 4, confidentiality
_PARTY_FIELDS = ("name", "title", "company", "address", "country", "phone", "email")


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    address: str
    country: str
    title: str | None = None
    company: str | None = None
    phone: str | None = None
    email: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in _PARTY_FIELDS if getattr(self, k) is not None}
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Party:
        return cls(**{k: data[k] for k in _PARTY_FIELDS if data.get(k) is not None})


@dataclass(frozen=True, slots=True)
class Parties:
    role: str
    certifier: Party
    exporter: Party | None  # None: same as the certifier, or unknown to a certifying producer
    producer: Party | str | None  # a party, VARIOUS, AVAILABLE_UPON_REQUEST, or None (= certifier)
    importer: Party | None  # None: not known

    def to_dict(self) -> dict[str, Any]:
        def one(p: Party | str | None) -> Any:
            return p.to_dict() if isinstance(p, Party) else p

        return {
            "certifier": {"role": self.role, **self.certifier.to_dict()},
            "exporter": one(self.exporter),
            "producer": one(self.producer),
            "importer": one(self.importer),
        }


def _text(data: Mapping[str, Any], key: str, where: str, source: str | None, *, required: bool) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InputError("required, found nothing", source=source, field=f"{where}.{key}")
        return None
    if not isinstance(value, str | int):
        raise InputError(f"expected text, found {value!r}", source=source, field=f"{where}.{key}")
    return str(value).strip()


def _party(
    data: Any, where: str, source: str | None, *, certifier: bool = False, in_usmca: bool = True
) -> Party:
    if not isinstance(data, Mapping):
        raise InputError(f"expected a mapping of {', '.join(_PARTY_FIELDS)}", source=source, field=where)
    unknown = set(data) - set(_PARTY_FIELDS) - ({"role"} if certifier else set())
    if unknown:
        raise InputError(f"unknown field(s) {', '.join(sorted(unknown))}", source=source, field=where)
    country = (_text(data, "country", where, source, required=True) or "").upper()
    if len(country) != 2 or not country.isalpha():
        raise InputError(
            f"expected an ISO 3166 alpha-2 country, found {country!r}",
            source=source,
            field=f"{where}.country",
        )
    if in_usmca and country not in USMCA_COUNTRIES:
        # Annex 5-A elements 3-5: the place of export, of production and of import are in USMCA territory.
        raise InputError(
            f"must be in US, MX or CA (Annex 5-A), found {country}", source=source, field=f"{where}.country"
        )
    return Party(
        name=_text(data, "name", where, source, required=True) or "",
        address=_text(data, "address", where, source, required=True) or "",
        country=country,
        title=_text(data, "title", where, source, required=certifier),
        company=_text(data, "company", where, source, required=False),
        phone=_text(data, "phone", where, source, required=certifier),
        email=_text(data, "email", where, source, required=certifier),
    )


def parse_parties(data: Any, *, source: str | None = None) -> Parties:
    """Check a certifier file against Annex 5-A elements 1–5."""
    if not isinstance(data, Mapping) or "certifier" not in data:
        raise InputError("expected a mapping with `certifier:`", source=source, field="certifier")
    unknown = set(data) - {"certifier", "exporter", "producer", "importer"}
    if unknown:
        raise InputError(f"unknown section(s) {', '.join(sorted(unknown))}", source=source)
    cert = data["certifier"]
    role = str(cert.get("role", "")).strip().lower() if isinstance(cert, Mapping) else ""
    if role not in ROLES:
        raise InputError(
            f"expected one of {', '.join(ROLES)}, found {role or 'nothing'!r}",
            source=source,
            field="certifier.role",
        )
    certifier = _party(cert, "certifier", source, certifier=True, in_usmca=False)

    exporter = _party(data["exporter"], "exporter", source) if data.get("exporter") is not None else None
    if exporter is None and role == "importer":
        # Element 3 may be left out only when the producer certifies and does not know the exporter.
        raise InputError(
            "an importer's certification names the exporter (Annex 5-A element 3)",
            source=source,
            field="exporter",
        )

    raw_producer = data.get("producer")
    producer: Party | str | None
    if raw_producer is None:
        if role != "producer":
            raise InputError(
                f"name the producer, or write `producer: {VARIOUS}` or `producer: available upon request` "
                "(Annex 5-A element 4)",
                source=source,
                field="producer",
            )
        producer = None
    elif isinstance(raw_producer, str):
        key = raw_producer.strip().lower()
        if key == VARIOUS.lower():
            producer = VARIOUS
        elif key.startswith("available upon request"):
            producer = AVAILABLE_UPON_REQUEST
        else:
            raise InputError(
                f"expected a producer's details, {VARIOUS!r} or 'available upon request', "
                f"found {raw_producer!r}",
                source=source,
                field="producer",
            )
    else:
        producer = _party(raw_producer, "producer", source)

    importer = _party(data["importer"], "importer", source) if data.get("importer") is not None else None
    return Parties(role, certifier, exporter, producer, importer)
