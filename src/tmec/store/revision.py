"""The migrations' head revision, read from their source without importing Alembic or SQLAlchemy.

Alembic and its script directory cost half a second to import, and nearly every command opens a
store that is already at head: the revision identifiers (plain module-level strings) answer that.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

__all__ = ["MIGRATIONS", "migration_head"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@functools.cache
def migration_head() -> str | None:
    """The one head of the migrations' chain; None when there is not exactly one (Alembic decides)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("[0-9]*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
                continue
            target, value = node.targets[0], node.value
            if not isinstance(target, ast.Name) or not isinstance(value, ast.Constant):
                continue
            if target.id == "revision" and isinstance(value.value, str):
                revisions.add(value.value)
            elif target.id == "down_revision" and isinstance(value.value, str):
                parents.add(value.value)
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None
