"""Request letters: one workbook per supplier, in Spanish and English, to fill in and send back.

The first sheet is the statement table `tmec statements import` reads back: a header row
(Spanish or English names) and one row per part asked for, with what tmec knows filled in
(kind, supplier, part, description, HS code) and the rest left for the supplier (origin or
accumulation figures, validity, signer, the evidence's hash).  The second sheet is the letter,
in both languages (a CBP verification asks for an English version of a Spanish document).
Nothing here writes a file: :func:`letter` returns the workbook, the caller saves it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tmec.core import hs
from tmec.statements.parse import FIELDS, SPANISH
from tmec.statements.requests import Request

__all__ = ["COLUMNS", "by_supplier", "file_name", "letter"]

# The statement layout less what these requests never ask (melt-and-pour countries, wages, shipments).
COLUMNS = tuple(f for f in FIELDS if f not in ("countries", "wage", "shipment"))
_TO_SPANISH = {en: es for es, en in SPANISH.items() if es.isascii()}
_KIND_ES = {"origin": "origen", "accumulation": "acumulacion"}

LETTER = {
    "en": [
        "Request for supplier statements",
        "",
        "To comply with the USMCA rules of origin we ask you to state, for each part listed in the "
        "sheet 'statements', whether it is originating (kind origin: originating or non_originating, "
        "with its HS code) or, for materials produced in the USMCA territory, the value of "
        "non-originating materials in it (kind accumulation: vnm, and net_cost if you use the net "
        "cost method; USMCA Art. 4.11, Uniform Regulations s.9).",
        "A statement may cover a blanket period of up to 12 months (valid_from to valid_to) or one "
        "shipment. Please give who signs it (signed_by) and, if you attach a signed document, its "
        "SHA-256 hash (evidence_sha256). Dates as YYYY-MM-DD. Leave the headers as they are.",
        "Return this workbook filled in. Thank you.",
    ],
    "es": [
        "Solicitud de declaraciones del proveedor",
        "",
        "Para cumplir las reglas de origen del T-MEC le pedimos declarar, para cada parte de la hoja "
        "'declaraciones', si es originaria (tipo origen: originaria o no_originaria, con su fracción "
        "arancelaria) o, para materiales producidos en territorio T-MEC, el valor de los materiales no "
        "originarios que contiene (tipo acumulacion: vmn, y costo_neto si usa el método de costo "
        "neto; T-MEC Art. 4.11, Reglamentaciones Uniformes s.9).",
        "Una declaración puede cubrir un periodo de hasta 12 meses (vigente_desde a vigente_hasta) o "
        "un embarque. Indique quién firma (firmado_por) y, si adjunta un documento firmado, su hash "
        "SHA-256 (evidencia_sha256). Fechas como AAAA-MM-DD. No modifique los encabezados.",
        "Devuelva este libro con los datos completos. Gracias.",
    ],
}


def by_supplier(requests: Sequence[Request]) -> dict[str, list[Request]]:
    """The requests grouped by supplier (parts without a supplier under "")."""
    out: dict[str, list[Request]] = {}
    for r in requests:
        out.setdefault(r.supplier or "", []).append(r)
    return out


def file_name(supplier: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", supplier).strip("-").lower() or "unknown-supplier"
    return f"{slug[:60]}.xlsx"


def _row(r: Request, language: str) -> list[Any]:
    asks = r.kind if r.kind != "renewal" else "origin"
    kind = _KIND_ES.get(asks, asks) if language == "es" else asks
    values = {
        "kind": kind,
        "supplier": r.supplier or "",
        "part": r.part,
        "description": r.description or "",
        "hs": hs.format(r.hs) if r.hs else "",
    }
    return [values.get(c, "") for c in COLUMNS]


def letter(supplier: str, requests: Sequence[Request], language: str = "es") -> Any:
    """The workbook for one supplier (an ``openpyxl.Workbook``): the table first, then the letter."""
    import openpyxl  # type: ignore[import-untyped]  # imported on use: only letters need it

    book = openpyxl.Workbook()
    table = book.active
    table.title = "declaraciones" if language == "es" else "statements"
    table.append([_TO_SPANISH.get(c, c) if language == "es" else c for c in COLUMNS])
    for r in requests:
        table.append(_row(r, language))
    for row in table.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"  # text: HS codes and part numbers keep their zeros
    for column, width in zip(
        "ABCDEFGHIJKLM", (14, 28, 18, 32, 12, 16, 10, 10, 14, 14, 14, 22, 66), strict=True
    ):
        table.column_dimensions[column].width = width
    for lang in ("es", "en") if language == "es" else ("en", "es"):
        sheet = book.create_sheet("carta" if lang == "es" else "letter")
        sheet.append([LETTER[lang][0] + (f": {supplier}" if supplier else "")])
        for line in LETTER[lang][1:]:
            sheet.append([line])
        sheet.column_dimensions["A"].width = 120
    return book
