"""``tmec exposure ENTRIES [--scenario FILE [--impact]]``: a year of entries' duty by measure,
month, chapter, origin and flow.

Every line is priced with the law of its entry date, as ``tmec duty`` would
price it alone (``--basis`` as ``tmec duty --basis``).  ``--scenario`` adds
measures (the ``measures.yaml`` form) that win in their program, and reports the
difference from the law as it is.  ``--impact`` feeds the difference to the
trade-impact model (``tmec impact``) flow by flow: HS chapter x origin, each
with its value and its effective rates before and after.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import click

from tmec.cli._common import console, emit_json, handles_errors, writable_file
from tmec.cli._exposure_impact import (
    elasticities,
    impact_options,
    print_impact,
    run_impact,
    unused_impact_options,
)
from tmec.cli._locale import locale_option
from tmec.cli._progress import progress
from tmec.cli._table import Column, format_option, show_table
from tmec.core.errors import InputError
from tmec.engine import ENGINES, connect
from tmec.engine.exposure import GROUPS, load_scenario, price_exposure, trade_flows
from tmec.reports.exposure import exposure_document
from tmec.tariffs import default_tables


def _how(question: str) -> str:
    """What a question of the totals means for their duty: part of it not counted, or (a good of
    note 16(j) without its U.S. parts, priced on its full value) counted in full, an upper bound."""
    return "duty an upper bound" if question.endswith("an upper bound.") else "duty not wholly counted"


@click.command("exposure")
@click.argument("entries", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(ENGINES), default="duckdb", show_default=True)
@click.option("--scenario", type=click.Path(dir_okay=False, path_type=Path), help="measures to try (YAML)")
@click.option("--lines", "lines_out", type=click.Path(dir_okay=False, path_type=Path),
              help="also write every duty line (.parquet or .csv)")  # fmt: skip
@click.option("--by", "group", type=click.Choice(list(GROUPS)), default="measure", show_default=True,
              help="the breakdown to print (JSON has all)")  # fmt: skip
@click.option("--basis", type=click.Choice(["liability", "deposited"]), default="liability",
              show_default=True,
              help="legal liability, or the duty deposited at entry (as tmec duty)")  # fmt: skip
@impact_options
@format_option
@click.option("--json", "as_json", is_flag=True, help="everything (every breakdown) as JSON")
@locale_option
@handles_errors
def command(
    entries: Path,
    engine: str,
    scenario: Path | None,
    lines_out: Path | None,
    group: str,
    basis: str,
    impact: bool,
    model: str,
    em: str | None,
    es: str | None,
    ex: str | None,
    day: dt.datetime | None,
    fmt: str,
    as_json: bool,
    locale: str | None = None,
) -> None:
    """Price every entry line of ENTRIES (CSV or Parquet) and total the duties."""
    started = time.perf_counter()
    if impact and scenario is None:
        raise InputError(
            "the impact model needs a change of measures: give --scenario FILE", field="--impact"
        )
    unused_impact_options(impact, em=em, es=es, ex=ex, date=day)
    if lines_out is not None:
        writable_file(lines_out, option="--lines")
    el = elasticities(em, es, ex, day) if impact else None
    base_tables = default_tables()
    loaded = load_scenario(scenario, base_tables) if scenario is not None else None
    quiet = as_json or fmt != "table"
    with connect(engine) as e, progress("pricing the entry lines", quiet=quiet) as bar:  # type: ignore[arg-type]
        base = price_exposure(e, entries, tables=base_tables, lines_out=lines_out, basis=basis, locale=locale)
        alt = None
        if loaded is not None:
            bar.stage("pricing the entry lines under the scenario")
            alt = price_exposure(e, entries, tables=loaded[1], basis=basis, locale=locale)
            alt.scenario = loaded[0]
    impact_doc = None
    if el is not None and alt is not None:
        impact_doc = run_impact(trade_flows(base, alt), model, *el)
    out = exposure_document(str(entries), engine, basis, base, alt, started, impact=impact_doc)
    if as_json:
        emit_json(out)
        return
    rows = out["difference"]["by"][group] if alt is not None else base.by[group]
    title = f"duty by {group}" + (f" — scenario: {alt.scenario}" if alt is not None else "")
    keys = GROUPS[group]
    if alt is None:
        columns = [
            *(Column(k, machine_only=k == "measure_id") for k in keys),
            Column("entry lines", numeric=True),
            Column("duty", numeric=True),
        ]
        table = [
            [*(str(r[k]) for k in keys), f"{r['entry_lines']:,}", f"{Decimal(r['duty']):,.2f}"] for r in rows
        ]
    else:
        columns = [
            *(Column(k, machine_only=k == "measure_id") for k in keys),
            *(Column(c, numeric=True) for c in ("duty now", "scenario", "difference")),
        ]
        table = [
            [
                *(str(r[k]) for k in keys),
                f"{r['base']:,.2f}",
                f"{r['scenario']:,.2f}",
                f"{r['difference']:+,.2f}",
            ]
            for r in rows
        ]
    if fmt != "table":
        show_table(columns, table, fmt=fmt)
        return
    console.print(
        f"{base.lines:,} entry lines, value {base.value:,.2f}: duty {base.duty:,.2f} "
        f"({engine}, {basis}, {out['seconds']} s)",
        highlight=False,
        soft_wrap=True,  # one line whatever its length: a timing never moves a line break
    )
    if base.warning:
        console.print(f"warning: {base.warning}", highlight=False, markup=False, soft_wrap=True)
    show_table(columns, table, title=title)
    for q in base.questions:
        console.print(
            f"  question ({q['lines']:,} lines, value {q['value']:,.2f}, {_how(q['question'])}): "
            f"{q['question']}",
            highlight=False,
            markup=False,
        )
    if alt is not None:
        console.print(f"difference: {alt.duty - base.duty:+,.2f}", highlight=False)
    if "impact" in out:
        print_impact(out["impact"], str(alt.scenario if alt is not None else ""))
