"""Splitting a scanned stack into its documents: which pages belong together, and what each is.

Archivists feed a whole case into one PDF or TIFF. Each page is classified on its own and a
page starts a new part when

* a cover sheet (资料封面, its QR code read before OCR) comes before it: the cover names the
  part's case and document type and is dropped from every part;
* it opens with the title of another document type than the part's (an ID card's front,
  which prints no title, counts as opening one);
* it repeats the very title that opened the part (a second 营业执照), or shows a side of an
  ID card the part already holds (a second card's front).

Every other page continues the part before it: page 2 of a contract (its 供用电合同条款 is
a title of the same type), the back of an ID card, a page that shows no type at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from intake._classify import DOC_TYPES, OTHER, classify
from intake._extract_layout import layout_rows
from intake._ocr import OcrPage

_ID_CARD = "id_card"
_FRONT_LABELS = ("公民身份号码", "公民身份证号码")
_BACK_LABELS = ("签发机关", "有效期限")


class CoverMark(Protocol):
    """What a cover sheet names (``intake._cover.CoverSheet`` is one): a case and a type."""

    @property
    def case_no(self) -> str:
        """The case number printed in the QR code."""
        ...

    @property
    def doc_type(self) -> str:
        """The document type code (DESIGN.md) the cover announces."""
        ...


@dataclass(frozen=True)
class Part:
    """One document found in a stack: its pages (1-based, inclusive) and its type.

    ``case_no`` and ``cover_doc_type`` are what a cover sheet before it named (None without
    one). ``pages`` are the part's OCR'd pages, numbered as in the stack.
    """

    part: int
    page_range: tuple[int, int]
    doc_type: str
    pages: list[OcrPage] = field(repr=False)
    case_no: str | None = None
    cover_doc_type: str | None = None

    @property
    def hint(self) -> str | None:
        """The document type the cover named, if it is a known type code."""
        return _known(self.cover_doc_type)


def _known(doc_type: str | None) -> str | None:
    return doc_type if doc_type in DOC_TYPES else None


@dataclass(frozen=True)
class PageReading:
    """What one page shows on its own: its type, the title it opens with, its ID card sides."""

    doc_type: str
    title: str | None
    id_sides: frozenset[str]

    @property
    def opens(self) -> bool:
        """Whether the page looks like the first page of a document of its type."""
        return self.title is not None or "front" in self.id_sides


def read_page(page: OcrPage) -> PageReading:
    """Classify one page alone and note the title it shows and the ID card sides on it."""
    classification = classify([page])
    title = next(
        (
            evidence.rsplit(" ", 1)[-1]
            for evidence in classification.evidence
            if evidence.startswith(("title ", "title mentioned "))
        ),
        None,
    )
    sides: frozenset[str] = frozenset()
    if classification.doc_type == _ID_CARD:
        text = "".join(row.compact for row in layout_rows([page]))
        sides = frozenset(
            side
            for side, labels in (("front", _FRONT_LABELS), ("back", _BACK_LABELS))
            if any(label in text for label in labels)
        )
    return PageReading(classification.doc_type, title, sides)


@dataclass
class _Open:
    """The part being gathered: its pages, its type so far, its opening title and ID sides."""

    pages: list[OcrPage] = field(default_factory=list)
    doc_type: str = OTHER
    title: str | None = None
    id_sides: set[str] = field(default_factory=set)
    cover: CoverMark | None = None

    def add(self, page: OcrPage, reading: PageReading) -> None:
        if self.doc_type == OTHER and reading.doc_type != OTHER:
            self.doc_type, self.title = reading.doc_type, reading.title
        self.id_sides |= reading.id_sides
        self.pages.append(page)


def _starts_part(current: _Open, reading: PageReading) -> bool:
    """Whether a page (no cover before it) starts a new part rather than continuing one."""
    if reading.doc_type == OTHER or current.doc_type == OTHER:
        return False
    if reading.doc_type != current.doc_type:
        return reading.opens
    if reading.doc_type == _ID_CARD:
        return bool(current.id_sides & reading.id_sides)
    return reading.title is not None and reading.title == current.title


def split_pages(
    pages: list[OcrPage], *, covers: Mapping[int, CoverMark] | None = None
) -> list[Part]:
    """The documents in ``pages`` (a stack's OCR'd pages in order), numbered from 1.

    ``covers`` maps the number of each cover-sheet page to what its QR code named; those
    pages are dropped (they need not have been OCR'd). A cover with no page after it before
    the next cover starts no part. A part's ``doc_type`` is the classification of all its
    pages together, taking the cover's type as the hint.
    """
    covers = covers or {}
    gathered: list[_Open] = []
    current: _Open | None = None
    for page in pages:
        cover = covers.get(page.number)
        if cover is not None:
            current = _Open(cover=cover)
            gathered.append(current)
            continue
        reading = read_page(page)
        if current is None or (current.pages and _starts_part(current, reading)):
            current = _Open()
            gathered.append(current)
        current.add(page, reading)
    return [
        _part(number, found)
        for number, found in enumerate((found for found in gathered if found.pages), start=1)
    ]


def _part(number: int, found: _Open) -> Part:
    cover = found.cover
    cover_type = cover.doc_type if cover is not None else None
    return Part(
        part=number,
        page_range=(found.pages[0].number, found.pages[-1].number),
        doc_type=classify(found.pages, hint=_known(cover_type)).doc_type,
        pages=list(found.pages),
        case_no=cover.case_no if cover is not None else None,
        cover_doc_type=cover_type,
    )
