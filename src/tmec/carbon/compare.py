"""Comparing origins honestly (spec carbon.md §9.3): certificates per tonne and EUR per tonne,
2026-2034, for the default values of each origin and for a given actual value, with the scope
of every figure labelled (§6.5).  A producer's published claim is shown beside, never ranked
against CBAM values: it has another boundary (usually Scope 1+2 per t of crude steel).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.carbon.actual import ActualData
from tmec.carbon.certificates import ImportLine, assess
from tmec.carbon.law import CarbonLaw
from tmec.core.errors import InputError

__all__ = ["SCOPES", "Claim", "Comparison", "Series", "compare", "parse_claim"]

YEARS = tuple(range(2026, 2035))
SCOPES = {
    "cbam_default": "CBAM default value: direct emissions of the process and its precursors, no electricity, "
    "per t of the CN good, estimated conservatively per country, plus the 10-30 % mark-up (filing without "
    "verified data)",
    "cbam_actual": "CBAM actual SEE: direct emissions of the process plus direct emissions of precursors, no "
    "electricity, per t of the CN good (filing, when verified)",
    "claim": "published claim: as its publisher states it, e.g. per t of crude steel, usually Scope 1 + 2 "
    "(benchmarking, marketing): not comparable with CBAM values, never ranked against them",
}


@dataclass(frozen=True, slots=True)
class Claim:
    origin: str
    value: Decimal
    label: str  # who says it, the unit and the scope, as published


@dataclass
class Series:
    name: str  # "MX default", "actual (route E)"
    scope: str  # a key of SCOPES
    origin: str | None
    route: str | None
    default_table: str | None
    points: list[dict[str, Any]]  # year, see, sefa, certificates_per_t, eur_per_t


@dataclass
class Comparison:
    cn: str
    description: str
    price: Decimal
    price_note: str
    series: list[Series]
    claims: list[Claim]
    flags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "cn": self.cn,
            "description": self.description,
            "price": str(self.price),
            "price_note": self.price_note,
            "scopes": SCOPES,
            "series": [
                {
                    "name": s.name,
                    "scope": s.scope,
                    "origin": s.origin,
                    "route": s.route,
                    "default_table": s.default_table,
                    "points": [
                        {k: (str(v) if isinstance(v, Decimal) else v) for k, v in p.items()} for p in s.points
                    ],
                }
                for s in self.series
            ],
            "claims": [
                {
                    "origin": c.origin,
                    "value": str(c.value),
                    "label": c.label,
                    "scope": "claim",
                    "comparable": False,
                }
                for c in self.claims
            ],
            "flags": self.flags,
            "sources": self.sources,
        }


def parse_claim(text: str) -> Claim:
    """``MX:1.6:CANACERO Jan 2025, t CO2/t crude steel, Scope 1+2``."""
    from tmec.core.countries import country
    from tmec.core.money import to_decimal

    parts = text.split(":", 2)
    if len(parts) != 3 or not parts[2].strip():
        raise InputError(f"expected ORIGIN:VALUE:WHO, UNIT AND SCOPE, found {text!r}", field="--claim")
    return Claim(country(parts[0], field="--claim"), to_decimal(parts[1], field="--claim"), parts[2].strip())


def compare(
    law: CarbonLaw,
    cn: str,
    origins: Sequence[str],
    *,
    price: Decimal | None = None,
    actual: ActualData | None = None,
    route: str | None = None,
    claims: Sequence[Claim] = (),
    years: Sequence[int] = YEARS,
) -> Comparison:
    good = law.tables.good(cn)
    flags: list[str] = []
    sources: list[str] = []
    if price is None:
        published = law.price(dt.date(years[0], 1, 1))
        price = published.decimal
        note = (
            f"the {years[0]}-Q1 published price, €{price}, held for every year (an illustration: "
            "later prices are not known)"
        )
        sources.append(published.cite())
    else:
        note = f"€{price} given, held for every year"
    runs: list[tuple[str, str, str | None, ActualData | None]] = [
        (f"{o} default", "cbam_default", o, None) for o in origins
    ]
    if actual is not None:
        where = actual.installation.country or (origins[0] if origins else "MX")
        runs.append((f"actual ({actual.source})", "cbam_actual", where, actual))
    series: list[Series] = []
    for name, scope, origin, data in runs:
        assert origin is not None
        points: list[dict[str, Any]] = []
        first = None
        for year in years:
            try:
                a = assess(
                    law,
                    ImportLine(
                        cn=good.cn,
                        origin=origin,
                        mass=Decimal(1),
                        year=year,
                        price=price,
                        actual=data,
                        route=route,
                    ),
                )
            except InputError as exc:
                raise InputError(f"{name}: {exc.message}", field=exc.field) from None
            first = first or a
            points.append(
                {
                    "year": year,
                    "see": a.see,
                    "sefa": a.sefa,
                    "certificates_per_t": a.certificates,
                    "eur_per_t": a.cost,
                }
            )
            for f in a.flags:  # one flag for every year it holds in, not one per year
                f = re.sub(r"(for|held for) 20\d\d\b", r"\1 the years shown", f)
                if f not in flags:
                    flags.append(f)
            sources.extend(s for s in a.sources if s not in sources and "given by the user" not in s)
        assert first is not None
        series.append(
            Series(name, scope, origin if data is None else None, first.route, first.default_table, points)
        )
    if claims:
        flags.append(
            "claims are shown beside the CBAM figures, not ranked: their scope differs (spec §6.5, §9.3)"
        )
    return Comparison(good.cn, good.description, price, note, series, list(claims), flags, sources)
