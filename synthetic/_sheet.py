"""A page being drawn, recording each line of text it prints and where, for the ground truth."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from synthetic._fonts import FontKind, get_font

DPI = 200
A4_PORTRAIT = (1654, 2339)  # 210 × 297 mm at 200 DPI
A4_LANDSCAPE = (2339, 1654)
INK = (26, 26, 30)
PAPER = (255, 255, 255)
MARGIN = 190

Cell = tuple[str, int]  # (text, width in pixels)
Pair = tuple[str, str]  # (label, value)
# How a form prints its label/value pairs: label left of its value (label：value, no grid),
# a small caption above its value, or label and value each in a cell of a ruled table.
FieldStyle = Literal["left", "above", "box"]
Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels
_Edges = tuple[float, float, float, float]  # a box as Pillow measures it, before rounding

# Two printed lines are on one row when their vertical overlap is at least this share of
# the shorter one's height: the rule intake's merge_rows applies to the engine's boxes.
_ROW_OVERLAP = 0.5


@dataclass(frozen=True)
class PrintedLine:
    """One horizontal run of text drawn on a page and the box its glyphs cover."""

    text: str
    box: Box


def _overlap(a: Box, b: Box) -> float:
    shared = min(a[3], b[3]) - max(a[1], b[1])
    shorter = min(a[3] - a[1], b[3] - b[1])
    return shared / shorter if shorter > 0 else 0.0


def raster_order(lines: Sequence[PrintedLine]) -> list[str]:
    """The page's text in raster order: one string per row, rows top to bottom.

    Lines are taken by the middle of their height; a line joins the row above when it
    overlaps one of that row's lines by at least half the shorter height, and a row's
    lines are joined left to right with a space. Two columns side by side thus read across
    (a table row, a label and its value, a title block next to notes), which is the order
    an OCR engine's boxes give when they are sorted the same way.
    """
    rows: list[list[PrintedLine]] = []
    for line in sorted(lines, key=lambda line: line.box[1] + line.box[3]):
        if rows and any(_overlap(line.box, other.box) >= _ROW_OVERLAP for other in rows[-1]):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [
        " ".join(line.text for line in sorted(row, key=lambda line: line.box[0])) for row in rows
    ]


@dataclass
class SyntheticDoc:
    """One rendered document and its ground truth.

    ``fields`` uses the DESIGN.md field names; values are the strings printed, except dates
    (ISO ``YYYY-MM-DD``), 长期 (``long_term``) and business types (their codes). ``text`` is
    every horizontal line of text printed, in raster order (``raster_order``: rows of
    lines that overlap vertically, top to bottom, each row left to right), pages joined by
    a newline; seals, handwriting and the drawn marks of emblems and diagrams are not part
    of it. ``layout`` names the page layout the renderer drew (one of ``synthetic.LAYOUTS``).
    """

    doc_type: str
    images: list[Image.Image]
    fields: dict[str, str]
    page_lines: list[list[PrintedLine]] = field(default_factory=list)
    layout: str = "standard"

    @property
    def page_texts(self) -> list[str]:
        """Each page's ground-truth text, rows in raster order."""
        return ["\n".join(raster_order(lines)) for lines in self.page_lines]

    @property
    def text(self) -> str:
        """The full ground-truth text of all pages."""
        return "\n".join(self.page_texts)

    @property
    def pages(self) -> int:
        """The number of pages."""
        return len(self.images)


def finish(
    doc_type: str,
    sheets: Sequence[Sheet],
    fields: dict[str, str],
    *,
    layout: str = "standard",
) -> SyntheticDoc:
    """Bundle drawn sheets, their fields and the name of their layout into a SyntheticDoc."""
    return SyntheticDoc(
        doc_type=doc_type,
        images=[sheet.image for sheet in sheets],
        fields=fields,
        page_lines=[sheet.lines for sheet in sheets],
        layout=layout,
    )


def cn_date(day: date) -> str:
    """A date as printed on Chinese documents: 2023年05月12日."""
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


_WORD = re.compile(r"[A-Za-z0-9.:/()\-]+|.", re.DOTALL)
_NO_LINE_START = set("，。；：、）》”")


def wrap(text: str, font: ImageFont.FreeTypeFont, width: int, *, indent: int = 0) -> list[str]:
    """Split text into lines no wider than width.

    CJK text breaks between any characters, Latin words and numbers stay whole, and closing
    punctuation is kept at the end of the line before (as Chinese typesetting does).
    """
    lines: list[str] = []
    current = ""
    limit = width - indent
    for token in _WORD.findall(text):
        if current and font.getlength(current + token) > limit:
            if token in _NO_LINE_START:
                lines.append(current + token)
                current, limit = "", width
                continue
            lines.append(current)
            current, limit = "", width
        current += token
    if current:
        lines.append(current)
    return lines


