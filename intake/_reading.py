"""Reading a stored file into pages: a PDF text layer where there is one, page images otherwise.

``read_document`` checks everything that can be learnt without decoding pixels (the real
type, encryption, page count, each page's pixel count from its header) and refuses what
would exhaust memory before anything is decoded. Page images are decoded lazily, one at a
time, by ``PageSource.image()``, so a 300-page PDF never sits in memory at once. Every
failure of Pillow, PDFium or pdfplumber (including warnings turned into errors) becomes an
``IntakeError`` whose message says what was wrong and what is accepted.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pdfplumber
import pypdfium2
import pypdfium2.raw as pdfium_raw
from PIL import Image, ImageOps

from intake._errors import (
    CorruptFileError,
    EncryptedPdfError,
    IntakeError,
    TooLargeError,
    UnreadableFileError,
)
from intake._ocr import OcrLine, OcrPage
from intake._sniff import (
    ACCEPTED_DESCRIPTION,
    SNIFF_BYTES,
    MediaType,
    describe_unaccepted,
    sniff_media_type,
)

TEXT_LAYER = "text_layer"
"""``OcrPage.source`` of a page whose text came from the PDF, not from OCR."""

# PDFium is not thread-safe, not even across documents: every call goes through this lock.
_PDFIUM_LOCK = threading.Lock()
# A PDF page with fewer printable characters than this is treated as a scan (an OCR'd
# scan's stray page number is not a text layer worth trusting).
_MIN_TEXT_LAYER_CHARS = 8
_POINTS_PER_INCH = 72


@dataclass(frozen=True)
class ReadLimits:
    """What ``read_document`` accepts before it decodes anything.

    A PDF page larger than ``max_page_pixels`` at ``pdf_dpi`` is rendered at a lower
    resolution instead of being refused; an image larger than that is refused, and so is a
    PDF page whose embedded images hold more than ``max_pdf_image_pixels`` (PDFium decodes
    them whole, whatever the resolution it renders at).
    """

    max_pages: int = 300
    max_page_pixels: int = 80_000_000
    max_pdf_image_pixels: int = 200_000_000
    pdf_dpi: int = 200


READ_LIMITS = ReadLimits()


@dataclass(frozen=True)
class PageSource:
    """One page of a read document: its size, its text layer if any, and its image on demand.

    ``width`` and ``height`` are the pixels of ``image()``, the frame that ``text_layer``'s
    boxes refer to. ``text_layer`` is set for PDF pages whose text needs no OCR.
    """

    number: int
    width: int
    height: int
    text_layer: OcrPage | None
    _load: Callable[[], Image.Image] = field(repr=False, compare=False)

    def image(self) -> Image.Image:
        """Decode the page as an upright RGB image (EXIF orientation applied).

        Raises CorruptFileError if the file is damaged where this page's pixels are.
        """
        return self._load()


@dataclass(frozen=True)
class ReadDocument:
    """A file ready for OCR: its real type and its pages in order."""

    path: Path
    media_type: MediaType
    pages: tuple[PageSource, ...]


def read_document(
    path: Path, media_type: MediaType | None = None, *, limits: ReadLimits = READ_LIMITS
) -> ReadDocument:
    """Check ``path`` and list its pages without decoding their pixels.

    ``media_type`` is what the upload was sniffed as (None: sniff now); the file's bytes
    must agree. Raises UnreadableFileError (not an accepted type, corrupt, encrypted) or
    TooLargeError (too many pages or pixels), each with a message naming the fix.
    """
    real = _check_type(path, media_type)
    if real == "application/pdf":
        pages = _read_pdf(path, limits)
    else:
        pages = _read_image(path, real, limits)
    return ReadDocument(path=path, media_type=real, pages=pages)


def _check_type(path: Path, declared: MediaType | None) -> MediaType:
    try:
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError as exc:
        raise UnreadableFileError(f"cannot open {path.name}: {exc.strerror or exc}") from exc
    if not head:
        raise UnreadableFileError(f"{path.name} is empty; upload {ACCEPTED_DESCRIPTION}")
    real = sniff_media_type(head)
    if real is None:
        raise UnreadableFileError(
            f"{path.name} is {describe_unaccepted(head)}, not a scan; "
            f"accepted are {ACCEPTED_DESCRIPTION}"
        )
    if declared is not None and real != declared:
        raise CorruptFileError(
            f"{path.name} was declared {declared} but its bytes are {real}; "
            "upload it again with the right type"
        )
    return real


@contextmanager
def _translated(path: Path, what: str) -> Iterator[None]:
    """Turn any library failure into a CorruptFileError naming the file and what was tried."""
    # No warnings.catch_warnings() here: it is not thread-safe, and pages are read in threads.
    # Pillow's decompression-bomb warning starts above ReadLimits' pixel limit, which refuses
    # such an image first; where warnings are errors (the tests) they are caught like errors.
    try:
        yield
    except IntakeError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLargeError(
            f"{path.name} is refused as a possible decompression bomb: its header declares "
            "more pixels than can be decoded safely; scan at 300 DPI or less, at most A3"
        ) from exc
    except MemoryError as exc:
        raise TooLargeError(f"{path.name} needs more memory to {what} than is available") from exc
    # Pillow, PDFium and pdfminer raise dozens of unrelated types on hostile input; this is
    # the boundary where all of them are caught so that no file can crash a worker.
    except Exception as exc:
        detail = str(exc) or type(exc).__name__
        raise CorruptFileError(
            f"{path.name} is damaged or truncated (could not {what}: {detail}); "
            f"upload an intact copy ({ACCEPTED_DESCRIPTION})"
        ) from exc


def _check_pages(path: Path, count: int, limits: ReadLimits) -> None:
    if count < 1:
        raise CorruptFileError(f"{path.name} has no pages; upload an intact copy")
    if count > limits.max_pages:
        raise TooLargeError(
            f"{path.name} has {count} pages, more than the {limits.max_pages} accepted; "
            "split it into one file per document"
        )


def _check_pixels(path: Path, number: int, size: tuple[int, int], limits: ReadLimits) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise CorruptFileError(f"page {number} of {path.name} has no pixels ({width}×{height})")
    if width * height > limits.max_page_pixels:
        raise TooLargeError(
            f"page {number} of {path.name} is {width}×{height} pixels, more than the "
            f"{limits.max_page_pixels:,} accepted per page; scan at 300 DPI or less, at most A3"
        )


# --- images -------------------------------------------------------------------------------

_SWAPPING_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that turn the image by 90°/270°
_EXIF_ORIENTATION = 0x0112


def _read_image(path: Path, media_type: MediaType, limits: ReadLimits) -> tuple[PageSource, ...]:
    pages: list[PageSource] = []
    with _translated(path, "read the image header"), Image.open(path) as image:
        count = getattr(image, "n_frames", 1) if media_type == "image/tiff" else 1
        _check_pages(path, count, limits)
        for index in range(count):
            image.seek(index)
            width, height = image.size
            _check_pixels(path, index + 1, (width, height), limits)
            if image.getexif().get(_EXIF_ORIENTATION) in _SWAPPING_ORIENTATIONS:
                width, height = height, width
            load = partial(_load_frame, path, index)
            pages.append(PageSource(index + 1, width, height, None, load))
    return tuple(pages)


def _load_frame(path: Path, index: int) -> Image.Image:
    with _translated(path, f"decode page {index + 1}"), Image.open(path) as image:
        image.seek(index)
        upright = ImageOps.exif_transpose(image)
        return upright.convert("RGB")


# --- PDF ----------------------------------------------------------------------------------


def _open_pdf(path: Path) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as exc:
        if exc.err_code in (pdfium_raw.FPDF_ERR_PASSWORD, pdfium_raw.FPDF_ERR_SECURITY):
            raise EncryptedPdfError(
                f"{path.name} is an encrypted PDF that needs a password; "
                "save or print it again without a password and upload that copy"
            ) from exc
        raise CorruptFileError(
            f"{path.name} is not a readable PDF ({exc}); upload an intact copy"
        ) from exc


def _read_pdf(path: Path, limits: ReadLimits) -> tuple[PageSource, ...]:
    sizes: list[tuple[float, float]] = []
    with _translated(path, "read the PDF"), _PDFIUM_LOCK:
        pdf = _open_pdf(path)
        try:
            _check_pages(path, len(pdf), limits)
            sizes = []
            for index in range(len(pdf)):
                page = pdf[index]
                _check_embedded_images(path, index + 1, page, limits)
                sizes.append(page.get_size())
        finally:
            pdf.close()
    dpis = [_page_dpi(size, limits) for size in sizes]
    layers = _text_layers(path, dpis)
    pages = []
    for index, (size, dpi, layer) in enumerate(zip(sizes, dpis, layers, strict=True)):
        # The same arithmetic as PDFium's renderer, so that the sizes match to the pixel.
        scale = dpi / _POINTS_PER_INCH
        width, height = (max(1, math.ceil(side * scale)) for side in size)
        _check_pixels(path, index + 1, (width, height), limits)
        load = partial(_render_pdf_page, path, index, dpi)
        pages.append(PageSource(index + 1, width, height, layer, load))
    return tuple(pages)


def _check_embedded_images(
    path: Path, number: int, page: pypdfium2.PdfPage, limits: ReadLimits
) -> None:
    """Refuse a page whose images would be decoded into more pixels than memory allows."""
    images = page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE], max_depth=4)
    pixels = 0
    for image in images:
        width, height = image.get_px_size()
        pixels += width * height
    if pixels > limits.max_pdf_image_pixels:
        raise TooLargeError(
            f"page {number} of {path.name} embeds images of {pixels:,} pixels, more than the "
            f"{limits.max_pdf_image_pixels:,} accepted; scan at 300 DPI or less, at most A3"
        )


def _page_dpi(size: tuple[float, float], limits: ReadLimits) -> float:
    """The configured DPI, lowered for a page so large that it would exceed the pixel limit."""
    width, height = (max(1.0, side) * limits.pdf_dpi / _POINTS_PER_INCH for side in size)
    pixels = width * height
    if pixels <= limits.max_page_pixels:
        return float(limits.pdf_dpi)
    return limits.pdf_dpi * math.sqrt(limits.max_page_pixels / pixels) * 0.999


def _render_pdf_page(path: Path, index: int, dpi: float) -> Image.Image:
    with _translated(path, f"render page {index + 1}"), _PDFIUM_LOCK:
        pdf = _open_pdf(path)
        try:
            bitmap = pdf[index].render(scale=dpi / _POINTS_PER_INCH)
            image: Image.Image = bitmap.to_pil().convert("RGB")
            return image
        finally:
            pdf.close()


def _text_layers(path: Path, dpis: list[float]) -> list[OcrPage | None]:
    """Each page's text layer as lines with pixel boxes, or None where the page is a scan.

    A PDF that PDFium reads but pdfminer cannot parse is treated as scanned: OCR still works.
    """
    try:
        with pdfplumber.open(path) as pdf:
            return [
                _text_layer(page, number, dpi)
                for number, (page, dpi) in enumerate(zip(pdf.pages, dpis, strict=True), start=1)
            ]
    # pdfminer raises many unrelated types on damaged files; rendering and OCR still work.
    except Exception:
        return [None] * len(dpis)


def _text_layer(page: pdfplumber.page.Page, number: int, dpi: float) -> OcrPage | None:
    scale = dpi / _POINTS_PER_INCH
    left, top = float(page.bbox[0]), float(page.bbox[1])
    lines = []
    for line in page.extract_text_lines(return_chars=False):
        text = str(line["text"]).strip()
        if not text:
            continue
        box = (
            round((float(line["x0"]) - left) * scale),
            round((float(line["top"]) - top) * scale),
            round((float(line["x1"]) - left) * scale),
            round((float(line["bottom"]) - top) * scale),
        )
        lines.append(OcrLine(text=text, box=box, confidence=1.0))
    if sum(len("".join(line.text.split())) for line in lines) < _MIN_TEXT_LAYER_CHARS:
        return None
    return OcrPage(
        number=number,
        width=max(1, math.ceil(float(page.width) * scale)),
        height=max(1, math.ceil(float(page.height) * scale)),
        lines=lines,
        source=TEXT_LAYER,
    )
