"""Attributes of a package that load their module on first use (PEP 562).

The command line imports ``tmec`` for every command; certification and the
store pull in SQLAlchemy, Alembic and fpdf2, which take half a second to import
and most commands never use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any


def lazy_attributes(
    package: str, where: Mapping[str, str], namespace: MutableMapping[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``where[name]`` the first time ``name`` is asked for."""

    def load(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        namespace[name] = value
        return value

    return load
