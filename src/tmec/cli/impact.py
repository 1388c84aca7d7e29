"""``tmec impact``: what a tariff change does to a trade flow (SMART linear or exact CES).

Rates are in percent; amounts in the flow's currency.  Elasticities default to the dated
parameters ``tariffs.elasticity.*`` (with their sources); the result states the construction,
every assumption, and a sweep over the import-demand elasticity.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import click

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._table import Column, show_table
from tmec.core.errors import InputError
from tmec.core.input_limits import read_input
from tmec.core.money import to_decimal
from tmec.reports.impact import impact_document, rate_fraction
from tmec.tariffs.impact.ces import CesPartner
from tmec.tariffs.impact.flows import MODELS


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
                t0=rate_fraction(row["from_rate"], "from_rate", source, n),
                t1=rate_fraction(row["to_rate"], "to_rate", source, n),
            )
        )
    return out


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
    keys = ("trade_change", "tariff_revenue_before", "tariff_revenue_after", "welfare", "tariff_burden")
    rows = [[key.replace("_", " "), str(result[key])] for key in keys]
    rows += [[f"trade change, {p['partner']}", str(p["trade_change"])] for p in result["partners"]]
    show_table([Column("result"), Column("amount", numeric=True)], rows)
    show_table(
        [Column("Em", numeric=True), Column("SMART linear", numeric=True), Column("CES exact", numeric=True)],
        [[str(p["em"]), str(p["smart"]), str(p["ces"])] for p in result["sensitivity"]],
        title="sensitivity to the import-demand elasticity",
    )
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
    others = _partners(partners) if partners else []
    run = impact_document(
        flow, from_rate, to_rate, em=em, es=es, ex=ex, model=model, others=others, scenario=scenario, day=day
    )
    result, title = run.result, run.title
    if chart is not None:
        tmp = chart.with_name(f".{chart.name}.tmp")
        tmp.write_text(run.chart_svg(), encoding="utf-8")
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
