"""OCR pages for extraction tests, and the OCR noise injected into them.

``page_of`` lays out rows of cells the way an engine reports them: one box per cell,
left to right, rows top to bottom; ``printed_pages`` gives a synthetic document's pages
with one box where each of its lines was printed. The noise functions reproduce what
engines do to the text of scans: spaces between characters, full-width forms, O read for
0, a label and its value in separate boxes or on separate rows, boxes of a row listed out
of order. The tests at the end check that the noise does what the extraction tests rely on.
"""

from __future__ import annotations

import random
import re

from intake import OcrLine, OcrPage
from synthetic import SyntheticDoc

Rows = list[list[str]]

CHAR_WIDTH = 30
ROW_HEIGHT = 40
ROW_PITCH = 64
CELL_GAP = 45
LEFT = 100


def page_of(rows: Rows, *, number: int = 1, confidence: float = 0.95) -> OcrPage:
    """A page with one box per cell; cells of a row side by side, rows below each other."""
    lines: list[OcrLine] = []
    for index, row in enumerate(rows):
        top = 80 + index * ROW_PITCH
        x = LEFT
        for cell in row:
            width = CHAR_WIDTH * max(len(cell), 1)
            lines.append(OcrLine(cell, (x, top, x + width, top + ROW_HEIGHT), confidence))
            x += width + CELL_GAP
    return OcrPage(number=number, width=1654, height=2339, lines=lines, source="test")


def printed_pages(doc: SyntheticDoc, *, spread: bool = False) -> list[OcrPage]:
    """A document's pages read perfectly; ``spread`` puts a space between characters."""
    pages = []
    for number, (image, printed) in enumerate(zip(doc.images, doc.page_lines, strict=True), 1):
        fragments = [
            OcrLine(" ".join(line.text.replace(" ", "")) if spread else line.text, line.box, 0.95)
            for line in printed
        ]
        pages.append(OcrPage(number, image.width, image.height, fragments, "test"))
    return pages


def rows_of(text: str) -> Rows:
    """Ground-truth text as rows: one row per line, one cell per space-separated word."""
    return [line.split() for line in text.splitlines() if line.strip()]


def pages_of(texts: list[str]) -> list[OcrPage]:
    """One page per ground-truth page text."""
    return [page_of(rows_of(text), number=number) for number, text in enumerate(texts, start=1)]


def spaced(rows: Rows) -> Rows:
    """Every cell's characters separated by spaces (何 志 强)."""
    return [[" ".join(cell.replace(" ", "")) for cell in row] for row in rows]


def full_width(rows: Rows) -> Rows:
    """ASCII digits, letters and punctuation in their full-width forms (２０２３)."""
    table = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}
    return [[cell.translate(table) for cell in row] for row in rows]


def o_for_zero(rows: Rows) -> Rows:
    """The letter O read for each 0 in every run of 15 or more digits (an identifier)."""
    return [
        [re.sub(r"[0-9X]{15,}", lambda m: m.group().replace("0", "O"), cell) for cell in row]
        for row in rows
    ]


def joined(rows: Rows) -> Rows:
    """Each row read as one box, its words joined by a space (a PDF text layer)."""
    return [[" ".join(row)] for row in rows]


def value_below(rows: Rows) -> Rows:
    """Each two-cell row split: the label alone, its value on the row below."""
    result: Rows = []
    for row in rows:
        if len(row) == 2:
            result += [[row[0]], [row[1]]]
        else:
            result.append(row)
    return result


def shuffled(page: OcrPage, seed: int = 7) -> OcrPage:
    """The same boxes listed in a random order (engines do not sort boxes within a row)."""
    lines = list(page.lines)
    random.Random(seed).shuffle(lines)
    return OcrPage(page.number, page.width, page.height, lines, page.source)


def test_page_of_puts_cells_of_a_row_side_by_side() -> None:
    page = page_of([["姓名", "何志强"], ["性别", "男"]])
    name, value, second, _ = page.lines
    assert name.box[2] < value.box[0]
    assert name.box[1] == value.box[1] < second.box[1]


def test_noise_functions_change_the_text_as_documented() -> None:
    rows = [["公民身份号码", "110105194912310021"]]
    assert spaced(rows) == [["公 民 身 份 号 码", "1 1 0 1 0 5 1 9 4 9 1 2 3 1 0 0 2 1"]]
    assert full_width([["2023"]]) == [["２０２３"]]
    assert o_for_zero(rows)[0][1] == "11O1O519491231OO21"
    assert joined(rows) == [["公民身份号码 110105194912310021"]]
    assert value_below(rows) == [["公民身份号码"], ["110105194912310021"]]


def test_shuffled_keeps_every_box() -> None:
    page = page_of([["a", "b", "c", "d"]])
    assert sorted(map(str, shuffled(page).lines)) == sorted(map(str, page.lines))
    assert shuffled(page).lines != page.lines
