"""A small PDF 1.7 writer for the certificate: standard fonts, text, rules, one image, one attachment.

Why our own: the certificate needs Helvetica text in WinAnsiEncoding (Spanish and French accents
render), thin rules, a QR code and the signed JSON attached — and a verifier re-renders the PDF to
check its pages byte for byte.  A general PDF library costs a third of a second to import and its
bytes change with its version; these bytes depend on this module alone.  Nothing is compressed, so
no zlib build can change them either, and the attachment can be read back without a PDF parser.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from tmec.certify.pdf_fonts import FIRST_CODE, WIDTHS

__all__ = ["FONTS", "Document", "Page", "encode", "text_width", "wrap"]

# Resource names of the two fonts, in the order they are written.
FONTS = {"Helvetica": "F1", "Helvetica-Bold": "F2"}
LETTER = (612.0, 792.0)


_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")


def encode(text: str) -> bytes:
    """``text`` in WinAnsiEncoding (cp1252); other characters lose their accent, or become ``?``.

    Control characters become ``?`` too, so nothing a certificate says can change the page's layout.
    """
    try:
        return _CONTROLS.sub("?", text).encode("cp1252")
    except UnicodeEncodeError:
        pass
    out = bytearray()
    for ch in _CONTROLS.sub("?", text):
        try:
            out += ch.encode("cp1252")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", ch).encode("cp1252", "ignore")
            out += bytes(b for b in base if b >= FIRST_CODE) or b"?"
    return bytes(out)


def text_width(data: bytes, font: str, size: float) -> float:
    return _units(data, font) * size / 1000


def _units(data: bytes, font: str) -> int:
    widths = WIDTHS[font]
    return sum([widths[b - FIRST_CODE] for b in data])


def wrap(text: str, font: str, size: float, width: float) -> list[bytes]:
    """``text`` broken into lines no wider than ``width``: at its newlines, then between words, and
    inside a word only when the word alone is too wide."""
    limit = width * 1000 / size  # in the font's units: integers, compared exactly
    space = _units(b" ", font)
    lines: list[bytes] = []
    for paragraph in text.split("\n"):
        line, used = b"", 0
        for word in encode(paragraph).split(b" "):
            units = _units(word, font)
            if line and used + space + units <= limit:
                line, used = line + b" " + word, used + space + units
                continue
            if not line and units <= limit:
                line, used = word, units
                continue
            if line:
                lines.append(line)
            line, used = b"", 0
            if units <= limit:
                line, used = word, units
                continue
            for byte in word:  # a word wider than the line: cut it where it fills the line
                w = _units(bytes([byte]), font)
                if line and used + w > limit:
                    lines.append(line)
                    line, used = b"", 0
                line, used = line + bytes([byte]), used + w
        lines.append(line)
    return lines


def _escape(data: bytes) -> bytes:
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _num(value: float) -> bytes:
    """Two decimals, no trailing zeros, no ``-0``: the same number always writes the same bytes."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode()


def _text_string(text: str) -> bytes:
    """A PDF text string (for the document information): UTF-16BE with its byte-order mark, in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


@dataclass
class Page:
    """One page's drawing operators, in the order they were given."""

    ops: list[bytes] = field(default_factory=list)

    def text(self, x: float, y: float, data: bytes, font: str, size: float) -> None:
        self.ops.append(
            b"BT /%s %s Tf %s %s Td (%s) Tj ET"
            % (FONTS[font].encode(), _num(size), _num(x), _num(y), _escape(data))
        )

    def rule(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.4) -> None:
        self.ops.append(b"%s w %s %s m %s %s l S" % (_num(width), _num(x1), _num(y1), _num(x2), _num(y2)))

    def image(self, name: str, x: float, y: float, w: float, h: float) -> None:
        self.ops.append(
            b"q %s 0 0 %s %s %s cm /%s Do Q" % (_num(w), _num(h), _num(x), _num(y), name.encode())
        )


