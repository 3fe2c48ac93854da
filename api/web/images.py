"""Page images of an original for the browser: PDFs and TIFFs rendered a page at a time to PNG.

Browsers show PNG and JPEG themselves; a PDF page or a TIFF frame is rendered here so the
reviewer sees every page beside the extracted fields without downloading the original. The
viewer keeps intake's read limits: an image with more pixels than ``YEKUO_INTAKE_MAX_PAGE_PIXELS``
is not decoded, and a PDF page is rendered at a scale that keeps it within ``MAX_SIDE`` pixels
whatever size the page claims, so no original can make the server decode a huge bitmap.
"""

from __future__ import annotations

import io

import pypdfium2
from PIL import Image, ImageSequence, UnidentifiedImageError

from archive import ValidationError

BROWSER_IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})
RENDERED_TYPES = frozenset({"application/pdf", "image/tiff"})
MAX_SIDE = 2000
_PDF_SCALE = 150 / 72


def page_count(data: bytes, media_type: str, *, max_pixels: int) -> int:
    """How many pages the original has (1 for a PNG or JPEG), without decoding any."""
    if media_type == "application/pdf":
        pdf = _open_pdf(data)
        try:
            return len(pdf)
        finally:
            pdf.close()
    if media_type == "image/tiff":
        with _open_image(data, max_pixels=max_pixels) as image:
            return int(getattr(image, "n_frames", 1))
    return 1


def render_page(data: bytes, media_type: str, *, page: int, max_pixels: int) -> bytes:
    """Page ``page`` (1-based) of a PDF or TIFF as PNG bytes, at most MAX_SIDE pixels a side.

    ValidationError when the page does not exist or its image has more than ``max_pixels``.
    """
    if media_type == "application/pdf":
        image = _pdf_page(data, page)
    elif media_type == "image/tiff":
        image = _tiff_frame(data, page, max_pixels=max_pixels)
    else:
        raise ValidationError(f"{media_type} is shown as it is; only PDF and TIFF are rendered")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()


def _open_pdf(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise ValidationError(f"the PDF cannot be opened for display ({exc}); download it") from exc


def _open_image(data: bytes, *, max_pixels: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise _too_large(max_pixels) from None
    except (UnidentifiedImageError, OSError) as exc:
        message = f"the image cannot be opened for display ({exc}); download it"
        raise ValidationError(message) from exc
    _check_pixels(image, max_pixels)
    return image


def _check_pixels(image: Image.Image, max_pixels: int) -> None:
    width, height = image.size
    if width * height > max_pixels:
        image.close()
        raise _too_large(max_pixels, f"{width}×{height}")


def _too_large(max_pixels: int, size: str = "") -> ValidationError:
    return ValidationError(
        f"the image{' of ' + size + ' pixels' if size else ''} is larger than the "
        f"{max_pixels:,} pixels yekuo decodes (YEKUO_INTAKE_MAX_PAGE_PIXELS); it is not shown, "
        "download the original to look at it",
        message_zh=f"图像{'（' + size + ' 像素）' if size else ''}超过系统解码上限 "
        f"{max_pixels:,} 像素（设置项 YEKUO_INTAKE_MAX_PAGE_PIXELS），不予显示；请下载原件查看",
    )


def _no_page(page: int, pages: int) -> ValidationError:
    return ValidationError(
        f"there is no page {page}: the original has {pages} page(s)",
        message_zh=f"没有第 {page} 页：原件共 {pages} 页",
    )


def _pdf_page(data: bytes, page: int) -> Image.Image:
    pdf = _open_pdf(data)
    try:
        if not 1 <= page <= len(pdf):
            raise _no_page(page, len(pdf))
        width, height = pdf[page - 1].get_size()
        # A page may claim any size (7200 pt a side renders 15,000 px at 150 dpi): cap the scale.
        scale = min(_PDF_SCALE, MAX_SIDE / max(width, height, 1.0))
        bitmap = pdf[page - 1].render(scale=scale)
        image: Image.Image = bitmap.to_pil()
        return image
    finally:
        pdf.close()


def _tiff_frame(data: bytes, page: int, *, max_pixels: int) -> Image.Image:
    with _open_image(data, max_pixels=max_pixels) as image:
        frames = int(getattr(image, "n_frames", 1))
        if not 1 <= page <= frames:
            raise _no_page(page, frames)
        frame = ImageSequence.Iterator(image)[page - 1]
        _check_pixels(frame, max_pixels)  # each frame has its own size
        return frame.copy()
