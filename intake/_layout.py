"""Putting OCR fragments into reading order: fragments on one row become one line."""

from __future__ import annotations

from collections.abc import Sequence

from intake._ocr import OcrLine

# Two fragments are on one row when their vertical overlap is at least this share of the
# shorter one's height.
_ROW_OVERLAP = 0.5


def _overlap(a: OcrLine, b: OcrLine) -> float:
    shared = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    shorter = min(a.box[3] - a.box[1], b.box[3] - b.box[1])
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
    )


def merge_rows(fragments: Sequence[OcrLine]) -> list[OcrLine]:
    """Fragments grouped into rows, top to bottom; each row's fragments joined left to right.

    A table row or a ``label  value`` pair that the engine read as separate boxes becomes
    one line with a space between the parts, its box their union and its confidence their
    length-weighted mean.
    """
    rows: list[list[OcrLine]] = []
    for fragment in sorted(fragments, key=lambda line: (line.box[1] + line.box[3]) / 2):
        if rows and any(_overlap(fragment, other) >= _ROW_OVERLAP for other in rows[-1]):
            rows[-1].append(fragment)
        else:
            rows.append([fragment])
    return [_join(row) for row in rows]
