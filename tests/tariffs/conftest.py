"""Fixtures of the tariffs tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``$TMEC_HOME`` (no imported schedule)."""
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
