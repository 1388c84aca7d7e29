"""A digest of files, for caches kept under ``$TMEC_HOME/cache``: what a cached result is made of.

A cache is keyed by the SHA-256 of everything its content is a function of (the law's files, the
source of the code that reads and builds it, tmec's version): a change to any of them is another
key, and a stale result is never read.  Shared by the law's compiled cache
(:mod:`tmec.law.compiled`) and the exposure's pricing cache (``tmec.engine.pricing_cache``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["files_digest", "package_files"]


def package_files(package: Path, names: Sequence[str]) -> list[Path]:
    """The files of ``names`` under ``package`` (a file, or every file of a folder), in a fixed order;
    bytecode left out (it is made from the sources)."""
    files: list[Path] = []
    for name in names:
        root = package / name
        found = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        files += [p for p in found if "__pycache__" not in p.parts]
    return files


def files_digest(header: str, files: Iterable[Path], package: Path) -> str:
    """SHA-256 (40 hex digits) of ``header`` and of each file's name (relative to ``package`` when
    under it) and bytes."""
    h = hashlib.sha256(header.encode())
    for path in files:
        h.update(f"\0{path.relative_to(package) if path.is_relative_to(package) else path}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:40]
