"""``revoke`` and ``purge``: asked for, or ``--yes``; ``--dry-run`` does nothing; revoke says where it wrote,
under $TMEC_HOME, never silently into the working directory.  ``log prove --json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.cli.test_certify_cli import BEARING, _init_and_certify, env, tmec

from tmec.cli import main

__all__ = ["env"]  # the fixture, shared


def log_size() -> int:
    result = tmec("log", "checkpoint", "--json")
    assert result.exit_code == 0, result.output
    size: int = json.loads(result.output)["size"]
    return size


def test_revoke_needs_yes_when_not_asked_on_a_terminal(env: Path) -> None:
    cert = _init_and_certify(env)["certificate_id"]
    before = log_size()
    result = tmec("revoke", cert, "--reason", "r")
    assert result.exit_code == 2 and "--yes" in result.stderr
    assert log_size() == before


def test_revoke_asks_on_a_terminal(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cert = _init_and_certify(env)["certificate_id"]
    before = log_size()
    monkeypatch.setattr("tmec.cli._common.interactive", lambda: True)
    declined = CliRunner().invoke(main, ["revoke", cert, "--reason", "r"], input="n\n")
    assert declined.exit_code == 1 and "nothing done" in declined.output
    assert log_size() == before
    accepted = CliRunner().invoke(main, ["revoke", cert, "--reason", "r"], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert log_size() == before + 1


def test_revoke_dry_run_signs_nothing(env: Path) -> None:
    cert = _init_and_certify(env)["certificate_id"]
    before = log_size()
    result = tmec("revoke", cert, "--reason", "r", "--dry-run")
    assert result.exit_code == 0 and "would revoke" in result.output
    assert log_size() == before
    assert tmec("revoke", "CO-NOSUCHCERTIFICATE", "--reason", "r", "--dry-run").exit_code == 2


def test_revoke_writes_under_tmec_home_and_says_so(env: Path) -> None:
    cert = _init_and_certify(env)["certificate_id"]
    result = tmec("revoke", cert, "--reason", "r", "--yes")
    assert result.exit_code == 0, result.output
    assert not (env / "certificates").exists()  # the working directory is left alone
    written = list((env / "home" / "certificates").iterdir())
    assert len(written) == 1 and (written[0] / "certificate.json").is_file()
    assert str(written[0]) in result.output.replace("\n", "")
    again = tmec("revoke", cert, "--reason", "r", "--yes")
    assert again.exit_code == 2 and "already revoked" in again.stderr


def _expired_certificate(env: Path) -> str:
    assert tmec("init").exit_code == 0
    result = tmec("certify", str(BEARING), "--certifier", "certifier.yaml", "--out", "old", "--json",
                  "--date", "2020-07-02")  # fmt: skip
    assert result.exit_code == 0, result.output
    cert: str = json.loads(result.output)["certificate_id"]
    return cert


def test_purge_dry_run_lists_and_yes_deletes(env: Path) -> None:
    cert = _expired_certificate(env)
    refused = tmec("purge")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    dry: Result = tmec("purge", "--dry-run", "--json")
    assert dry.exit_code == 0 and json.loads(dry.output)["would_purge"] == [cert]
    assert tmec("purge", "--dry-run").exit_code == 0
    done = tmec("purge", "--yes", "--json")
    assert done.exit_code == 0 and json.loads(done.output)["purged"] == [cert]
    assert json.loads(tmec("purge", "--dry-run", "--json").output)["would_purge"] == []


def test_log_prove_takes_json(env: Path) -> None:
    _init_and_certify(env)
    (env / "head.txt").write_text(tmec("log", "checkpoint").output)
    proved = tmec("log", "prove", "--from", "head.txt", "--json")
    assert proved.exit_code == 0 and "proof" in json.loads(proved.output)
    missing = tmec("log", "prove", "--from", "nope.txt", "--json")
    assert missing.exit_code == 2 and json.loads(missing.stderr)["error"]["source"] == "nope.txt"
