"""Certificates owed for one good (spec carbon.md §5.1), with the law of every number.

    EE   = M × SEE                        SEE on the CBAM basis (direct only for steel/Al, Annex II)
    FAA  = M × SEFA                       SEFA = CBAM factor × CSCF × benchmark (IR 2025/2620)
    CPD  = carbon price paid abroad, in certificates (Art. 9; draft IR: provisional)
    N    = max(0, EE − FAA − CPD)         floored per good, never netted (Q&A §4.32)
    cost = N × P(period of import)        EUR, 2 decimals

Column A of the benchmarks goes with actual data and the installation's route (complex goods
add their precursors' SEFA, m_i per tonne); column B with default values and the route of the
default row.  Nothing is rounded before the cost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tmec.carbon.actual import ActualData, ActualGood, Precursor
from tmec.carbon.law import CarbonLaw, period_of
from tmec.carbon.routes import select_benchmark
from tmec.carbon.tables import Good, year_column
from tmec.core.errors import InputError
from tmec.core.money import ZERO, quantize
from tmec.core.params import ParamValue
from tmec.core.trace import Step

__all__ = ["Assessment", "ImportLine", "assess"]

PROVISIONAL_CPD = (
    "carbon price paid abroad deducted on the draft Art. 9 implementing act (13 May 2026): provisional"
)


@dataclass(frozen=True, slots=True)
class ImportLine:
    cn: str
    origin: str  # ISO 3166 alpha-2
    mass: Decimal  # net mass, tonnes
    year: int
    date: dt.date | None = None  # import date: selects the price period
    price: Decimal | None = None  # EUR per certificate, overrides the published price
    actual: ActualData | None = None
    route: str | None = None  # a route named by the declarant (compound or missing markers)
    carbon_price_paid: Decimal | None = None  # EUR per t CO2e effectively paid abroad (Art. 9)
    rate: Decimal | None = None  # units of ``currency`` per EUR
    currency: str | None = None


@dataclass(slots=True)
class Assessment:
    good: Good
    line: ImportLine
    data: str  # "default" or "actual"
    see: Decimal
    see_direct: Decimal | None
    see_indirect: Decimal | None
    route: str | None
    route_marker: str | None
    default_table: str | None  # ISO code of the default table used, "other", or None with actual data
    embedded_emissions: Decimal
    sefa: Decimal
    free_allocation: Decimal
    deduction: Decimal
    certificates: Decimal
    price: Decimal
    price_period: str
    cost: Decimal
    cost_other: Decimal | None
    steps: list[Step] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "cn": self.good.cn,
            "description": self.good.description,
            "origin": self.line.origin,
            "mass": str(self.line.mass),
            "year": self.line.year,
            "data": self.data,
            "see": str(self.see),
            "see_direct": _s(self.see_direct),
            "see_indirect": _s(self.see_indirect),
            "route": self.route,
            "route_marker": self.route_marker,
            "default_table": self.default_table,
            "embedded_emissions": str(self.embedded_emissions),
            "sefa": str(self.sefa),
            "free_allocation": str(self.free_allocation),
            "carbon_price_deduction": str(self.deduction),
            "certificates": str(self.certificates),
            "price": str(self.price),
            "price_period": self.price_period,
            "cost": str(self.cost),
            "currency": "EUR",
            "sources": self.sources,
            "flags": self.flags,
            "explanation": [s.to_dict() for s in self.steps],
        }
        if self.cost_other is not None:
            out["cost_other"] = {
                "currency": self.line.currency,
                "rate": str(self.line.rate),
                "amount": str(self.cost_other),
            }
        if self.line.actual is not None:
            out["actual_data"] = {
                "source": self.line.actual.source,
                "installation": self.line.actual.installation.id or self.line.actual.installation.name,
                "verified": self.line.actual.verified,
                "citation": self.line.actual.citation,
            }
        return out


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


class _Run:
    """One assessment's working state: the law, and what it cited and flagged."""

    def __init__(self, law: CarbonLaw, line: ImportLine) -> None:
        self.law = law
        self.line = line
        self.steps: list[Step] = []
        self.flags: list[str] = []
        self.sources: list[str] = []
        cbam, cscf = law.factor(line.year)
        self.cbam = cbam
        self.cscf = cscf
        self.factor = cbam.decimal * cscf.decimal
        self.cite(cbam)
        self.cite(cscf)
        if cscf.note == "provisional":
            self.flag(
                f"CSCF {cscf.value} for {line.year} is provisional (none published): "
                "certificates are a lower bound"
            )

    def cite(self, value: ParamValue | str) -> None:
        text = value.cite() if isinstance(value, ParamValue) else value
        if text not in self.sources:
            self.sources.append(text)

    def flag(self, text: str) -> None:
        if text not in self.flags:
            self.flags.append(text)

    def act(self, key: str) -> str:
        src = self.law.tables.sources[key]
        return f"{src['act']} (sha256 {src['sha256'][:12]})"

    # -- benchmarks ------------------------------------------------------------------------
    def bm(self, cn: str, column: str, marker: str | None, chosen: str | None = None) -> Decimal:
        resolved = select_benchmark(
            self.law.tables.benchmarks(cn, column),
            cn=cn,
            column=column,
            year=self.line.year,
            marker=marker,
            chosen=chosen,
        )
        for f in resolved.flags:
            self.flag(f)
        self.cite(self.act("benchmarks"))
        self.steps.append(
            Step(
                "carbon.benchmark",
                f"CN {cn}: {resolved.entry.value} ({resolved.how})",
                "IR (EU) 2025/2620 Annex",
            )
        )
        return resolved.entry.value

    def sefa_actual(self, cn: str, route: str | None, precursors: tuple[Precursor, ...]) -> Decimal:
        own = self.factor * self.bm(cn, "A", route)
        return own + sum((p.mass_per_tonne * self.sefa_precursor(p) for p in precursors), ZERO)

    def sefa_precursor(self, p: Precursor) -> Decimal:
        if p.source == "eu":
            self.flag(
                f"EU-origin precursor {p.cn}: zero embedded emissions and no free-allocation "
                "adjustment [unverified]"
            )
            return ZERO
        if p.source == "actual":
            return self.sefa_actual(p.cn, p.route, p.precursors)
        if p.source == "unknown":
            marker = self.law.tables.annex_iv(p.cn, self.line.year).route_marker
        else:
            assert p.origin is not None
            marker = self.law.tables.default_value(p.cn, p.origin, self.line.year).route_marker
        return self.factor * self.bm(p.cn, "B", marker, p.route)

    # -- SEE of actual data ----------------------------------------------------------------
    def see_precursor(self, p: Precursor) -> Decimal:
        year = self.line.year
        if p.source == "eu":
            return ZERO
        if p.source == "unknown":
            value = self.law.tables.annex_iv(p.cn, year)
            self.cite(self.act("annex_iv"))
            self.steps.append(
                Step(
                    "carbon.precursor",
                    f"{p.cn} of unknown origin: Annex IV {value.see} ({value.year_column})",
                    "IR (EU) 2025/2621 Art. 1(5), Annex IV",
                )
            )
            return value.see
        if p.source == "default":
            assert p.origin is not None
            dv = self.law.tables.default_value(p.cn, p.origin, year)
            self.cite(self.act("defaults"))
            self.steps.append(
                Step(
                    "carbon.precursor",
                    f"{p.cn} from {p.origin}: default {dv.see} (table {dv.table_name})",
                    "IR (EU) 2025/2621 Annex I",
                )
            )
            return dv.see
        if p.see_direct is not None:
            return p.see_direct
        if p.process_direct is None:
            raise InputError(
                f"precursor {p.cn}: give see_direct, or process_direct with its precursors",
                source=self.line.actual.source if self.line.actual else None,
            )
        return p.process_direct + sum((c.mass_per_tonne * self.see_precursor(c) for c in p.precursors), ZERO)


