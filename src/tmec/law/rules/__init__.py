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
GN11O_DIR = RULES_DIR / "usmca_gn11o"  # index.json + one chNN.json per chapter

__all__ = ["GN11O_DIR", "RULES_DIR", "gn11o_chapter", "gn11o_document", "gn11o_index", "read_compiled"]


def read_compiled(path: Path, key: str) -> dict[str, Any]:
    """A JSON file written by a ``tools/law`` script: a mapping with ``key``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the compiled law: {exc}", source=str(path)) from None
    if not isinstance(data, dict) or key not in data:
        raise InputError(f"expected a mapping with {key}", source=str(path))
    return data


@cache
def gn11o_index() -> dict[str, Any]:
    """Source, revision, checksums, licence, the chapters, the rules written by hand and the codes
    with no rule of their own, of the compiled GN 11(o) rules (``tools/law/build_psr.py``)."""
    return read_compiled(GN11O_DIR / "index.json", "chapters")


@cache
def gn11o_chapter(chapter: str) -> dict[str, Any]:
    """One chapter's compiled rules and notes, read on first use (a look-up reads one file)."""
    if chapter not in gn11o_index()["chapters"]:
        return {"rules": [], "notes": []}
    return read_compiled(GN11O_DIR / f"ch{chapter}.json", "rules")


def gn11o_document() -> dict[str, Any]:
    """Everything at once (searches, tests): the index with every chapter's rules and notes."""
    index = gn11o_index()
    return {**index, "chapters": {ch: gn11o_chapter(ch) for ch in index["chapters"]}}
