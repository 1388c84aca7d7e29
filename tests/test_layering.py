"""Pure packages must not import I/O packages (DESIGN.md: arrows point down)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "tmec"
PURE = ["core", "origin", "tariffs", "carbon", "statements"]
IO_MODULES = {
    "tmec.engine",
    "tmec.store",
    "tmec.api",
    "tmec.web",
    "tmec.cli",
    "tmec.certify",
    "duckdb",
    "ibis",
    "pyspark",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "sqlframe",
    "psycopg",
    "requests",
    "httpx",
    "socket",
    "subprocess",
}
CORE_FORBIDDEN = {"tmec.origin", "tmec.tariffs", "tmec.carbon", "tmec.law"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _hits(names: set[str], forbidden: set[str]) -> set[str]:
    return {n for n in names for f in forbidden if n == f or n.startswith(f + ".")}


@pytest.mark.parametrize("package", PURE)
def test_pure_packages_import_no_io(package: str) -> None:
    bad = {}
    for path in (SRC / package).rglob("*.py"):
        hits = _hits(_imports(path), IO_MODULES)
        if hits:
            bad[str(path.relative_to(SRC))] = sorted(hits)
    assert not bad, f"pure package imports I/O: {bad}"


def test_core_imports_nothing_of_the_domain() -> None:
    bad = {}
    for path in (SRC / "core").rglob("*.py"):
        hits = _hits(_imports(path), CORE_FORBIDDEN)
        if hits:
            bad[str(path.relative_to(SRC))] = sorted(hits)
    assert not bad, f"core imports the domain: {bad}"
