"""A file understood as a stack: read it, find its cover sheets, OCR the rest, split, analyse.

``analyse_stack`` is ``analyse`` for a file that may hold several documents: each part it
finds gets its own ``Analysis``, from its own pages only. Cover-sheet pages are found on the
page images before OCR (their QR code is decoded by ``read_cover``) and are never OCR'd. A
file holding one document gives one part over all its pages, analysed as ``analyse`` would.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from PIL import Image

from core import Settings, today_in_china
from intake._analyse import Analysis, _media_type, understand
from intake._classify import OTHER
from intake._cover import read_cover as read_cover_sheet
from intake._engines import open_ocr_engine
from intake._ocr import OcrEngine, OcrPage
from intake._reading import ReadDocument, ReadLimits, read_document
from intake._recognise import recognise
from intake._split import CoverMark, Part, split_pages

CoverReader = Callable[[Image.Image], CoverMark | None]
"""Decodes a page image's cover-sheet QR code; None when the page is no cover sheet."""

COVER_SOURCE = "cover_sheet"
"""``OcrPage.source`` of a cover-sheet page: it was not OCR'd and has no lines."""


@dataclass(frozen=True)
class PartAnalysis:
    """One document of a stack: where it is (``part``) and what was understood of it."""

    part: Part
    analysis: Analysis


@dataclass(frozen=True)
class StackAnalysis:
    """Every page of a file (cover sheets as empty pages), its covers and its parts."""

    pages: list[OcrPage] = field(repr=False)
    covers: dict[int, CoverMark]
    parts: list[PartAnalysis]
    seconds: float

    @property
    def is_single(self) -> bool:
        """Whether the file holds one document (perhaps behind its cover sheet)."""
        return len(self.parts) == 1


def _limits(settings: Settings) -> ReadLimits:
    return ReadLimits(
        max_pages=settings.intake_max_pages,
        max_page_pixels=settings.intake_max_page_pixels,
        max_pdf_image_pixels=settings.intake_max_pdf_image_pixels,
        pdf_dpi=settings.intake_pdf_dpi,
    )


def find_covers(read: ReadDocument, read_cover: CoverReader | None) -> dict[int, CoverMark]:
    """The cover sheets among the pages: page number → what its QR code names."""
    if read_cover is None:
        return {}
    covers: dict[int, CoverMark] = {}
    for page in read.pages:
        cover = read_cover(page.image())
        if cover is not None:
            covers[page.number] = cover
    return covers


def recognise_stack(
    read: ReadDocument, *, covers: dict[int, CoverMark], engine: OcrEngine, workers: int
) -> list[OcrPage]:
    """Every page in order: the OCR of each page that is no cover, an empty page for a cover."""
    text_pages = tuple(page for page in read.pages if page.number not in covers)
    read_pages = recognise(
        dataclasses.replace(read, pages=text_pages), engine=engine, workers=workers
    )
    by_number = {page.number: page for page in read_pages}
    return [
        by_number.get(page.number)
        or OcrPage(number=page.number, width=page.width, height=page.height, source=COVER_SOURCE)
        for page in read.pages
    ]


def split_stack(pages: list[OcrPage], covers: dict[int, CoverMark]) -> list[Part]:
    """The parts of the pages; a file of nothing but cover sheets is one part of type other."""
    parts = split_pages(pages, covers=covers)
    if parts:
        return parts
    first = covers.get(pages[0].number) if pages else None
    return [
        Part(
            part=1,
            page_range=(1, len(pages)),
            doc_type=OTHER,
            pages=list(pages),
            case_no=first.case_no if first else None,
            cover_doc_type=first.doc_type if first else None,
        )
    ]


def understand_stack(
    pages: list[OcrPage],
    *,
    covers: dict[int, CoverMark],
    hint: str | None = None,
    today: date,
) -> list[PartAnalysis]:
    """Split the pages and understand each part from its own pages (``seconds`` 0).

    A part takes its cover's type as the hint; ``hint`` (the uploader's) is used only when the
    file is a single part without a cover type. Raises ValueError for an unknown ``hint``.
    """
    parts = split_stack(pages, covers)
    single = len(parts) == 1
    return [
        PartAnalysis(
            part=part,
            analysis=understand(
                part.pages, hint=part.hint or (hint if single else None), today=today
            ),
        )
        for part in parts
    ]


def analyse_stack(
    path: Path,
    *,
    media_type: str | None,
    settings: Settings,
    hint: str | None = None,
    engine: OcrEngine | None = None,
    today: date | None = None,
    read_cover: CoverReader | None = read_cover_sheet,
) -> StackAnalysis:
    """Read, find cover sheets, OCR, split and analyse the file at path, part by part.

    The arguments are ``analyse``'s; ``read_cover`` decodes a page's cover-sheet QR code
    (default: ``intake.read_cover``; None: look for no cover sheets). Each part's ``seconds``
    is its share (by pages) of the time the whole file took. Raises IntakeError when the file
    cannot be read or the engine fails.
    """
    started = time.perf_counter()
    read = read_document(path, _media_type(media_type), limits=_limits(settings))
    covers = find_covers(read, read_cover)
    ocr = engine or open_ocr_engine(settings)
    workers = max(1, settings.intake_workers)
    pages = recognise_stack(read, covers=covers, engine=ocr, workers=workers)
    parts = understand_stack(pages, covers=covers, hint=hint, today=today or today_in_china())
    seconds = time.perf_counter() - started
    timed = [
        PartAnalysis(
            part=found.part,
            analysis=dataclasses.replace(
                found.analysis, seconds=round(seconds * len(found.part.pages) / len(pages), 3)
            ),
        )
        for found in parts
    ]
    return StackAnalysis(pages=pages, covers=covers, parts=timed, seconds=round(seconds, 3))
