"""Writing rendered pages as the files archivists upload: JPEG, PNG, TIFF and PDF bytes."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

from synthetic._pdf import text_pdf
from synthetic._sheet import DPI


def _save(images: Sequence[Image.Image], format_name: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    first, *rest = images
    if rest:
        options["save_all"] = True
        options["append_images"] = rest
    first.save(buffer, format=format_name, dpi=(DPI, DPI), **options)
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, *, quality: int = 90) -> bytes:
    """One page as a JPEG."""
    return _save([image], "JPEG", quality=quality)


def png_bytes(image: Image.Image) -> bytes:
    """One page as a PNG."""
    return _save([image], "PNG")


def tiff_bytes(images: Sequence[Image.Image]) -> bytes:
    """All pages as one multi-page TIFF, LZW-compressed as scanners write them."""
    return _save(images, "TIFF", compression="tiff_lzw")


def scanned_pdf_bytes(images: Sequence[Image.Image], *, quality: int = 85) -> bytes:
    """All pages as a scanned PDF: one JPEG image per page, no text layer."""
    return _save(images, "PDF", resolution=float(DPI), quality=quality)


def text_pdf_bytes(page_texts: Sequence[str]) -> bytes:
    """A born-digital PDF whose pages carry these texts as a real text layer."""
    return text_pdf(page_texts)
