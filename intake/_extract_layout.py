"""OCR lines regrouped into rows, the way a person reads a form: label, then value.

Engines cut a row of a form into several boxes (label and value apart, or each table cell
alone) and do not always list them left to right; a text layer gives one line per row.
Both become the same ``Row``: the boxes whose vertical extents overlap, sorted left to right.
Each row also has a *compact* text (half-width, no whitespace) in which labels are matched
regardless of the spaces OCR puts between characters, and every compact character knows the
box it came from, so a value carries the confidence and the box of the text it was read from.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from intake._normalize import fold_width
from intake._ocr import Box, OcrLine, OcrPage

# A line belongs to a row when this share of its height overlaps the row's extent.
_ROW_OVERLAP = 0.5
# Quotes that OCR sprinkles over spaced-out labels (名”称:”); never part of a value.
_IGNORED = "\"“”'‘’"
# Punctuation after which a new label may start without a space.
_BREAKS = ":;,.、，。；：)）》]】|"


@dataclass(frozen=True)
class Span:
    """A stretch of a row's compact text, and what the page showed there."""

    text: str
    ocr_text: str
    confidence: float
    page: int
    box: Box


@dataclass
class Row:
    """The OCR lines of one visual row of a page, left to right."""

    page: int
    lines: list[OcrLine] = field(default_factory=list)

    @property
    def top(self) -> int:
        """The highest top edge of the row's boxes."""
        return min(line.box[1] for line in self.lines)

    @property
    def bottom(self) -> int:
        """The lowest bottom edge of the row's boxes."""
        return max(line.box[3] for line in self.lines)

    @property
    def height(self) -> int:
        """The height of the row's tallest box (at least 1)."""
        return max(max(line.box[3] - line.box[1] for line in self.lines), 1)

    @cached_property
    def _index(self) -> tuple[str, str, list[int], list[int]]:
        """Raw text, compact text, and for each compact char its raw offset and line index."""
        raw_parts: list[str] = []
        compact: list[str] = []
        offsets: list[int] = []
        owners: list[int] = []
        position = 0
        for number, line in enumerate(self.lines):
            text = fold_width(line.text)
            for offset, char in enumerate(text):
                if not char.isspace() and char not in _IGNORED:
                    compact.append(char)
                    offsets.append(position + offset)
                    owners.append(number)
            raw_parts.append(text)
            position += len(text) + 1
        return " ".join(raw_parts), "".join(compact), offsets, owners

    @cached_property
    def _confidences(self) -> list[float]:
        """The engine's confidence in each compact character (see ``OcrLine.confidences``)."""
        folded: list[float] = []
        for line in self.lines:
            for char, confidence in zip(line.text, line.confidences(), strict=True):
                folded.extend([confidence] * len(fold_width(char)))
            folded.append(1.0)
        _, _, offsets, _ = self._index
        return [folded[offset] for offset in offsets]

    @property
    def text(self) -> str:
        """The row's lines joined by a space, half-width."""
        return self._index[0]

    @property
    def compact(self) -> str:
        """The row's text without whitespace or quotes, half-width: where labels are matched."""
        return self._index[1]

    def span(self, start: int, end: int) -> Span:
        """The compact characters ``start:end`` with the OCR text, the lowest confidence of
        them, and their box.

        The box is the part of each line the characters take, estimated from their widths
        where an engine reported a whole row as one line.
        """
        raw, compact, offsets, owners = self._index
        if not 0 <= start < end <= len(compact):
            raise ValueError(f"empty or out-of-range span {start}:{end} of {compact!r}")
        numbers = sorted(set(owners[start:end]))
        boxes = []
        for number in numbers:
            inside = [index for index in range(start, end) if owners[index] == number]
            left, _ = self.x_range(inside[0])
            _, right = self.x_range(inside[-1])
            _, top, _, bottom = self.lines[number].box
            boxes.append((left, top, right, bottom))
        return Span(
            text=compact[start:end],
            ocr_text=raw[offsets[start] : offsets[end - 1] + 1],
            confidence=min(self._confidences[start:end]),
            page=self.page,
            box=union_box(boxes),
        )

    def box_of(self, compact_index: int) -> Box:
        """The box of the OCR line a compact character is in."""
        return self.lines[self._index[3][compact_index]].box

    def x_range(self, compact_index: int) -> tuple[int, int]:
        """Where on the page a compact character lies horizontally (estimated by its width)."""
        _, _, offsets, owners = self._index
        line = self.lines[owners[compact_index]]
        text = fold_width(line.text)
        first = offsets[compact_index] - self._line_start(owners[compact_index])
        units = [_width(char) for char in text]
        scale = (line.box[2] - line.box[0]) / max(sum(units), 1)
        left = line.box[0] + scale * sum(units[:first])
        return round(left), round(left + scale * units[first])

    def _line_start(self, number: int) -> int:
        return sum(len(fold_width(line.text)) + 1 for line in self.lines[:number])

    def starts_word(self, compact_index: int) -> bool:
        """True when a compact character begins a box, or follows a space or punctuation.

        In text spaced out character by character (何 志 强, as Tesseract reads Chinese) a
        space says nothing: a space after a lone Chinese character is no word break.
        """
        raw, compact, offsets, owners = self._index
        if compact_index == 0 or owners[compact_index] != owners[compact_index - 1]:
            return True
        if compact[compact_index - 1] in _BREAKS:
            return True
        offset = offsets[compact_index]
        if not raw[offset - 1].isspace():
            return False
        before = raw[:offset].rstrip().split()
        return not (before and len(before[-1]) == 1 and is_cjk(before[-1]))


def is_cjk(char: str) -> bool:
    """True for a CJK unified ideograph (the common Chinese characters)."""
    return "\u4e00" <= char <= "\u9fff"


def _width(char: str) -> int:
    """Relative printed width: CJK characters are about twice as wide as Latin and digits."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def union_box(boxes: Iterable[Box]) -> Box:
    """The smallest box holding every given box."""
    listed = list(boxes)
    return (
        min(box[0] for box in listed),
        min(box[1] for box in listed),
        max(box[2] for box in listed),
        max(box[3] for box in listed),
    )


def _overlap(line: OcrLine, top: int, bottom: int) -> float:
    """The share of the line's height that lies between top and bottom."""
    height = max(line.box[3] - line.box[1], 1)
    return max(0, min(line.box[3], bottom) - max(line.box[1], top)) / height


def _shows_text(line: OcrLine) -> bool:
    """Whether the line has a character a row's compact text keeps (a box of only quotes or
    spaces, as Tesseract reads specks, would make a row with no text)."""
    return any(not char.isspace() and char not in _IGNORED for char in fold_width(line.text))


def _page_rows(page: OcrPage) -> list[Row]:
    rows: list[Row] = []
    for line in sorted(page.lines, key=lambda line: (line.box[1] + line.box[3], line.box[0])):
        if not _shows_text(line):
            continue
        row = rows[-1] if rows else None
        if row is not None and _overlap(line, row.top, row.bottom) >= _ROW_OVERLAP:
            row.lines.append(line)
        else:
            rows.append(Row(page=page.number, lines=[line]))
    for row in rows:
        # Stacked boxes (a value wrapped inside its table cell) read top to bottom.
        height = row.height
        row.lines.sort(key=lambda line: (line.box[0] // height, line.box[1]))
    return rows


def layout_rows(pages: list[OcrPage]) -> list[Row]:
    """Every row of every page, in reading order: page by page, top to bottom."""
    return [row for page in sorted(pages, key=lambda page: page.number) for row in _page_rows(page)]
