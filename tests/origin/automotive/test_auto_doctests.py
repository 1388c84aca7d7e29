"""The docstring examples of the automotive modules are tests too."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["averaging", "classes", "lvc", "parts", "steel_aluminum"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"tmec.origin.automotive.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
