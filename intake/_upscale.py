"""Enlarging pages whose print is small in pixels (faxes, low-resolution copies) before OCR.

The print's height is estimated from the page itself, not from its size or the DPI its
file claims: ink is thresholded, strokes a few pixels apart are joined into characters and
words, and the median height of the blobs shaped like them is the text height.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

_JOIN = 3  # pixels: radicals and neighbouring characters join at any resolution we read
_MIN_BLOB = 5  # pixels: anything lower is a rule, a dot or a speck
_MIN_BLOBS = 12  # fewer character-like blobs than this: no estimate
TARGET_TEXT_HEIGHT = 30
"""The text height (pixels) pages are enlarged to when their print is smaller."""
SMALL_TEXT_HEIGHT = 22
"""Below this text height (pixels) a page is enlarged."""
_MAX_FACTOR = 2.0


def text_height(image: Image.Image) -> float | None:
    """The median height (pixels) of the page's characters, or None when it shows too little
    print to tell."""
    grey = np.asarray(image.convert("L"), dtype=np.uint8)
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    joined = cv2.dilate(ink, np.ones((_JOIN, _JOIN), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    heights = stats[1:count, cv2.CC_STAT_HEIGHT] - (_JOIN - 1)
    widths = stats[1:count, cv2.CC_STAT_WIDTH] - (_JOIN - 1)
    limit = max(grey.shape) / 20  # taller blobs are tables, pictures, seals
    shaped = (heights >= _MIN_BLOB) & (heights <= limit) & (widths >= 0.6 * heights)
    if int(shaped.sum()) < _MIN_BLOBS:
        return None
    return float(np.median(heights[shaped]))


def upscale_factor(image: Image.Image) -> float:
    """How much to enlarge the page so its print is ``TARGET_TEXT_HEIGHT`` pixels high: 1 when
    its text is not smaller than ``SMALL_TEXT_HEIGHT`` or cannot be measured, at most 2."""
    height = text_height(image)
    if height is None or height >= SMALL_TEXT_HEIGHT:
        return 1.0
    return min(_MAX_FACTOR, TARGET_TEXT_HEIGHT / height)


def upscale(image: Image.Image) -> Image.Image:
    """The page enlarged by ``upscale_factor`` (the same image when that is 1)."""
    factor = upscale_factor(image)
    if factor == 1.0:
        return image
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.BICUBIC)
