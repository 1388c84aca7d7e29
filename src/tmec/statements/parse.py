"""Validating statement rows (from YAML, CSV or XLSX) into :class:`Statement` records.

The layout (English name, or its Spanish equivalent; any order, case-insensitive):

==================  ==========================  =================================================
field               campo                       value
==================  ==========================  =================================================
kind                tipo                        origin | accumulation | melt_pour | smelt_cast |
                                                lvc_wage (or origen, acumulacion, fusion_vertido,
                                                fundicion_colada, salario_lvc)
supplier            proveedor                   the supplier's name (required)
part                parte                       the part number: a material's ``id`` in a case,
                                                a ``part_id`` in a BOM
description         descripcion                 free text; matches when no part is given
hs                  fraccion                    HS code, 6 to 10 digits (required for origin)
origin              origen_declarado            originating | non_originating (originaria |
                                                no_originaria), kind origin
net_cost            costo_neto                  accumulation, UR s.9(2)(a) (with vnm)
vnm                 vmn                         accumulation, UR s.9(2)(a) or s.9(3)
non_vnm_amount      monto_no_vmn                accumulation, UR s.9(2)(b)
countries           paises                      melt_pour / smelt_cast: ISO codes, ``;`` between
wage                salario                     lvc_wage: average base wage, USD per hour
valid_from          vigente_desde               ISO date (required)
valid_to            vigente_hasta               ISO date; blank for one shipment (same day)
shipment            embarque                    the invoice of a per-shipment statement
signed_by           firmado_por                 who signed (required)
evidence_sha256     evidencia_sha256            SHA-256 of the signed document (64 hex digits)
==================  ==========================  =================================================

Kind ``emissions`` (``emisiones``) has fields of its own: see :mod:`tmec.statements.emissions`.
Its validity is the supplier's (the USMCA blanket period does not apply to CBAM data).

Every bad row is named with its line; nothing is accepted when any row is bad.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from tmec.core import hs
from tmec.core.countries import country
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import to_decimal
from tmec.law import load_parameters
from tmec.statements.emissions import EMISSION_FIELDS, EMISSION_SPANISH, parse_emissions
from tmec.statements.model import KINDS, ORIGINS, Statement

__all__ = [
    "ALL_FIELDS",
    "FIELDS",
    "SPANISH",
    "BadRows",
    "add_months",
    "canonical_field",
    "parse_rows",
    "parse_statement",
]

FIELDS = (
    "kind",
    "supplier",
    "part",
    "description",
    "hs",
    "origin",
    "net_cost",
    "vnm",
    "non_vnm_amount",
    "countries",
    "wage",
    "valid_from",
    "valid_to",
    "shipment",
    "signed_by",
    "evidence_sha256",
)
# The fields of every kind but emissions (a request letter asks for these).
SPANISH = {
    "tipo": "kind",
    "proveedor": "supplier",
    "parte": "part",
    "descripcion": "description",
    "descripción": "description",
    "fraccion": "hs",
    "fracción": "hs",
    "origen_declarado": "origin",
    "costo_neto": "net_cost",
    "vmn": "vnm",
    "monto_no_vmn": "non_vnm_amount",
    "paises": "countries",
    "países": "countries",
    "salario": "wage",
    "vigente_desde": "valid_from",
    "vigente_hasta": "valid_to",
    "embarque": "shipment",
    "firmado_por": "signed_by",
    "evidencia_sha256": "evidence_sha256",
}
KIND_ES = {
    "origen": "origin",
    "acumulacion": "accumulation",
    "acumulación": "accumulation",
    "fusion_vertido": "melt_pour",
    "fundicion_colada": "smelt_cast",
    "salario_lvc": "lvc_wage",
    "emisiones": "emissions",
}
ALL_FIELDS = FIELDS + EMISSION_FIELDS
_EMISSION_KEYS = frozenset(EMISSION_FIELDS)
ORIGIN_ES = {"originaria": "originating", "no_originaria": "non_originating"}
MAX_SHOWN = 20
_HEX64 = re.compile(r"[0-9a-f]{64}")


class BadRows(InputError):
    """Every bad row of a statement file (the first :data:`MAX_SHOWN`, then how many more)."""

    def __init__(self, source: str, problems: list[InputError]) -> None:
        self.problems = problems
        shown = [str(p) for p in problems[:MAX_SHOWN]]
        more = len(problems) - len(shown)
        head = f"{len(problems)} bad statement row(s); nothing was imported"
        body = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(f"{head}\n{body}", source=source)

    def __str__(self) -> str:
        return self.message


def canonical_field(name: str) -> str | None:
    """The English field a header names (English or Spanish), or None."""
    key = name.strip().lower().replace(" ", "_")
    if key in ALL_FIELDS:
        return key
    return SPANISH.get(key) or EMISSION_SPANISH.get(key)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; a day the month lacks rolls over to the 1st of the next."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    try:
        return dt.date(year, month, day.day)
    except ValueError:
        return dt.date(year + (month == 12), month % 12 + 1, 1)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _str(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if value.__class__ is not str:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a spreadsheet's part number 1234 comes back as 1234.0
        value = str(value)
    return " ".join(value.split()) or None


def _amount(row: Mapping[str, Any], key: str, source: str | None, line: int | None) -> Decimal | None:
    value = row.get(key)
    if _blank(value):
        return None
    amount = to_decimal(value, field=key, source=source)
    if amount < 0:
        raise InputError(f"expected an amount >= 0, found {value!r}", source=source, line=line, field=key)
    return amount


def _date(row: Mapping[str, Any], key: str, source: str | None) -> dt.date | None:
    value = row.get(key)
    if _blank(value):
        return None
    if value.__class__ is str:
        day = _iso_date(value)  # a file repeats a few dates: each parsed once
        if day is not None:
            return day
    elif isinstance(value, dt.datetime):
        value = value.date()
    return parse_date(value, field=key, source=source)


@functools.lru_cache(maxsize=4096)
def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None  # parse_date says what was expected


@functools.lru_cache(maxsize=4096)
def _blanket_period(day: dt.date) -> tuple[int, str]:
    """The longest blanket period in force on ``day``, in months, and its citation."""
    limit = load_parameters().at(day)["usmca.blanket_period"]
    return int(limit.decimal), limit.cite()


@functools.lru_cache(maxsize=65536)
def _hs_code(raw: str, source: str | None) -> str:
    """A statement's code, checked once per distinct spelling (a file repeats a few codes)."""
    code = hs.validate(raw, min_digits=6, field="hs", source=source)
    if not hs.exists(code[:6]):
        raise InputError(f"{raw!r} is not in the HS 2022 nomenclature", field="hs")
    return code


