"""``tmec impact --json`` / ``POST /api/v1/impact``: what a tariff change does to a trade flow.

The SMART linear model or the exact CES solution, the elasticities from the dated parameters
unless given, a sweep over the import-demand elasticity, and for a bundled scenario the
elasticity its claim implies.  Fields in errors are the CLI's option names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.money import quantize, to_decimal
from tmec.core.numbers import RATIO
from tmec.core.params import ParameterSnapshot
from tmec.law import load_parameters
from tmec.law.tariffs import load_scenario
from tmec.tariffs.impact import elasticities_at, implied_em, loss_chart_svg, smart, smart_diversion, sweep
from tmec.tariffs.impact.ces import CesPartner, ces
from tmec.tariffs.impact.flows import Elasticities

HUNDRED = Decimal(100)


def rate_fraction(text: object, field: str, source: str | None = None, line: int | None = None) -> Decimal:
    try:
        value = to_decimal(text, field=field, source=source, limit=RATIO)
    except InputError as exc:
        raise exc.located(line=line) from None
    if value > 1000:
        raise InputError(
            f"expected a rate in percent (0-1000), found {text!r}", field=field, source=source, line=line
        )
    return value / HUNDRED


def parse_elasticities(
    params: ParameterSnapshot, em: str | None, es: str | None, ex: str | None
) -> Elasticities:
    """The ``--em``/``--es``/``--ex`` options as numbers, the dated parameters' where not given."""
    return elasticities_at(
        params,
        em=to_decimal(em, field="--em", allow_negative=True, limit=RATIO) if em else None,
        es=to_decimal(es, field="--es", allow_negative=True, limit=RATIO) if es else None,
        ex=to_decimal(ex, field="--ex", allow_negative=True, limit=RATIO) if ex else None,
    )


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _money(value: Decimal) -> str:
    return str(quantize(value, 0))


def run_impact(
    flow: Decimal,
    t0: Decimal,
    t1: Decimal,
    *,
    model: str,
    em: Decimal,
    es: Decimal,
    ex: Decimal | None,
    others: list[CesPartner],
    sources: dict[str, str],
) -> dict[str, Any]:
    focal = CesPartner("focal", flow, t0, t1)
    partners_out: list[dict[str, str]] = []
    if model == "smart":
        base = smart(flow, t0, t1, em, ex)
        change = base.trade_creation
        revenue_before, revenue_after, welfare = (
            base.tariff_revenue_before,
            base.tariff_revenue_after,
            base.welfare,
        )
        if others:
            rest = sum((p.flow for p in others), Decimal(0))
            r0 = sum((p.flow * p.t0 for p in others), Decimal(0)) / rest
            r1 = sum((p.flow * p.t1 for p in others), Decimal(0)) / rest
            td_k, td_rest = smart_diversion(flow, rest, t0, t1, r0, r1, es)
            change += td_k
            for p in others:
                own = smart(p.flow, p.t0, p.t1, em, ex)
                share = td_rest * p.flow / rest
                revenue_before += own.tariff_revenue_before
                revenue_after += own.tariff_revenue_after + p.t1 * share
                welfare += own.welfare
                partners_out.append({"partner": p.name, "trade_change": _money(own.trade_creation + share)})
            revenue_after += t1 * td_k
        construction = (
            "SMART linear (Laird and Yeats 1986): TC = M·Em·dt/[(1+t0)(1−Em/Ex)]"
            + (
                "; diversion TD_k = −M_k·M_K·Es·ρ/(M_k+M_K−M_k·Es·ρ) against the other partners"
                if others
                else ""
            )
            + "; welfare = ½·dt·ΔM"
        )
        extra = {"world_price_change": str(quantize(base.world_price_change, 6))}
    else:
        result = ces([focal, *others], em, es)
        change = result.partners[0].change
        revenue_before, revenue_after, welfare = (
            result.tariff_revenue_before,
            result.tariff_revenue_after,
            result.welfare,
        )
        partners_out = [{"partner": p.name, "trade_change": _money(p.change)} for p in result.partners[1:]]
        construction = (
            "exact CES/Armington (Jammes and Olarreaga 2005): Q̂ = P̂^Em, M1/M0 = Q̂·(p̂/P̂)^−Es; "
            "export supply infinitely elastic; welfare = ½·Σ dt·ΔM on the exact changes"
        )
        extra = {
            "price_index": str(quantize(result.price_index, 6)),
            "creation": _money(result.partners[0].creation),
            "diversion": _money(result.partners[0].diversion),
        }
    points = sweep(flow, t0, t1, ex=ex)
    return {
        "model": model,
        "trade_change": _money(change),
        "tariff_revenue_before": _money(revenue_before),
        "tariff_revenue_after": _money(revenue_after),
        "welfare": _money(welfare),
        "tariff_burden": _money(flow * (t1 - t0)),
        **extra,
        "partners": partners_out,
        "assumptions": {
            "construction": construction,
            "flow": _plain(flow),
            "from_rate": str(t0 * HUNDRED),
            "to_rate": str(t1 * HUNDRED),
            "em": str(em),
            "es": str(es),
            "ex": "infinite" if ex is None else str(ex),
            "sources": sources,
        },
        "sensitivity": [
            {"em": str(p.em), "smart": _money(p.smart_change), "ces": _money(p.ces_change)} for p in points
        ],
    }


