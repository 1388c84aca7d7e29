"""The store on SQLite and PostgreSQL: migrations, append-only triggers, retention, concurrency, kill -9."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from certify_fixtures import CERTIFIER, PASSPHRASE, Case, Determination
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from tmec.certify import merkle
from tmec.certify.audit import audit_log
from tmec.certify.certificate import Scope
from tmec.certify.issuer import Issuer
from tmec.certify.parties import parse_parties
from tmec.store import ledger
from tmec.store.db import _alembic_config, open_store
from tmec.store.models import CertificateRow, LogEntry

WORKER = Path(__file__).resolve().parent / "issue_worker.py"


def _issue(iss: Issuer, n: int = 1) -> list[str]:
    signer = iss.signer(PASSPHRASE)
    parties = parse_parties(CERTIFIER)
    return [
        iss.issue(signer, Case(), Determination(), parties, Scope(invoice=f"I{i}")).certificate_id
        for i in range(n)
    ]


def test_migrations_run_by_themselves_and_are_idempotent(db_url: str, home: Path) -> None:
    store = open_store(db_url, home=home)
    tables = set(inspect(store.engine).get_table_names())
    assert {"log_entry", "log_node", "checkpoint", "issuer_key", "certificate", "alembic_version"} <= tables
    store.close()
    again = open_store(db_url, home=home)
    with again.engine.connect() as conn:
        head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    again.close()


def test_the_models_and_the_migrations_agree(db_url: str, home: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from tmec.store.models import Base

    store = open_store(db_url, home=home)
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    store.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE log_entry SET body = :b WHERE idx = 0",
        "DELETE FROM log_entry WHERE idx = 1",
        "UPDATE log_node SET hash = :b WHERE level = 0 AND idx = 0",
        "DELETE FROM log_node",
        "UPDATE checkpoint SET note = 'x'",
        "DELETE FROM checkpoint",
        "UPDATE certificate SET payload = :b",
        "DELETE FROM certificate",
    ],
)
def test_the_database_refuses_to_rewrite_the_log(issuer_at: Issuer, statement: str) -> None:
    _issue(issuer_at)
    with pytest.raises(DBAPIError, match=r"append-only|retention"), issuer_at.store.session() as s:
        s.execute(text(statement), {"b": b"forged"})
    assert audit_log(issuer_at.store, issuer_at.keyring()).valid


def test_truncate_is_refused_on_postgresql(issuer_at: Issuer) -> None:
    if not issuer_at.store.is_postgresql:
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(DBAPIError, match="append-only"), issuer_at.store.session() as s:
        s.execute(text("TRUNCATE log_entry CASCADE"))


def test_certificates_past_retention_can_be_purged(issuer_at: Issuer) -> None:
    cid = _issue(issuer_at)[0]
    with pytest.raises(DBAPIError, match="retention"), issuer_at.store.session() as s:
        s.execute(text("DELETE FROM certificate WHERE id = :i"), {"i": cid})
    row = issuer_at.get(cid)
    assert row.retain_until == row.certification_date.replace(year=row.certification_date.year + 5)


def test_purge_deletes_only_records_past_retention(issuer_at: Issuer) -> None:
    signer = issuer_at.signer(PASSPHRASE)
    parties = parse_parties(CERTIFIER)
    old = issuer_at.issue(
        signer, Case(), Determination(), parties, Scope(invoice="old"), certification_date=dt.date(2020, 7, 1)
    ).certificate_id
    recent = _issue(issuer_at)[0]
    assert issuer_at.get(old).retain_until == dt.date(2025, 7, 1)
    assert issuer_at.purge_expired() == [old]
    assert issuer_at.get(recent).id == recent
    from tmec.certify.issuer import UnknownCertificate

    with pytest.raises(UnknownCertificate):
        issuer_at.get(old)
    # Asking to purge "as of" a date in the future does not get past the database.
    with pytest.raises(DBAPIError, match="retention"):
        issuer_at.purge_expired(dt.date(2100, 1, 1))
    assert issuer_at.get(recent).id == recent
    assert audit_log(issuer_at.store, issuer_at.keyring()).valid


def test_every_stored_checkpoint_is_checked_on_request(issuer_at: Issuer) -> None:
    _issue(issuer_at, 3)
    result = audit_log(issuer_at.store, issuer_at.keyring(), all_checkpoints=True)
    assert result.valid and "all 4 stored checkpoints" in result.checks[-2].detail
    store = issuer_at.store
    signer = issuer_at.signer(PASSPHRASE)
    from tmec.certify.note import Checkpoint

    with store.session() as s:  # an attacker with database rights swaps an old checkpoint
        if store.is_postgresql:
            s.execute(text("ALTER TABLE checkpoint DISABLE TRIGGER checkpoint_append_only"))
        else:
            s.execute(text("DROP TRIGGER checkpoint_no_update"))
        forged = Checkpoint(signer.public.name, 2, merkle.leaf_hash(b"x")).sign(signer)
        s.execute(text("UPDATE checkpoint SET note = :n WHERE size = 2"), {"n": forged})
    assert audit_log(store, issuer_at.keyring()).valid  # the latest is untouched
    result = audit_log(store, issuer_at.keyring(), all_checkpoints=True)
    assert [c.name for c in result.checks if c.passed is False] == ["checkpoints"]


def test_an_audit_finds_a_rewritten_entry(issuer_at: Issuer) -> None:
    _issue(issuer_at, 3)
    store = issuer_at.store
    with store.session() as s:  # an attacker with database rights drops the trigger
        if store.is_postgresql:
            s.execute(text("ALTER TABLE log_entry DISABLE TRIGGER log_entry_append_only"))
        else:
            s.execute(text("DROP TRIGGER log_entry_no_update"))
        s.execute(text("UPDATE log_entry SET body = :b WHERE idx = 2"), {"b": b'{"forged":true}'})
    result = audit_log(store, issuer_at.keyring())
    failed = {c.name for c in result.checks if c.passed is False}
    assert {"entries", "certificates"} <= failed


def test_an_earlier_checkpoint_proves_the_log_was_only_extended(issuer_at: Issuer) -> None:
    _issue(issuer_at, 2)
    with issuer_at.store.session() as s:
        earlier = ledger.latest_checkpoint(s)
    assert earlier is not None
    _issue(issuer_at, 5)
    result = audit_log(issuer_at.store, issuer_at.keyring(), earlier=earlier.note)
    assert result.valid and result.checks[-1].name == "consistency" and result.checks[-1].passed
    # A checkpoint of a different history of the same size is caught.
    forged = merkle.HashTree([merkle.leaf_hash(b"other")] * earlier.size)
    from tmec.certify.note import Checkpoint

    signer = issuer_at.signer(PASSPHRASE)
    fake = Checkpoint(signer.public.name, earlier.size, forged.root()).sign(signer)
    result = audit_log(issuer_at.store, issuer_at.keyring(), earlier=fake)
    assert not result.valid and result.checks[-1].name == "consistency"


def test_proofs_from_the_store_match_the_in_memory_tree(issuer_at: Issuer) -> None:
    _issue(issuer_at, 12)
    with issuer_at.store.session() as s:
        bodies = [b for _, b, _ in ledger.entries(s, batch=5)]
        tree = merkle.HashTree.from_leaves(bodies)
        for size in (1, 7, 8, 13):
            assert ledger.root(s, size) == tree.root(size)
            for i in range(size):
                assert ledger.inclusion_proof(s, i, size) == tree.inclusion_proof(i, size)
            for m in range(1, size + 1):
                assert ledger.consistency_proof(s, m, size) == tree.consistency_proof(m, size)


def _spawn(db_url: str, home: Path, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), db_url, str(home), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_concurrent_issuers_never_share_a_log_index(issuer_at: Issuer, db_url: str, home: Path) -> None:
    workers = [_spawn(db_url, home, 15) for _ in range(4)]
    indexes: list[int] = []
    for w in workers:
        out, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
        indexes += [int(line) for line in out.split()]
    assert len(indexes) == 60 == len(set(indexes))
    with issuer_at.store.session() as s:
        assert ledger.log_size(s) == 61  # the key event + 60 certificates
        assert s.scalar(select(func.count()).select_from(CertificateRow)) == 60
    assert audit_log(issuer_at.store, issuer_at.keyring()).valid


def test_kill_9_while_issuing_leaves_whole_certificates_or_none(
    issuer_at: Issuer, db_url: str, home: Path
) -> None:
    for delay in (0.0, 0.003, 0.011, 0.05, 0.2):
        worker = _spawn(db_url, home, 0)
        assert worker.stdout is not None
        worker.stdout.readline()  # issuing is under way (not still importing)
        time.sleep(delay)  # then die at an arbitrary point of some later certificate
        os.kill(worker.pid, signal.SIGKILL)
        worker.communicate(timeout=30)
        result = audit_log(issuer_at.store, issuer_at.keyring())
        assert result.valid, result.to_dict()
        with issuer_at.store.session() as s:
            size = ledger.log_size(s)
            certs = s.scalar(select(func.count()).select_from(CertificateRow))
            cert_entries = s.scalar(
                select(func.count()).select_from(LogEntry).where(LogEntry.kind != "key.add")
            )
            latest = ledger.latest_checkpoint(s)
        assert certs == cert_entries and latest is not None and latest.size == size
    assert certs >= 5


def test_a_store_that_does_not_exist_is_not_created_by_readers(tmp_path: Path) -> None:
    from tmec.core.errors import InputError

    with pytest.raises(InputError, match="tmec init"):
        open_store(f"sqlite:///{tmp_path / 'none.db'}", home=tmp_path, create=False)
    assert not (tmp_path / "none.db").exists()


def test_the_commands_run_on_either_engine(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import yaml
    from click.testing import CliRunner

    from tmec.cli import main

    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TMEC_DATABASE_URL", db_url)
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "pw")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "certifier.yaml").write_text(yaml.safe_dump(CERTIFIER, allow_unicode=True), encoding="utf-8")
    bearing = Path(__file__).resolve().parents[2] / "examples" / "bearing.yaml"
    run = CliRunner().invoke
    assert run(main, ["init"]).exit_code == 0
    out = run(main, ["certify", str(bearing), "--certifier", "certifier.yaml", "--invoice", "1", "--json"])
    assert out.exit_code == 0, out.output
    files = json.loads(out.output)["files"]
    assert run(main, ["verify", files[1]]).exit_code == 0  # the PDF, with the log at hand
    assert run(main, ["log", "verify"]).exit_code == 0