@dataclass(frozen=True)
class GrayImage:
    """An uncompressed 8-bit gray image (0 black, 255 white), drawn without smoothing."""

    width: int
    height: int
    pixels: bytes


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    mime: str
    description: str


class Document:
    """A PDF built page by page and written in one go, objects in a fixed order."""

    def __init__(
        self, *, title: str, producer: str, created: str, size: tuple[float, float] = LETTER
    ) -> None:
        self.title, self.producer, self.created = title, producer, created
        self.size = size
        self.pages: list[Page] = []
        self.images: dict[str, GrayImage] = {}
        self.attachments: list[Attachment] = []

    def add_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        return page

    def add_image(self, name: str, image: GrayImage) -> None:
        self.images[name] = image

    def attach(self, name: str, data: bytes, *, mime: str, description: str) -> None:
        self.attachments.append(Attachment(name, data, mime, description))

    def output(self) -> bytes:
        objects: list[bytes] = []  # object n is objects[n - 1]

        def reserve() -> int:
            objects.append(b"")
            return len(objects)

        def put(n: int, body: bytes) -> None:
            objects[n - 1] = body

        def stream(dictionary: bytes, data: bytes) -> bytes:
            return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)

        catalog, pages_n, info = reserve(), reserve(), reserve()
        font_refs = []
        for font, res in FONTS.items():
            n = reserve()
            put(
                n,
                b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>" % font.encode(),
            )
            font_refs.append(b"/%s %d 0 R" % (res.encode(), n))
        image_refs = []
        for name, img in self.images.items():
            n = reserve()
            put(
                n,
                stream(
                    b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                    b"/BitsPerComponent 8 /Interpolate false" % (img.width, img.height),
                    img.pixels,
                ),
            )
            image_refs.append(b"/%s %d 0 R" % (name.encode(), n))
        specs = []
        for att in self.attachments:
            data_n, spec_n = reserve(), reserve()
            mime = att.mime.replace("/", "#2F").encode()
            put(
                data_n,
                stream(
                    b"/Type /EmbeddedFile /Subtype /%s /Params << /Size %d >>" % (mime, len(att.data)),
                    att.data,
                ),
            )
            file_name = _escape(encode(att.name))
            put(
                spec_n,
                b"<< /Type /Filespec /F (%s) /UF %s /EF << /F %d 0 R >> /Desc %s /AFRelationship /Data >>"
                % (file_name, _text_string(att.name), data_n, _text_string(att.description)),
            )
            specs.append((file_name, spec_n))
        resources = b"<< /Font << %s >> /XObject << %s >> >>" % (b" ".join(font_refs), b" ".join(image_refs))
        kids = []
        for page in self.pages:
            page_n, content_n = reserve(), reserve()
            put(content_n, stream(b"", b"\n".join(page.ops)))
            put(
                page_n,
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources %s /Contents %d 0 R >>"
                % (pages_n, _num(self.size[0]), _num(self.size[1]), resources, content_n),
            )
            kids.append(b"%d 0 R" % page_n)
        put(pages_n, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids)))
        names = b" ".join(b"(%s) %d 0 R" % (file_name, n) for file_name, n in specs)
        files = b" ".join(b"%d 0 R" % n for _, n in specs)
        put(
            catalog,
            b"<< /Type /Catalog /Pages %d 0 R /Names << /EmbeddedFiles << /Names [%s] >> >> /AF [%s] >>"
            % (pages_n, names, files),
        )
        put(
            info,
            b"<< /Title %s /Producer %s /CreationDate (D:%s) /ModDate (D:%s) >>"
            % (
                _text_string(self.title),
                _text_string(self.producer),
                self.created.encode(),
                self.created.encode(),
            ),
        )
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for n, body in enumerate(objects, 1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
        # The file identifier is a digest of the body, so the same certificate gets the same one.
        ident = hashlib.sha256(bytes(out)).hexdigest()[:32].upper().encode()
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\n" % (
            len(objects) + 1,
            catalog,
            info,
            ident,
            ident,
        )
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)
