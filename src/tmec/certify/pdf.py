"""The certificate as a PDF: the nine Annex 5-A elements, a QR code, and the JSON attached.

The PDF is for people; the attached ``certificate.json`` is what ``tmec verify cert.pdf`` checks,
and the pages are checked by rendering that record again and comparing the bytes.  The QR code holds
``TC1:<certificate id>:<base64url SHA-256 of the canonical payload>`` so a scanner can match a
paper copy to the signed record.  A certification of many goods lists them in a table over as many
pages as it takes.

The bytes depend on this module, :mod:`tmec.certify.pdfwriter` and the labels only — never on the
tmec version — so a PDF stays verifiable by later releases.  Changing a byte of the output means a
new :data:`RENDERER` (the old one kept beside it, as :mod:`tmec.certify.pdf_fpdf2` is).
"""

from __future__ import annotations

import re
from typing import Any

from tmec.certify.canonical import canonical_json
from tmec.certify.labels import label
from tmec.certify.pdf_common import party_text, qr_text
from tmec.certify.pdfwriter import Document, GrayImage, Page, encode, text_width, wrap

__all__ = ["ATTACHMENT", "PRODUCER", "RENDERER", "attachment", "qr_text", "render_pdf"]

RENDERER = "tmec-pdf/1"
PRODUCER = f"tmec certificate renderer {RENDERER}"
ATTACHMENT = "certificate.json"

_CREATED = "20200701000000Z"  # fixed, so the same certificate renders to the same bytes
_WIDTH, _HEIGHT = 612.0, 792.0  # US Letter, points
_LEFT = _TOP_MARGIN = 36.0
_RIGHT = _WIDTH - 36.0
_BOTTOM = 48.0  # the footer's line sits below this
_QR_SIZE = 100.0
_BODY, _LEADING = 9.0, 11.5
_REGULAR, _BOLD = "Helvetica", "Helvetica-Bold"
_PAGES_MARK = b"\x00pages\x00"  # replaced by the page count once every page is laid out


class _Layout:
    """A cursor going down the pages; a line that does not fit starts a new page."""

    def __init__(self, doc: Document, footer: str) -> None:
        self.doc = doc
        self.footer = footer
        self.page: Page = doc.add_page()
        self.y = _HEIGHT - _TOP_MARGIN
        self.on_new_page: list[Any] = []  # called after a page break (a table repeats its header)

    def need(self, height: float) -> None:
        if self.y - height < _BOTTOM:
            self.page = self.doc.add_page()
            self.y = _HEIGHT - _TOP_MARGIN
            for again in self.on_new_page:
                again()

    def line(self, data: bytes, font: str, size: float, leading: float, x: float = _LEFT) -> None:
        self.need(leading)
        self.y -= leading
        self.page.text(x, self.y + (leading - size) * 0.6, data, font, size)

    def paragraph(
        self,
        text: str,
        font: str = _REGULAR,
        size: float = _BODY,
        *,
        right: float = _RIGHT,
        leading: float = 0,
    ) -> None:
        leading = leading or size * 1.28
        for data in wrap(text, font, size, right - _LEFT):
            self.line(data, font, size, leading)

    def rule(self) -> None:
        self.need(3)
        self.y -= 2
        self.page.rule(_LEFT, self.y, _RIGHT, self.y)
        self.y -= 1

    def gap(self, height: float) -> None:
        self.y -= height

    def finish(self) -> None:
        """Every page's footer: the certificate and ``page n / N``."""
        total = len(self.doc.pages)
        for n, page in enumerate(self.doc.pages, 1):
            page.rule(_LEFT, _BOTTOM - 8, _RIGHT, _BOTTOM - 8, 0.3)
            page.text(_LEFT, _BOTTOM - 18, encode(self.footer), _REGULAR, 7)
            mark = encode(f"{n} / {total}")
            page.text(_RIGHT - text_width(mark, _REGULAR, 7), _BOTTOM - 18, mark, _REGULAR, 7)
            page.ops[:] = [op.replace(_PAGES_MARK, str(total).encode()) for op in page.ops]


QR_MASK = 2  # fixed: choosing the best of the eight masks cost 6 ms a certificate


def _qr_image(text: str) -> GrayImage:
    """The QR symbol (error level M, mask 2) one pixel a module, with a quiet zone of two modules."""
    import segno

    matrix = segno.make(text, error="m", mask=QR_MASK).matrix
    border = 2
    size = len(matrix) + 2 * border
    rows = []
    for y in range(size):
        row = bytearray(b"\xff" * size)
        if border <= y < size - border:
            for x, dark in enumerate(matrix[y - border]):
                if dark:
                    row[x + border] = 0
        rows.append(bytes(row))
    return GrayImage(size, size, b"".join(rows))


def _goods_table(layout: _Layout, goods: list[dict[str, Any]], lbl: Any) -> None:
    """Element 6 for many goods: number, description, HS code, origin criterion; the header again
    on each new page."""
    columns = [(_LEFT, 22.0), (_LEFT + 22, 358.0), (_LEFT + 380, 72.0), (_LEFT + 452, _RIGHT - _LEFT - 452)]
    heads = ["#", lbl("col.description"), lbl("col.hs"), lbl("col.criterion")]

    def row(cells: list[str], font: str) -> None:
        wrapped = [wrap(text, font, 8, width - 4) for text, (_, width) in zip(cells, columns, strict=True)]
        height = max(len(w) for w in wrapped) * 10.0 + 3
        layout.need(height)
        top = layout.y
        for lines, (x, _) in zip(wrapped, columns, strict=True):
            for n, data in enumerate(lines):
                layout.page.text(x + 2, top - 8 - n * 10.0, data, font, 8)
        layout.y = top - height
        layout.page.rule(_LEFT, layout.y, _RIGHT, layout.y, 0.2)

    def header() -> None:
        row(heads, _BOLD)

    header()
    layout.on_new_page.append(header)
    for n, good in enumerate(goods, 1):
        row([str(n), str(good["description"]), str(good["hs"]), str(good["origin_criterion"])], _REGULAR)
    layout.on_new_page.remove(header)


