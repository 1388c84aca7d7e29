"""``tmec impact``: what a tariff change does to a trade flow (SMART linear or exact CES).

Rates are in percent; amounts in the flow's currency.  Elasticities default to the dated
parameters ``tariffs.elasticity.*`` (with their sources); the result states the construction,
every assumption, and a sweep over the import-demand elasticity.
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._exposure_impact import parse_elasticities
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input
from tmec.core.money import quantize, to_decimal
from tmec.core.numbers import RATIO
from tmec.law import load_parameters
from tmec.law.tariffs import load_scenario
from tmec.tariffs.impact import implied_em, loss_chart_svg, smart, smart_diversion, sweep
from tmec.tariffs.impact.ces import CesPartner, ces
from tmec.tariffs.impact.flows import MODELS

HUNDRED = Decimal(100)


def _rate(text: object, field: str, source: str | None = None, line: int | None = None) -> Decimal:
    try:
        value = to_decimal(text, field=field, source=source, limit=RATIO)
    except InputError as exc:
        raise exc.located(line=line) from None
    if value > 1000:
        raise InputError(
            f"expected a rate in percent (0-1000), found {text!r}", field=field, source=source, line=line
        )
    return value / HUNDRED


def _partners(path: Path) -> list[CesPartner]:
    source = str(path)
    try:
        reader = csv.DictReader(read_input(path).decode("utf-8-sig").splitlines())
        rows = list(reader)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"cannot read the file: {getattr(exc, 'strerror', None) or 'not UTF-8 text'}", source=source
        ) from None
    header = set(reader.fieldnames or [])
    missing = [c for c in ("partner", "flow", "from_rate", "to_rate") if c not in header]
    if missing or not rows:
        raise InputError(
            f"expected a header partner, flow, from_rate, to_rate and at least one row; missing {missing}",
            source=source,
            line=1,
        )
    out = []
    for n, row in enumerate(rows, start=2):
        for col in ("partner", "flow", "from_rate", "to_rate"):
            if not (row.get(col) or "").strip():
                raise InputError(
                    "expected columns partner, flow, from_rate, to_rate", field=col, source=source, line=n
                )
        try:
            flow = to_decimal(row["flow"], field="flow", source=source)
        except InputError as exc:
            raise exc.located(line=n) from None
        out.append(
            CesPartner(
                name=row["partner"].strip(),
                flow=flow,
                t0=_rate(row["from_rate"], "from_rate", source, n),
                t1=_rate(row["to_rate"], "to_rate", source, n),
            )
        )
    return out


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


def _print(result: dict[str, Any], title: str) -> None:
    a = result["assumptions"]
    console.print(title, highlight=False, markup=False)
    console.print(
        f"  flow {a['flow']}, tariff {a['from_rate']} % -> {a['to_rate']} %, "
        f"Em {a['em']}, Es {a['es']}, Ex {a['ex']}",
        highlight=False,
        markup=False,
    )
    console.print(f"  construction: {a['construction']}", highlight=False, markup=False)
    table = Table("result", "amount")
    for key in ("trade_change", "tariff_revenue_before", "tariff_revenue_after", "welfare", "tariff_burden"):
        table.add_row(key.replace("_", " "), result[key])
    for p in result["partners"]:
        table.add_row(f"trade change, {p['partner']}", p["trade_change"])
    console.print(table)
    sweep_table = Table(
        "Em", "SMART linear", "CES exact", title="sensitivity to the import-demand elasticity"
    )
    for p in result["sensitivity"]:
        sweep_table.add_row(p["em"], p["smart"], p["ces"])
    console.print(sweep_table)
    for name, src in a["sources"].items():
        console.print(f"  {name}: {src}", highlight=False, markup=False)


@click.command("impact")
@click.option("--flow", help="trade flow at world prices (e.g. 8.106e9)")
@click.option("--from-rate", help="tariff before, percent")
@click.option("--to-rate", help="tariff after, percent")
@click.option(
    "--em", help="import-demand elasticity (negative); default tariffs.elasticity.import_demand_steel"
)
@click.option(
    "--es", help="substitution elasticity between sources; default tariffs.elasticity.armington_substitution"
)
@click.option(
    "--ex", help="export-supply elasticity; default tariffs.elasticity.export_supply (99 = infinite)"
)
@click.option("--model", type=click.Choice(MODELS), default="ces", show_default=True)
@click.option(
    "--partners",
    type=click.Path(path_type=Path),
    help="CSV of other suppliers: partner,flow,from_rate,to_rate",
)
@click.option("--scenario", help="a bundled scenario (mx-steel-2025) instead of --flow/--from-rate/--to-rate")
@click.option("--chart", type=click.Path(path_type=Path), help="write an SVG chart of loss vs elasticity")
@click.option("--date", "day", help="date of the elasticity parameters; default today")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def command(
    flow: str | None,
    from_rate: str | None,
    to_rate: str | None,
    em: str | None,
    es: str | None,
    ex: str | None,
    model: str,
    partners: Path | None,
    scenario: str | None,
    chart: Path | None,
    day: str | None,
    as_json: bool,
) -> None:
    """What a tariff change does to a trade flow: trade change, tariff revenue, welfare, and a sweep."""
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
    t0, t1 = _rate(from_rate, "--from-rate"), _rate(to_rate, "--to-rate")
    el = parse_elasticities(params, em, es, ex)
    sources.update(el.sources)
    others = _partners(partners) if partners else []
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
    if chart is not None:
        svg = loss_chart_svg(
            list(sweep(v, t0, t1, ex=el.ex)),
            title=f"{title}: loss vs elasticity",
            reference=claim,
        )
        tmp = chart.with_name(f".{chart.name}.tmp")
        tmp.write_text(svg, encoding="utf-8")
        tmp.replace(chart)
        result["chart"] = str(chart)
    if as_json:
        emit_json(result)
        return
    _print(result, title)
    if "scenario" in result:
        s = result["scenario"]
        console.print(f"claim {s['claim']} ({s['claim_source']})", highlight=False, markup=False)
        console.print(f"  {s['explanation']}", highlight=False, markup=False)
        for item in s["assumptions"]:
            console.print(f"  assumption: {item}", highlight=False, markup=False)
    if chart is not None:
        console.print(f"chart written to {chart}", highlight=False, markup=False)
