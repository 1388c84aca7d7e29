"""Signed emissions declarations: issued on the transparency log, verified offline by ``tmec verify``,
taken as actual data by an importer's calculation, which cites the log entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tmec.cli import main

from .conftest import D8, DATA

PASSPHRASE = "a long passphrase for the test key"
# 100 t of bolts from Mexico in 2026: spec carbon.md §5.4 D8 when the actual data is bolts_actual.yaml
BOLTS = ("carbon", *D8)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.chdir(tmp_path)
    assert tmec("init", "--origin", "tmec.example/aceria").exit_code == 0
    return tmp_path


def tmec(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def sign(home: Path) -> Path:
    out = home / "decl.json"
    r = tmec(
        "carbon", "sign-emissions", str(DATA / "bolts_actual.yaml"), "--out", str(out), "--date", "2026-03-01"
    )
    assert r.exit_code == 0, r.output
    return out


def test_signed_declaration_verifies_offline_with_the_issuer_key(home: Path) -> None:
    decl = sign(home)
    key = tmec("keys", "export")
    assert key.exit_code == 0, key.output
    (home / "issuer.pub").write_text(key.output, encoding="utf-8")
    r = tmec("verify", str(decl), "--key", str(home / "issuer.pub"), "--date", "2026-07-01", "--json")
    assert r.exit_code == 0, r.output
    checks = {c["check"]: c["passed"] for c in json.loads(r.output)["checks"]}
    assert checks["signature"] and checks["inclusion"] and checks["period"]
    outside = tmec("verify", str(decl), "--key", str(home / "issuer.pub"), "--date", "2027-01-02")
    assert outside.exit_code == 1  # the declaration covers 2026 only
    assert tmec("log", "verify").exit_code == 0  # the log stays consistent with the new kind of entry


def test_tampered_declaration_fails_verify_and_is_refused_as_actual_data(home: Path) -> None:
    decl = sign(home)
    env = json.loads(decl.read_text(encoding="utf-8"))
    env["payload"]["goods"][0]["process_direct"] = "0.01"  # a lower SEE than signed
    bad = home / "bad.json"
    bad.write_text(json.dumps(env), encoding="utf-8")
    assert tmec("verify", str(bad)).exit_code == 1
    r = tmec(
        *BOLTS,
        "--actual",
        str(bad),
    )
    assert r.exit_code == 2 and "does not verify: signature" in r.output


def test_importer_takes_it_as_actual_data_and_cites_it(home: Path) -> None:
    decl = sign(home)
    r = tmec(
        *BOLTS,
        "--actual",
        str(decl),
        "--json",
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["cost"] == "4464.95"  # the same as the YAML it was signed from (spec §5.4 D8)
    assert out["actual_data"]["citation"].startswith("signed emissions declaration EM-")
    assert "entry 1 of the log tmec.example/aceria" in out["actual_data"]["citation"]
    assert any("tmec verify FILE --key" in f for f in out["flags"])


def test_signing_needs_installation_and_period(home: Path) -> None:
    partial = home / "partial.yaml"
    partial.write_text(
        "verified: true\ngoods: [{cn: '72071114', route: E, see_direct: 0.4}]\n", encoding="utf-8"
    )
    r = tmec("carbon", "sign-emissions", str(partial), "--out", str(home / "x.json"))
    assert r.exit_code == 2 and "installation" in r.output
    assert not (home / "x.json").exists()
