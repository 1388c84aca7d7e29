"""Issue 18: the certificate's PDF from tmec's own writer — valid, deterministic, multipage — while
the PDFs of the earlier fpdf2 renderer still verify, and verifying a PDF loads no PDF library."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest
from certify_fixtures import Case, Determination
from click.testing import CliRunner

from tmec.certify import pdf_fpdf2
from tmec.certify.canonical import canonical_json
from tmec.certify.certificate import Good, Scope
from tmec.certify.issuer import Certification, Issuer
from tmec.certify.keys import Ed25519Signer
from tmec.certify.parties import Parties
from tmec.certify.pdf import PRODUCER, attachment, qr_text, render_pdf
from tmec.certify.pdfwriter import encode, wrap
from tmec.certify.verify import _is_qr_of
from tmec.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(issuer: Issuer, signer: Ed25519Signer, parties: Parties) -> dict[str, Any]:
    return issuer.issue(signer, Case(), Determination(), parties, Scope(invoice="INV-9")).envelope


@pytest.fixture
def blanket(issuer: Issuer, signer: Ed25519Signer, parties: Parties) -> dict[str, Any]:
    """A blanket certification of 150 goods: Spanish with English alongside, over several pages."""
    import datetime as dt

    goods = [Good(Case(id=f"W-{n}"), Determination(), None) for n in range(150)]
    (issued,) = issuer.issue_many(
        signer,
        [Certification(goods=goods)],
        parties,
        Scope(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)),
        language="es",
    )
    return issued.envelope


@pytest.fixture
def home(cli_env: Path) -> Path:
    return cli_env


def _verify(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["verify", str(path), "--json"])
    data: dict[str, Any] = json.loads(result.output)
    data["exit"] = result.exit_code
    return data


def _checks(data: dict[str, Any]) -> dict[str, Any]:
    return {c["check"]: c["passed"] for c in data["checks"]}


def test_the_pdf_parses_back_with_its_text_its_qr_code_and_the_signed_record(env: dict[str, Any]) -> None:
    pdf = render_pdf(env)
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    assert reader.pdf_header == "%PDF-1.7"
    assert reader.metadata is not None and reader.metadata["/Producer"] == PRODUCER
    text = reader.pages[0].extract_text()
    expected = ("USMCA Certification of Origin", "Ana Pérez", "Ball bearings, 40 mm", "HS 8482.10", "INV-9")
    for words in expected:
        assert words in text, words
    assert reader.attachments["certificate.json"] == [canonical_json(env)]
    (image,) = reader.pages[0].images
    assert _is_qr_of(image.image, qr_text(env["payload"]))
    # every cross-reference entry points at its object
    xref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    entries = re.findall(rb"(\d{10}) 00000 n ", pdf[xref:])
    assert entries and all(pdf[int(o) :].startswith(b"%d 0 obj\n" % n) for n, o in enumerate(entries, 1))


def test_the_same_certificate_renders_to_the_same_bytes(env: dict[str, Any]) -> None:
    assert render_pdf(env) == render_pdf(json.loads(json.dumps(env)))
    assert attachment(render_pdf(env)) == canonical_json(env)


def test_a_blanket_of_many_goods_runs_over_pages_each_numbered_and_with_the_table_header(
    blanket: dict[str, Any], home: Path
) -> None:
    pdf = render_pdf(blanket)
    reader = pypdf.PdfReader(io.BytesIO(pdf), strict=True)
    pages = [p.extract_text() for p in reader.pages]
    assert len(pages) >= 4
    for n, text in enumerate(pages, 1):
        assert f"{n} / {len(pages)}" in text
    assert all("Descripción / Description" in text for text in pages[1:-1])  # the header, again
    everything = "\n".join(pages)
    assert all(f"\n{n} Ball bearings" in everything for n in (1, 75, 150))
    assert f"Páginas / Pages: {len(pages)}" in everything
    (home / "blanket.pdf").write_bytes(pdf)
    data = _verify(home / "blanket.pdf")
    assert data["exit"] == 0 and _checks(data)["document"] is True


def test_a_pdf_of_the_earlier_fpdf2_renderer_still_verifies(env: dict[str, Any], home: Path) -> None:
    old = pdf_fpdf2.render_pdf(env)
    assert b"fpdf2" in old and old != render_pdf(env)
    (home / "old.pdf").write_bytes(old)
    data = _verify(home / "old.pdf")
    assert data["exit"] == 0, data
    checks = _checks(data)
    assert checks["document"] is True and checks["signature"] is True
    assert "fpdf2" in next(c["detail"] for c in data["checks"] if c["check"] == "document")


def test_an_altered_pdf_of_either_renderer_is_invalid(env: dict[str, Any], home: Path) -> None:
    for name, pdf in (("new.pdf", render_pdf(env)), ("old.pdf", pdf_fpdf2.render_pdf(env))):
        # a visible word changed in place (the same length): the signed record attached is intact
        altered = pdf.replace(b"(Acme Motors Inc.)", b"(Acme Motorz Inc.)")
        if altered == pdf:  # fpdf2 compresses its pages: change a byte of the first page stream
            at = pdf.index(b"stream\n", pdf.index(b"/Contents")) + 40
            altered = pdf[:at] + bytes([pdf[at] ^ 1]) + pdf[at + 1 :]
        (home / name).write_bytes(altered)
        data = _verify(home / name)
        assert data["exit"] == 1, name
        assert data["signed_record_valid"] is True
        assert _checks(data)["document"] is False, name


def test_verifying_a_pdf_loads_no_pdf_library_nor_sqlalchemy(env: dict[str, Any], home: Path) -> None:
    (home / "certificate.pdf").write_bytes(render_pdf(env))
    probe = (
        "import sys\n"
        "from tmec.cli import main\n"
        "try:\n"
        "    main(['verify', 'certificate.pdf', '--json'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "loaded = sorted(m for m in ('fpdf', 'pypdf', 'sqlalchemy', 'alembic') if m in sys.modules)\n"
        "print(json.dumps({'exit': code, 'loaded': loaded}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import json\n" + probe],
        cwd=home,
        capture_output=True,
        text=True,
        check=True,
        env={"TMEC_HOME": str(home), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT / "src")},
    )
    report, _, last = out.stdout.rpartition('{"exit"')
    assert json.loads('{"exit"' + last) == {"exit": 0, "loaded": []}
    assert _checks(json.loads(report))["document"] is True


def test_text_outside_winansi_degrades_and_controls_never_reach_the_page() -> None:
    assert encode("Certificación € ñ") == "Certificación € ñ".encode("cp1252")
    assert encode("Łőd\u2028ó") == b"?od?\xf3"  # no decomposition: ?; an accent WinAnsi lacks: dropped
    assert encode("a\x00b\nc") == b"a?b?c"
    lines = wrap("word " * 60 + "x" * 400, "Helvetica", 9, 200)
    assert len(lines) > 5 and all(len(line) > 0 for line in lines)


def test_the_font_widths_are_what_the_tool_writes() -> None:
    sys.path.insert(0, str(ROOT / "tools" / "pdf"))
    try:
        import build_core_font_widths as tool
    finally:
        sys.path.pop(0)
    assert tool.OUT.read_text(encoding="utf-8") == tool.render()
