"""The loan watermark: every page of a PDF stamped, an image marked, the input unchanged."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pypdfium2
from PIL import Image

from archive import Watermark, mark_original
from tests.e2e.helpers import red_pixels

MARK = Watermark(borrower="reviewer-user", day=dt.date(2026, 12, 2))


def _page_reds(page: pypdfium2.PdfPage) -> int:
    bitmap = page.render(scale=0.5)
    try:
        return red_pixels(bitmap.to_pil())
    finally:
        bitmap.close()


def _two_page_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.add_blank_page(page_size=(842, 595))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_every_page_of_a_pdf_carries_the_mark() -> None:
    original = _two_page_pdf()
    kept = bytes(original)
    stamped = mark_original(original, "application/pdf", MARK, max_pixels=10**8)
    assert original == kept
    document = pypdfium2.PdfDocument(stamped)
    try:
        assert len(document) == 2
        for page in document:
            assert _page_reds(page) > 500
    finally:
        document.close()
    plain = pypdfium2.PdfDocument(original)
    try:
        assert _page_reds(plain[0]) == 0
    finally:
        plain.close()


def test_an_image_keeps_its_format_and_size() -> None:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(out, format="JPEG")
    marked = mark_original(out.getvalue(), "image/jpeg", MARK, max_pixels=10**8)
    with Image.open(io.BytesIO(marked)) as image:
        assert (image.format, image.size) == ("JPEG", (400, 300))
        assert red_pixels(image) > 200
