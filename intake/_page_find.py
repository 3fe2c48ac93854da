"""Finding the page in a phone photo and flattening it into an upright-rectangle scan.

A photo of a page lying on a desk shows the page as a convex quadrilateral brighter than
what surrounds it. ``find_page`` looks for that quadrilateral (the page's edges first; the
largest bright region when the edges are broken, e.g. by a shadow across them) and accepts
it only when the image really is a photo of a page on a background: the quadrilateral
covers a good part of the image, the background shows along at least three of the image's
sides, and it is clearly darker than the paper (a shadow across a flat scan's corner is
neither). A flat scan, whose margins are paper, has no such page and is left
as it is. ``unwarp`` maps the quadrilateral onto a rectangle of the page's own resolution.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

_WORK_SIDE = 900  # the page is looked for on a copy this long: edges, not print, matter
_MIN_AREA = 0.2  # of the image: a smaller quadrilateral is a card or a box on the page
_MAX_AREA = 0.97  # of the image: a larger one leaves no background to tell a photo by
_MIN_CONTRAST = 60  # grey levels the background must be darker than the paper
_SIDE = 0.02  # of the image: the strip along each side looked at for the background
_MIN_SIDES = 3  # sides along which most of the strip must be background
_A4_RATIO = 2**0.5
_SNAP = 0.08  # a page whose sides are within 8 % of A4's ratio is taken to be A4
_MAX_SIDE = 2400  # the unwarped page's long side at most (A4 at about 200 dpi)

Quad = tuple[tuple[float, float], ...]
"""Four corners in image pixels: top-left, top-right, bottom-right, bottom-left."""


@dataclass(frozen=True)
class FoundPage:
    """Where the page is in a photo, and how it was told apart from its background."""

    corners: Quad
    paper: float  # the paper's grey level (its bright share)
    background: float  # the median grey level outside the page


def _order(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left (as the image shows them)."""
    total, difference = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(total)],
            points[np.argmin(difference)],
            points[np.argmax(total)],
            points[np.argmax(difference)],
        ],
        dtype=np.float32,
    )


def _quad(contour: np.ndarray, area: float) -> np.ndarray | None:
    """The contour's convex hull as four corners, if it is a large enough quadrilateral."""
    hull = cv2.convexHull(contour)
    if cv2.contourArea(hull) < _MIN_AREA * area:
        return None
    perimeter = cv2.arcLength(hull, closed=True)
    for share in (0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, share * perimeter, closed=True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return _order(approx.reshape(4, 2).astype(np.float32))
    return None


def _edge_candidates(grey: np.ndarray) -> Iterator[np.ndarray]:
    """Quadrilaterals bounded by the strongest edges, largest first."""
    smooth = cv2.medianBlur(cv2.GaussianBlur(grey, (5, 5), 0), 7)
    area = float(grey.size)
    for low, high in ((40, 120), (20, 60)):
        edges = cv2.dilate(cv2.Canny(smooth, low, high), np.ones((3, 3), np.uint8))
        contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
            quad = _quad(contour, area)
            if quad is not None:
                yield quad


def _bright_candidate(grey: np.ndarray) -> np.ndarray | None:
    """The largest bright region's outline as a quadrilateral: the fallback when no edges
    close around the page."""
    _, bright = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    closed = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    contours, _ = cv2.findContours(closed, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    quad = _quad(largest, float(grey.size))
    if quad is not None:
        return quad
    box = cv2.boxPoints(cv2.minAreaRect(largest)).astype(np.float32)
    return _order(box) if cv2.contourArea(box) >= _MIN_AREA * grey.size else None


def _background_sides(inside: np.ndarray) -> int:
    """How many of the image's sides have most of their edge strip outside the page."""
    strip = max(1, round(_SIDE * min(inside.shape)))
    strips = (inside[:strip], inside[-strip:], inside[:, :strip], inside[:, -strip:])
    return sum(float(part.mean()) < 0.5 for part in strips)


def _separation(grey: np.ndarray, quad: np.ndarray) -> tuple[float, float] | None:
    """The paper's and the background's grey levels, if the quad leaves a background."""
    inside = np.zeros(grey.shape, np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    # A band along the outline is neither: the page's edge is blurred over a few pixels.
    band = cv2.dilate(inside, np.ones((9, 9), np.uint8)) - cv2.erode(
        inside, np.ones((9, 9), np.uint8)
    )
    share = float(inside.mean())
    if not _MIN_AREA <= share <= _MAX_AREA or _background_sides(inside) < _MIN_SIDES:
        return None
    paper = float(np.percentile(grey[(inside == 1) & (band == 0)], 80))
    outside = grey[(inside == 0) & (band == 0)]
    return (paper, float(np.median(outside))) if outside.size else None


def find_page(image: Image.Image) -> FoundPage | None:
    """The page in a photo of a page on a background, or None for anything else (a flat scan,
    a photo with no clear page)."""
    scale = _WORK_SIDE / max(image.size)
    small = image.convert("L").resize(
        (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
        Image.Resampling.BILINEAR,
    )
    grey = np.asarray(small, dtype=np.uint8)
    bright = _bright_candidate(grey)
    for quad in [*_edge_candidates(grey), *([] if bright is None else [bright])]:
        levels = _separation(grey, quad)
        if levels is not None and levels[0] - levels[1] >= _MIN_CONTRAST:
            corners = tuple((float(x) / scale, float(y) / scale) for x, y in quad)
            return FoundPage(corners=corners, paper=levels[0], background=levels[1])
    return None


def _page_size(corners: np.ndarray) -> tuple[int, int]:
    """Width and height of the flattened page: its longer opposite sides, A4 when nearly so,
    no larger than ``_MAX_SIDE``."""
    top, right, bottom, left = (
        float(np.linalg.norm(corners[(index + 1) % 4] - corners[index])) for index in range(4)
    )
    width, height = max(top, bottom), max(left, right)
    ratio = max(width, height) / max(1.0, min(width, height))
    if abs(ratio - _A4_RATIO) <= _SNAP * _A4_RATIO:
        if height >= width:
            height = width * _A4_RATIO
        else:
            width = height * _A4_RATIO
    shrink = min(1.0, _MAX_SIDE / max(width, height))
    return max(1, round(width * shrink)), max(1, round(height * shrink))


def unwarp(image: Image.Image, page: FoundPage) -> Image.Image:
    """The page cut out of the photo and its perspective undone: an upright rectangle."""
    corners = np.array(page.corners, dtype=np.float32)
    width, height = _page_size(corners)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    homography = cv2.getPerspectiveTransform(corners, target)
    pixels = np.asarray(image.convert("RGB"))
    flat = cv2.warpPerspective(
        pixels, homography, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return Image.fromarray(flat, "RGB")
