"""One answer to where tmec keeps its files: the store, the law cache and the pricing cache agree."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from tmec.engine import pricing_cache
from tmec.home import tmec_home
from tmec.law import compiled
from tmec.store import paths


def test_every_part_uses_the_one_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("TMEC_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    expected = tmp_path / "xdg" / "tmec"
    assert tmec_home() == expected
    assert paths.tmec_home() == expected
    assert pricing_cache.tmec_home() == expected
    assert compiled.tmec_home() == expected


def test_the_home_is_the_platform_data_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMEC_HOME", raising=False)
    assert tmec_home() == Path(platformdirs.user_data_dir("tmec", appauthor=False))


def test_tmec_home_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "h"))
    assert pricing_cache.tmec_home() == tmp_path / "h"
    assert paths.database_url() == f"sqlite:///{tmp_path / 'h' / 'tmec.db'}"
