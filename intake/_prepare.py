"""Preparing a page image for OCR: flatten a photographed page, turn it upright, then make
its print stand out.

Each step is a plain function on a Pillow image; ``prepare`` runs those that
``Preparation`` switches on, in a fixed order. A photo of a page on a background is cut
out and unwarped first (``intake._page_find``), and its lighting is always flattened.
Which steps are on by default, per engine, is decided by ``bench/ocr.py`` and
``bench/intake_accuracy.py`` on the synthetic corpus (see ``PREPARATIONS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from intake._fax import clean_fax
from intake._page_find import find_page, unwarp
from intake._upscale import upscale

_SKEW_SIDE = 900
_SKEW_LIMIT = 5.0
_SKEW_STEP = 0.25
_SKEW_MIN = 0.3  # below this a turn would only blur the print
_BACKGROUND_SIDE = 400


@runtime_checkable
class OrientationDetector(Protocol):
    """Something that tells how far a page must be turned to be upright."""

    def detect_rotation(self, image: Image.Image) -> int:
        """The clockwise turn (0, 90, 180 or 270 degrees) that makes the page upright."""
        ...


@dataclass(frozen=True)
class Preparation:
    """Which preparation steps run, in the order listed.

    ``page`` cuts the page out of a phone photo and undoes its perspective (a found page's
    lighting is then always flattened); ``fax`` cleans a bilevel page's streaks and specks
    and smooths its print; ``upscale`` enlarges a page whose print is small in pixels.
    """

    page: bool = True
    orientation: bool = True
    red_channel: bool = True
    fax: bool = False
    flatten: bool = False
    contrast: bool = False
    deskew: bool = False
    upscale: bool = False


def prepare(
    image: Image.Image, *, steps: Preparation, detector: OrientationDetector | None
) -> tuple[Image.Image, int]:
    """The page ready for OCR and the clockwise rotation (degrees) that made it upright."""
    found = find_page(image) if steps.page else None
    if found is not None:
        image = unwarp(image, found)
    rotation = 0
    if steps.orientation and detector is not None:
        rotation = detector.detect_rotation(image) % 360
        image = turn(image, rotation)
    if steps.red_channel:
        image = red_channel(image)
    if steps.fax:
        image = clean_fax(image)
    if steps.flatten or found is not None:
        image = flatten_lighting(image)
    if steps.contrast:
        image = stretch_contrast(image)
    if steps.deskew:
        image = deskew(image)
    if steps.upscale:
        image = upscale(image)
    return image, rotation


def turn(image: Image.Image, rotation: int) -> Image.Image:
    """The image turned clockwise by a multiple of 90 degrees."""
    transposes = {
        90: Image.Transpose.ROTATE_270,
        180: Image.Transpose.ROTATE_180,
        270: Image.Transpose.ROTATE_90,
    }
    return image.transpose(transposes[rotation]) if rotation in transposes else image


def red_channel(image: Image.Image) -> Image.Image:
    """The red channel as a grey page: red seals fade to near white, black and blue ink stay.

    A red company seal stamped over text is the commonest cause of misread characters on
    contracts and forms; in the red channel it almost disappears.
    """
    if image.mode != "RGB":
        return image.convert("L")
    return image.getchannel("R")


def _grey(image: Image.Image) -> Image.Image:
    return image if image.mode == "L" else image.convert("L")


def flatten_lighting(image: Image.Image) -> Image.Image:
    """Divide out uneven lighting (a phone's shadow, a copier's dark edge): paper becomes white.

    The background is estimated by a max filter (which removes the print) and a blur on a
    small copy, scaled back up.
    """
    grey = _grey(image)
    scale = _BACKGROUND_SIDE / max(grey.size)
    small = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))))
    background = small.filter(ImageFilter.MaxFilter(7)).filter(ImageFilter.GaussianBlur(6))
    background = background.resize(grey.size, Image.Resampling.BILINEAR)
    page = np.asarray(grey, dtype=np.float32)
    light = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    return Image.fromarray(np.clip(page / light * 255.0, 0, 255).astype(np.uint8), "L")


def stretch_contrast(image: Image.Image) -> Image.Image:
    """Stretch the grey levels so the darkest print is black and the paper white."""
    return ImageOps.autocontrast(_grey(image), cutoff=(1, 1))


def skew_angle(image: Image.Image) -> float:
    """The small counter-clockwise angle (degrees) by which the lines of text are tilted.

    The angle that makes the rows of ink most uneven (text rows dark, gaps between them
    white) is the one that levels the lines.
    """
    grey = _grey(image)
    grey.thumbnail((_SKEW_SIDE, _SKEW_SIDE))
    pixels = np.asarray(grey, dtype=np.uint8)
    ink = Image.fromarray(((pixels < int(pixels.mean()) - 40) * 255).astype(np.uint8), "L")
    best, best_score = 0.0, -1.0
    for angle in np.arange(-_SKEW_LIMIT, _SKEW_LIMIT + _SKEW_STEP / 2, _SKEW_STEP):
        rows = np.asarray(ink.rotate(float(angle)), dtype=np.float32).sum(axis=1)
        score = float(np.var(rows))
        if score > best_score:
            best, best_score = float(angle), score
    return -best


def deskew(image: Image.Image) -> Image.Image:
    """The page turned so that its lines of text are level (tilts of up to 5 degrees)."""
    angle = skew_angle(image)
    if abs(angle) < _SKEW_MIN:
        return image
    fill = 255 if image.mode == "L" else (255, 255, 255)
    return image.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
