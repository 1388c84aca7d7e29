"""Bill-of-materials import from CSV or XLSX, joined to a good file into a case.

``tmec qualify --bom bom.csv --good good.yaml``: ``good.yaml`` is a case file
without ``materials`` (date, good, rule, costs, valuation...); the BOM gives
the materials, one per row, under a header row (first sheet for XLSX).

Columns (header names, any order, case-insensitive; only ``value`` is required):

============  ===============================================================
id            material id (default: M<row>)
description   free text
hs            HS/HTS code, 4 to 10 digits, dots optional (write it as text in
              spreadsheets so that leading zeros survive)
origin        originating | non_originating | unknown (default unknown)
value         value of the material (decimal, >= 0)
quantity      quantity per good
weight_kg     weight, for the chapter 73 weight-share rules
country       ISO 3166 alpha-2 country of production
supplier      supplier name
role          material | retail_packaging | packing | accessory | indirect
parent        id of the self-produced material this row is an input of
self_produced true/false (yes/no, 1/0)
intermediate  true/false: designated intermediate material (self-produced only)
acc_vnm, acc_net_cost, acc_non_vnm_amount
              the material producer's accumulation statement (UR s.9)
============  ===============================================================

Every error names the file and the line (and column) of the bad cell.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from tmec.core.errors import InputError
from tmec.core.input_limits import MAX_MATERIAL_DEPTH, check_input_file
from tmec.origin.case import Case, parse_case
from tmec.origin.case_file import read_mapping

__all__ = ["COLUMNS", "load_bom_case", "read_bom"]

COLUMNS = (
    "id",
    "description",
    "hs",
    "origin",
    "value",
    "quantity",
    "weight_kg",
    "country",
    "supplier",
    "role",
    "parent",
    "self_produced",
    "intermediate",
    "acc_vnm",
    "acc_net_cost",
    "acc_non_vnm_amount",
)
_BOOL = {"true": True, "yes": True, "1": True, "y": True, "false": False, "no": False, "0": False, "n": False}
_ACC = {"acc_vnm": "vnm", "acc_net_cost": "net_cost", "acc_non_vnm_amount": "non_vnm_amount"}


def _rows_csv(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    check_input_file(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            header: list[str] | None = None
            for row in reader:
                if header is None:
                    header = [h.strip().lower() for h in row]
                    _check_header(header, path)
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                if len(row) > len(header):
                    raise InputError(
                        f"{len(row)} cells, but the header has {len(header)} columns",
                        source=str(path),
                        line=reader.line_num,
                    )
                yield reader.line_num, dict(zip(header, row, strict=False))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text CSV file", source=str(path)) from None


def _rows_xlsx(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import openpyxl  # type: ignore[import-untyped]  # imported on use: only XLSX imports need it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"not a readable XLSX workbook: {exc}", source=str(path)) from None
    sheet = book.worksheets[0]
    header: list[str] | None = None
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if header is None:
            header = [str(h or "").strip().lower() for h in row]
            _check_header(header, path)
            continue
        if all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        yield number, dict(zip(header, row, strict=False))
    book.close()


def _check_header(header: list[str], path: Path) -> None:
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise InputError(
            f"unknown column(s) {unknown}; expected some of {', '.join(COLUMNS)}", source=str(path), line=1
        )
    if "value" not in header:
        raise InputError("missing required column 'value'", source=str(path), line=1)


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and math.isfinite(value):
        # A spreadsheet shows (and its user typed) 15 significant digits; the binary float behind
        # a formula's result (0.1 * 3 -> 0.30000000000000004) is not what anyone wrote.
        return Decimal(f"{value:.15g}")
    return value


def read_bom(path: str | Path) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The materials of a CSV/XLSX bill of materials as case-file mappings, nested by ``parent``,
    and the line of each (by its field path, ``materials[2].materials[0]``)."""
    p = Path(path)
    source = str(path)
    if not p.is_file():
        raise InputError("no such file", source=source)
    rows = _rows_xlsx(p) if p.suffix.lower() in (".xlsx", ".xlsm") else _rows_csv(p)
    entries: list[tuple[int, dict[str, Any], str | None]] = []
    for line, row in rows:
        material: dict[str, Any] = {}
        parent = None
        for column, raw in row.items():
            value = _cell(raw)
            if not column or value is None:
                continue
            if column == "parent":
                parent = str(value)
            elif column in ("self_produced", "intermediate"):
                flag = _BOOL.get(str(value).lower())
                if flag is None:
                    raise InputError(
                        f"expected true or false, found {value!r}", source=source, line=line, field=column
                    )
                material[column] = flag
            elif column in _ACC:
                material.setdefault("accumulation", {})[_ACC[column]] = value
            elif column in ("hs", "id"):
                material[column] = _code_text(value)
            else:
                material[column] = value
        material.setdefault("id", f"M{line}")
        entries.append((line, material, parent))
    return _nest(entries, source)


