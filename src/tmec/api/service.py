"""What the API and the web pages do with a request, once: parse, call the library, render.

Every function here takes what a user sent (bytes and their names, strings) and returns
the library's result; the API renders it as the CLI's JSON, the web pages as HTML.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from tmec.api.uploads import Upload, workdir
from tmec.core.dates import parse_date
from tmec.core.errors import InputError
from tmec.origin import Case, Determination, load_case
from tmec.origin.bom import load_bom_case
from tmec.origin.case import METHODS
from tmec.reports import dumps
from tmec.statements import pinned_off, qualify_with_statements
from tmec.statements.model import Statement
from tmec.store.db import Store
from tmec.store.statements import StatementBook
from tmec.tariffs import Duty, entry_from_mapping, price_entry
from tmec.tariffs.pricing import default_tables

CASE_KINDS = (".yaml", ".yml", ".json")
BOM_KINDS = (".csv", ".xlsx")


def json_text(obj: Any) -> str:
    """The document exactly as ``tmec ... --json`` prints it (with its final newline)."""
    return dumps(obj) + "\n"


def optional_date(value: str | None, field: str = "--date") -> dt.date | None:
    return parse_date(value, field=field) if value else None


def check_method(method: str | None) -> str | None:
    if method and method not in METHODS:
        raise InputError(f"expected one of {', '.join(METHODS)}, found {method!r}", field="--method")
    return method or None


# The statements `tmec qualify` relies on (tmec.cli._statements_store.USED_KINDS; a test keeps them equal).
STATEMENT_KINDS = ("origin", "accumulation")

StatementsOn: TypeAlias = Callable[[dt.date], Sequence[Statement]]


def statements_in(store: Store) -> StatementsOn:
    """The supplier statements of ``store`` in force on a day, as ``tmec qualify`` reads them."""
    book = StatementBook(store)
    return lambda day: book.all(in_force_on=day, kinds=STATEMENT_KINDS)


def determine(
    case: Case, day: str | None, method: str | None, statements: StatementsOn | None
) -> tuple[Case, Determination]:
    """As ``tmec qualify``: the statements in force that day settle materials of unknown origin, unless
    the case says ``statements: off`` (or the caller gives none: ``no_statements``)."""
    when, how = optional_date(day), check_method(method)
    found: Sequence[Statement] = []
    if statements is not None and not pinned_off(case):
        found = statements(when or case.date)
    det, _ = qualify_with_statements(case, found, date=when, method=how)
    return case, det


def qualify_case(
    case: Upload, day: str | None = None, method: str | None = None, statements: StatementsOn | None = None
) -> tuple[Case, Determination]:
    """``tmec qualify CASE``: the case file as uploaded (YAML or JSON)."""
    optional_date(day)  # the CLI checks its options before it reads the file
    check_method(method)
    with workdir() as wd:
        the_case = load_case(wd.put("case", case, CASE_KINDS, "case"))
    return determine(the_case, day, method, statements)


def qualify_bom(
    bom: Upload,
    good: Upload,
    day: str | None = None,
    method: str | None = None,
    statements: StatementsOn | None = None,
) -> tuple[Case, Determination]:
    """``tmec qualify --bom BOM --good GOOD``: a spreadsheet of materials and the good's case file."""
    optional_date(day)
    check_method(method)
    with workdir() as wd:
        the_case = load_bom_case(
            wd.put("bom", bom, BOM_KINDS, "bom"), wd.put("good", good, CASE_KINDS, "good")
        )
    return determine(the_case, day, method, statements)


def price_line(line: Any, basis: str, field_prefix: str | None = None, line_no: int | None = None) -> Duty:
    if not isinstance(line, dict):
        raise InputError(
            "expected an object with entry_date, hts, origin, value", field=field_prefix or "body"
        )
    try:
        return price_entry(entry_from_mapping(line), tables=default_tables(), basis=basis)
    except InputError as exc:
        raise exc.located(field_prefix=field_prefix, line=line_no) from None


def check_basis(basis: str) -> str:
    if basis not in ("liability", "deposited"):
        raise InputError(f"expected liability or deposited, found {basis!r}", field="--basis")
    return basis


def media_type_is_csv(request: Any) -> bool:
    return str(request.headers.get("content-type", "")).split(";")[0].strip().lower() == "text/csv"
