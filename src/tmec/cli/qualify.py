"""``tmec qualify CASE [--date D] [--method M] [--json]``: is the good USMCA-originating?

Also ``tmec qualify --bom bom.csv|bom.xlsx --good good.yaml`` (column layout in
:mod:`tmec.origin.bom`).  Exit 0 originating, 1 not originating, 2 bad input.
"""

from __future__ import annotations

import sys

import click
from rich.markup import escape

from tmec.cli._automotive import show_automotive
from tmec.cli._common import EXIT_FAIL, EXIT_OK, console, emit_json, handles_errors
from tmec.cli._locale import locale_option
from tmec.cli._statements_store import case_statements
from tmec.cli._table import Column, show_table
from tmec.core import hs
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.i18n import Locale, cli_language
from tmec.origin import Case, Determination, load_case
from tmec.origin.bom import load_bom_case
from tmec.origin.case import METHODS
from tmec.statements import qualify_with_statements

MAX_MATERIAL_ROWS = 15


@click.command("qualify")
@click.argument("case", required=False, type=click.Path(dir_okay=False))
@click.option("--date", "day", help="apply the law in force on this ISO date (default: the case's date)")
@click.option(
    "--method", metavar="|".join(METHODS), help="RVC method (default: every method the rule allows)"
)
@click.option("--bom", type=click.Path(dir_okay=False), help="bill of materials, CSV or XLSX")
@click.option("--good", "good_file", type=click.Path(dir_okay=False), help="the good's case file, for --bom")
@click.option(
    "--no-statements",
    is_flag=True,
    help="ignore the supplier statements in the store (as `statements: off` in the case does)",
)
@click.option("--json", "as_json", is_flag=True, help="the result as JSON (docs/case-format.md)")
@click.option(
    "--lang", type=click.Choice(["en", "es"]), help="language of the headings (default: $TMEC_LANG, $LANG)"
)
@locale_option
@handles_errors
def command(
    case: str | None,
    day: str | None,
    method: str | None,
    bom: str | None,
    good_file: str | None,
    no_statements: bool,
    as_json: bool,
    lang: str | None,
    locale: str | None = None,
) -> None:
    """Decide whether the good of CASE is USMCA-originating, and explain why with the law."""
    if bom is not None or good_file is not None:
        if case is not None or bom is None or good_file is None:
            raise InputError("give either CASE, or both --bom and --good", field="arguments")
        the_case = load_bom_case(bom, good_file, locale=locale)
    elif case is None:
        raise InputError("give a CASE file (or --bom with --good)", field="CASE")
    else:
        the_case = load_case(case, locale=locale)
    when = parse_date(day, field="--date") if day else None
    # The supplier statements in force that day (tmec statements import) settle materials of
    # unknown origin; the explanation cites each one it relied on.
    statements = [] if no_statements else case_statements(the_case, when)
    det, _ = qualify_with_statements(the_case, statements, date=when, method=method)
    if as_json:
        emit_json(det.to_dict())
    else:
        _show(the_case, det, cli_language(lang))
    sys.exit(EXIT_OK if det.originating else EXIT_FAIL)


def _pct(value: object) -> str:
    return f"{value:.4f}"


def _show(case: Case, det: Determination, loc: Locale) -> None:
    _ = loc.gettext
    good = det.good
    title = f"{case.id + ': ' if case.id else ''}{good.description or 'good'} ({hs.format(good.hs)})"
    verdict = (
        f"[bold green]{_('ORIGINATING')}[/] — {_('criterion')} {det.criterion}"
        if det.originating
        else f"[bold red]{_('NOT ORIGINATING')}[/]"
    )
    console.print(
        f"[bold]{escape(title)}[/] {_('on')} {det.date.isoformat()}: {verdict}", highlight=False, markup=True
    )

    if case.materials:
        rows: list[list[str]] = []
        by_value = sorted(case.materials, key=lambda m: m.value, reverse=True)
        for m in by_value[:MAX_MATERIAL_ROWS]:
            origin = m.origin if m.role == "material" else m.role.replace("_", " ")
            if m.self_produced:
                origin = "self-produced, intermediate" if m.intermediate else "self-produced"
            rows.append([m.id, hs.format(m.hs) if m.hs else "—", origin, str(m.value)])
        if len(by_value) > MAX_MATERIAL_ROWS:
            rows.append([f"… {len(by_value) - MAX_MATERIAL_ROWS} more", "", "", ""])
        columns = [Column("material"), Column("HS"), Column("origin"), Column("value", numeric=True)]
        show_table(columns, rows, title="Bill of materials")

    shown = {k: v for k, v in det.rvc.items() if v is not None}
    if shown:
        rvc_rows = [
            [
                method.replace("_", " "),
                str(v.base),
                str(v.vnm),
                _pct(v.value),
                str(v.threshold),
                f"{v.margin:+.4f}",
                "pass" if v.passed else "fail",
            ]
            for method, v in shown.items()
        ]
        numbers = ("base", "VNM", "RVC %", "threshold %", "margin pp")
        show_table([Column("RVC method"), *(Column(n, numeric=True) for n in numbers), Column("")], rvc_rows)
    ts = det.tariff_shift
    if ts.required:
        state = "passed" if ts.passed else "failed"
        console.print(
            f"Tariff shift: {state}; {len(ts.failing_materials)} material(s) failing", highlight=False
        )
        for f in ts.failing_materials[:10]:
            code = hs.format(f.hs) if f.hs else "no HS"
            console.print(f"  - {f.id} ({code}): {loc.explain(f.reason)}", highlight=False)

    show_automotive(det.automotive)
    console.print(f"\n[bold]{_('Why')}[/]", markup=True)
    for i, step in enumerate(det.explanation, start=1):
        mark = {True: "[green]✓[/]", False: "[red]✗[/]", None: "·"}[step.passed]
        console.print(
            f"{i:>3}. {mark} [cyan]{escape(step.step)}[/]: {escape(loc.explain(step.result))}",
            highlight=False,
            markup=True,
        )
        console.print(f"       [dim]{escape(step.reference)}[/]", highlight=False, markup=True)
    if det.questions:
        console.print(
            f"\n[bold]{_('Questions that would change the outcome')}[/] {_('(most decisive first)')}",
            markup=True,
        )
        for q in det.questions:
            console.print(f"  ? {loc.explain(q.text)}", highlight=False)
    if det.cheapest_flip and not det.originating:
        flip = det.cheapest_flip
        console.print(
            f"\nCheapest single flip: {flip['material']} (value {flip['value']}) — {flip['qualifies']}",
            highlight=False,
        )
