"""Fixtures shared by the statements tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh ``$TMEC_HOME`` (its SQLite store), never a PostgreSQL URL from the environment."""
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    return tmp_path / "home"
