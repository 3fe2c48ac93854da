"""``analyse_stack``: a multi-page file read, its cover sheets found before OCR, split, analysed.

The engine injected here 'reads' each page's ground truth by its number, and the cover
reader takes the black pages these tests scan for cover sheets, so the tests are about
which pages go where and what each part is, not about OCR.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from PIL import Image

from core import Settings
from intake import COVER_SOURCE, CoverSheet, OcrPage, analyse_stack, cover_payload
from synthetic import SyntheticStack, build_stack, render, tiff_bytes
from tests.unit.intake.test_split import truth_pages

TODAY = date(2024, 6, 1)
SMALL = (165, 234)  # the engine below does not look at the images: keep them small


@dataclass(frozen=True)
class Cover:
    case_no: str
    doc_type: str


class TruthEngine:
    """Gives each page its ground truth by number; fails the test if a cover sheet is read."""

    name = "truth"

    def __init__(self, stack: SyntheticStack) -> None:
        self.pages = {page.number: page for page in truth_pages(stack)}
        self.read: list[int] = []

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        assert number in self.pages, f"page {number} is a cover sheet and was OCR'd"
        self.read.append(number)
        return self.pages[number]


def black_is_cover(image: Image.Image) -> Cover | None:
    """The black pages of these tests are the cover of case YK-7's business licence."""
    return Cover("YK-7", "business_license") if image.getpixel((5, 5)) == (0, 0, 0) else None


def scanned(tmp_path: Path, stack: SyntheticStack) -> Path:
    """The stack as a TIFF of small pages: black for a cover sheet, white for the others."""
    covers = {part.cover_page for part in stack.parts}
    images = [
        Image.new("RGB", SMALL, "black" if number in covers else "white")
        for number in range(1, len(stack.images) + 1)
    ]
    path = tmp_path / "stack.tif"
    path.write_bytes(tiff_bytes(images))
    return path


def test_each_part_is_analysed_from_its_own_pages(tmp_path: Path, settings: Settings) -> None:
    rng = random.Random("stack")
    docs = [render(t, rng) for t in ("id_card", "supply_contract", "business_license")]
    stack = build_stack(docs)
    engine = TruthEngine(stack)
    result = analyse_stack(
        scanned(tmp_path, stack),
        media_type="image/tiff",
        settings=settings,
        engine=engine,
        today=TODAY,
    )
    assert [(p.part.part, p.part.page_range, p.analysis.doc_type) for p in result.parts] == [
        (1, (1, 1), "id_card"),
        (2, (2, 4), "supply_contract"),
        (3, (5, 5), "business_license"),
    ]
    assert result.parts[0].analysis.values == docs[0].fields
    assert result.parts[2].analysis.values == docs[2].fields
    assert [page.number for page in result.parts[1].analysis.pages] == [2, 3, 4]
    assert not result.is_single
    assert sum(p.analysis.seconds for p in result.parts) <= result.seconds + 0.01


def test_cover_sheets_are_not_read_and_name_their_part(tmp_path: Path, settings: Settings) -> None:
    rng = random.Random("covers")
    docs = [render("id_card", rng), render("business_license", rng)]
    stack = build_stack(docs, covers=[None, Image.new("RGB", SMALL, "black")])
    engine = TruthEngine(stack)
    result = analyse_stack(
        scanned(tmp_path, stack),
        media_type="image/tiff",
        settings=settings,
        engine=engine,
        today=TODAY,
        read_cover=black_is_cover,
    )
    assert sorted(engine.read) == [1, 3]
    assert set(result.covers) == {2}
    assert result.pages[1].source == COVER_SOURCE
    assert [(p.part.page_range, p.part.case_no, p.analysis.doc_type) for p in result.parts] == [
        ((1, 1), None, "id_card"),
        ((3, 3), "YK-7", "business_license"),
    ]
    assert "hint business_license agrees with the page" in result.parts[1].analysis.evidence


def test_one_document_is_one_part_over_all_pages_with_the_uploaders_hint(
    tmp_path: Path, settings: Settings
) -> None:
    stack = build_stack([render("supply_contract", random.Random("one"))])
    result = analyse_stack(
        scanned(tmp_path, stack),
        media_type="image/tiff",
        settings=settings,
        engine=TruthEngine(stack),
        today=TODAY,
        hint="supply_contract",
        read_cover=black_is_cover,
    )
    assert result.is_single
    (only,) = result.parts
    assert (only.part.part, only.part.page_range, only.analysis.doc_type) == (
        1,
        (1, 3),
        "supply_contract",
    )
    assert only.analysis.evidence[0] == "hint supply_contract agrees with the page"


def test_a_printed_cover_sheet_is_found_by_default(tmp_path: Path, settings: Settings) -> None:
    sheet = CoverSheet(case_no="YK-3", doc_type="id_card")
    qr = Image.open(io.BytesIO(_qr_png(cover_payload(sheet))))
    cover = Image.new("RGB", (800, 1130), "white")
    cover.paste(qr, (150, 200))
    card = render("id_card", random.Random("printed"))
    stack = build_stack([card], covers=[cover])
    path = tmp_path / "covered.tif"
    path.write_bytes(tiff_bytes([cover, Image.new("RGB", SMALL, "white")]))
    engine = TruthEngine(stack)
    result = analyse_stack(
        path, media_type="image/tiff", settings=settings, engine=engine, today=TODAY
    )
    assert engine.read == [2]
    assert [(p.part.page_range, p.part.case_no, p.analysis.doc_type) for p in result.parts] == [
        ((2, 2), "YK-3", "id_card")
    ]


def _qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=10)
    return buffer.getvalue()
