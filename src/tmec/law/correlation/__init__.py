"""The HS 2022 -> HS 2012 correlation (``tools/law/build_hs_correlation.py``): only reads the file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from tmec.law.rules import read_compiled

CORRELATION_FILE = Path(__file__).resolve().parent / "hs2022_hs2012.json"

__all__ = ["CORRELATION_FILE", "correlation_document"]


@cache
def correlation_document() -> dict[str, Any]:
    """The compiled correlation, read once."""
    return read_compiled(CORRELATION_FILE, "codes")