def _see_actual(run: _Run, good: Good, data: ActualGood) -> tuple[Decimal, Decimal | None, Decimal | None]:
    if data.see_direct is not None:
        direct = data.see_direct
    else:
        assert data.process_direct is not None
        direct = data.process_direct + sum(
            (p.mass_per_tonne * run.see_precursor(p) for p in data.precursors), ZERO
        )
    indirect = data.see_indirect
    if good.direct_only:
        return direct, direct, indirect
    if indirect is None:
        raise InputError(f"CN {good.cn} counts indirect emissions too (Annex II): give see_indirect")
    return direct + indirect, direct, indirect


def assess(law: CarbonLaw, line: ImportLine) -> Assessment:
    """The certificates and cost of one import line, with every step cited."""
    tables = law.tables
    good = tables.good(line.cn)
    year_column(line.year)  # the definitive period only: refuses the transitional years first
    day = line.date or dt.date(line.year, 1, 1)
    if day.year != line.year:
        raise InputError(f"import date {day.isoformat()} is not in {line.year}", field="date")
    if line.mass < 0:
        raise InputError(f"expected a net mass not less than 0, found {line.mass}", field="mass")
    if law.eu_member(line.origin, day):
        raise InputError(
            f"{line.origin} is an EU member state: its goods are not CBAM imports", field="origin"
        )
    run = _Run(law, line)
    run.cite(run.act("goods"))
    run.steps.append(
        Step("carbon.scope", f"CN {good.cn} is a CBAM good ({good.category})", "Reg. (EU) 2023/956 Annex I")
    )

    default_table: str | None = None
    marker: str | None
    precursors = False  # complex goods with actual data add their precursors' SEFA
    if line.actual is None:
        dv = tables.default_value(good.cn, line.origin, line.year)
        run.cite(run.act("defaults"))
        default_table = "other" if dv.table == "OTHER" else dv.table
        if dv.fallback_reason:
            run.flag(f"default from 'Other countries and territories': {dv.fallback_reason}")
        see, see_direct, see_indirect = dv.see, dv.direct, dv.indirect
        marker = dv.route_marker
        run.steps.append(
            Step(
                "carbon.see",
                f"default {dv.see} t CO2e/t ({dv.year_column} column, mark-up included; row {dv.row_cn} of "
                f"table {dv.table_name}; route marker {marker or 'none'})",
                "IR (EU) 2025/2621 Art. 1 and Annex I",
            )
        )
        sefa = run.factor * run.bm(good.cn, "B", marker, line.route)
        route = line.route.upper() if line.route else marker
        data = "default"
    else:
        ad = line.actual.for_cn(good.cn)
        see, see_direct, see_indirect = _see_actual(run, good, ad)
        marker = ad.route
        route = ad.route or (line.route.upper() if line.route else None)
        for f in line.actual.extra_flags:
            run.flag(f)
        run.cite(
            f"actual data: {line.actual.source}"
            + (f" ({line.actual.citation})" if line.actual.citation else "")
        )
        if not line.actual.verified:
            run.flag(
                "actual data not verified by an accredited CBAM verifier: not acceptable for the declaration "
                "(Q&A §5.9, §5.17); shown for comparison only"
            )
        run.steps.append(
            Step(
                "carbon.see",
                f"actual {see} t CO2e/t (installation "
                f"{line.actual.installation.id or line.actual.installation.name or '?'}, "
                f"route {route or 'none'})",
                "Reg. (EU) 2023/956 Annex IV points 2-3; IR (EU) 2025/2547",
            )
        )
        sefa = run.sefa_actual(good.cn, route, ad.precursors)
        data = "actual"
        precursors = bool(ad.precursors)

    embedded = line.mass * see
    free_allocation = line.mass * sefa
    run.steps.append(
        Step(
            "carbon.sefa",
            f"SEFA {sefa} = CBAM factor {run.cbam.value} × CSCF {run.cscf.value} × benchmark"
            + (" + Σ m_i × SEFA_i of the precursors" if precursors else ""),
            "Reg. (EU) 2023/956 Art. 31; IR (EU) 2025/2620",
        )
    )

    if line.price is not None:
        price, price_period = line.price, "given"
        run.cite("certificate price given by the user (--price)")
    else:
        published = law.price(day)
        price, price_period = published.decimal, period_of(day)
        run.cite(published)
        if published.unverified:
            run.flag(
                f"certificate price {price} for {price_period} from a single secondary source [unverified]"
            )
        if line.date is None:
            run.flag(f"no import date given: the price of {price_period} (the year's first period) is used")

    deduction = ZERO
    if line.carbon_price_paid is not None and line.carbon_price_paid > 0 and price > 0:
        share = min(Decimal(1), line.carbon_price_paid / price)
        deduction = embedded * share
        run.flag(PROVISIONAL_CPD)
        if data == "default":
            run.flag(
                "the draft Art. 9 act allows only the Commission's default carbon price with default values; "
                "none is published"
            )
        run.steps.append(
            Step(
                "carbon.article9",
                f"{deduction} certificates = EE × min(1, {line.carbon_price_paid} / {price})",
                "Reg. (EU) 2023/956 Art. 9; draft IR of 13 May 2026 [unverified]",
            )
        )

    certificates = max(ZERO, embedded - free_allocation - deduction)
    cost = quantize(certificates * price, 2)
    run.steps.append(
        Step(
            "carbon.certificates",
            f"max(0, {embedded} − {free_allocation} − {deduction}) = {certificates}; × €{price} = €{cost}",
            "Reg. (EU) 2023/956 Art. 22; Q&A §4.32 (per good, no netting)",
        )
    )
    cost_other = None
    if line.rate is not None:
        cost_other = quantize(certificates * price * line.rate, 2)
    return Assessment(
        good=good,
        line=line,
        data=data,
        see=see,
        see_direct=see_direct,
        see_indirect=see_indirect,
        route=route,
        route_marker=marker,
        default_table=default_table,
        embedded_emissions=embedded,
        sefa=sefa,
        free_allocation=free_allocation,
        deduction=deduction,
        certificates=certificates,
        price=price,
        price_period=price_period,
        cost=cost,
        cost_other=cost_other,
        steps=run.steps,
        flags=run.flags,
        sources=run.sources,
    )
