"""Several goods at once (issue 18, batch form; issue 17 item 6): one certificate per good in one
transaction, or one blanket certification listing every good, in Spanish with the English alongside."""

from __future__ import annotations

import json
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner, Result

from tmec.certify.issuer import Issuer
from tmec.cli import main
from tmec.store.db import open_store
from tmec.store.statements import StatementBook

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
GOODS = [EXAMPLES / "bearing.yaml", EXAMPLES / "aluminum_wheel.yaml", EXAMPLES / "hot_rolled_coil.yaml"]
DOOR = EXAMPLES / "stamped_body_part.yaml"  # not originating
PERIOD = ["--blanket-from", "2025-01-01", "--blanket-to", "2025-12-31"]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TMEC_DATABASE_URL", raising=False)
    monkeypatch.setenv("TMEC_KEY_PASSPHRASE", "a long passphrase for the test key")
    monkeypatch.chdir(tmp_path)
    assert tmec("init", "--origin", "tmec.example/rodamientos").exit_code == 0
    return tmp_path


def tmec(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def certify(*args: str) -> Result:
    return tmec("certify", *args, "--certifier", str(EXAMPLES / "certifier.yaml"), "--json")


def log_size() -> int:
    return int(json.loads(tmec("log", "verify", "--json").output)["size"])


def test_a_batch_issues_one_certificate_per_good_each_in_its_directory(env: Path) -> None:
    result = certify(*map(str, GOODS), *PERIOD, "--out", "batch")
    assert result.exit_code == 0, result.output
    issued = json.loads(result.output)["certificates"]
    assert [c["case"] for c in issued] == [str(g) for g in GOODS]
    assert [c["log_index"] for c in issued] == [1, 2, 3]  # consecutive: one transaction
    hs = []
    for c in issued:
        folder = env / "batch" / c["certificate_id"]
        assert {p.name for p in folder.iterdir()} == {
            "certificate.json",
            "certificate.pdf",
            "certificate.vc.json",
            "worksheet.json",
        }
        for name in ("certificate.json", "certificate.pdf"):
            assert tmec("verify", str(folder / name), "--date", "2025-06-30").exit_code == 0
        hs.append(json.loads((folder / "certificate.json").read_text())["payload"]["good"]["hs"])
    assert hs == ["8482.10", "8708.70", "7208.38"]


def test_a_batch_is_all_or_nothing_when_a_good_does_not_qualify(env: Path) -> None:
    before = log_size()
    result = certify(str(GOODS[0]), str(DOOR), str(GOODS[1]), *PERIOD, "--out", "batch")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["certificates"] == [] and [r["case"] for r in data["refused"]] == [str(DOOR)]
    assert log_size() == before
    assert not (env / "batch").exists()
    text = tmec("certify", str(GOODS[0]), str(DOOR), "--certifier", str(EXAMPLES / "certifier.yaml"))
    assert text.exit_code == 1 and "nothing was issued" in text.output


def _blanket(env: Path, out: str = "blanket", *extra: str) -> dict:  # type: ignore[type-arg]
    result = certify(*map(str, GOODS), "--blanket", *PERIOD, "--out", out, *extra)
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.output)  # type: ignore[type-arg]
    return data