@dataclass
class ImpactRun:
    """The result document, and what its chart is drawn from."""

    result: dict[str, Any]
    title: str
    flow: Decimal
    t0: Decimal
    t1: Decimal
    ex: Decimal | None
    claim: Decimal | None

    def chart_svg(self) -> str:
        """Loss against the import-demand elasticity, as ``tmec impact --chart`` writes it."""
        return loss_chart_svg(
            list(sweep(self.flow, self.t0, self.t1, ex=self.ex)),
            title=f"{self.title}: loss vs elasticity",
            reference=self.claim,
        )


def impact_document(
    flow: str | None,
    from_rate: str | None,
    to_rate: str | None,
    *,
    em: str | None = None,
    es: str | None = None,
    ex: str | None = None,
    model: str = "ces",
    others: list[CesPartner] | None = None,
    scenario: str | None = None,
    day: str | None = None,
) -> ImpactRun:
    """The ``tmec impact`` result from its options as text (a bundled ``scenario`` fills the flow)."""
    others = others or []
    when = parse_date(day, field="--date") if day else dt.date.today()
    params = load_parameters().at(when)
    sources: dict[str, str] = {}
    title = "Trade impact"
    claim: Decimal | None = None
    scenario_data: dict[str, Any] | None = None
    if scenario:
        scenario_data = load_scenario(scenario)
        title = str(scenario_data["title"])
        flow = flow or str(scenario_data["flow"]["value"])
        from_rate = from_rate or str(scenario_data["from_rate"]["value"])
        to_rate = to_rate or str(scenario_data["to_rate"]["value"])
        claim = to_decimal(str(scenario_data["claim"]["value"]), field="claim")
        sources.update(
            flow=f"{scenario_data['flow']['what']}: {scenario_data['flow']['source']}",
            from_rate=str(scenario_data["from_rate"]["source"]),
            to_rate=str(scenario_data["to_rate"]["source"]),
        )
    for name, value in (("--flow", flow), ("--from-rate", from_rate), ("--to-rate", to_rate)):
        if value is None:
            raise InputError("required (or give --scenario)", field=name)
    v = to_decimal(flow, field="--flow")
    t0, t1 = rate_fraction(from_rate, "--from-rate"), rate_fraction(to_rate, "--to-rate")
    el = parse_elasticities(params, em, es, ex)
    sources.update(el.sources)
    result = run_impact(
        v,
        t0,
        t1,
        model=model,
        em=el.em,
        es=el.es,
        ex=el.ex,
        others=others,
        sources=sources,
    )
    if scenario_data is not None and claim is not None:
        implied = implied_em(v, t0, t1, claim)
        result["scenario"] = {
            "name": scenario,
            "claim": _plain(claim),
            "claim_source": scenario_data["claim"]["source"],
            "assumptions": scenario_data["assumptions"],
            "implied_em": {k: str(quantize(x, 2)) for k, x in implied.items()},
            "explanation": (
                f"The claim equals the SMART linear loss with Em = {quantize(implied['smart'], 2)}"
                + (
                    f", or the exact CES loss with Em = {quantize(implied['ces'], 2)}"
                    if "ces" in implied
                    else ""
                )
                + f"; the static duty burden V·dt is {result['tariff_burden']}."
            ),
        }
    return ImpactRun(result, title, v, t0, t1, el.ex, claim)