def parse_statement(
    row: Mapping[str, Any], *, source: str | None = None, line: int | None = None
) -> Statement:
    """One row (keys already English) into a statement; an InputError names the line and field."""
    try:
        return _parse(row, source, line)
    except InputError as exc:
        raise exc.located(source=source, line=line) from None


def _need(row: Mapping[str, Any], key: str, why: str = "") -> str:
    value = _str(row, key)
    if value is None:
        raise InputError(f"missing required field{why}", field=key)
    return value


# The fields whose checks do not depend on the part: a file repeats a few suppliers, codes, dates
# and signers, so each combination is checked once (CSV and most YAML values are text).
_SHARED = ("kind", "supplier", "signed_by", "hs", "origin", "net_cost", "vnm", "non_vnm_amount",
           "countries", "wage", "valid_from", "valid_to")  # fmt: skip
_checked: dict[tuple[Any, ...], dict[str, Any]] = {}
_TEXT = frozenset((str, type(None)))


def _parse(row: Mapping[str, Any], source: str | None, line: int | None) -> Statement:
    part, description = _str(row, "part"), _str(row, "description")
    shipment = _str(row, "shipment")
    values = tuple(map(row.get, _SHARED))
    if _TEXT.issuperset(map(type, values)):
        key = (source, part is None and description is None, shipment is not None, *values)
        shared = _checked.get(key)
        if shared is None:
            shared = _shared(row, source, line, part is None and description is None, shipment is not None)
            if len(_checked) > 100_000:
                _checked.clear()
            _checked[key] = shared
    else:
        shared = _shared(row, source, line, part is None and description is None, shipment is not None)
    evidence = _str(row, "evidence_sha256")
    if evidence is not None:
        evidence = evidence.lower()
        if not _HEX64.fullmatch(evidence):
            raise InputError(
                f"expected 64 hexadecimal digits (SHA-256), found {evidence!r}", field="evidence_sha256"
            )
    emissions = None
    if shared["kind"] == "emissions" or not _EMISSION_KEYS.isdisjoint(row):
        emissions = parse_emissions(row, shared["kind"], source)
    return Statement(
        **shared,
        emissions=emissions,
        part=part,
        description=description,
        shipment=shipment,
        evidence_sha256=evidence,
    )


