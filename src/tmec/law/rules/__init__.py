"""The product-specific rules as data: the compiled GN 11(o) file and hand-written overlays.

Only finds and reads the packaged files; ``tmec.origin.psr`` turns them into rules.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from tmec.core.errors import InputError

RULES_DIR = Path(__file__).resolve().parent
GN11O_FILE = RULES_DIR / "usmca_gn11o.json"

__all__ = ["GN11O_FILE", "RULES_DIR", "gn11o_document", "read_compiled"]


def read_compiled(path: Path, key: str) -> dict[str, Any]:
    """A JSON file written by a ``tools/law`` script: a mapping with ``source`` and ``key``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the compiled law: {exc}", source=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get(key), dict) or "source" not in data:
        raise InputError(f"expected a mapping with source and {key}", source=str(path))
    return data


@cache
def gn11o_document() -> dict[str, Any]:
    """The compiled GN 11(o) rules (``tools/law/build_psr.py``), read once."""
    return read_compiled(GN11O_FILE, "chapters")
