"""The first renderer of the certificate's PDF (fpdf2), kept so the PDFs it made still verify.

Certificates issued before tmec had its own PDF writer (:mod:`tmec.certify.pdf`) carry a PDF made
here; ``tmec verify`` re-renders it with this module, loaded only for such a file, and compares
the bytes.  Do not change what it draws: a changed byte unverifies every PDF it made.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import fpdf
import segno
from fpdf import FPDF

from tmec._version import __version__
from tmec.certify.canonical import canonical_json
from tmec.certify.labels import label
from tmec.certify.pdf_common import party_text as _party_text
from tmec.certify.pdf_common import qr_text

__all__ = ["PRODUCER", "render_pdf"]

# Rendering is deterministic: the same certificate gives the same bytes under the same versions, so
# a verifier running them can check the visible document, not just the attached JSON.
PRODUCER = f"tmec {__version__} / fpdf2 {fpdf.__version__}"

_MODIFIED = "2020-07-01T00:00:00+00:00"  # fixed so the same certificate renders to the same bytes


def _latin1(text: str) -> str:
    """The PDF's core fonts are Latin-1; other characters degrade (the attached JSON keeps them exact)."""
    out = []
    for ch in text:
        try:
            ch.encode("latin-1")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def render_pdf(envelope: dict[str, Any]) -> bytes:
    payload = envelope["payload"]
    lang = payload.get("language", "en")
    tr = payload.get("translation")  # a certification of many goods: a second language alongside

    def lbl(key: str) -> str:
        return label(key, lang) if tr is None else f"{label(key, lang)} / {label(key, tr)}"

    pdf = FPDF(format="Letter")
    pdf.set_creation_date(dt.datetime.fromisoformat(_MODIFIED))
    pdf.set_producer(PRODUCER)
    pdf.set_title(_latin1(f"{lbl('title')} {payload['certificate_id']}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15 if tr is None else 12)
    pdf.cell(0, 9, _latin1(lbl("title")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        5,
        _latin1(f"{lbl('certificate_id')}: {payload['certificate_id']}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    if payload.get("amends"):
        pdf.cell(
            0,
            5,
            _latin1(f"{lbl('amends')}: {payload['amends']} - {lbl('reason')}: {payload.get('reason', '')}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    log = envelope["log"]
    pdf.cell(
        0,
        5,
        _latin1(f"{lbl('log')}: {log['origin']} #{log['index']} / {log['tree_size']}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    svg = io.BytesIO()  # PNG: fpdf2 warns on SVG without a viewBox
    segno.make(qr_text(payload), error="m").save(svg, kind="png", scale=4, border=2)
    svg.seek(0)
    pdf.image(svg, x=pdf.w - 50, y=10, w=36, h=36)
    pdf.ln(14)

    certifier = payload["certifier"]
    role = certifier.get("role", "")
    period = payload.get("blanket_period")
    scope = (
        f"{lbl('from')} {period['from']}  {lbl('to')} {period['to']}"
        if period
        else f"{lbl('single')}"
        + (f" - {lbl('invoice')}: {payload['invoice_number']}" if payload.get("invoice_number") else "")
    )
    sign = payload["certification"]
    statement = sign["statement"]
    if sign.get("statement_translation"):
        statement += f"\n\n{sign['statement_translation']}"
    if "goods" in payload:
        goods = "\n".join(
            f"{n}. {g['description']} - HS {g['hs']} - {lbl('criterion')} {g['origin_criterion']}"
            for n, g in enumerate(payload["goods"], 1)
        )
        criterion = lbl("per_good")
    else:
        good = payload["good"]
        goods = f"{good['description']}\nHS {good['hs']}" + (
            f"\n{lbl('invoice')}: {payload['invoice_number']}" if payload.get("invoice_number") else ""
        )
        criterion = payload["origin_criterion"]
    elements = [
        ("1", lbl(f"role.{role}")),
        ("2", _party_text(certifier, lang, tr, missing="unknown")),
        (
            "3",
            _party_text(
                payload.get("exporter"), lang, tr, missing="same" if role == "exporter" else "unknown"
            ),
        ),
        ("4", _party_text(payload.get("producer"), lang, tr, missing="same")),
        ("5", _party_text(payload.get("importer"), lang, tr, missing="unknown")),
        ("6", goods),
        ("7", criterion),
        ("8", scope),
        (
            "9",
            f"{statement}\n\n{sign['signed_by']}, {sign.get('title') or ''}    {sign['date']}\n"
            f"{lbl('pages')}: {{nb}}",
        ),
    ]
    for key, text in elements:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(0, 6, _latin1(lbl(key)), new_x="LMARGIN", new_y="NEXT", fill=False)
        pdf.set_font("Helvetica", "", 9)
        pdf.multi_cell(0, 4.5, _latin1(text), border="B", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    pdf.set_font("Helvetica", "", 7)
    pdf.multi_cell(
        0,
        3.5,
        _latin1(
            f"Signed Ed25519 key {envelope['signature']['key_id']}. Verify offline: tmec verify <this file> "
            f"--key <issuer key>. QR: {qr_text(payload)}"
        ),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.embed_file(
        bytes=canonical_json(envelope),
        basename="certificate.json",
        mime_type="application/json",
        desc="tmec certificate: signed payload, inclusion proof and checkpoint",
    )
    return bytes(pdf.output())
