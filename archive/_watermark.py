"""The visible watermark of a lent page or download: ``借阅专用 · borrower · date`` across it.

Page images and image originals are marked with Pillow; a PDF has every page stamped with
the same mark as a transparent image drawn over its content (pikepdf). The mark is made on
the bytes about to be sent: the original in the object store is never changed.
"""

from __future__ import annotations

import datetime as dt
import io
import zlib
from dataclasses import dataclass

import pikepdf
from PIL import Image, ImageDraw, ImageSequence, UnidentifiedImageError

from archive._errors import ValidationError
from archive._page_draw import cjk_font

_INK = (200, 30, 30)
_TILE_ALPHA = 70
_BAND_ALPHA = 190
_ANGLE = 30
_PDF_DPI = 100
_PDF_MAX_SIDE = 1600
_IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}


@dataclass(frozen=True)
class Watermark:
    """Who a lent copy is for and on which day it was made."""

    borrower: str
    day: dt.date

    @property
    def text(self) -> str:
        """The words drawn on every page."""
        return f"借阅专用 · {self.borrower} · {self.day.isoformat()}"


def mark_image(image: Image.Image, mark: Watermark) -> Image.Image:
    """``image`` (any mode) with the mark tiled across it and written in a band at its foot."""
    base = image.convert("RGBA")
    width, height = base.size
    size = max(10, min(width, height) // 24)
    font = cjk_font(size)
    side = int((width**2 + height**2) ** 0.5) + size
    tiles = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(tiles)
    step_x = int(font.getlength(mark.text)) + size * 2
    for row, y in enumerate(range(0, side, size * 4)):
        for x in range(-(row % 2) * step_x // 2, side, step_x):
            draw.text((x, y), mark.text, font=font, fill=(*_INK, _TILE_ALPHA))
    tiles = tiles.rotate(_ANGLE, resample=Image.Resampling.BICUBIC)
    left, top = (side - width) // 2, (side - height) // 2
    base.alpha_composite(tiles.crop((left, top, left + width, top + height)))
    _band(base, mark)
    return base


def _band(image: Image.Image, mark: Watermark) -> None:
    width, height = image.size
    # As large as fits across the page in one line (a long name makes it smaller).
    per_pixel = cjk_font(100).getlength(mark.text) / 100
    size = max(8, min(int(width * 0.9 / per_pixel), max(10, max(width, height) // 45)))
    font = cjk_font(size)
    band = Image.new("RGBA", (width, size * 2), (255, 255, 255, _BAND_ALPHA))
    ImageDraw.Draw(band).text((size // 2, size // 2), mark.text, font=font, fill=(*_INK, 255))
    image.alpha_composite(band, (0, max(0, height - size * 2)))


def mark_png(png: bytes, mark: Watermark) -> bytes:
    """A rendered page (PNG bytes) with the mark on it, as PNG."""
    with Image.open(io.BytesIO(png)) as image:
        marked = mark_image(image, mark).convert("RGB")
    out = io.BytesIO()
    marked.save(out, format="PNG")
    return out.getvalue()


def mark_original(data: bytes, media_type: str, mark: Watermark, *, max_pixels: int) -> bytes:
    """A marked copy of an original in its own format: every page of a PDF stamped, every
    frame of a TIFF and the one image of a PNG or JPEG marked."""
    if media_type == "application/pdf":
        return stamp_pdf(data, mark)
    image_format = _IMAGE_FORMATS.get(media_type)
    if image_format is None:
        raise ValidationError(f"an original of type {media_type} cannot be watermarked")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > max_pixels:
                raise _too_large(image.size, max_pixels)
            frames = [
                mark_image(frame, mark).convert("RGB") for frame in ImageSequence.Iterator(image)
            ]
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError(f"the original cannot be opened to watermark it ({exc})") from exc
    out = io.BytesIO()
    frames[0].save(out, format=image_format, save_all=len(frames) > 1, append_images=frames[1:])
    return out.getvalue()


def _too_large(size: tuple[int, int], max_pixels: int) -> ValidationError:
    return ValidationError(
        f"the original of {size[0]}×{size[1]} pixels is larger than the {max_pixels:,} pixels "
        "yekuo decodes (YEKUO_INTAKE_MAX_PAGE_PIXELS): it cannot be watermarked for a loan",
        message_zh=f"原件图像（{size[0]}×{size[1]} 像素）超过系统解码上限，无法加借阅水印",
    )


def stamp_pdf(data: bytes, mark: Watermark) -> bytes:
    """A copy of the PDF ``data`` with the mark drawn over every page."""
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise ValidationError(f"the PDF cannot be opened to watermark it ({exc})") from exc
    with pdf:
        stamps: dict[tuple[int, int], pikepdf.Stream] = {}
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            key = (round(x1 - x0), round(y1 - y0))
            if key not in stamps:
                stamps[key] = _stamp(pdf, mark, width_pt=x1 - x0, height_pt=y1 - y0)
            name = page.add_resource(stamps[key], pikepdf.Name.XObject, prefix="Lent")
            drawn = f"Q q {x1 - x0:.2f} 0 0 {y1 - y0:.2f} {x0:.2f} {y0:.2f} cm {name} Do Q"
            # The page's own drawing is wrapped in q … Q so no state it leaves moves the mark.
            page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
            page.contents_add(pikepdf.Stream(pdf, drawn.encode()), prepend=False)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def _stamp(
    pdf: pikepdf.Pdf, mark: Watermark, *, width_pt: float, height_pt: float
) -> pikepdf.Stream:
    scale = min(_PDF_DPI / 72, _PDF_MAX_SIDE / max(width_pt, height_pt, 1.0))
    size = (max(1, round(width_pt * scale)), max(1, round(height_pt * scale)))
    image = mark_image(Image.new("RGBA", size, (255, 255, 255, 0)), mark)
    alpha = pikepdf.Stream(
        pdf,
        zlib.compress(image.getchannel("A").tobytes()),
        **_image_dict(size, pikepdf.Name.DeviceGray),
    )
    return pikepdf.Stream(
        pdf,
        zlib.compress(image.convert("RGB").tobytes()),
        **_image_dict(size, pikepdf.Name.DeviceRGB),
        SMask=alpha,
    )


def _image_dict(size: tuple[int, int], colour_space: pikepdf.Name) -> dict[str, object]:
    return {
        "Type": pikepdf.Name.XObject,
        "Subtype": pikepdf.Name.Image,
        "Width": size[0],
        "Height": size[1],
        "ColorSpace": colour_space,
        "BitsPerComponent": 8,
        "Filter": pikepdf.Name.FlateDecode,
    }
