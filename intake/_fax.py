"""Cleaning a received fax before OCR: its streaks and specks out, its jagged print smoothed.

A fax is told by its pixels, not its file: its print is black with no grey edges. A dirty
scanner bar draws thin streaks down the whole page, through the margins where nothing is
printed; line noise leaves specks of a pixel or two. Both are removed, and a slight blur
turns the thresholded, stair-stepped glyphs back into the grey edges OCR models were
trained on. Pages that are not bilevel are returned as they are.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

_MID_GREY = 0.05  # a fax has at most this many grey pixels per black one (print edges)
_MIN_INK = 0.002  # of the page: less black than this and there is nothing to tell by
_MARGIN = 0.06  # of the page's height: the top and bottom bands a streak runs through
_STREAK = 0.5  # share of a margin band's rows a column's ink must fill to be a streak
_SPECK = 2  # pixels: ink blobs this small are line noise
_SMOOTH = 0.7  # sigma (pixels) of the blur that smooths jagged glyphs


def is_bilevel(image: Image.Image) -> bool:
    """True when the print is black without grey edges: a fax or a thresholded scan (a
    scanned or photographed page's print has antialiased edges as many as its black)."""
    grey = np.asarray(image.convert("L"), dtype=np.uint8)
    black = int((grey < 40).sum())
    mid = int(((grey >= 40) & (grey <= 215)).sum())
    return black >= _MIN_INK * grey.size and mid <= _MID_GREY * black


def _streaks(ink: np.ndarray) -> np.ndarray:
    """The columns a streak runs down: inked in most rows of both the top and bottom margins."""
    band = max(1, round(ink.shape[0] * _MARGIN))
    top, bottom = ink[:band].mean(axis=0), ink[-band:].mean(axis=0)
    return np.flatnonzero((top >= _STREAK) & (bottom >= _STREAK))


def clean_fax(image: Image.Image) -> Image.Image:
    """The fax without streaks and specks, its print smoothed; other pages unchanged."""
    if not is_bilevel(image):
        return image
    grey = np.asarray(image.convert("L"), dtype=np.uint8)
    ink = (grey < 128).astype(np.uint8)
    columns = _streaks(ink)
    if columns.size:
        # Ink a streak crossed is kept where the columns beside it are inked too (a glyph).
        left = ink[:, np.clip(columns - 2, 0, ink.shape[1] - 1)]
        right = ink[:, np.clip(columns + 2, 0, ink.shape[1] - 1)]
        ink[:, columns] = left & right
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    specks = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] <= _SPECK)
    ink[np.isin(labels, specks[specks > 0])] = 0
    page = np.where(ink == 1, 0, 255).astype(np.uint8)
    return Image.fromarray(cv2.GaussianBlur(page, (0, 0), _SMOOTH), "L")
