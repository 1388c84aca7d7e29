"""Issue 12 item 4: an unencrypted key only when asked for; the store readable by its owner only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from tmec.cli import main


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    monkeypatch.delenv("TMEC_KEY_PASSPHRASE", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


def test_init_without_a_passphrase_is_refused_unless_asked_for(home: Path) -> None:
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 2 and "--no-passphrase" in result.output, result.output
    assert not (home / "tmec.db").exists() and not (home / "keys").exists()  # nothing written
    done = CliRunner().invoke(main, ["init", "--no-passphrase", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["encrypted"] is False
    key = next((home / "keys").glob("*.pem"))
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY")


def test_no_passphrase_with_a_passphrase_is_a_contradiction(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "pw")
    result = CliRunner().invoke(main, ["init", "--no-passphrase"])
    assert result.exit_code == 2 and "choose one" in result.output


def test_the_store_is_0600_in_a_0700_directory(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "pw")
    import os

    old = os.umask(0o022)  # a common umask: what we create must not depend on it
    try:
        assert CliRunner().invoke(main, ["init"]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for f in home.glob("tmec.db*"):  # the database and its -wal/-shm files
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE((home / "keys").stat().st_mode) == 0o700
