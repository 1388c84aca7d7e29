"""Emissions declarations: a producer's actual embedded emissions of one CBAM good, as a statement.

The fields of kind ``emissions`` (English name, or its Spanish equivalent):

====================  =====================  ===============================================
field                 campo                  value
====================  =====================  ===============================================
installation          instalacion            the installation's id (required)
installation_country  pais_instalacion       ISO code of its country (required)
cn                    codigo_nc              the good's CN code, 8 digits, a CBAM good (required)
route                 ruta                   the installation's production route, one letter
see_direct            eei_directas           specific direct embedded emissions, t CO2e/t (required)
see_indirect          eei_indirectas         specific indirect embedded emissions, t CO2e/t
verified              verificado             true | false (si | no): by an accredited verifier
verifier              verificador            the verifier and its report
period_from           periodo_desde          the reporting period's first day (required)
period_to             periodo_hasta          its last day (required)
====================  =====================  ===============================================

With the common fields (``supplier``, ``valid_from``, ``valid_to``, ``signed_by``,
``evidence_sha256``, optionally ``part``).  ``tmec carbon --supplier`` uses a declaration in
force on the import date as the producer's actual data (``--actual``), and cites it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from tmec.core.countries import country
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import to_decimal
from tmec.statements.model import Emissions, Statement, supplier_key

if TYPE_CHECKING:
    from tmec.carbon.actual import ActualData

__all__ = [
    "EMISSION_FIELDS",
    "EMISSION_SPANISH",
    "REFERENCE",
    "declaration_for",
    "parse_emissions",
    "to_actual",
]

EMISSION_FIELDS = (
    "installation",
    "installation_country",
    "cn",
    "route",
    "see_direct",
    "see_indirect",
    "verified",
    "verifier",
    "period_from",
    "period_to",
)
EMISSION_SPANISH = {
    "instalacion": "installation",
    "instalación": "installation",
    "pais_instalacion": "installation_country",
    "país_instalación": "installation_country",
    "codigo_nc": "cn",
    "código_nc": "cn",
    "ruta": "route",
    "eei_directas": "see_direct",
    "eei_indirectas": "see_indirect",
    "verificado": "verified",
    "verificador": "verifier",
    "periodo_desde": "period_from",
    "periodo_hasta": "period_to",
}
_TRUE = {"true": True, "yes": True, "si": True, "sí": True, "false": False, "no": False}
# The producer's actual data replaces the default values (Annex IV points 2-3), as --actual does.
REFERENCE = "Reg. (EU) 2023/956 Annex IV points 2-3; IR (EU) 2025/2547 (the operator's actual data)"


def _text(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) or None


def _need(row: Mapping[str, Any], key: str, why: str) -> str:
    value = _text(row, key)
    if value is None:
        raise InputError(f"missing required field ({why})", field=key)
    return value


def _figure(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return to_decimal(value, field=key)  # refuses a negative figure


def parse_emissions(row: Mapping[str, Any], kind: str, source: str | None) -> Emissions | None:
    """The emissions fields of a row (keys already English): required for kind emissions,
    refused for any other kind.  An InputError names the field."""
    # imported on use: a file of origin statements never loads the CBAM tables
    from tmec.carbon.routes import marker_letters
    from tmec.law.carbon import load_tables

    given = [k for k in EMISSION_FIELDS if _text(row, k) is not None]
    if kind != "emissions":
        if given:
            raise InputError(
                f"only an emissions statement gives {given[0]} (this one is {kind})", field=given[0]
            )
        return None
    installation = _need(row, "installation", "the installation's id")
    where = country(
        _need(row, "installation_country", "ISO code"), field="installation_country", source=source
    )
    cn = load_tables().good(_need(row, "cn", "the good's 8-digit CN code"), field="cn").cn
    route = None
    raw_route = _text(row, "route")
    if raw_route is not None:
        letters = marker_letters(raw_route)
        if len(letters) != 1:
            raise InputError(f"an installation's route is one letter, found {raw_route!r}", field="route")
        route = letters[0]
    see_direct = _figure(row, "see_direct")
    if see_direct is None:
        raise InputError("missing required field (t CO2e per tonne of good)", field="see_direct")
    raw_verified = _need(row, "verified", "true or false: verified by an accredited CBAM verifier")
    verified = _TRUE.get(raw_verified.lower())
    if verified is None:
        raise InputError(f"expected true or false, found {raw_verified!r}", field="verified")
    period_from = parse_date(
        _need(row, "period_from", "the reporting period's first day"), field="period_from"
    )
    period_to = parse_date(_need(row, "period_to", "the reporting period's last day"), field="period_to")
    if period_to < period_from:
        raise InputError(f"the period ends ({period_to}) before it starts ({period_from})", field="period_to")
    return Emissions(
        installation=installation,
        installation_country=where,
        cn=cn,
        route=route,
        see_direct=see_direct,
        see_indirect=_figure(row, "see_indirect"),
        verified=verified,
        verifier=_text(row, "verifier"),
        period_from=period_from,
        period_to=period_to,
    )


def to_actual(st: Statement) -> ActualData:
    """The declaration as the producer's actual data for ``tmec carbon`` (what ``--actual`` reads)."""
    from tmec.carbon.actual import ActualData, ActualGood, Installation

    e = st.emissions
    assert e is not None, "an emissions statement"
    return ActualData(
        installation=Installation(id=e.installation, name=None, country=e.installation_country),
        period_from=e.period_from,
        period_to=e.period_to,
        verified=e.verified,
        verifier=e.verifier,
        goods=(ActualGood((e.cn,), e.route, e.see_direct, e.see_indirect, None),),
        source=f"statement {st.id}",
        citation=f"{st.supplier}, valid {st.validity}, signed by {st.signed_by}",
    )


def declaration_for(
    statements: Iterable[Statement], supplier: str, cn: str, day: dt.date, installation: str | None = None
) -> Statement | None:
    """The supplier's emissions declaration in force on ``day`` for CN ``cn`` (of ``installation``
    when given), the most recent period first; None when there is none.  Two installations of the
    supplier declaring the same good is ambiguous: bad input, never a silent pick."""
    who = supplier_key(supplier)
    found = [
        st
        for st in statements
        if st.kind == "emissions"
        and st.emissions is not None
        and st.supplier_key == who
        and st.emissions.cn == cn
        and st.in_force(day)
        and (installation is None or st.emissions.installation == installation)
    ]
    if not found:
        return None
    places = sorted({st.emissions.installation for st in found if st.emissions is not None})
    if len(places) > 1:
        raise InputError(
            f"{supplier} has emissions declarations for CN {cn} in force on {day.isoformat()} from "
            f"installations {', '.join(places)}: name one with --installation",
            field="--supplier",
        )
    return max(found, key=lambda s: (s.valid_from, s.id))
