"""The intake workers' parts on the configured backends: intake, the case checks, the index."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from archive import (
    Database,
    DocType,
    Document,
    FailureCode,
    IntakeOutcome,
    ObjectStore,
    PageUnderstanding,
    PartOutcome,
    intake_finding,
    recheck_case,
)
from core import Settings, today_in_china
from intake import (
    Analysis,
    CorruptFileError,
    CoverReader,
    EncryptedPdfError,
    IntakeError,
    OcrEngine,
    OcrEngineError,
    OcrLine,
    OcrPage,
    StackAnalysis,
    TooLargeError,
    UnreadableFileError,
    analyse_stack,
    open_ocr_engine,
    understand,
)
from intake import read_cover as read_cover_sheet
from search import SearchIndex, index_pending, indexed_document
from worker._worker import IntakeJobError, UnreadableDocumentError, WorkerParts

FAILURE_CODES: dict[type[IntakeError], FailureCode] = {
    EncryptedPdfError: FailureCode.encrypted_pdf,
    CorruptFileError: FailureCode.corrupt_file,
    UnreadableFileError: FailureCode.unreadable_file,
    TooLargeError: FailureCode.too_large,
    OcrEngineError: FailureCode.ocr_failed,
    IntakeError: FailureCode.unreadable_file,
}
"""The code of each of intake's errors, the most specific class first found along the MRO."""

RETRYABLE = frozenset({FailureCode.ocr_failed})
"""Codes of intake errors another attempt may not repeat (the engine, not the file, failed)."""


