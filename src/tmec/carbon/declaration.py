"""The importer's year: the annual CBAM declaration from its import lines (pure path).

Lines are assessed one by one (:func:`tmec.carbon.certificates.assess`), each floored at 0 on
its own and its cost rounded to the cent; the declaration sums them by CN code, origin and
quarter.  Then the law of the year applies (:func:`finish`):

* de minimis, a cliff (Reg. 2023/956 Art. 2a, Omnibus): when the year's net mass of CBAM goods is
  no more than 50 t the importer owes nothing; above it, every line of the year counts;
* from 2027, the quarterly holding: certificates for 50 % of the year-to-date obligation on the
  account at each quarter end (Art. 22(2) as amended).

The engine (``tmec.engine.cbam``) computes the same sums in bulk and calls the same ``finish``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.carbon.actual import ActualData
from tmec.carbon.certificates import ImportLine, assess
from tmec.carbon.law import CarbonLaw
from tmec.core.errors import InputError
from tmec.core.money import ZERO

__all__ = ["SUMS", "Declaration", "DeclarationLine", "declare", "finish", "quarter"]

SUMS = ("lines", "mass", "embedded_emissions", "free_allocation", "certificates", "cost")
WARN_SHARE = Decimal("0.9")  # customs lists importers above 90 % of the threshold (spec §9.2 item 7)


def quarter(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True, slots=True)
class DeclarationLine:
    line: int  # the file's line number
    cn: str
    origin: str
    mass: Decimal
    date: dt.date
    installation: str | None = None


@dataclass
class Declaration:
    year: int
    rows: list[dict[str, Any]]  # by CN, origin and quarter: SUMS
    totals: dict[str, Any]
    de_minimis: dict[str, Any]
    holding: list[dict[str, Any]]
    flags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)  # emissions declarations cited

    def to_dict(self) -> dict[str, Any]:
        cited = {"statements": self.statements} if self.statements else {}
        return {
            "year": self.year,
            "totals": _plain(self.totals),
            "de_minimis": _plain(self.de_minimis),
            "by_cn_origin_quarter": [_plain(r) for r in self.rows],
            "quarterly_holding": [_plain(h) for h in self.holding],
            "flags": self.flags,
            "sources": self.sources,
            **cited,
        }


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.items()}


def declare(
    law: CarbonLaw,
    lines: Iterable[DeclarationLine],
    *,
    year: int,
    price: Decimal | None = None,
    actuals: Mapping[str, ActualData] | None = None,
    source: str = "imports",
) -> Declaration:
    """The declaration computed line by line: the reference the engine is tested against."""
    acc: dict[tuple[str, str, str], dict[str, Any]] = {}
    flags: list[str] = []
    sources: list[str] = []
    for ln in lines:
        try:
            if ln.date.year != year:
                raise InputError(f"import date {ln.date.isoformat()} is not in {year}", field="date")
            actual = None
            if ln.installation is not None:
                if actuals is None or ln.installation not in actuals:
                    raise InputError(
                        f"no actual data for installation {ln.installation!r} (give --actual FILE)",
                        field="installation",
                    )
                actual = actuals[ln.installation]
            a = assess(
                law,
                ImportLine(
                    cn=ln.cn,
                    origin=ln.origin,
                    mass=ln.mass,
                    year=year,
                    date=ln.date,
                    price=price,
                    actual=actual,
                ),
            )
        except InputError as exc:
            raise InputError(exc.message, source=source, line=ln.line, field=exc.field) from None
        row = acc.setdefault((a.good.cn, ln.origin, quarter(ln.date)), dict.fromkeys(SUMS, ZERO))
        row["lines"] += 1
        row["mass"] += ln.mass
        row["embedded_emissions"] += a.embedded_emissions
        row["free_allocation"] += a.free_allocation
        row["certificates"] += a.certificates
        row["cost"] += a.cost
        flags.extend(f for f in a.flags if f not in flags and not f.startswith("no import date"))
        sources.extend(s for s in a.sources if s not in sources)
    rows = [{"cn": cn, "origin": o, "quarter": q, **v} for (cn, o, q), v in sorted(acc.items())]
    return finish(law, year, rows, flags=flags, sources=sources)


def finish(
    law: CarbonLaw, year: int, rows: list[dict[str, Any]], *, flags: list[str], sources: list[str]
) -> Declaration:
    """Totals, the de minimis cliff and the quarterly holding, from the sums by CN, origin, quarter."""
    for r in rows:
        r["lines"] = int(r["lines"])
    totals: dict[str, Any] = {k: sum((Decimal(r[k]) for r in rows), ZERO) for k in SUMS}
    totals["lines"] = int(totals["lines"])
    day = dt.date(year, 1, 1)
    threshold = law.de_minimis(year)
    threshold_ref = law.param("de_minimis_mass", day)
    exempt = totals["mass"] <= threshold
    de_minimis = {
        "threshold_t": threshold,
        "net_mass_t": totals["mass"],
        "exempt": exempt,
        "rule": "no more than the threshold: exempt; above it, every import of the year is subject (a cliff)",
        "reference": threshold_ref.cite(),
    }
    sources = [*sources, threshold_ref.cite()] if threshold_ref.cite() not in sources else sources
    if exempt:
        flags = [
            *flags,
            f"de minimis: {totals['mass']} t ≤ {threshold} t of CBAM goods in {year}: nothing is owed",
        ]
        if totals["mass"] > threshold * WARN_SHARE:
            flags.append(f"net mass above {WARN_SHARE * 100:.0f} % of the de minimis threshold")
    totals["certificates_owed"] = ZERO if exempt else totals["certificates"]
    totals["cost_owed"] = ZERO if exempt else totals["cost"]
    holding: list[dict[str, Any]] = []
    share_ref = law.param("quarterly_holding", day)
    if share_ref.decimal > 0 and not exempt:
        sources = [*sources, share_ref.cite()] if share_ref.cite() not in sources else sources
        ytd = ZERO
        for q in (1, 2, 3, 4):
            label = f"{year}-Q{q}"
            ytd += sum((Decimal(r["certificates"]) for r in rows if r["quarter"] == label), ZERO)
            holding.append(
                {
                    "quarter_end": label,
                    "certificates_ytd": ytd,
                    "to_hold": ytd * share_ref.decimal,
                    "share": share_ref.decimal,
                }
            )
    return Declaration(
        year=year,
        rows=rows,
        totals=totals,
        de_minimis=de_minimis,
        holding=holding,
        flags=flags,
        sources=sources,
    )
