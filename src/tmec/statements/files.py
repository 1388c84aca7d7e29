"""Reading a statement file: YAML (a list under ``statements:``), CSV or XLSX (a header row).

The one place :mod:`tmec.statements` touches a file.  Rows come back with English
keys (Spanish headers are translated, see :mod:`tmec.statements.parse`) and the
line each came from, so that every bad row is named by its line.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tmec.core.errors import InputError
from tmec.core.safe_yaml import read_yaml_file_with_nodes
from tmec.statements.model import Statement
from tmec.statements.parse import ALL_FIELDS, canonical_field, parse_rows

__all__ = ["Row", "load_statements", "read_rows"]

Row = tuple[int | None, dict[str, Any]]


def load_statements(path: str | Path) -> list[Statement]:
    """Read and validate every row of ``path``; :class:`~tmec.statements.parse.BadRows` on any bad one."""
    return parse_rows(read_rows(path), source=str(path))


def read_rows(path: str | Path) -> list[Row]:
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", source=str(path))
    suffix = p.suffix.lower()
    if suffix in (".yaml", ".yml", ".json"):
        return _yaml_rows(p)
    if suffix == ".csv":
        return _csv_rows(p)
    if suffix == ".xlsx":
        return _xlsx_rows(p)
    raise InputError(
        f"expected a .yaml, .csv or .xlsx statement file, found {suffix or 'no suffix'!r}", source=str(p)
    )


def _header(cells: Sequence[Any], path: Path) -> list[str | None]:
    names = [str(c or "").strip() for c in cells]
    out = [canonical_field(n) if n else None for n in names]
    unknown = [n for n, c in zip(names, out, strict=True) if n and c is None]
    if unknown:
        raise InputError(
            f"unknown column(s) {unknown}; expected some of {', '.join(ALL_FIELDS)} (or their Spanish names)",
            source=str(path),
            line=1,
        )
    if "kind" not in out or "supplier" not in out:
        raise InputError(
            "the header needs at least kind (tipo) and supplier (proveedor)", source=str(path), line=1
        )
    return out


def _csv_rows(path: Path) -> list[Row]:
    out: list[Row] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            header: list[str | None] | None = None
            for cells in reader:
                if header is None:
                    header = _header(cells, path)
                    continue
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(header):
                    raise InputError(
                        f"{len(cells)} cells, but the header has {len(header)} columns",
                        source=str(path),
                        line=reader.line_num,
                    )
                out.append((reader.line_num, {k: v for k, v in zip(header, cells, strict=False) if k}))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text CSV file", source=str(path)) from None
    return out


def _xlsx_rows(path: Path) -> list[Row]:
    import openpyxl  # type: ignore[import-untyped]  # imported on use: only XLSX files need it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise InputError(f"not a readable XLSX workbook: {exc}", source=str(path)) from None
    out: list[Row] = []
    try:
        header: list[str | None] | None = None
        for number, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if header is None:
                header = _header(cells, path)
                continue
            if all(c is None or str(c).strip() == "" for c in cells):
                continue
            out.append((number, {k: v for k, v in zip(header, cells, strict=False) if k}))
    finally:
        book.close()
    return out


def _yaml_rows(path: Path) -> list[Row]:
    data, node = read_yaml_file_with_nodes(path)  # the input limits: size, aliases, depth
    if not isinstance(data, Mapping) or not isinstance(data.get("statements"), list):
        raise InputError(
            "expected a mapping with a list under 'statements:'", source=str(path), field="statements"
        )
    assert node is not None  # data is a mapping, so the document had a node
    items = next(v for k, v in node.value if k.value == "statements").value
    out: list[Row] = []
    for i, (item, item_node) in enumerate(zip(data["statements"], items, strict=True)):
        line = item_node.start_mark.line + 1
        if not isinstance(item, Mapping):
            raise InputError(
                f"expected a mapping, found {type(item).__name__}",
                source=str(path),
                line=line,
                field=f"statements[{i}]",
            )
        row: dict[str, Any] = {}
        for key, value in item.items():
            name = canonical_field(str(key))
            if name is None:
                raise InputError(
                    f"unknown field {key!r}; expected some of {', '.join(ALL_FIELDS)}",
                    source=str(path),
                    line=line,
                    field=f"statements[{i}]",
                )
            row[name] = (
                ";".join(map(str, value)) if isinstance(value, list) and name == "countries" else value
            )
        out.append((line, row))
    return out
