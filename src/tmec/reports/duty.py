"""``tmec duty --entries FILE --json`` / ``POST /api/v1/duty`` (a batch): every line and the totals."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tmec.core.errors import InputError
from tmec.core.money import quantize
from tmec.tariffs import Duty, Entry, TariffTables, entry_from_mapping


def latest_warning(duties: Sequence[Duty]) -> str | None:
    """The warning of the latest entry date, if the law does not reach it."""
    dated = [d for d in duties if d.warning]
    return max(dated, key=lambda d: d.entry.entry_date).warning if dated else None


def batch_document(duties: Sequence[Duty], basis: str, tables: TariffTables) -> dict[str, Any]:
    total = sum((d.total_duty for d in duties), Decimal(0))
    value = sum((d.entry.value for d in duties), Decimal(0))
    return {
        "basis": basis,
        "entries": [d.to_dict() for d in duties],
        "total_duty": str(total),
        "total_value": str(value),
        "effective_rate": str(quantize(total * 100 / value, 4)) if value else "0",
        "law_as_of": tables.law_as_of.isoformat() if tables.law_as_of else None,
        "warning": latest_warning(duties),
    }


def entries_from_csv(text: str, source: str, locale: str | None = None) -> list[Entry]:
    """Entry lines from CSV text (columns ``entry_date, hts, origin, value`` and the optional ones)."""
    reader = csv.DictReader(text.splitlines())
    required = {"hts", "origin", "value"}
    header = set(reader.fieldnames or [])
    if not required <= header or not ({"entry_date", "date"} & header):
        raise InputError(
            f"expected columns entry_date, hts, origin, value; found {', '.join(sorted(header)) or 'none'}",
            source=source,
            line=1,
        )
    return [
        entry_from_mapping(row, source=source, line=n, locale=locale) for n, row in enumerate(reader, start=2)
    ]
