"""A spreadsheet as a grid of text cells, so a bad cell can be shown in place with its message."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from tmec.api.uploads import Upload

MAX_ROWS = 200


@dataclass
class Grid:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line in the file, cells)
    bad_line: int | None = None
    bad_column: int | None = None
    message: str | None = None
    more: int = 0


def grid_of(upload: Upload, bad_line: int | None, bad_field: str | None, message: str) -> Grid | None:
    """The uploaded CSV or XLSX (first sheet) around its bad cell; None when it cannot be read."""
    try:
        if upload.suffix == ".xlsx":
            from openpyxl import load_workbook  # type: ignore[import-untyped]

            book = load_workbook(io.BytesIO(upload.data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            table = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            book.close()
        else:
            table = list(csv.reader(io.StringIO(upload.data.decode("utf-8-sig"))))
    except Exception:  # a file the reader cannot parse at all: the message alone says why
        return None
    if not table:
        return None
    header = table[0]
    column = header.index(bad_field) if bad_field in header else None
    rows = list(enumerate(table[1:], start=2))
    start = 0
    if bad_line is not None and bad_line > MAX_ROWS:
        start = bad_line - MAX_ROWS // 2
    shown = rows[start : start + MAX_ROWS]
    return Grid(header, shown, bad_line, column, message, max(0, len(rows) - start - len(shown)))