def render_pdf(envelope: dict[str, Any]) -> bytes:
    payload = envelope["payload"]
    lang = payload.get("language", "en")
    tr = payload.get("translation")  # a certification of many goods: a second language alongside

    def lbl(key: str) -> str:
        return label(key, lang) if tr is None else f"{label(key, lang)} / {label(key, tr)}"

    certificate_id = payload["certificate_id"]
    doc = Document(title=f"{lbl('title')} {certificate_id}", producer=PRODUCER, created=_CREATED)
    layout = _Layout(doc, f"{lbl('certificate_id')} {certificate_id}")
    qr = qr_text(payload)
    doc.add_image("QR", _qr_image(qr))
    layout.page.image("QR", _RIGHT - _QR_SIZE, _HEIGHT - _TOP_MARGIN - _QR_SIZE, _QR_SIZE, _QR_SIZE)
    beside_qr = _RIGHT - _QR_SIZE - 12
    layout.paragraph(lbl("title"), _BOLD, 15 if tr is None else 12, right=beside_qr)
    layout.gap(4)
    log = envelope["log"]
    heading = [f"{lbl('certificate_id')}: {certificate_id}"]
    if payload.get("amends"):
        heading.append(f"{lbl('amends')}: {payload['amends']} - {lbl('reason')}: {payload.get('reason', '')}")
    heading.append(f"{lbl('log')}: {log['origin']} #{log['index']} / {log['tree_size']}")
    for text in heading:
        layout.paragraph(text, right=beside_qr)
    layout.y = min(layout.y, _HEIGHT - _TOP_MARGIN - _QR_SIZE) - 10

    certifier = payload["certifier"]
    role = certifier.get("role", "")
    period = payload.get("blanket_period")
    invoice = f" - {lbl('invoice')}: {payload['invoice_number']}" if payload.get("invoice_number") else ""
    scope = (
        f"{lbl('from')} {period['from']}  {lbl('to')} {period['to']}" if period else lbl("single") + invoice
    )
    sign = payload["certification"]
    statement = sign["statement"]
    if sign.get("statement_translation"):
        statement += f"\n\n{sign['statement_translation']}"
    many = "goods" in payload
    if many:
        criterion = lbl("per_good")
    else:
        good = payload["good"]
        criterion = payload["origin_criterion"]
    elements: list[tuple[str, str | None]] = [
        ("1", lbl(f"role.{role}")),
        ("2", party_text(certifier, lang, tr, missing="unknown")),
        (
            "3",
            party_text(
                payload.get("exporter"), lang, tr, missing="same" if role == "exporter" else "unknown"
            ),
        ),
        ("4", party_text(payload.get("producer"), lang, tr, missing="same")),
        ("5", party_text(payload.get("importer"), lang, tr, missing="unknown")),
        ("6", None if many else f"{good['description']}\nHS {good['hs']}" + invoice.replace(" - ", "\n", 1)),
        ("7", criterion),
        ("8", scope),
        ("9", f"{statement}\n\n{sign['signed_by']}, {sign.get('title') or ''}    {sign['date']}"),
    ]
    for key, body in elements:
        layout.paragraph(lbl(key), _BOLD)
        if body is None:
            _goods_table(layout, payload["goods"], lbl)
        else:
            layout.paragraph(body)
        if key == "9":
            layout.line(encode(f"{lbl('pages')}: ") + _PAGES_MARK, _REGULAR, _BODY, _LEADING)
        layout.rule()
        layout.gap(4)
    layout.paragraph(
        f"Signed Ed25519 key {envelope['signature']['key_id']}. Verify offline: tmec verify <this file> "
        f"--key <issuer key>. QR: {qr}",
        size=7,
    )
    layout.finish()
    doc.attach(
        ATTACHMENT,
        canonical_json(envelope),
        mime="application/json",
        description="tmec certificate: signed payload, inclusion proof and checkpoint",
    )
    return doc.output()


_ATTACHED = re.compile(
    rb"\d+ 0 obj\n<< /Type /EmbeddedFile /Subtype /application#2Fjson /Params << /Size (\d+) >> "
    rb"/Length (\d+) >>\nstream\n"
)


def attachment(pdf: bytes) -> bytes | None:
    """The certificate.json this renderer attached, read without a PDF parser; None when ``pdf`` is
    not laid out as this renderer writes (a caller then reads it with a full parser).

    Whatever this returns is only trusted once the record it holds renders back to ``pdf`` exactly.
    """
    if PRODUCER.encode("utf-16-be").hex().upper().encode() not in pdf:
        return None
    found = list(_ATTACHED.finditer(pdf))
    if len(found) != 1:
        return None
    size, length = int(found[0][1]), int(found[0][2])
    start = found[0].end()
    data = pdf[start : start + length]
    if size != length or len(data) != length or pdf[start + length : start + length + 11] != b"\nendstream\n":
        return None
    return data
