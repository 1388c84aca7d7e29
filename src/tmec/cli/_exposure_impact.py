"""``tmec exposure --scenario FILE --impact``: the scenario's duties fed to the trade-impact model.

The engine supplies one aggregate per flow (HS chapter x origin: value, duty now, duty under
the scenario); :mod:`tmec.tariffs.impact.flows` does the arithmetic.  Why flows and not
measures: the models price a flow of goods from one supplier, and a flow pays several
measures at once (ordinary + 232 + IEEPA); its buyer reacts to the stacked rate.  Chapters
are where import-demand elasticities are estimated (72 steel, 73 articles, 76 aluminum, 87
vehicles), and an origin is the supplier a measure targets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import click

from tmec.cli._common import console
from tmec.cli._table import Column, show_table
from tmec.core.errors import InputError
from tmec.core.money import HUNDRED, quantize, to_decimal
from tmec.core.numbers import RATIO
from tmec.core.params import ParameterSnapshot
from tmec.law import load_parameters
from tmec.tariffs.impact import elasticities_at, flows_impact
from tmec.tariffs.impact.flows import CONSTRUCTION, MODELS, Elasticities, FlowImpact, TradeFlow

__all__ = [
    "elasticities", "impact_options", "parse_elasticities", "print_impact", "run_impact",
    "unused_impact_options",
]  # fmt: skip

F = TypeVar("F", bound=Callable[..., Any])


def impact_options(f: F) -> F:
    """``--impact`` and the model's options, as ``tmec impact`` names them."""
    for option in reversed(
        [
            click.option(
                "--impact", is_flag=True, help="feed the scenario to the trade-impact model, per flow"
            ),
            click.option("--model", type=click.Choice(MODELS), default="ces", show_default=True),
            click.option("--em", help="import-demand elasticity (negative); default the dated parameter"),
            click.option("--es", help="substitution elasticity; default the dated parameter"),
            click.option(
                "--ex", help="export-supply elasticity (99 = infinite); default the dated parameter"
            ),
            click.option(
                "--date",
                "day",
                type=click.DateTime(["%Y-%m-%d"]),
                help="date of the elasticity parameters; default today",
            ),
        ]
    ):
        f = option(f)
    return f


def _money(x: Decimal) -> Decimal:
    return quantize(x, 2) + 0  # + 0: no "-0.00" for an unchanged flow


def _percent(x: Decimal) -> Decimal:
    return quantize(x * HUNDRED, 4)


def elasticities(
    em: str | None, es: str | None, ex: str | None, day: dt.datetime | None
) -> tuple[Elasticities, dt.date]:
    """The options' elasticities, the dated parameters' where not given (checked before any pricing)."""
    when = day.date() if day is not None else dt.date.today()
    return parse_elasticities(load_parameters().at(when), em, es, ex), when


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


def unused_impact_options(impact: bool, **given: object) -> None:
    """Refuse the model's options without ``--impact`` (they would be silently ignored)."""
    if not impact:
        for name, value in given.items():
            if value is not None:
                raise InputError("applies only with --impact", field=f"--{name}")


def run_impact(flows: list[TradeFlow], model: str, el: Elasticities, when: dt.date) -> dict[str, Any]:
    """Per flow and in total: trade change, tariff revenue before/after, welfare; and the assumptions."""
    groups, totals = flows_impact(flows, model, el)
    return {
        "model": model,
        "by": ["chapter", "origin"],
        "groups": [_group(g) for g in groups],
        "totals": {
            "value": _money(totals.value),
            "duty_before": _money(totals.duty_before),
            "duty_after": _money(totals.duty_after),
            "trade_change": _money(totals.trade_change),
            "tariff_revenue_before": _money(totals.tariff_revenue_before),
            "tariff_revenue_after": _money(totals.tariff_revenue_after),
            "welfare": _money(totals.welfare),
        },
        "assumptions": {
            "construction": CONSTRUCTION[model],
            "rates": "effective ad valorem rate of each flow = its duty (every measure stacked) / its value",
            "em": str(el.em),
            "es": str(el.es),
            "ex": "infinite" if el.ex is None else str(el.ex),
            "date": when.isoformat(),
            "sources": dict(el.sources),
            "caveat": "one import-demand elasticity (estimated for steel) for every chapter; "
            "flows are independent markets (no diversion between origins)",
        },
    }


def _group(g: FlowImpact) -> dict[str, Any]:
    f = g.flow
    return {
        "chapter": f.key[0],
        "origin": f.key[1],
        "value": _money(f.value),
        "duty_before": _money(f.duty_before),
        "duty_after": _money(f.duty_after),
        "rate_before": _percent(f.rate_before),
        "rate_after": _percent(f.rate_after),
        "trade_change": _money(g.trade_change),
        "flow_after": _money(g.flow_after),
        "tariff_revenue_before": _money(g.tariff_revenue_before),
        "tariff_revenue_after": _money(g.tariff_revenue_after),
        "welfare": _money(g.welfare),
    }


def print_impact(result: dict[str, Any], scenario: str) -> None:
    a = result["assumptions"]
    # Whole currency units for people; the JSON has cents.
    amounts = ("value", "rate %", "Δ trade", "revenue now", "after", "welfare")
    columns = [Column("flow"), *(Column(c, numeric=True) for c in amounts)]
    rows = [
        [
            f"{g['chapter']} {g['origin']}",
            f"{g['value']:,.0f}",
            f"{g['rate_before']:.1f}→{g['rate_after']:.1f}",
            f"{g['trade_change']:+,.0f}",
            f"{g['tariff_revenue_before']:,.0f}",
            f"{g['tariff_revenue_after']:,.0f}",
            f"{g['welfare']:+,.0f}",
        ]
        for g in result["groups"]
        if g["duty_before"] != g["duty_after"]  # a flow the scenario does not touch: no change to show
    ]
    shown = len(rows)
    s = result["totals"]
    rows.append([f"all {len(result['groups'])}", f"{s['value']:,.0f}", "", f"{s['trade_change']:+,.0f}",
                 f"{s['tariff_revenue_before']:,.0f}", f"{s['tariff_revenue_after']:,.0f}",
                 f"{s['welfare']:+,.0f}"])  # fmt: skip
    show_table(
        columns,
        rows,
        title=f"trade impact by flow (HS chapter, origin) — {scenario} ({result['model']})",
        caption="the scenario changes the duty of no flow" if shown == 0 else None,
    )
    console.print(f"  {a['construction']}", highlight=False, markup=False)
    console.print(f"  Em {a['em']}, Es {a['es']}, Ex {a['ex']} ({a['date']}); {a['rates']}",
                  highlight=False, markup=False)  # fmt: skip
    for name, src in a["sources"].items():
        console.print(f"  {name}: {src}", highlight=False, markup=False)
    console.print(f"  caveat: {a['caveat']}", highlight=False, markup=False)
