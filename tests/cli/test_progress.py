"""Progress on long work: a bar on a terminal (stderr), nothing on a pipe or with --json."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from tmec.cli import _common, main


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    screen = io.StringIO()
    monkeypatch.setattr(_common, "err_console", Console(file=screen, force_terminal=True, width=80))
    return screen


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stderr


def test_a_terminal_sees_the_stages(tmp_path: Path, terminal: io.StringIO) -> None:
    run("generate", "portfolio", str(tmp_path / "bom"), "--goods", "3")
    assert "writing 3 goods" in terminal.getvalue()
    run("portfolio", "qualify", str(tmp_path / "bom"), "--date", "2025-06-01")
    assert "loading the portfolio" in terminal.getvalue() and "qualifying" in terminal.getvalue()
    run("generate", "entries", str(tmp_path / "e.csv"), "--lines", "10")
    run("exposure", str(tmp_path / "e.csv"))
    assert "pricing the entry lines" in terminal.getvalue()


def test_json_on_a_terminal_shows_none(tmp_path: Path, terminal: io.StringIO) -> None:
    run("generate", "entries", str(tmp_path / "e.csv"), "--lines", "10", "--json")
    run("exposure", str(tmp_path / "e.csv"), "--json")
    assert terminal.getvalue() == ""


def test_a_pipe_sees_nothing(tmp_path: Path) -> None:
    assert run("generate", "portfolio", str(tmp_path / "bom"), "--goods", "3") == ""
    assert run("portfolio", "qualify", str(tmp_path / "bom"), "--date", "2025-06-01") == ""