class IntakeAnalyser:
    """Runs ``intake.analyse_stack`` in archive terms, with one OCR engine loaded on first use
    and ``read_cover`` finding cover sheets (default ``intake.read_cover``; None: none)."""

    def __init__(
        self,
        settings: Settings,
        engine: OcrEngine | None = None,
        *,
        read_cover: CoverReader | None = read_cover_sheet,
    ) -> None:
        self.settings = settings
        self._engine = engine
        self._read_cover = read_cover
        self._lock = threading.Lock()

    @property
    def engine(self) -> OcrEngine:
        """The OCR engine, its models loaded once (not at start-up: that takes seconds)."""
        with self._lock:
            if self._engine is None:
                self._engine = open_ocr_engine(self.settings)
            return self._engine

    def __call__(self, path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        """Analyse one stored original (a stack: each document in it); a file that cannot be
        read is not retried.

        Raises UnreadableDocumentError for a bad file and IntakeJobError when the OCR engine
        failed, each with the code of intake's error (``FAILURE_CODES``).
        """
        engine = self.engine
        try:
            stack = analyse_stack(
                path,
                media_type=media_type,
                settings=self.settings,
                hint=hint,
                engine=engine,
                read_cover=self._read_cover,
            )
        except IntakeError as error:
            raise _intake_job_error(error) from error
        return stack_outcome_of(stack, engine=engine.name)


def _intake_job_error(error: IntakeError) -> IntakeJobError:
    """Intake's ``error`` as the worker's failure: its code, and whether to try again."""
    code = next(FAILURE_CODES[kind] for kind in type(error).__mro__ if kind in FAILURE_CODES)
    if code in RETRYABLE:
        return IntakeJobError(error.message, code=code)
    return UnreadableDocumentError(error.message, code=code)


def outcome_of(analysis: Analysis, *, engine: str) -> IntakeOutcome:
    """What the archive stores of an analysis."""
    return IntakeOutcome(
        doc_type=analysis.doc_type,
        confidence=round(analysis.confidence, 4),
        evidence=list(analysis.evidence),
        fields={name: field.value for name, field in analysis.fields.items()},
        field_details={
            name: {
                "ocr_value": field.ocr_value,
                "confidence": round(field.confidence, 4),
                "page": field.page,
                "box": list(field.box) if field.box else None,
                "doubt": field.doubt,
                "status": "extracted",
                "by": None,
                "at": None,
            }
            for name, field in analysis.fields.items()
        },
        pages=len(analysis.pages),
        text=analysis.text,
        ocr_pages=[_page_json(page) for page in analysis.pages],
        engine=engine,
        seconds=analysis.seconds,
        findings=[intake_finding(finding) for finding in analysis.findings],
    )


def stack_outcome_of(stack: StackAnalysis, *, engine: str) -> IntakeOutcome:
    """What the archive stores of a file: one document's outcome, or a stack's with its parts."""
    if stack.is_single:  # one document, as before stacks: every page is its page
        whole = dataclasses.replace(stack.parts[0].analysis, pages=stack.pages)
        return outcome_of(whole, engine=engine)
    parts = [
        PartOutcome(
            part=found.part.part,
            page_first=found.part.page_range[0],
            page_last=found.part.page_range[1],
            outcome=outcome_of(found.analysis, engine=engine),
            case_no=found.part.case_no,
            cover_doc_type=found.part.cover_doc_type,
        )
        for found in stack.parts
    ]
    return IntakeOutcome(
        doc_type="other",
        confidence=0.0,
        evidence=[],
        fields={},
        field_details={},
        pages=len(stack.pages),
        text="",
        ocr_pages=[_page_json(page) for page in stack.pages],
        engine=engine,
        seconds=stack.seconds,
        parts=parts,
    )


def understand_stored(
    pages: list[dict[str, Any]], hint: str | None, *, engine: str, today: date
) -> IntakeOutcome:
    """Stored OCR pages (``_page_json``'s form) understood again as one document, no OCR."""
    read = [_page_of(page) for page in pages]
    known = hint if hint in {doc_type.value for doc_type in DocType} else None
    return outcome_of(understand(read, hint=known, today=today), engine=engine)


def stored_understanding(stack: Document) -> PageUnderstanding:
    """How the parts of ``stack`` are read again from its stored OCR (its engine, today)."""
    engine = str(stack.ocr.get("engine", ""))
    return partial(understand_stored, engine=engine, today=today_in_china())


def _page_of(page: dict[str, Any]) -> OcrPage:
    return OcrPage(
        number=page["number"],
        width=page["width"],
        height=page["height"],
        lines=[_line_of(line) for line in page["lines"]],
        source=page["source"],
        rotation=page["rotation"],
    )


def _line_of(line: dict[str, Any]) -> OcrLine:
    left, top, right, bottom = line["box"]
    characters = tuple(line.get("char_confidences", ()))
    return OcrLine(line["text"], (left, top, right, bottom), line["confidence"], characters)


def _page_json(page: OcrPage) -> dict[str, Any]:
    return {
        "number": page.number,
        "width": page.width,
        "height": page.height,
        "rotation": page.rotation,
        "source": page.source,
        "lines": [
            {
                "text": line.text,
                "box": list(line.box),
                "confidence": round(line.confidence, 4),
                "char_confidences": [round(value, 3) for value in line.char_confidences],
            }
            for line in page.lines
        ],
    }


def _recheck(session: Session, document: Document) -> None:
    recheck_case(session, document.case)


def worker_parts(
    settings: Settings,
    *,
    database: Database,
    store: ObjectStore,
    index: SearchIndex | None,
    analyser: IntakeAnalyser | None = None,
) -> WorkerParts:
    """The parts of an intake worker on these backends."""

    def put_in_index(document: Document) -> None:
        assert index is not None
        index.index(indexed_document(document))

    def retry_index() -> int:
        assert index is not None
        with database.session() as session:  # index_pending commits batch by batch
            return index_pending(session, index)

    return WorkerParts(
        database=database,
        store=store,
        settings=settings,
        analyse=analyser or IntakeAnalyser(settings),
        after_intake=_recheck,
        index=put_in_index if index is not None else None,
        retry_index=retry_index if index is not None else None,
    )
