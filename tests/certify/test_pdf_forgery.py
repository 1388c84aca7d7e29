"""Issue 12 item 2: nothing a PDF says about itself can switch off the check of its visible pages."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from certify_fixtures import Case, Determination
from click.testing import CliRunner

from tmec.certify import pdf as pdf_module
from tmec.certify.certificate import Scope
from tmec.certify.issuer import Issuer
from tmec.certify.keys import Ed25519Signer
from tmec.certify.parties import Parties
from tmec.certify.pdf import PRODUCER, render_pdf
from tmec.cli import main

PRODUCERS = [PRODUCER, "tmec 0.0.1 / fpdf2 2.7.0", None, "\x00garbage [green]ok[/green] \u202e"]


def _with_producer(pdf: bytes, producer: str | None) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    meta = {k: v for k, v in (writer.metadata or {}).items() if k != "/Producer"}
    writer._info.get_object().clear()  # type: ignore[union-attr]
    writer.add_metadata(meta | ({"/Producer": producer} if producer is not None else {}))
    if producer is None:
        writer._info.get_object().pop("/Producer", None)  # type: ignore[union-attr]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _forged(env: dict[str, Any], *, genuine_qr: bool, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Visible pages with another importer and description; the genuine signed JSON attached."""
    forged = json.loads(json.dumps(env))
    forged["payload"]["importer"]["name"] = "Shell Company LLC"
    forged["payload"]["good"]["description"] = "Aircraft engines"
    genuine_json = pdf_module.canonical_json(env)
    genuine_qr_text = pdf_module.qr_text(env["payload"])
    with monkeypatch.context() as m:
        m.setattr(pdf_module, "canonical_json", lambda _obj: genuine_json)
        if genuine_qr:
            m.setattr(pdf_module, "qr_text", lambda _payload: genuine_qr_text)
        return render_pdf(forged)


@pytest.fixture
def issued_env(issuer: Issuer, signer: Ed25519Signer, parties: Parties) -> dict[str, Any]:
    return issuer.issue(signer, Case(), Determination(), parties, Scope(invoice="INV-9")).envelope


@pytest.mark.parametrize("genuine_qr", [True, False], ids=["genuine-qr", "forged-qr"])
@pytest.mark.parametrize("producer", PRODUCERS, ids=["same", "different", "missing", "garbage"])
def test_forged_visible_text_is_never_valid_whatever_the_producer(
    issued_env: dict[str, Any],
    cli_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    producer: str | None,
    genuine_qr: bool,
) -> None:
    forged = _with_producer(_forged(issued_env, genuine_qr=genuine_qr, monkeypatch=monkeypatch), producer)
    (cli_env / "forged.pdf").write_bytes(forged)
    result = CliRunner().invoke(main, ["verify", "forged.pdf", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["valid"] is False and data["signed_record_valid"] is True
    checks = {c["check"]: c["passed"] for c in data["checks"]}
    assert checks["qr"] is genuine_qr
    if producer == PRODUCER:
        assert checks["document"] is False
    else:
        assert checks["document"] is None and data["unverified"] == ["document"]
        assert data["signed_payload"]["good"]["description"] == "Ball bearings, 40 mm — sealed"
    text = CliRunner().invoke(main, ["verify", "forged.pdf"])
    assert text.exit_code == 1 and "VALID" not in text.output.replace("INVALID", "")
    if producer != PRODUCER and genuine_qr:
        assert "the signed record is valid; the visible pages are not verified" in " ".join(
            text.output.split()
        )
        assert "Acme Motors Inc." in text.output  # the signed importer, printed to compare


def test_the_genuine_pdf_is_valid_and_a_foreign_producer_alone_does_not_matter(
    issued_env: dict[str, Any], cli_env: Path
) -> None:
    genuine = render_pdf(issued_env)
    (cli_env / "genuine.pdf").write_bytes(genuine)
    result = CliRunner().invoke(main, ["verify", "genuine.pdf", "--json"])
    assert result.exit_code == 0, result.output
    assert {c["check"]: c["passed"] for c in json.loads(result.output)["checks"]}["document"] is True
    # the same pages re-saved under another Producer: no longer byte-identical, so not verified
    (cli_env / "resaved.pdf").write_bytes(_with_producer(genuine, "another program"))
    resaved = CliRunner().invoke(main, ["verify", "resaved.pdf", "--json"])
    assert resaved.exit_code == 1
    data = json.loads(resaved.output)
    assert data["signed_record_valid"] and data["unverified"] == ["document"]
    assert {c["check"]: c["passed"] for c in data["checks"]}["qr"] is True
