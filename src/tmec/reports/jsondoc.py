"""The JSON text of a document: Decimals as strings, dates ISO, two-space indent, UTF-8 kept."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def to_jsonable(value: Any) -> Any:
    """``json.dumps``'s ``default``: Decimal -> str (never float), dates -> ISO, sets -> lists."""
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(obj: Any) -> str:
    """The document as ``tmec ... --json`` prints it (without the final newline)."""
    return json.dumps(obj, default=to_jsonable, ensure_ascii=False, indent=2)