def _shared(
    row: Mapping[str, Any], source: str | None, line: int | None, no_part: bool, per_shipment: bool
) -> dict[str, Any]:
    raw_kind = _need(row, "kind").lower()
    kind = KIND_ES.get(raw_kind, raw_kind)
    if kind not in KINDS:
        raise InputError(f"expected one of {', '.join(KINDS)}; found {raw_kind!r}", field="kind")
    supplier = _need(row, "supplier")
    signed_by = _need(row, "signed_by")
    if no_part and kind in ("origin", "accumulation"):
        raise InputError(f"a statement of kind {kind} names its part (or describes it)", field="part")
    code = None
    raw_hs = row.get("hs")
    if isinstance(raw_hs, float):
        raise InputError(f"write HS codes as text (quoted), found the number {raw_hs}", field="hs")
    if not _blank(raw_hs):
        code = _hs_code(str(raw_hs).strip(), source)
    origin = None
    if kind == "origin":
        if code is None:
            raise InputError(
                "missing required field (an origin statement gives the part's HS code)", field="hs"
            )
        raw_origin = _need(row, "origin").lower()
        origin = ORIGIN_ES.get(raw_origin, raw_origin)
        if origin not in ORIGINS:
            raise InputError(f"expected one of {', '.join(ORIGINS)}; found {raw_origin!r}", field="origin")
    elif _str(row, "origin") is not None:
        raise InputError(f"only a statement of kind origin gives origin (this one is {kind})", field="origin")
    net_cost = _amount(row, "net_cost", source, line)
    vnm = _amount(row, "vnm", source, line)
    non_vnm = _amount(row, "non_vnm_amount", source, line)
    if kind == "accumulation":
        if vnm is None and non_vnm is None:
            raise InputError(
                "an accumulation statement gives vnm (with or without net_cost) or non_vnm_amount (UR s.9)",
                field="vnm",
            )
        if net_cost is not None and vnm is None:
            raise InputError(
                "a net cost statement gives the material's vnm with its net_cost (UR s.9(2)(a))", field="vnm"
            )
    elif any(v is not None for v in (net_cost, vnm, non_vnm)):
        raise InputError("only an accumulation statement gives net_cost, vnm or non_vnm_amount", field="vnm")
    countries: tuple[str, ...] = ()
    raw_countries = _str(row, "countries")
    if kind in ("melt_pour", "smelt_cast"):
        if raw_countries is None:
            raise InputError("missing required field (the countries, ';' between them)", field="countries")
        countries = tuple(
            country(c.strip(), field="countries", source=source)
            for c in re.split(r"[;,\s]+", raw_countries)
            if c.strip()
        )
    elif raw_countries is not None:
        raise InputError("only melt_pour and smelt_cast statements give countries", field="countries")
    wage = _amount(row, "wage", source, line)
    if kind == "lvc_wage" and wage is None:
        raise InputError("missing required field (the plant's average base wage)", field="wage")
    valid_from = _date(row, "valid_from", source)
    if valid_from is None:
        raise InputError("missing required field", field="valid_from")
    valid_to = _date(row, "valid_to", source)
    if valid_to is None:
        if not per_shipment:
            raise InputError("missing required field (or give the shipment it covers)", field="valid_to")
        valid_to = valid_from
    if valid_to < valid_from:
        raise InputError(f"the statement ends ({valid_to}) before it starts ({valid_from})", field="valid_to")
    if per_shipment and valid_to != valid_from:
        raise InputError(
            "a per-shipment statement is for one day: give valid_to equal to valid_from, or none",
            field="valid_to",
        )
    months, cite = _blanket_period(valid_from)
    if kind != "emissions" and valid_to >= add_months(valid_from, months):
        raise InputError(
            f"a blanket period is at most {months} months ({cite}): {valid_from} to at most "
            f"{add_months(valid_from, months) - dt.timedelta(days=1)}, found {valid_to}",
            field="valid_to",
        )
    return {
        "kind": kind,
        "supplier": supplier,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "signed_by": signed_by,
        "hs": code,
        "origin": origin,
        "net_cost": net_cost,
        "vnm": vnm,
        "non_vnm_amount": non_vnm,
        "countries": countries,
        "wage": wage,
    }


def parse_rows(rows: Iterable[tuple[int | None, Mapping[str, Any]]], *, source: str) -> list[Statement]:
    """Every row into a statement, or :class:`BadRows` naming every bad one (and duplicates)."""
    out: list[Statement] = []
    problems: list[InputError] = []
    seen: dict[str, int | None] = {}
    for line, row in rows:
        try:
            st = parse_statement(row, source=source, line=line)
        except InputError as exc:
            problems.append(exc)
            continue
        sid = st.id
        if sid in seen:
            problems.append(
                InputError(f"the same statement as line {seen[sid]} ({sid})", source=source, line=line)
            )
            continue
        seen[sid] = line
        out.append(st)
    if problems:
        raise BadRows(source, problems)
    return out
