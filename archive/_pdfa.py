"""Archival copies: a document's pages as PDF/A-2b, the OCR text as an invisible text layer.

Each page is the original's page as an image (a PDF page rendered, an image or TIFF frame as
it is, turned upright as intake turned it) under the words intake read, drawn in text rendering
mode 3 (invisible) so the copy can be searched and copied from for as long as PDF/A is read.
The words use a non-embedded CID font (Identity-H, CID = Unicode code point) with a ToUnicode
map: PDF/A-2 (ISO 19005-2, 6.2.11.4.1) needs no font program for text that is never rendered.
The file carries an sRGB output intent and XMP metadata declaring ``pdfaid:part=2``,
``pdfaid:conformance=B``; it is never encrypted and holds no scripts or embedded files.
The original is only read.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf
import pypdfium2
from PIL import Image, ImageCms, ImageSequence

from archive._errors import ValidationError

RENDER_DPI = 150
IMAGE_DPI = 200
"""Pixels per inch assumed for a scanned image that does not say."""
JPEG_QUALITY = 85
PDF_HEADER = "1.7"


@dataclass(frozen=True)
class CopyMetadata:
    """What the copy's XMP says about it: 题名, 责任者, 档号 and when it was made."""

    title: str
    creator: str
    archive_no: str
    made_at: dt.datetime


def archival_copy(
    original: bytes,
    media_type: str,
    *,
    pages: Sequence[int],
    ocr_pages: Sequence[dict[str, Any]],
    metadata: CopyMetadata,
    max_pixels: int,
) -> bytes:
    """The PDF/A-2b copy of ``pages`` (1-based) of the original, with its OCR words.

    ValidationError when a page cannot be read from the original (the message names it).
    """
    words = {int(page["number"]): page for page in ocr_pages}
    pdf = pikepdf.new()
    font = pdf.make_indirect(_invisible_font(pdf))
    for number, image in _page_images(original, media_type, pages, max_pixels=max_pixels):
        ocr = words.get(number)
        turned = image.rotate(-int(ocr.get("rotation", 0)), expand=True) if ocr else image
        _add_page(pdf, turned.convert("RGB"), ocr, font)
    _declare_pdfa(pdf, metadata)
    out = io.BytesIO()
    pdf.save(out, min_version=PDF_HEADER, deterministic_id=True)
    return out.getvalue()


def _page_images(
    original: bytes, media_type: str, pages: Sequence[int], *, max_pixels: int
) -> Iterator[tuple[int, Image.Image]]:
    if media_type == "application/pdf":
        document = pypdfium2.PdfDocument(original)
        try:
            for number in pages:
                if not 1 <= number <= len(document):
                    raise ValidationError(f"the original has no page {number}")
                bitmap = document[number - 1].render(scale=RENDER_DPI / 72)
                yield number, bitmap.to_pil()
        finally:
            document.close()
        return
    Image.MAX_IMAGE_PIXELS = max_pixels
    with Image.open(io.BytesIO(original)) as image:
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]
    for number in pages:
        if not 1 <= number <= len(frames):
            raise ValidationError(f"the original has no page {number}")
        yield number, frames[number - 1]


def _add_page(
    pdf: pikepdf.Pdf, image: Image.Image, ocr: dict[str, Any] | None, font: pikepdf.Object
) -> None:
    dpi = RENDER_DPI if image.info.get("dpi") is None else float(image.info["dpi"][0] or IMAGE_DPI)
    width, height = image.width * 72 / dpi, image.height * 72 / dpi
    encoded = io.BytesIO()
    image.save(encoded, format="JPEG", quality=JPEG_QUALITY)
    xobject = pikepdf.Stream(
        pdf,
        encoded.getvalue(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=image.width,
        Height=image.height,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    content = f"q {width:.2f} 0 0 {height:.2f} 0 0 cm /Im0 Do Q\n".encode()
    if ocr:
        content += _text_layer(ocr, page_width=width, page_height=height)
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, round(width, 2), round(height, 2)],
        Resources=pikepdf.Dictionary(
            XObject=pikepdf.Dictionary(Im0=xobject), Font=pikepdf.Dictionary(F1=font)
        ),
        Contents=pikepdf.Stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(page))


def _text_layer(ocr: dict[str, Any], *, page_width: float, page_height: float) -> bytes:
    """The OCR lines as invisible text, each stretched (``Tz``) over its box."""
    scale_x = page_width / max(float(ocr.get("width") or 1), 1.0)
    scale_y = page_height / max(float(ocr.get("height") or 1), 1.0)
    parts = ["BT 3 Tr"]
    for line in ocr.get("lines", []):
        codes = [ord(c) for c in str(line["text"]) if ord(c) <= 0xFFFF and not _surrogate(c)]
        if not codes:
            continue
        left, top, right, bottom = (float(v) for v in line["box"])
        size = max((bottom - top) * scale_y, 1.0)
        stretch = max((right - left) * scale_x / (size * len(codes)) * 100, 1.0)
        x, y = left * scale_x, page_height - bottom * scale_y
        text = "".join(f"{code:04X}" for code in codes)
        parts.append(f"/F1 {size:.2f} Tf {stretch:.2f} Tz 1 0 0 1 {x:.2f} {y:.2f} Tm <{text}> Tj")
    parts.append("ET\n")
    return "\n".join(parts).encode()


def _surrogate(char: str) -> bool:
    return 0xD800 <= ord(char) <= 0xDFFF


def _invisible_font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """A Type 0 font whose CIDs are Unicode code points; never rendered, so not embedded."""
    descriptor = pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name("/YekuoInvisibleText"),
        Flags=4,
        FontBBox=[0, 0, 1000, 1000],
        ItalicAngle=0,
        Ascent=1000,
        Descent=0,
        CapHeight=1000,
        StemV=80,
    )
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/YekuoInvisibleText"),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=1000,
        CIDToGIDMap=pikepdf.Name.Identity,
    )
    return pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name("/YekuoInvisibleText"),
        Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid_font)],
        ToUnicode=pikepdf.Stream(pdf, _to_unicode_cmap()),
    )


def _to_unicode_cmap() -> bytes:
    """CID n is U+n (the Basic Multilingual Plane less the surrogates)."""
    ranges = [f"<{high:02X}00> <{high:02X}FF> <{high:02X}00>" for high in range(256)]
    ranges = [r for r in ranges if not 0xD8 <= int(r[1:3], 16) <= 0xDF]
    blocks = []
    for start in range(0, len(ranges), 100):
        chunk = ranges[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()


def _declare_pdfa(pdf: pikepdf.Pdf, metadata: CopyMetadata) -> None:
    """The sRGB output intent and the XMP (with the document information kept in step)."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    icc = pikepdf.Stream(pdf, profile)
    icc["/N"] = 3
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier="sRGB IEC61966-2.1",
                Info="sRGB IEC61966-2.1",
                DestOutputProfile=pdf.make_indirect(icc),
            )
        ]
    )
    with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:
        xmp["pdfaid:part"] = "2"
        xmp["pdfaid:conformance"] = "B"
        xmp["dc:title"] = metadata.title
        xmp["dc:creator"] = [metadata.creator]
        xmp["dc:identifier"] = metadata.archive_no
        xmp["xmp:CreatorTool"] = "yekuo"
        stamp = metadata.made_at.isoformat(timespec="seconds")
        xmp["xmp:CreateDate"] = stamp
        xmp["xmp:ModifyDate"] = stamp
        xmp["xmp:MetadataDate"] = stamp
