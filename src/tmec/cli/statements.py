"""``tmec statements import|withdraw|list|due|requests``: the supplier statements behind origin.

Statements live in the store under ``$TMEC_HOME`` (or ``$TMEC_DATABASE_URL``); every recording,
withdrawal and expiry is a leaf of the transparency log.  Exit 2 on bad input, nothing written.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._statements_store import impact_of, open_book
from tmec.core.dates import parse_date
from tmec.core.errors import InputError

if TYPE_CHECKING:
    from tmec.statements.model import Statement

DATE_HELP = "ISO date (default: today)"


def _day(value: str | None, name: str = "--date") -> dt.date:
    return parse_date(value, field=name) if value else dt.date.today()


def _row(st: Statement, day: dt.date) -> dict[str, Any]:
    return {**st.citation(), "hs": st.hs, "status": st.status(day), "withdrawn_on": st.withdrawn_on}


@click.group("statements")
def command() -> None:
    """Supplier statements: origin, accumulation (UR s.9), melt-and-pour, smelt-and-cast, LVC wage."""


@command.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help='{"imported": N, "ids": [...]}')
@handles_errors
def import_(file: str, as_json: bool) -> None:
    """Record the statements of FILE (YAML under `statements:`, CSV or XLSX; English or Spanish headers).

    Every bad row is named with its line and nothing is written (exit 2).  A statement already in
    the store (same content) is not recorded twice.
    """
    from tmec.statements.files import load_statements

    statements = load_statements(file)
    b = open_book()
    done = b.record(statements)
    b.record_expiries(dt.date.today())
    if as_json:
        emit_json({"imported": done.new, "ids": done.ids, "already_recorded": len(done.ids) - done.new})
    else:
        console.print(
            f"{done.new} statement(s) recorded from {file}"
            + (f" ({len(done.ids) - done.new} already in the store)" if done.new < len(done.ids) else ""),
            highlight=False,
        )


@command.command("withdraw")
@click.argument("statement_id", metavar="ID")
@click.option("--date", "day", help=f"withdrawn from this day on; {DATE_HELP}")
@click.option("--reason", help="why the supplier withdrew it")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def withdraw(statement_id: str, day: str | None, reason: str | None, as_json: bool) -> None:
    """Record the withdrawal of statement ID; list the certificates that relied on it."""
    when = _day(day)
    b = open_book(create=False)
    st = b.withdraw(statement_id, when, reason)
    impact = impact_of(b, [st])
    if as_json:
        emit_json({"withdrawn": statement_id, "day": when, **impact})
    else:
        console.print(f"{statement_id} withdrawn from {when} ({st.supplier}, {st.part or st.description})")
        _show_impact(impact)


def _show_impact(impact: dict[str, Any]) -> None:
    for c in impact["certificates"]:
        console.print(
            f"  certificate {c['certificate_id']}: {c['action'].upper()} — {c['why']}", highlight=False
        )
    if not impact["certificates"]:
        console.print("  no certification of origin relied on it")


@command.command("list")
@click.option("--date", "day", help=f"status on this day; {DATE_HELP}")
@click.option("--supplier", help="only this supplier's statements")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def list_(day: str | None, supplier: str | None, as_json: bool) -> None:
    """Every statement with its status on --date (in force, not yet, expired, withdrawn)."""
    from tmec.statements.model import supplier_key

    when = _day(day)
    b = open_book()
    b.record_expiries(dt.date.today())
    found = b.all()
    if supplier is not None:
        found = [st for st in found if st.supplier_key == supplier_key(supplier)]
    rows = [_row(st, when) for st in found]
    if as_json:
        emit_json(rows)
        return
    table = Table(
        "id", "kind", "supplier", "part", "states", "valid", "status", title=f"statements on {when}"
    )
    for st, r in zip(found, rows, strict=True):
        table.add_row(
            st.id, st.kind, st.supplier, st.part or st.description or "", st.what(), st.validity, r["status"]
        )
    console.print(table)


_WITHIN = re.compile(r"(\d+)\s*d")


@command.command("due")
@click.option("--within", default="30d", show_default=True, help="days ahead, e.g. 30d")
@click.option("--date", "day", help=f"counted from this day; {DATE_HELP}")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def due(within: str, day: str | None, as_json: bool) -> None:
    """Statements in force that expire within --within days: the ones to renew, soonest first."""
    m = _WITHIN.fullmatch(within.strip())
    if not m:
        raise InputError(f"expected a number of days such as 30d, found {within!r}", field="--within")
    when = _day(day)
    until = when + dt.timedelta(days=int(m.group(1)))
    b = open_book()
    b.record_expiries(dt.date.today())
    found = sorted(
        (st for st in b.all() if st.in_force(when) and st.valid_to <= until),
        key=lambda st: (st.valid_to, st.supplier_key, st.part or ""),
    )
    rows = [{**_row(st, when), "days_left": (st.valid_to - when).days} for st in found]
    if as_json:
        emit_json(rows)
        return
    table = Table("expires", "days", "supplier", "part", "kind", "id", title=f"to renew by {until}")
    for st, r in zip(found, rows, strict=True):
        table.add_row(str(st.valid_to), str(r["days_left"]), st.supplier, st.part or "", st.kind, st.id)
    console.print(table)
    if not found:
        console.print(f"nothing expires between {when} and {until}")


__all__ = ["command"]
