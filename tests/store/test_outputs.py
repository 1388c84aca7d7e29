"""Issue 12 item 1: a logged certificate always has its files, whatever moment the issuer dies."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from tmec.certify.artifacts import certificate_files
from tmec.certify.canonical import loads
from tmec.certify.issuer import Issuer
from tmec.certify.keys import PublicKey
from tmec.certify.outputs import finish_pending
from tmec.certify.vc import verify_credential
from tmec.cli import main
from tmec.store.models import CertificateRow, PendingOutputRow

WORKER = Path(__file__).resolve().parent / "output_worker.py"
CERTIFICATE_FILES = {"certificate.json", "certificate.pdf", "certificate.vc.json", "worksheet.json"}


def _run_worker(db_url: str, home: Path, where: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), db_url, str(home), str(where), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_every_logged_certificate_has_its_files(issuer: Issuer, where: Path) -> int:
    """Each record's directory holds exactly its files, byte for byte what `tmec export` writes."""
    with issuer.store.session() as s:
        rows = list(s.scalars(select(CertificateRow)))
        assert list(s.scalars(select(PendingOutputRow))) == []
        expected = {
            r.id: certificate_files(
                issuer.envelope_in(s, r), loads(bytes(r.worksheet)) if r.worksheet else None, None
            )
            for r in rows
        }
    for row in rows:
        directory = where / "certificates" / row.id
        names = {p.name for p in directory.iterdir()}
        wanted = CERTIFICATE_FILES if row.kind != "revocation" else {"certificate.json"}
        assert names == wanted, (row.id, names)
        for name, data in expected[row.id].items():
            assert (directory / name).read_bytes() == data, (row.id, name)
        if row.kind != "revocation":
            vc = json.loads((directory / "certificate.vc.json").read_bytes())
            key = issuer.current_key()
            assert verify_credential(vc, PublicKey(key.name, bytes(key.public_key))), row.id
    # nothing else: no temporary file, no directory of a certificate that was never issued
    left = {p.name: sorted(q.name for q in p.iterdir()) for p in (where / "certificates").iterdir()}
    assert set(left) == {r.id for r in rows}, left
    return len(rows)


def _kill_9_repeatedly(
    issuer: Issuer, db_url: str, home: Path, where: Path, mode: str, *, rounds: int, seed: int, within: float
) -> list[int]:
    """Start a worker issuing in ``mode``, kill -9 it at a random point, let the next command finish
    what was pending, and check every logged certificate has its files: the counts after each round."""
    where.mkdir()
    rng = random.Random(seed)
    counts = []
    for _ in range(rounds):
        worker = _run_worker(db_url, home, where, mode)
        assert worker.stdout is not None
        worker.stdout.readline()  # issuing is under way
        time.sleep(rng.uniform(0, within))  # then die at an arbitrary point of a later issue
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate(timeout=30)
        finish_pending(issuer)  # what the next command does when it opens the store
        counts.append(_assert_every_logged_certificate_has_its_files(issuer, where))
    return counts


def test_kill_9_at_random_points_never_leaves_a_logged_certificate_without_its_files(
    issuer_at: Issuer, db_url: str, home: Path, tmp_path: Path
) -> None:
    counts = _kill_9_repeatedly(
        issuer_at, db_url, home, tmp_path / "work", "loop", rounds=10, seed=12, within=0.4
    )
    assert counts[-1] >= 10


def test_kill_9_during_a_batch_leaves_every_certificate_of_it_with_its_files_or_none(
    issuer_at: Issuer, db_url: str, home: Path, tmp_path: Path
) -> None:
    counts = _kill_9_repeatedly(
        issuer_at, db_url, home, tmp_path / "work", "batch-loop", rounds=8, seed=18, within=0.5
    )
    assert all(c % 3 == 0 for c in counts), counts  # whole batches only: one transaction each
    assert counts[-1] >= 24


def test_the_next_command_finishes_an_issue_that_died_after_its_commit(
    issuer_at: Issuer, db_url: str, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "work"
    where.mkdir()
    worker = _run_worker(db_url, home, where, "die-after-commit")
    worker.communicate(timeout=60)
    assert worker.returncode == 9
    with issuer_at.store.session() as s:
        (row,) = s.scalars(select(CertificateRow))
        assert s.get(PendingOutputRow, row.id) is not None
    directory = where / "certificates" / row.id
    assert not (directory / "certificate.json").exists()  # only the temporary names so far
    monkeypatch.setenv("TMEC_DATABASE_URL", db_url)
    monkeypatch.setenv("TMEC_HOME", str(home))
    monkeypatch.chdir(where)
    resumed = CliRunner().invoke(main, ["certify", "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert row.id in resumed.output and f"log entry {row.log_index}" in resumed.output
    _assert_every_logged_certificate_has_its_files(issuer_at, where)
    exported = CliRunner().invoke(main, ["export", "--certificate", row.id, "--out", "exported"])
    assert exported.exit_code == 0, exported.output
    for name in ("certificate.json", "certificate.pdf", "worksheet.json"):
        assert (where / "exported" / name).read_bytes() == (directory / name).read_bytes()


def test_any_command_that_opens_the_store_finishes_the_job(
    issuer_at: Issuer, db_url: str, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = tmp_path / "work"
    where.mkdir()
    _run_worker(db_url, home, where, "die-after-commit").communicate(timeout=60)
    monkeypatch.setenv("TMEC_DATABASE_URL", db_url)
    monkeypatch.setenv("TMEC_HOME", str(home))
    monkeypatch.chdir(where)
    result = CliRunner().invoke(main, ["keys", "list"])
    assert result.exit_code == 0, result.output
    assert "finished CO-" in result.output
    assert _assert_every_logged_certificate_has_its_files(issuer_at, where) == 1
    again = CliRunner().invoke(main, ["certify", "--resume"])
    assert "nothing to resume" in again.output


def test_an_unwritable_destination_refuses_a_revocation_before_it_is_logged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "a passphrase")
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["init"]).exit_code == 0
    examples = Path(__file__).resolve().parents[2] / "examples"
    done = CliRunner().invoke(
        main,
        [
            "certify",
            str(examples / "bearing.yaml"),
            "--certifier",
            str(examples / "certifier.yaml"),
            "--json",
        ],
    )
    assert done.exit_code == 0, done.output
    cert_id = json.loads(done.output)["certificate_id"]
    (tmp_path / "blocker").write_text("a file where a directory should be")
    result = CliRunner().invoke(
        main, ["revoke", cert_id, "--reason", "test", "--out", "blocker/rev", "--yes"]
    )
    assert result.exit_code == 2 and "nothing was issued" in result.output, result.output
    log = CliRunner().invoke(main, ["log", "verify", "--json"])
    assert json.loads(log.output)["size"] == 2  # the key and the certification: no revocation