class Sheet:
    """An RGB page with helpers for the layouts of Chinese forms and certificates."""

    def __init__(self, size: tuple[int, int] = A4_PORTRAIT) -> None:
        self.image = Image.new("RGB", size, PAPER)
        self.draw = ImageDraw.Draw(self.image)
        self.lines: list[PrintedLine] = []

    @property
    def width(self) -> int:
        """Page width in pixels."""
        return self.image.width

    def _record(self, text: str, box: _Edges) -> None:
        if text.strip():
            left, top, right, bottom = (round(edge) for edge in box)
            self.lines.append(PrintedLine(text, (left, top, right, bottom)))

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        *,
        font: ImageFont.FreeTypeFont,
        fill: tuple[int, int, int] = INK,
        anchor: str = "la",
    ) -> float:
        """Draw text at xy; returns its right edge."""
        self.draw.text(xy, text, font=font, fill=fill, anchor=anchor)
        box = self.draw.textbbox(xy, text, font=font, anchor=anchor)
        self._record(text, box)
        return box[2]

    def spaced(
        self,
        xy: tuple[float, float],
        text: str,
        *,
        font: ImageFont.FreeTypeFont,
        gap: float,
        fill: tuple[int, int, int] = INK,
    ) -> float:
        """Draw text with ``gap`` extra pixels between characters; returns its right edge."""
        x, y = xy
        boxes = []
        for char in text:
            self.draw.text((x, y), char, font=font, fill=fill)
            boxes.append(self.draw.textbbox((x, y), char, font=font))
            x += font.getlength(char) + gap
        if boxes:
            self._record(text, _union(boxes))
        return x - gap

    def title(self, y: int, text: str, *, size: int = 68, kind: FontKind = "serif_bold") -> int:
        """A centred title with wide letter spacing; returns the y below it."""
        font = get_font(kind, size)
        gap = size * 0.35 if len(text) <= 8 else size * 0.1
        width = sum(font.getlength(char) for char in text) + gap * (len(text) - 1)
        self.spaced(((self.width - width) / 2, y), text, font=font, gap=gap)
        return y + int(size * 1.9)

    def centered(self, y: int, text: str, *, font: ImageFont.FreeTypeFont) -> int:
        """Centred text; returns the y below it."""
        self.text((self.width / 2, y), text, font=font, anchor="ma")
        return y + int(font.size * 1.7)

    def paragraph(
        self,
        xy: tuple[int, int],
        text: str,
        *,
        width: int,
        font: ImageFont.FreeTypeFont,
        indent: bool = True,
        leading: float = 1.75,
    ) -> int:
        """A wrapped paragraph (first line indented two characters); returns the y below it."""
        x, y = xy
        first = int(font.size * 2) if indent else 0
        for number, line in enumerate(wrap(text, font, width, indent=first)):
            self.text((x + (first if number == 0 else 0), y), line, font=font)
            y += int(font.size * leading)
        return y

    def label_rows(
        self,
        xy: tuple[int, int],
        rows: Sequence[tuple[str, str]],
        *,
        font: ImageFont.FreeTypeFont,
        label_width: int,
        width: int,
        leading: float = 2.0,
    ) -> int:
        """``label：value`` rows with aligned values that wrap; returns the y below them."""
        x, y = xy
        for label, value in rows:
            self.text((x, y), f"{label}：", font=font)
            lines = wrap(value, font, width - label_width) or [""]
            for number, line in enumerate(lines):
                self.text((x + label_width, y), line, font=font)
                y += int(font.size * leading) if number == len(lines) - 1 else int(font.size * 1.5)
        return y

    def table(
        self,
        xy: tuple[int, int],
        rows: Sequence[Sequence[Cell]],
        *,
        font: ImageFont.FreeTypeFont,
        row_height: int,
        line_width: int = 3,
    ) -> int:
        """A table with grid lines; each row lists (text, width) cells, text wraps inside.

        Returns the y below the table.
        """
        x0, y = xy
        pad = int(font.size * 0.45)
        for row in rows:
            wrapped = [wrap(text, font, width - 2 * pad) for text, width in row]
            lines_needed = max((len(lines) for lines in wrapped), default=1)
            height = max(row_height, int(lines_needed * font.size * 1.45 + 2 * pad))
            x = x0
            for (_, width), lines in zip(row, wrapped, strict=True):
                self.draw.rectangle((x, y, x + width, y + height), outline=INK, width=line_width)
                top = y + (height - len(lines) * font.size * 1.45) / 2 + font.size * 0.1
                for number, line in enumerate(lines):
                    self.text((x + pad, top + number * font.size * 1.45), line, font=font)
                x += width
            y += height
        return y

    def pairs(
        self,
        xy: tuple[int, int],
        rows: Sequence[Sequence[Pair]],
        *,
        style: FieldStyle,
        font: ImageFont.FreeTypeFont,
        width: int,
    ) -> int:
        """Rows of label/value pairs, each row's pairs in equal columns, drawn in ``style``.

        Returns the y below them.
        """
        x0, y = xy
        if style == "box":
            label = int(font.size * 6.5)
            cells = [
                [cell for pair in row for cell in _pair_cells(pair, width // len(row), label)]
                for row in rows
            ]
            return self.table(xy, cells, font=font, row_height=int(font.size * 2.9))
        caption = get_font("sans", int(font.size * 0.8))
        for row in rows:
            column = width // len(row)
            bottom = y
            for index, (name, value) in enumerate(row):
                x = x0 + index * column
                if style == "left":
                    right = self.text((x, y), f"{name}：", font=font)
                    top, room = y, column - (right - x) - font.size
                else:
                    self.text((x, y), name, font=caption)
                    right, top, room = x, y + int(caption.size * 1.5), column - font.size
                for number, line in enumerate(wrap(value, font, int(room)) or [""]):
                    self.text((right, top + number * font.size * 1.5), line, font=font)
                    bottom = max(bottom, int(top + (number + 1) * font.size * 1.5))
            y = bottom + int(font.size * 0.9)
        return y


def _pair_cells(pair: Pair, column: int, label: int) -> list[Cell]:
    """A label cell and a value cell filling one column of a ruled table."""
    return [(pair[0], label), (pair[1], column - label)]


def _union(boxes: Sequence[_Edges]) -> _Edges:
    """The smallest box covering all of boxes."""
    return (
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
    )