def _code_text(value: Any) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value() and value.copy_abs() < 10**15:
        return str(int(value))
    return str(value)


def _nest(
    entries: list[tuple[int, dict[str, Any], str | None]], source: str
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    by_id: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, material, _ in entries:
        key = str(material["id"])
        if key in by_id:
            raise InputError(
                f"duplicate material id {key!r} (first on line {by_id[key][0]})",
                source=source,
                line=line,
                field="id",
            )
        by_id[key] = (line, material)
    top: list[dict[str, Any]] = []
    for line, material, parent in entries:
        if parent is None:
            top.append(material)
            continue
        if parent not in by_id:
            raise InputError(
                f"parent {parent!r} is not the id of any row", source=source, line=line, field="parent"
            )
        holder = by_id[parent][1]
        holder.setdefault("materials", []).append(material)
        holder.setdefault("self_produced", True)
    lines: dict[str, int] = {}
    line_of = {id(m): line for line, m, _ in entries}

    # Rows in a cycle of parent links never hang from a top row: they are what the walk misses.
    # The walk is iterative; depth is limited as a case's nesting is (TMEC_MAX_MATERIAL_DEPTH).
    stack: list[tuple[list[dict[str, Any]], str, int]] = [(top, "", 1)]
    while stack:
        items, prefix, depth = stack.pop()
        for i, m in enumerate(items):
            where = f"{prefix}materials[{i}]"
            lines[where] = line_of[id(m)]
            if depth > (limit := MAX_MATERIAL_DEPTH.value()):
                raise InputError(
                    f"parent links nest too deep: more than {limit} levels "
                    f"(raise it with {MAX_MATERIAL_DEPTH.env})",
                    source=source,
                    line=line_of[id(m)],
                    field="parent",
                )
            stack.append((m.get("materials", []), where + ".", depth + 1))
    if len(lines) != len(entries):
        stuck = sorted(line_of[id(m)] for _, m, _ in entries if line_of[id(m)] not in set(lines.values()))
        raise InputError(
            f"parent links form a cycle (lines {', '.join(map(str, stuck[:10]))})",
            source=source,
            line=stuck[0] if stuck else None,
            field="parent",
        )
    return top, lines


_FIELD = re.compile(r"^(materials\[\d+\](?:\.materials\[\d+\])*)(?:\.(.+))?$")
_COLUMN_OF = {
    "accumulation.vnm": "acc_vnm",
    "accumulation.net_cost": "acc_net_cost",
    "accumulation.non_vnm_amount": "acc_non_vnm_amount",
}


def load_bom_case(bom: str | Path, good: str | Path, *, locale: str | None = None) -> Case:
    """The case of ``good`` (a case file without materials) with the materials of ``bom``.

    Amounts written as text are read in the good file's ``locale:``, else in ``locale``."""
    data = read_mapping(good)
    if not isinstance(data, Mapping):
        raise InputError("expected a case mapping (date, good, ...)", source=str(good))
    if data.get("materials"):
        raise InputError(
            "the materials come from the BOM file: remove them from the good file",
            source=str(good),
            field="materials",
        )
    materials, lines = read_bom(bom)
    try:
        return parse_case({**data, "materials": materials}, source=str(good), locale=locale)
    except InputError as exc:
        match = _FIELD.match(exc.field or "")
        if not match:
            raise
        column = match.group(2)
        column = _COLUMN_OF.get(column or "", column)
        raise InputError(exc.message, source=str(bom), line=lines.get(match.group(1)), field=column) from None
