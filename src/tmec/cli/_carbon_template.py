"""The EU "CBAM Communication template for installations" (V2.x .xlsx) as actual data.

Layout read (spec carbon.md §8; checked on the Commission's V2.1 steel example): sheet
``Summary_Products`` from row 10, column F the CN code, I/J/K the SEE direct/indirect/total
(t CO2e/t; cached values of the template's formulas); sheet ``A_InstData``: I9/L9 the
reporting period, I20 the installation's name, S26 its country code, I37 the verifier's
company.  The template names routes in words, not the benchmark letters: a good whose
column-A benchmark depends on the route needs ``--route``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tmec.carbon.actual import ActualData, ActualGood, Installation
from tmec.core.countries import country
from tmec.core.errors import InputError
from tmec.core.money import to_decimal

__all__ = ["read_template"]

PRODUCTS = "Summary_Products"
INSTALLATION = "A_InstData"
FIRST_ROW = 10
NUMBER_COL, CN_COL, DIRECT_COL, INDIRECT_COL = 2, 5, 8, 9  # C, F, I, J (0-based)


def _cell(ws: Any, ref: str) -> Any:
    return ws[ref].value


def read_template(path: Path) -> ActualData:
    import openpyxl  # type: ignore[import-untyped]  # imported on use: only templates need it

    source = str(path)
    try:
        wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(f"not a readable .xlsx workbook ({type(exc).__name__})", source=source) from None
    try:
        missing = [s for s in (PRODUCTS, INSTALLATION) if s not in wb.sheetnames]
        if missing:
            raise InputError(
                f"not a CBAM communication template: no sheet {', '.join(missing)}", source=source
            )
        goods: list[ActualGood] = []
        for i, row in enumerate(wb[PRODUCTS].iter_rows(min_row=FIRST_ROW, values_only=True), start=FIRST_ROW):
            if (
                len(row) <= INDIRECT_COL
                or not isinstance(row[NUMBER_COL], int)
                or isinstance(row[NUMBER_COL], bool)
            ):
                break  # the product table's rows are numbered in column C; hidden helper tables follow it
            cn = row[CN_COL]
            if cn in (None, "", "n.a."):
                continue
            where = f"{PRODUCTS}!F{i}"
            digits = str(cn).strip().replace(" ", "")
            if len(digits) != 8 or not digits.isdigit():
                raise InputError(f"expected an 8-digit CN code, found {cn!r}", source=source, field=where)
            direct = to_decimal(row[DIRECT_COL], field=f"{PRODUCTS}!I{i}", source=source)
            raw_ind = row[INDIRECT_COL]
            indirect = (
                None
                if raw_ind in (None, "", "n.a.")
                else to_decimal(raw_ind, field=f"{PRODUCTS}!J{i}", source=source)
            )
            goods.append(
                ActualGood(
                    cns=(digits,), route=None, see_direct=direct, see_indirect=indirect, process_direct=None
                )
            )
        if not goods:
            raise InputError(f"no products with a CN code on sheet {PRODUCTS}", source=source)
        inst = wb[INSTALLATION]
        start, end = _cell(inst, "I9"), _cell(inst, "L9")
        code = _cell(inst, "S26")
        verifier = _cell(inst, "I37")
        flags: list[str] = []
        period_from = start.date() if isinstance(start, dt.datetime) else None
        period_to = end.date() if isinstance(end, dt.datetime) else None
        if period_to is not None and period_to < dt.date(2026, 1, 1):
            flags.append(
                f"template reporting period ends {period_to.isoformat()}, before the definitive period: "
                "emissions of goods produced before 2026 cannot be verified (Q&A §5.20)"
            )
        return ActualData(
            installation=Installation(
                id=str(_cell(inst, "I27") or "") or None,
                name=str(_cell(inst, "I20") or "") or None,
                country=country(code, field=f"{INSTALLATION}!S26", source=source) if code else None,
            ),
            period_from=period_from,
            period_to=period_to,
            verified=bool(verifier),
            verifier=str(verifier) if verifier else None,
            goods=tuple(goods),
            source=source,
            extra_flags=tuple(flags),
        )
    finally:
        wb.close()
