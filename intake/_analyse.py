"""One document understood: read, OCR, classify, extract, check its fields on their own.

``analyse`` is what ``yekuo inspect`` prints and what the intake worker stores. Its steps
run in order and the first failure stops it: reading raises IntakeError for a file that
cannot be read (the caller records the message); understanding never raises for what a
page says, it returns ``other`` and fewer fields instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from core import Settings, today_in_china
from intake._classify import classify
from intake._engines import open_ocr_engine
from intake._extract import extract_fields
from intake._fields import ExtractedField
from intake._ocr import OcrEngine, OcrPage
from intake._reading import ReadLimits, read_document
from intake._recognise import recognise
from intake._sniff import ACCEPTED_TYPES, MediaType
from intake._validity import FieldFinding, validity_findings


@dataclass(frozen=True)
class Analysis:
    """What yekuo understood of one document, and how long that took (seconds, wall time)."""

    doc_type: str
    confidence: float
    evidence: list[str]
    fields: dict[str, ExtractedField]
    findings: list[FieldFinding]
    pages: list[OcrPage] = field(repr=False)
    seconds: float

    @property
    def text(self) -> str:
        """The text of every page, pages separated by a blank line."""
        return "\n\n".join(page.text for page in self.pages)

    @property
    def values(self) -> dict[str, str]:
        """Field name → normalised value."""
        return {name: extracted.value for name, extracted in self.fields.items()}


def understand(pages: list[OcrPage], *, hint: str | None = None, today: date) -> Analysis:
    """Classify OCR'd pages, extract their fields and check them: the steps after OCR.

    ``seconds`` of the result is 0; ``analyse`` sets it to the time of every step.
    """
    classification = classify(pages, hint=hint)
    fields = extract_fields(classification.doc_type, pages)
    values = {name: extracted.value for name, extracted in fields.items()}
    return Analysis(
        doc_type=classification.doc_type,
        confidence=classification.confidence,
        evidence=classification.evidence,
        fields=fields,
        findings=validity_findings(classification.doc_type, values, today=today),
        pages=pages,
        seconds=0.0,
    )


def _media_type(declared: str | None) -> MediaType | None:
    """A declared type the reader knows, or None to let it sniff the bytes."""
    for accepted in ACCEPTED_TYPES:
        if declared == accepted:
            return accepted
    return None


def analyse(
    path: Path,
    *,
    media_type: str | None,
    settings: Settings,
    hint: str | None = None,
    engine: OcrEngine | None = None,
    today: date | None = None,
) -> Analysis:
    """Read, OCR, classify and extract the document at path, and check its fields.

    ``media_type`` is the sniffed type (None, or a type the reader does not accept: sniff
    now). ``engine`` defaults to the one settings name (loading its models takes a moment:
    pass one to analyse many files). ``today`` (default: the local date) decides what has
    expired. Raises IntakeError when the file cannot be read or the OCR engine fails, and
    ValueError for a hint that is not a document type code.
    """
    started = time.perf_counter()
    limits = ReadLimits(
        max_pages=settings.intake_max_pages,
        max_page_pixels=settings.intake_max_page_pixels,
        max_pdf_image_pixels=settings.intake_max_pdf_image_pixels,
        pdf_dpi=settings.intake_pdf_dpi,
    )
    read = read_document(path, _media_type(media_type), limits=limits)
    ocr = engine or open_ocr_engine(settings)
    pages = recognise(read, engine=ocr, workers=max(1, settings.intake_workers))
    result = understand(pages, hint=hint, today=today or today_in_china())
    return replace(result, seconds=round(time.perf_counter() - started, 3))
