"""A minimal PDF writer for born-digital test files: Chinese text with a real text layer.

Text uses the PDF standard CJK font STSong-Light with the predefined ``UniGB-UCS2-H``
encoding, which every reader (pdfminer, PDFium) maps to Unicode without an embedded font.
"""

from __future__ import annotations

from collections.abc import Sequence

A4_POINTS = (595.0, 842.0)
_MARGIN = 56.0


def _object_bytes(number: int, body: bytes) -> bytes:
    return f"{number} 0 obj\n".encode() + body + b"\nendobj\n"


def assemble(objects: Sequence[bytes], *, trailer_extra: bytes = b"") -> bytes:
    """A PDF whose objects are numbered from 1 in order; object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += _object_bytes(number, body)
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer_extra
    out += f">>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(content: bytes) -> bytes:
    return f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream"


def _text_content(lines: Sequence[str]) -> bytes:
    """Lines from the top of an A4 page down, each shrunk to fit the text width."""
    width = A4_POINTS[0] - 2 * _MARGIN
    y = A4_POINTS[1] - _MARGIN
    parts = [b"BT"]
    for line in lines:
        size = min(12.0, width / max(1, len(line)))
        y -= size * 1.6
        encoded = line.encode("utf-16-be", errors="replace").hex().upper()
        parts.append(f"/F1 {size:.2f} Tf 1 0 0 1 {_MARGIN:.1f} {y:.2f} Tm <{encoded}> Tj".encode())
    parts.append(b"ET")
    return b"\n".join(parts)


def text_pdf(page_texts: Sequence[str]) -> bytes:
    """An A4 PDF with one page per text, each line of it printed as real text."""
    font = 3 + 2 * len(page_texts)
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for index, text in enumerate(page_texts):
        page, content = 3 + 2 * index, 4 + 2 * index
        kids.append(f"{page} 0 R")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4_POINTS[0]} {A4_POINTS[1]}] "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
        )
        objects.append(_stream(_text_content(text.splitlines())))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    objects.append(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        f"/DescendantFonts [{font + 1} 0 R] >>".encode()
    )
    objects.append(
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >> /DW 1000 >>"
    )
    return assemble(objects)


def blank_pdf(pages: int) -> bytes:
    """A PDF of ``pages`` empty A4 pages (a few hundred bytes per page)."""
    kids = " ".join(f"{3 + index} 0 R" for index in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
    ]
    page = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4_POINTS[0]} {A4_POINTS[1]}] >>"
    objects.extend(page.encode() for _ in range(pages))
    return assemble(objects)


def encrypted_pdf() -> bytes:
    """A one-page PDF under the standard security handler with an unknown user password."""
    key_check = bytes(range(32))
    encrypt = (
        f"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 "
        f"/O <{bytes(reversed(key_check)).hex()}> /U <{key_check.hex()}> >>"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {A4_POINTS[0]} {A4_POINTS[1]}] >>".encode(),
        encrypt,
    ]
    file_id = "0123456789abcdef0123456789abcdef"
    trailer = f"/Encrypt 4 0 R /ID [<{file_id}> <{file_id}>] "
    return assemble(objects, trailer_extra=trailer.encode())
