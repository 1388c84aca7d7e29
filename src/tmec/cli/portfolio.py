"""``tmec portfolio qualify BOM_DIR --date D``: every finished good of a portfolio, at once.

Exit 0 when every good qualifies, 1 when one or more do not (or have no rule), 2 bad input.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from tmec.cli._common import (
    EXIT_FAIL,
    EXIT_OK,
    console,
    emit_json,
    handles_errors,
    writable_file,
)
from tmec.cli._locale import locale_option
from tmec.cli._progress import progress
from tmec.cli._statements_store import statements_in_force
from tmec.cli._table import Column, show_table
from tmec.core.dates import parse_date
from tmec.core.hs import format as hs_format
from tmec.engine import ENGINES, PortfolioResult, connect, load_portfolio, qualify_goods, write_table
from tmec.engine.whereused import load_changes, requalify
from tmec.reports.portfolio import portfolio_summary

MAX_ROWS = 20


@click.group("portfolio")
def command() -> None:
    """Bulk work over a portfolio of goods (bills of materials as tables)."""


def _engine_options(f: Any) -> Any:
    f = click.option(
        "--database",
        type=click.Path(dir_okay=False, path_type=Path),
        help="DuckDB work file, e.g. $TMEC_HOME/engine.duckdb (default: in memory)",
    )(f)
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="duckdb",
        show_default=True,
        help="duckdb (embedded) or spark (local[2], or $TMEC_SPARK_MASTER)",
    )(f)


@command.command("qualify")
@click.argument("bom_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--date", "day", required=True, help="apply the law in force on this ISO date")
@click.option("--method", type=click.Choice(["net_cost", "transaction_value"]), help="RVC method")
@_engine_options
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="results file, .parquet or .csv (default BOM_DIR/qualification.parquet)",
)
@click.option(
    "--changed",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of changed parts (part_id, origin, value): re-qualify only the goods using them",
)
@click.option(
    "--no-statements", is_flag=True, help="ignore the supplier statements in the store (tmec statements)"
)
@click.option("--json", "as_json", is_flag=True, help="the summary as JSON")
@locale_option
@handles_errors
def qualify(
    bom_dir: Path,
    day: str,
    method: str | None,
    engine: str,
    database: Path | None,
    out: Path | None,
    changed: Path | None,
    no_statements: bool,
    as_json: bool,
    locale: str | None = None,
) -> None:
    """Qualify every finished good of BOM_DIR on --date; write the results and print a summary."""
    when = parse_date(day, field="--date")
    if out is not None:
        writable_file(out, option="--out")
    started = time.perf_counter()
    changes = (
        load_changes(changed, locale=locale) if changed else None
    )  # a bad file is refused before the heavy work
    # Parts of unknown origin take the supplier statements in force that day (by supplier and part id).
    statements = [] if no_statements else statements_in_force(when)
    with connect(engine, database=database) as e, progress("loading the portfolio", quiet=as_json) as bar:  # type: ignore[arg-type]
        p = load_portfolio(e, bom_dir, when, statements=statements, locale=locale)
        bar.stage("qualifying")
        if changes is not None:
            result = requalify(p, changes, method=method, progress=bar)
        else:
            result = qualify_goods(p, method=method, progress=bar)
        target = out or bom_dir / (
            "requalification.parquet" if changes is not None else "qualification.parquet"
        )
        write_table(result.to_arrow(), target)
    elapsed = time.perf_counter() - started
    summary = portfolio_summary(result, target, elapsed, engine, p.statement_uses)
    if as_json:
        emit_json(summary)
    else:
        _show(result, summary)
    ok = summary["not_qualifying"] == 0 and summary["errors"] == 0
    sys.exit(EXIT_OK if ok else EXIT_FAIL)


def _material(code: str) -> str:
    return hs_format(code) if code.isdigit() else code


def _show(r: PortfolioResult, s: dict[str, Any]) -> None:
    console.print(
        f"[bold]{s['qualifying']}[/] of {s['goods']} goods qualify on {r.day.isoformat()}; "
        f"{s['not_qualifying']} do not; {s['errors']} without a result "
        f"({s['engine']}, {s['seconds']} s, BOM depth {r.levels})",
        highlight=False,
        markup=True,
        soft_wrap=True,  # one line whatever its length: a timing never moves a line break
    )
    if r.failing:
        columns = [
            Column("good"),
            Column("HS"),
            Column("RVC TV", numeric=True),
            Column("RVC NC", numeric=True),
            Column("tariff shift"),
            Column("failing materials"),
        ]
        rows = [
            [
                g.good_id,
                hs_format(g.hs),
                "-" if g.rvc_tv is None else f"{g.rvc_tv:.2f}",
                "-" if g.rvc_nc is None else f"{g.rvc_nc:.2f}",
                {True: "passed", False: "failed", None: "-"}[g.tariff_shift_passed],
                ", ".join(hs_format(c) if c.isdigit() else c for c in g.failing_codes[:5]),
            ]
            for g in r.failing[:MAX_ROWS]
        ]
        show_table(columns, rows, title=f"goods that do not qualify (first {min(MAX_ROWS, len(r.failing))})")
    for g in r.errors[:MAX_ROWS]:
        console.print(
            f"[yellow]no result[/] {escape(f'{g.good_id} ({g.hs}): {g.error}')}", highlight=False, markup=True
        )
    if s["flip_materials"]:
        rows = [
            [
                hs_format(f["hs"]) if f["hs"].isdigit() else f["hs"],
                str(f["goods"]),
                ", ".join(f["examples"][:3]),
            ]
            for f in s["flip_materials"]
        ]
        show_table(
            [Column("material HS"), Column("goods it would flip", numeric=True), Column("e.g.")],
            rows,
            title="materials whose originating sourcing would qualify the most failing goods "
            f"(cheapest single fix; {s['flips_examined']} failing goods examined)",
        )
    console.print(f"results: {s['results']}", highlight=False)