def test_a_blanket_certification_lists_every_good_in_spanish_with_english_alongside(env: Path) -> None:
    out = _blanket(env)
    envelope = json.loads((env / "blanket" / "certificate.json").read_text())
    payload = envelope["payload"]
    assert payload["language"] == "es" and payload["translation"] == "en"
    assert [(g["hs"], g["origin_criterion"]) for g in payload["goods"]] == [
        ("8482.10", "B"),
        ("8708.70", "B"),
        ("7208.38", "B"),
    ]
    assert payload["blanket_period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert payload["certification"]["statement"].startswith("Certifico que las mercancías")
    assert payload["certification"]["statement_translation"].startswith("I certify that the goods")
    # the minimum data elements, each good's description and HS code among them
    for key in ("certifier", "exporter", "producer", "importer"):
        assert key in payload
    text = pypdf.PdfReader(env / "blanket" / "certificate.pdf").pages[0].extract_text()
    for words in (
        "Certificación de Origen T-MEC / USMCA Certification of Origin",
        "6. Descripción y clasificación arancelaria SA de la mercancía / 6. Description and HS",
        "7. Criterio de origen / 7. Origin criterion",
        "8. Periodo general / 8. Blanket period",
        "Desde / From 2025-01-01",
        "I certify that the goods",
        "Certifico que las mercanc",
        "SA / HS Criterio / Criterion",  # element 6 is a table: one row a good
        "8708.70 B",
    ):
        assert words in text, words
    verified = tmec("verify", str(env / "blanket" / "certificate.pdf"), "--date", "2025-06-30", "--json")
    assert verified.exit_code == 0, verified.output
    checks = {c["check"]: c["passed"] for c in json.loads(verified.output)["checks"]}
    assert all(
        checks[n] for n in ("key", "signature", "checkpoint", "inclusion", "log", "period", "revocation")
    )
    assert checks["document"] is True
    assert tmec("verify", str(env / "blanket" / "certificate.vc.json")).exit_code == 0
    sheet = json.loads((env / "blanket" / "worksheet.json").read_text())
    assert [g["case_id"] for g in sheet["goods"]] == [g["case_id"] for g in payload["goods"]]
    assert out["files"][0] == "blanket/certificate.json"


def test_a_tampered_blanket_certification_fails(env: Path) -> None:
    _blanket(env)
    path = env / "blanket" / "certificate.json"
    envelope = json.loads(path.read_text())
    envelope["payload"]["goods"][1]["hs"] = "8708.99"
    path.write_text(json.dumps(envelope))
    result = tmec("verify", str(path), "--json")
    assert result.exit_code == 1
    assert "signature" in {c["check"] for c in json.loads(result.output)["checks"] if c["passed"] is False}


def test_a_blanket_certification_needs_its_period(env: Path) -> None:
    result = certify(*map(str, GOODS), "--blanket", "--invoice", "INV-1")
    assert result.exit_code == 2 and "--blanket" in result.output


def test_a_blanket_certification_is_amended_and_revoked_like_one_good(env: Path) -> None:
    first = _blanket(env)["certificate_id"]
    amended = tmec(
        "amend", first, *map(str, GOODS[:2]), "--blanket", *PERIOD, "--reason", "coil no longer sold",
        "--certifier", str(EXAMPLES / "certifier.yaml"), "--out", "amended", "--json",
    )  # fmt: skip
    assert amended.exit_code == 0, amended.output
    new = json.loads(amended.output)["certificate_id"]
    payload = json.loads((env / "amended" / "certificate.json").read_text())["payload"]
    assert payload["kind"] == "amendment" and payload["amends"] == first and len(payload["goods"]) == 2
    old = tmec("verify", str(env / "blanket" / "certificate.json"), "--json")
    assert old.exit_code == 1 and "amended" in old.output
    assert tmec("revoke", new, "--reason", "withdrawn", "--yes", "--out", "rev").exit_code == 0
    assert tmec("verify", str(env / "amended" / "certificate.pdf")).exit_code == 1


def test_the_statements_of_every_good_of_a_blanket_certification_stay_findable(env: Path) -> None:
    cert_id = _blanket(env)["certificate_id"]
    store = open_store(create=False)
    try:
        listed = StatementBook(Issuer(store).store).certificate_worksheets()
    finally:
        store.close()
    case_ids = [yaml.safe_load(g.read_text())["id"] for g in GOODS]
    assert [(i, s["case_id"]) for i, s in listed] == [(cert_id, c) for c in case_ids]
    assert all("determination" in s and "case" in s for _, s in listed)


def test_a_batch_without_out_writes_each_certificate_under_certificates(env: Path) -> None:
    result = certify(*map(str, GOODS[:2]), "--invoice", "INV-9")
    assert result.exit_code == 0, result.output
    for c in json.loads(result.output)["certificates"]:
        assert (env / "certificates" / c["certificate_id"] / "certificate.pdf").is_file()


def test_an_amendment_of_one_certification_takes_one_case_unless_blanket(env: Path) -> None:
    first = json.loads(certify(str(GOODS[0]), "--invoice", "INV-1").output)["certificate_id"]
    result = tmec(
        "amend", first, *map(str, GOODS[:2]), "--reason", "r", "--invoice", "INV-1",
        "--certifier", str(EXAMPLES / "certifier.yaml"),
    )  # fmt: skip
    assert result.exit_code == 2 and "one CASE, or --blanket" in result.output


def test_a_batch_reads_the_statements_of_every_case_through_one_reader(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store is opened once for the statements of a batch's cases (each case still reads its
    own, in a snapshot of its own): opening it per case cost a batch of 100 about 3 ms a case."""
    from tmec.store.quick import QuickReader

    readers: list[QuickReader] = []
    real = QuickReader.statements

    def spy(self: QuickReader, **kw: object) -> object:
        readers.append(self)  # kept: a reader freed early could lend its id to the next
        return real(self, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(QuickReader, "statements", spy)
    result = certify(*map(str, GOODS), "--invoice", "INV-7", "--out", "batch")
    assert result.exit_code == 0, result.output
    assert len(readers) == len(GOODS) and len({id(r) for r in readers}) == 1
