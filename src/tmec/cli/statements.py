"""``tmec statements import|withdraw|list|due|requests``: the supplier statements behind origin.

Statements live in the store under ``$TMEC_HOME`` (or ``$TMEC_DATABASE_URL``); every recording,
withdrawal and expiry is a leaf of the transparency log.  Exit 2 on bad input, nothing written.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tmec.cli._common import console, emit_json, handles_errors
from tmec.cli._statements_store import impact_of, open_book, sign_checkpoint, sweep, warn_actions
from tmec.cli._table import Column, show_table
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
    sign_checkpoint(b)
    warn_actions(sweep(b, dt.date.today(), decide=False)[1])
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
@click.option(
    "--bom",
    "bom_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="a portfolio (BOM_DIR) to re-qualify where the statement was used, on --date",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def withdraw(
    statement_id: str, day: str | None, reason: str | None, bom_dir: Path | None, as_json: bool
) -> None:
    """Record the withdrawal of statement ID; list the certificates that relied on it (amend or
    revoke) and, with --bom, the goods that lose their origin (where-used re-qualification)."""
    when = _day(day)
    b = open_book(create=False)
    st = b.withdraw(statement_id, when, reason)
    sign_checkpoint(b)
    sweep(b, dt.date.today(), decide=False)
    impact = impact_of(b, [st])
    if bom_dir is not None:
        others = [s for s in b.all(in_force_on=when) if s.id != st.id]
        impact["portfolio"] = _requalify(bom_dir, when, others, [st])
    if as_json:
        emit_json({"withdrawn": statement_id, "day": when, **impact})
    else:
        console.print(f"{statement_id} withdrawn from {when} ({st.supplier}, {st.part or st.description})")
        _show_impact(impact["certificates"])
        if "portfolio" in impact:
            _show_portfolio(bom_dir, impact["portfolio"])


def _requalify(bom_dir: Path, day: dt.date, others: list[Statement], gone: list[Statement]) -> dict[str, Any]:
    """The portfolio on ``day`` as it stood with ``gone`` in force, re-qualified where-used without them."""
    from tmec.engine import connect
    from tmec.engine.requests import lapse_requalify

    with connect("duckdb") as e:
        return lapse_requalify(e, bom_dir, day, others, gone).to_dict()


def _outcome(value: bool | None) -> str:
    return {True: "originating", False: "not originating", None: "error"}[value]


def _show_portfolio(bom_dir: Path | None, found: dict[str, Any]) -> None:
    goods = found["goods_requalified"]
    console.print(
        f"  {bom_dir}: {len(found['parts'])} part(s) it settled, {len(goods)} good(s) re-qualified "
        "where used, "
        f"{len(found['goods_no_longer_originating'])} no longer originating",
        highlight=False,
    )
    changed = [g for g in goods if g["before"] != g["after"]] or goods
    for g in changed[:20]:
        console.print(
            f"    {g['good_id']}: {_outcome(g['before'])} -> {_outcome(g['after'])}"
            + (f" (criterion {g['criterion']})" if g["after"] else ""),
            highlight=False,
        )
    if len(changed) > 20:
        console.print(f"    ... and {len(changed) - 20} more (--json for all)")


def _show_impact(
    actions: list[dict[str, Any]], none: str = "no certification of origin relied on it"
) -> None:
    for c in actions:
        console.print(
            f"  certificate {c['certificate_id']}: {c['action'].upper()} — {c['why']}", highlight=False
        )
    if not actions:
        console.print(f"  {none}")


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
    warn_actions(sweep(b, dt.date.today(), decide=False)[1])
    found = b.all()
    if supplier is not None:
        found = [st for st in found if st.supplier_key == supplier_key(supplier)]
    rows = [_row(st, when) for st in found]
    if as_json:
        emit_json(rows)
        return
    cols = [Column(c) for c in ("id", "kind", "supplier", "part", "states", "valid", "status")]
    show_table(
        cols,
        [
            [st.id, st.kind, st.supplier, st.part or st.description or "", st.what(), st.validity, status]
            for st, status in zip(found, (r["status"] for r in rows), strict=True)
        ],
        title=f"statements on {when}",
    )


_WITHIN = re.compile(r"(\d+)\s*d")


def _within(text: str) -> dt.timedelta:
    m = _WITHIN.fullmatch(text.strip())
    if not m:
        raise InputError(f"expected a number of days such as 30d, found {text!r}", field="--within")
    return dt.timedelta(days=int(m.group(1)))


@command.command("due")
@click.option("--within", default="30d", show_default=True, help="days ahead, e.g. 30d")
@click.option("--date", "day", help=f"counted from this day; {DATE_HELP}")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def due(within: str, day: str | None, as_json: bool) -> None:
    """Statements in force that expire within --within days: the ones to renew, soonest first."""
    when = _day(day)
    until = when + _within(within)
    b = open_book()
    _, actions = sweep(b, dt.date.today())
    found = sorted(
        (st for st in b.all() if st.in_force(when) and st.valid_to <= until),
        key=lambda st: (st.valid_to, st.supplier_key, st.part or ""),
    )
    rows = [{**_row(st, when), "days_left": (st.valid_to - when).days} for st in found]
    if as_json:
        emit_json(rows)
        return
    cols = [Column("expires"), Column("days", numeric=True), *map(Column, ("supplier", "part", "kind", "id"))]
    show_table(
        cols,
        [
            [str(st.valid_to), str(r["days_left"]), st.supplier, st.part or "", st.kind, st.id]
            for st, r in zip(found, rows, strict=True)
        ],
        title=f"to renew by {until}",
    )
    if not found:
        console.print(f"nothing expires between {when} and {until}")
    if actions:
        console.print("certifications of origin citing a statement that expired or was withdrawn:")
        _show_impact(actions)


@command.command("expire")
@click.option("--date", "day", help="notice the expiries up to this day (not after today); default today")
@click.option(
    "--bom",
    "bom_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="a portfolio (BOM_DIR) to re-qualify on --date where the statements that expired were used",
)
@click.option(
    "--within",
    default="30d",
    show_default=True,
    help="with --bom: the statements whose period ended within these days before --date",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@handles_errors
def expire(day: str | None, bom_dir: Path | None, within: str, as_json: bool) -> None:
    """Log the expiry of every statement whose period has ended (a leaf of the transparency log,
    once each) and list every live certification citing a statement that expired or was withdrawn,
    qualified again without it: AMEND or REVOKE.  Each is listed until it is amended or revoked.

    The same sweep runs on every `tmec statements` command (run this one daily, e.g. from cron);
    `tmec qualify` and `tmec portfolio` never write to the store, and never use an expired statement.
    """
    today = dt.date.today()
    when = _day(day)
    if when > today:
        raise InputError(
            f"an expiry is noticed, not foreseen: {when} is after today ({today}); "
            "`tmec statements due` looks ahead",
            field="--date",
        )
    b = open_book(create=False)
    expired, actions = sweep(b, when)
    out: dict[str, Any] = {"day": when, "expired": expired, "certificates": actions}
    if bom_dir is not None:
        since = when - _within(within)
        statements = b.all()
        gone = [st for st in statements if since <= st.valid_to < when and st.withdrawn_on is None]
        others = [st for st in statements if st.in_force(when)]
        out["portfolio"] = _requalify(bom_dir, when, others, gone)
    if as_json:
        emit_json(out)
        return
    if expired:
        console.print(f"{len(expired)} statement(s) expired since the last sweep: {', '.join(expired[:20])}",
                      highlight=False)  # fmt: skip
    else:
        console.print("no statement expired since the last sweep")
    _show_impact(actions, "no live certification of origin cites an expired or withdrawn statement")
    if "portfolio" in out:
        _show_portfolio(bom_dir, out["portfolio"])


@command.command("requests")
@click.argument("paths", metavar="CASE_OR_BOM_DIR...", nargs=-1, required=True, type=click.Path())
@click.option(
    "--date", "day", help="qualify on this ISO date (default: each case's date; required for a BOM)"
)
@click.option("--within", default="60d", show_default=True, help="renew statements expiring within, e.g. 60d")
@click.option(
    "--letters",
    type=click.Path(file_okay=False, path_type=Path),
    help="write one request workbook per supplier (XLSX, to fill in and `tmec statements import`) here",
)
@click.option("--language", type=click.Choice(["es", "en"]), default="es", show_default=True,
              help="the letters' column headers (the letter itself is in both languages)")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="the requests, most settling first")
@handles_errors
def requests(
    paths: tuple[str, ...],
    day: str | None,
    within: str,
    letters: Path | None,
    language: str,
    as_json: bool,
) -> None:
    """What to ask of whom: per supplier and part, the goods the answer could change, most settling first.

    CASE files (one or more), or one BOM_DIR (portfolio tables; needs --date).  Renewals: the
    statements the goods rely on that expire within --within, with the certificates citing them.
    """
    from tmec.cli._statements_store import store_exists

    window = _within(within)
    when = parse_date(day, field="--date") if day else None
    book = open_book(create=False) if store_exists() else None
    if book is not None:
        warn_actions(sweep(book, dt.date.today(), decide=False)[1])
    statements = book.all() if book is not None else []
    certificates = book.certificate_worksheets() if book is not None else []
    if len(paths) == 1 and Path(paths[0]).is_dir():
        from tmec.engine import connect
        from tmec.engine.requests import portfolio_requests

        if when is None:
            raise InputError("a BOM directory is qualified on --date", field="--date")
        with connect("duckdb") as e:
            found = portfolio_requests(
                e, Path(paths[0]), when, statements, within=window, certificates=certificates
            )
    else:
        from tmec.origin import load_case
        from tmec.statements.requests import case_requests

        cases = [load_case(p) for p in paths]
        found = case_requests(cases, statements, day=when, within=window, certificates=certificates)
    written = _write_letters(found, letters, language) if letters is not None else []
    if as_json:
        from tmec.statements.requests_json import requests_json

        for piece in requests_json(found):
            click.echo(piece, nl=False)
        click.echo()
        return
    cols = [
        Column("#", numeric=True),
        *map(Column, ("supplier", "part", "ask", "goods it could change")),
        Column("value at stake", numeric=True),
        Column("certificates"),
    ]
    rows: list[list[str]] = []
    for r in found[:50]:
        goods = ", ".join(r.goods[:3]) + (f" (+{len(r.goods) - 3})" if len(r.goods) > 3 else "")
        ask = r.kind if r.statement is None else f"renew {r.statement} (ends {r.expires})"
        cited_by = ", ".join(r.certificates)
        rows.append([str(r.priority), r.supplier or "?", r.part, ask, goods, str(r.value_at_stake), cited_by])
    show_table(cols, rows)
    if len(found) > 50:
        console.print(f"... and {len(found) - 50} more (--json for all)")
    for path in written:
        console.print(f"wrote {path}", highlight=False)


def _write_letters(found: list[Any], target: Path, language: str) -> list[Path]:
    from tmec.statements.letters import by_supplier, file_name, letter

    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", source=str(target)) from None
    out = []
    for supplier, items in sorted(by_supplier(found).items()):
        path = target / file_name(supplier)
        tmp = path.with_suffix(".xlsx.tmp")
        letter(supplier, items, language).save(tmp)
        tmp.replace(path)  # a reader never sees half a workbook
        out.append(path)
    return out


__all__ = ["command"]
