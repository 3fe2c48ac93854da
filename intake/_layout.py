"""Putting OCR fragments into reading order: fragments on one row become one line."""

from __future__ import annotations

import math
from collections.abc import Sequence

from intake._ocr import OcrLine

# Two fragments are on one row when their vertical overlap is at least this share of the
# shorter one's height.
_ROW_OVERLAP = 0.5

Band = tuple[float, float]
"""A fragment's vertical extent, top and bottom, on the page turned level."""


def _band(line: OcrLine, slope: float) -> Band:
    """The extent of a line's text as if the page were level.

    The upright box of a line tilted by ``slope`` (pixels down per pixel right) is taller
    than its text by ``width × |slope|``; the band is the text's own height around the
    box's centre, moved up by how far the tilt carried that centre down.
    """
    left, top, right, bottom = line.box
    centre_x, centre_y = (left + right) / 2, (top + bottom) / 2
    height = max((bottom - top) - (right - left) * abs(slope), (bottom - top) * 0.2)
    level_y = centre_y - centre_x * slope
    return (level_y - height / 2, level_y + height / 2)


def _overlap(a: Band, b: Band) -> float:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shared / shorter if shorter > 0 else 0.0


def _join(row: list[OcrLine]) -> OcrLine:
    row.sort(key=lambda line: line.box[0])
    total = sum(len(line.text) for line in row) or 1
    return OcrLine(
        text=" ".join(line.text for line in row),
        box=(
            min(line.box[0] for line in row),
            min(line.box[1] for line in row),
            max(line.box[2] for line in row),
            max(line.box[3] for line in row),
        ),
        confidence=sum(line.confidence * len(line.text) for line in row) / total,
        char_confidences=_joined_confidences(row),
    )


def _joined_confidences(row: list[OcrLine]) -> tuple[float, ...]:
    """The characters' confidences of lines joined by spaces (a space counts as sure), or none
    when no line has its own."""
    if not any(line.char_confidences for line in row):
        return ()
    joined: list[float] = []
    for line in row:
        if joined:
            joined.append(1.0)
        joined.extend(line.confidences())
    return tuple(joined)


def merge_rows(fragments: Sequence[OcrLine], *, tilt: float = 0.0) -> list[OcrLine]:
    """Fragments grouped into rows, top to bottom; each row's fragments joined left to right.

    A table row or a ``label  value`` pair that the engine read as separate boxes becomes
    one line with a space between the parts, its box their union and its confidence their
    length-weighted mean. ``tilt`` is the angle (radians, clockwise) of the page's lines: on
    a skewed scan the upright boxes of long lines are tall enough to swallow the short line
    below them, so rows are found as if the page were level.
    """
    slope = math.tan(tilt)
    banded = sorted(
        ((_band(line, slope), line) for line in fragments), key=lambda item: sum(item[0])
    )
    rows: list[list[tuple[Band, OcrLine]]] = []
    for band, fragment in banded:
        if rows and any(_overlap(band, other) >= _ROW_OVERLAP for other, _ in rows[-1]):
            rows[-1].append((band, fragment))
        else:
            rows.append([(band, fragment)])
    return [_join([line for _, line in row]) for row in rows]
