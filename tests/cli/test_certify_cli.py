"""The certification commands end to end: init, certify (from a real qualification), verify, log, export."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from tmec.cli import main

ROOT = Path(__file__).resolve().parents[2]
BEARING = ROOT / "examples" / "bearing.yaml"  # originating (criterion B)
DOOR = ROOT / "examples" / "stamped_body_part.yaml"  # not originating
PASSPHRASE = "a long passphrase for the test key"

CERTIFIER = {
    "certifier": {
        "role": "producer",
        "name": "Ana Pérez",
        "title": "Trade Compliance Manager",
        "company": "Rodamientos del Norte SA de CV",
        "address": "Blvd. Industrial 100, Saltillo, Coahuila",
        "country": "MX",
        "phone": "+52 844 555 0100",
        "email": "ana.perez@example.mx",
    },
    "importer": {"name": "Acme Motors Inc.", "address": "1 Assembly Way, Detroit, MI", "country": "US"},
}


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "certifier.yaml").write_text(yaml.safe_dump(CERTIFIER, allow_unicode=True), encoding="utf-8")
    return tmp_path


def tmec(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def _init_and_certify(env: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    assert tmec("init", "--origin", "tmec.example/rodamientos").exit_code == 0
    result = tmec("certify", str(BEARING), "--certifier", "certifier.yaml", "--out", "out", "--json", *extra)
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.output)  # type: ignore[type-arg]
    return data


def test_init_encrypts_the_key_and_keys_export_prints_only_the_public_key(env: Path) -> None:
    result = tmec("init", "--origin", "tmec.example/rodamientos", "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["encrypted"] is True
    key_file = next((env / "home" / "keys").glob("*.pem"))
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    pem = key_file.read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY")
    exported = tmec("keys", "export")
    assert exported.output.strip() == info["public_key"]
    assert "PRIVATE" not in tmec("keys", "export", "--format", "pem").output
    assert tmec("init").exit_code == 2  # once only


def test_certify_writes_the_artifacts_and_they_verify(env: Path) -> None:
    out = _init_and_certify(env, "--blanket-from", "2024-11-12", "--blanket-to", "2025-11-11")
    assert out["log_index"] == 1 and out["certificate_id"].startswith("CO-")
    assert sorted(Path(f).name for f in out["files"]) == [
        "certificate.json",
        "certificate.pdf",
        "certificate.vc.json",
        "worksheet.json",
    ]
    cert = json.loads((env / "out" / "certificate.json").read_text(encoding="utf-8"))
    assert cert["payload"]["good"]["description"] == "Deep-groove ball bearing 6205-2RS"
    assert cert["payload"]["origin_criterion"] == "B" and cert["payload"]["good"]["hs"] == "8482.10"
    (env / "issuer.pub").write_text(tmec("keys", "export").output)
    for name in ("certificate.json", "certificate.pdf"):
        result = tmec("verify", f"out/{name}", "--key", "issuer.pub", "--date", "2025-02-01", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["valid"] is True
    vc = tmec("verify", "out/certificate.vc.json", "--key", "issuer.pub", "--json")
    assert vc.exit_code == 0 and json.loads(vc.output)["valid"], vc.output
    doc = json.loads((env / "out" / "certificate.vc.json").read_text(encoding="utf-8"))
    doc["credentialSubject"]["items"][0]["commodity"]["commodityCode"] = "848220"
    (env / "forged.vc.json").write_text(json.dumps(doc))
    assert tmec("verify", "forged.vc.json", "--key", "issuer.pub").exit_code == 1
    outside = tmec("verify", "out/certificate.json", "--key", "issuer.pub", "--date", "2025-12-01")
    assert outside.exit_code == 1 and "period failed" in outside.output


def test_an_unwritable_output_is_refused_before_anything_is_issued(env: Path) -> None:
    assert tmec("init").exit_code == 0
    (env / "blocker").write_text("a file where a directory should be")
    result = tmec("certify", str(BEARING), "--certifier", "certifier.yaml", "--out", "blocker/out")
    assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output
    assert json.loads(tmec("log", "verify", "--json").output)["size"] == 1  # the key event only


def test_a_certificates_files_can_be_written_again_from_the_store(env: Path) -> None:
    out = _init_and_certify(env, "--invoice", "INV-1")
    again = tmec("export", "--certificate", out["certificate_id"], "--out", "again", "--json")
    assert again.exit_code == 0, again.output
    assert (env / "again" / "certificate.json").read_bytes() == (
        env / "out" / "certificate.json"
    ).read_bytes()
    assert tmec("verify", "again/certificate.pdf").exit_code == 0
    assert tmec("export").exit_code == 2


def test_a_good_that_does_not_qualify_is_refused_with_the_reason(env: Path) -> None:
    assert tmec("init").exit_code == 0
    result = tmec("certify", str(DOOR), "--certifier", "certifier.yaml", "--invoice", "7")
    assert result.exit_code == 1
    assert "does not qualify" in result.output and "rvc" in result.output
    assert not (env / "certificates").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--blanket-from", "2024-11-12", "--blanket-to", "2025-11-12"], "at most 12 months"),
        (["--blanket-from", "2024-11-12"], "both"),
        (["--retention-years", "3"], "at least 5 years"),
    ],
)
def test_bad_certification_requests_exit_2(env: Path, args: list[str], message: str) -> None:
    assert tmec("init").exit_code == 0
    result = tmec("certify", str(BEARING), "--certifier", "certifier.yaml", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_an_hs_code_under_six_digits_exits_2(env: Path) -> None:
    assert tmec("init").exit_code == 0
    case = yaml.safe_load(BEARING.read_text())
    case["good"]["hs"] = "8482"
    (env / "short.yaml").write_text(yaml.safe_dump(case))
    result = tmec("certify", "short.yaml", "--certifier", "certifier.yaml")
    assert result.exit_code == 2 and "6 digits" in result.output


def test_a_wrong_passphrase_exits_2_without_showing_the_key(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert tmec("init").exit_code == 0
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "wrong")
    result = tmec("certify", str(BEARING), "--certifier", "certifier.yaml")
    assert result.exit_code == 2 and "passphrase" in result.output
    assert "PRIVATE KEY" not in result.output and PASSPHRASE not in result.output


def test_tampered_or_unreadable_certificates(env: Path) -> None:
    _init_and_certify(env, "--invoice", "INV-1")
    path = env / "out" / "certificate.json"
    cert = json.loads(path.read_text(encoding="utf-8"))
    cert["payload"]["origin_criterion"] = "A"
    path.write_text(json.dumps(cert, ensure_ascii=False), encoding="utf-8")
    result = tmec("verify", str(path))
    assert result.exit_code == 1 and "signature" in result.output
    path.write_text("not json")
    assert tmec("verify", str(path)).exit_code == 2
    assert tmec("verify", "missing.json").exit_code == 2


def test_revoke_then_verify_reports_it_when_the_log_is_at_hand(env: Path) -> None:
    out = _init_and_certify(env, "--invoice", "INV-1")
    assert tmec("verify", "out/certificate.json").exit_code == 0
    result = tmec(
        "revoke", out["certificate_id"], "--reason", "supplier statement withdrawn", "--yes", "--json"
    )
    assert result.exit_code == 0, result.output
    verify = tmec("verify", "out/certificate.json", "--json")
    assert verify.exit_code == 1
    failed = [c for c in json.loads(verify.output)["checks"] if c["passed"] is False]
    assert [c["check"] for c in failed] == ["revocation"] and "withdrawn" in failed[0]["detail"]


def test_amend_points_to_the_original(env: Path) -> None:
    out = _init_and_certify(env, "--invoice", "INV-1")
    result = tmec(
        "amend",
        out["certificate_id"],
        str(BEARING),
        "--certifier",
        "certifier.yaml",
        "--invoice",
        "INV-1b",
        "--reason",
        "invoice number corrected",
        "--out",
        "amended",
        "--json",
    )
    assert result.exit_code == 0, result.output
    amended = json.loads((env / "amended" / "certificate.json").read_text(encoding="utf-8"))
    assert amended["payload"]["amends"] == out["certificate_id"]
    from pypdf import PdfReader

    text = PdfReader(env / "amended" / "certificate.pdf").pages[0].extract_text()
    assert f"Amends: {out['certificate_id']}" in text and "invoice number corrected" in text
    assert tmec("verify", "out/certificate.json").exit_code == 1  # superseded
    assert tmec("verify", "amended/certificate.json").exit_code == 0


def test_log_verify_and_checkpoint(env: Path) -> None:
    _init_and_certify(env, "--invoice", "INV-1")
    (env / "cp.txt").write_text(tmec("log", "checkpoint").output)
    assert tmec("certify", str(BEARING), "--certifier", "certifier.yaml", "--invoice", "2").exit_code == 0
    result = tmec("log", "verify", "--from", "cp.txt", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["size"] == 3 and data["valid"]
    assert [c["check"] for c in data["checks"]][-1] == "consistency"
    (env / "junk.txt").write_text("not a checkpoint\n")
    junk = tmec("log", "verify", "--from", "junk.txt")
    assert junk.exit_code == 2, junk.output
    assert "junk.txt" in junk.output


def test_export_evidence_pack(env: Path) -> None:
    out = _init_and_certify(env, "--invoice", "INV-1")
    result = tmec("export", "--evidence", out["certificate_id"], "--out", "pack.zip")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(env / "pack.zip") as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        bom = json.loads(zf.read("bill_of_materials.json"))
        versions = json.loads(zf.read("versions.json"))
    assert {
        "certificate.json",
        "certificate.pdf",
        "worksheet.json",
        "bill_of_materials.json",
        "versions.json",
        "status.json",
        "manifest.json",
    } == names
    assert set(manifest["sha256"]) >= names - {"manifest.json"}
    assert bom["materials"] and any(k.startswith("params/usmca/") for k in versions["law_files_sha256"])
    assert any(k.startswith("rules/usmca/") for k in versions["law_files_sha256"])
    assert versions["parameters_in_force"]["usmca.de_minimis"]["value"] == "10"
    with zipfile.ZipFile(env / "pack.zip") as zf:
        assert not any(b"PRIVATE KEY" in zf.read(n) for n in zf.namelist())
    assert tmec("export", "--evidence", "CO-NOPE").exit_code == 2


def test_keys_rotate_and_list(env: Path) -> None:
    _init_and_certify(env, "--invoice", "INV-1")
    (env / "old.pub").write_text(tmec("keys", "export").output)
    rotated = tmec("keys", "rotate", "--json")
    assert rotated.exit_code == 0, rotated.output
    listed = json.loads(tmec("keys", "list", "--json").output)
    assert len(listed) == 2 and listed[0]["retired_at"] and not listed[1]["retired_at"]
    assert len(tmec("keys", "export", "--all").output.split()) == 2
    # What the old key signed still verifies, with the old public key and with the log's keyring.
    assert tmec("verify", "out/certificate.json", "--key", "old.pub").exit_code == 0
    assert tmec("verify", "out/certificate.json").exit_code == 0
    (env / "all.pub").write_text(tmec("keys", "export", "--all").output)
    checked = json.loads(tmec("verify", "out/certificate.json", "--key", "all.pub", "--json").output)
    assert {c["check"]: c["passed"] for c in checked["checks"]}["log"] is True
    assert tmec("log", "verify").exit_code == 0


def test_the_private_key_never_leaves_its_file(env: Path) -> None:
    import base64

    from tmec.certify.keys import load_private_key

    outputs = [tmec("init", "--json").output]
    key_file = next((env / "home" / "keys").glob("*.pem"))
    signer = load_private_key("x", key_file.read_bytes(), PASSPHRASE.encode())
    from cryptography.hazmat.primitives import serialization

    raw = signer.private_key().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    secrets = [
        raw,
        raw.hex().encode(),
        base64.b64encode(raw),
        key_file.read_bytes()[40:80],
        PASSPHRASE.encode(),
    ]
    out = tmec("certify", str(BEARING), "--certifier", "certifier.yaml", "--out", "out", "--json")
    cid = json.loads(out.output)["certificate_id"]
    outputs += [
        out.output,
        tmec("keys", "export", "--json").output,
        tmec("log", "checkpoint").output,
        tmec("export", "--evidence", cid, "--out", "pack.zip").output,
    ]
    blobs = [o.encode() for o in outputs] + [p.read_bytes() for p in (env / "out").iterdir()]
    with zipfile.ZipFile(env / "pack.zip") as zf:
        blobs += [zf.read(n) for n in zf.namelist()]
    assert not [s for s in secrets for b in blobs if s in b]


def test_a_monitor_checks_the_log_offline_with_a_consistency_proof(env: Path) -> None:
    _init_and_certify(env, "--invoice", "INV-1")
    (env / "head.txt").write_text(tmec("log", "checkpoint").output)
    for n in range(3):
        assert (
            tmec("certify", str(BEARING), "--certifier", "certifier.yaml", "--invoice", str(n)).exit_code == 0
        )
    proved = tmec("log", "prove", "--from", "head.txt")
    assert proved.exit_code == 0, proved.output
    (env / "proof.json").write_text(proved.output)
    (env / "issuer.pub").write_text(tmec("keys", "export").output)
    ok = tmec("log", "check", "proof.json", "--key", "issuer.pub", "--json")
    assert ok.exit_code == 0 and json.loads(ok.output)["valid"], ok.output
    data = json.loads(proved.output)
    data["proof"] = list(reversed(data["proof"]))
    (env / "bad.json").write_text(json.dumps(data))
    assert tmec("log", "check", "bad.json", "--key", "issuer.pub").exit_code == 1
    assert tmec("log", "check", "head.txt", "--key", "issuer.pub").exit_code == 2


def test_changes_to_the_pdf_are_caught(env: Path) -> None:
    """The visible pages, not only the attached record: with the tmec and fpdf2 versions that made it,
    the PDF must be byte for byte what the signed record renders to (the producer metadata says which
    versions; with others the pages are not compared, and `verify` says so)."""
    import random

    _init_and_certify(env, "--invoice", "INV-1")
    (env / "issuer.pub").write_text(tmec("keys", "export").output)
    good = (env / "out" / "certificate.pdf").read_bytes()
    result = json.loads(tmec("verify", "out/certificate.pdf", "--key", "issuer.pub", "--json").output)
    assert {c["check"]: c["passed"] for c in result["checks"]}["document"] is True
    rng = random.Random(4)
    for position in sorted(rng.sample(range(len(good)), 40)):
        bad = bytearray(good)
        bad[position] ^= 0x01
        (env / "bad.pdf").write_bytes(bytes(bad))
        code = tmec("verify", "bad.pdf", "--key", "issuer.pub").exit_code
        assert code in (1, 2), position  # invalid, or no longer readable
