"""Parsers for the two official USITC schedule formats (pure: they take rows, not files).

* **HTS JSON export** (``hts.usitc.gov`` "Export" / ``reststop``): one record per
  row with ``htsno``, ``indent``, ``description``, ``general``, ``special``,
  ``other``; 10-digit statistical rows usually have empty rates and inherit
  them from their 8-digit line (spec tariffs.md §2.1).  The CSV export has the
  same data under the headers ``HTS Number, Indent, Description, ...``.
* **Annual tariff database** (``tariff_database_YYYY.txt/csv``): one row per
  8-digit line and effective-date range, ``hts8, brief_description,
  mfn_text_rate, col1_special_text, col2_text_rate, begin_effect_date,
  end_effective_date`` (end date inclusive; ``12/31/2050`` means open).

Both give :class:`~tmec.tariffs.schedule.HtsLine` rows with half-open validity.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from tmec.core import hs
from tmec.core.errors import InputError
from tmec.tariffs.schedule import HtsLine

__all__ = ["parse_database_date", "parse_hts_json", "parse_tariff_database"]

_OPEN_END = dt.date(2050, 12, 31)
_CSV_EXPORT_KEYS = {
    "HTS Number": "htsno",
    "Indent": "indent",
    "Description": "description",
    "General Rate of Duty": "general",
    "Special Rate of Duty": "special",
    "Column 2 Rate of Duty": "other",
}


def parse_database_date(text: object, *, field: str, source: str | None, line: int | None) -> dt.date:
    """``3/4/25``, ``03/04/2025`` or ``2025-03-04``."""
    raw = str(text).strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})", raw)
    try:
        if m:
            month, day, year = int(m[1]), int(m[2]), int(m[3])
            return dt.date(year + 2000 if year < 100 else year, month, day)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(
            f"expected a date M/D/YY or YYYY-MM-DD, found {raw!r}", field=field, source=source, line=line
        ) from None


def _text(record: Mapping[str, Any], key: str) -> str:
    value = record.get(key)
    return "" if value is None else str(value).strip()


def parse_hts_json(
    records: Iterable[Mapping[str, Any]],
    *,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    source: str = "USITC HTS export",
) -> list[HtsLine]:
    """Rows of the HTS JSON (or CSV) export -> tariff lines; statistical lines inherit their item's rates."""
    lines: list[HtsLine] = []
    for i, raw in enumerate(records, start=1):
        record = {_CSV_EXPORT_KEYS.get(k, k): v for k, v in raw.items()}
        code = _text(record, "htsno")
        if not code or str(record.get("superior", "")).lower() == "true":
            continue
        digits = hs.compact(code) + hs.compact(_text(record, "statisticalSuffix"))
        if not digits.isdigit():
            raise InputError(f"expected an HTS number, found {code!r}", field="htsno", source=source, line=i)
        if len(digits) < 8:
            continue  # headings and subheadings carry no rate of their own
        rates = {k: _text(record, k) for k in ("general", "special", "other")}
        # a statistical line without rates is kept: it exists, and inherits its 8-digit item's rates
        if len(digits) not in (8, 10):
            raise InputError(f"expected 8 or 10 digits, found {code!r}", field="htsno", source=source, line=i)
        lines.append(
            HtsLine(
                hts=digits,
                description=_text(record, "description"),
                general=rates["general"],
                special=rates["special"],
                other=rates["other"],
                valid_from=valid_from,
                valid_to=valid_to,
                source=source,
                confidence="T",
                units=",".join(str(u).strip() for u in (record.get("units") or []) if u),
            )
        )
    return lines


def parse_tariff_database(
    rows: Iterable[Mapping[str, Any]], *, source: str = "USITC tariff database"
) -> list[HtsLine]:
    """Rows of the annual tariff database -> dated tariff lines (the end date is inclusive there)."""
    lines = []
    for i, raw in enumerate(rows, start=2):  # line 1 is the header
        row = {k.lstrip("\ufeff").strip(): v for k, v in raw.items() if k is not None}
        code = _text(row, "hts8")
        if not code:
            raise InputError("hts8 is empty", field="hts8", source=source, line=i)
        digits = hs.compact(code)
        if not digits.isdigit() or len(digits) != 8:
            raise InputError(f"expected an 8-digit hts8, found {code!r}", field="hts8", source=source, line=i)
        begin = _text(row, "begin_effect_date")
        end = _text(row, "end_effective_date")
        start = (
            parse_database_date(begin, field="begin_effect_date", source=source, line=i) if begin else None
        )
        last = parse_database_date(end, field="end_effective_date", source=source, line=i) if end else None
        stop = None if last is None or last >= _OPEN_END else last + dt.timedelta(days=1)
        if start is not None and stop is not None and stop <= start:
            raise InputError(
                f"ends ({last}) before it begins ({start})", field="end_effective_date", source=source, line=i
            )
        lines.append(
            HtsLine(
                hts=digits,
                description=_text(row, "brief_description"),
                general=_text(row, "mfn_text_rate"),
                special=_text(row, "col1_special_text"),
                other=_text(row, "col2_text_rate"),
                valid_from=start,
                valid_to=stop,
                source=source,
                confidence="T",
            )
        )
    return lines
