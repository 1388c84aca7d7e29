"""The trade impact of a change of measures on many trade flows at once (spec tariffs.md §4).

A *flow* is what an importer brings in of one HS chapter from one origin: its entry value
``V`` and the duty it owes before and after the change.  The effective ad valorem rates are
``t0 = duty_before / V`` and ``t1 = duty_after / V`` — the stacked duty of every measure
(ordinary, 232, IEEPA, 122) as one rate, which is what the buyer's price moves with.  Each
flow is its own market: SMART ``smart(V, t0, t1, Em, Ex)`` or the exact CES solution with the
flow as the only partner (no diversion between the flows: an importer's entries are not the
country's imports from every supplier, which diversion needs).

Elasticities are the dated parameters ``tariffs.elasticity.*`` (with their sources) unless
overridden; the import-demand elasticity is the one for steel, applied to every chapter —
the output says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from tmec.core.errors import InputError
from tmec.core.money import ZERO
from tmec.core.params import ParameterSnapshot
from tmec.tariffs.impact.ces import CesPartner, ces
from tmec.tariffs.impact.smart import smart

__all__ = [
    "CONSTRUCTION",
    "MODELS",
    "Elasticities",
    "FlowImpact",
    "ImpactTotals",
    "TradeFlow",
    "elasticities_at",
    "flow_impact",
    "flows_impact",
]

# The SMART convention for an infinitely elastic export supply (WITS/SMART documentation; the
# dated parameter tariffs.elasticity.export_supply carries the same value and reference).
INFINITE_SUPPLY = Decimal(99)
# The largest |Em| and |Es| taken: published estimates lie far inside it (spec tariffs.md s.4.5),
# and beyond it the exact CES powers overflow Decimal.
MAX_ELASTICITY = Decimal(99)
MODELS = ("smart", "ces")
CONSTRUCTION = {
    "smart": "SMART linear (Laird and Yeats 1986) per flow: TC = V·Em·dt/[(1+t0)(1−Em/Ex)]; "
    "R1 = t1·(V+TC)·(1+P̂w); welfare = ½·dt·TC",
    "ces": "exact CES/Armington (Jammes and Olarreaga 2005) per flow, the flow its only partner: "
    "V1 = V·[(1+t1)/(1+t0)]^Em; export supply infinitely elastic; welfare = ½·dt·ΔV",
}


@dataclass(frozen=True, slots=True)
class Elasticities:
    em: Decimal  # import demand, negative
    es: Decimal  # substitution between sources, positive
    ex: Decimal | None  # export supply; None: infinitely elastic
    sources: Mapping[str, str] = field(default_factory=dict)


def elasticities_at(
    snapshot: ParameterSnapshot,
    *,
    em: Decimal | None = None,
    es: Decimal | None = None,
    ex: Decimal | None = None,
) -> Elasticities:
    """The elasticities in force in ``snapshot``, each replaced by its override when given.

    ``ex`` of 99 or more stands for an infinitely elastic export supply (the SMART convention).
    """
    sources: dict[str, str] = {}
    values: dict[str, Decimal] = {}
    for name, given, param in (
        ("em", em, "tariffs.elasticity.import_demand_steel"),
        ("es", es, "tariffs.elasticity.armington_substitution"),
        ("ex", ex, "tariffs.elasticity.export_supply"),
    ):
        if given is None:
            p = snapshot[param]
            values[name], sources[name] = p.decimal, p.cite()
        else:
            values[name], sources[name] = given, "given"
    if values["em"] > 0:
        raise InputError(f"the import-demand elasticity is negative, found {values['em']}", field="--em")
    if values["es"] < 0:
        raise InputError(f"the substitution elasticity is positive, found {values['es']}", field="--es")
    if values["ex"] <= 0:
        raise InputError(
            f"the export-supply elasticity must be more than 0, found {values['ex']}", field="--ex"
        )
    for name in ("em", "es"):
        if abs(values[name]) > MAX_ELASTICITY:
            raise InputError(
                f"expected an elasticity of at most {MAX_ELASTICITY} in absolute value, found {values[name]}",
                field=f"--{name}",
            )
    ex_value = None if values["ex"] >= INFINITE_SUPPLY else values["ex"]
    return Elasticities(values["em"], values["es"], ex_value, sources)


@dataclass(frozen=True, slots=True)
class TradeFlow:
    key: tuple[str, ...]  # e.g. (chapter, origin)
    value: Decimal  # entry value, the flow at world prices
    duty_before: Decimal
    duty_after: Decimal

    @property
    def rate_before(self) -> Decimal:
        return self.duty_before / self.value if self.value else ZERO

    @property
    def rate_after(self) -> Decimal:
        return self.duty_after / self.value if self.value else ZERO


@dataclass(frozen=True, slots=True)
class FlowImpact:
    flow: TradeFlow
    trade_change: Decimal
    flow_after: Decimal  # value + trade_change
    tariff_revenue_before: Decimal
    tariff_revenue_after: Decimal
    welfare: Decimal


def flow_impact(flow: TradeFlow, model: str, el: Elasticities) -> FlowImpact:
    """One flow's trade change, tariff revenue before and after, and welfare under ``model``."""
    t0, t1 = flow.rate_before, flow.rate_after
    if flow.value <= 0:
        return FlowImpact(flow, ZERO, flow.value, ZERO, ZERO, ZERO)
    if model == "smart":
        # As ``tmec impact``: the trade change is the trade created (at the old world prices);
        # the world-price effect of a finite export supply shows in the revenue after.
        s = smart(flow.value, t0, t1, el.em, el.ex)
        return FlowImpact(
            flow, s.trade_creation, flow.value + s.trade_creation, s.tariff_revenue_before,
            s.tariff_revenue_after, s.welfare,
        )  # fmt: skip
    if model == "ces":
        c = ces([CesPartner("/".join(flow.key), flow.value, t0, t1)], el.em, el.es)
        p = c.partners[0]
        return FlowImpact(
            flow, p.change, p.flow_after, c.tariff_revenue_before, c.tariff_revenue_after, c.welfare
        )
    raise InputError(f"expected one of {', '.join(MODELS)}, found {model!r}", field="--model")


@dataclass(frozen=True, slots=True)
class ImpactTotals:
    value: Decimal
    duty_before: Decimal
    duty_after: Decimal
    trade_change: Decimal
    tariff_revenue_before: Decimal
    tariff_revenue_after: Decimal
    welfare: Decimal


def flows_impact(
    flows: Iterable[TradeFlow], model: str, el: Elasticities
) -> tuple[list[FlowImpact], ImpactTotals]:
    """Every flow's impact, and their sums (flows are independent markets, so the totals add)."""
    out = [flow_impact(f, model, el) for f in flows]

    def total(get: Callable[[FlowImpact], Decimal]) -> Decimal:
        return sum((get(r) for r in out), ZERO)

    return out, ImpactTotals(
        value=total(lambda r: r.flow.value),
        duty_before=total(lambda r: r.flow.duty_before),
        duty_after=total(lambda r: r.flow.duty_after),
        trade_change=total(lambda r: r.trade_change),
        tariff_revenue_before=total(lambda r: r.tariff_revenue_before),
        tariff_revenue_after=total(lambda r: r.tariff_revenue_after),
        welfare=total(lambda r: r.welfare),
    )
