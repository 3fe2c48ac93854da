"""The intake workers' parts on the configured backends: intake, the case checks, the index."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from archive import (
    Database,
    Document,
    FailureCode,
    IntakeOutcome,
    ObjectStore,
    intake_finding,
    recheck_case,
)
from core import Settings
from intake import (
    Analysis,
    CorruptFileError,
    EncryptedPdfError,
    IntakeError,
    OcrEngine,
    OcrEngineError,
    OcrPage,
    TooLargeError,
    UnreadableFileError,
    analyse,
    open_ocr_engine,
)
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
    """Runs ``intake.analyse`` in archive terms, with one OCR engine loaded on first use."""

    def __init__(self, settings: Settings, engine: OcrEngine | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._lock = threading.Lock()

    @property
    def engine(self) -> OcrEngine:
        """The OCR engine, its models loaded once (not at start-up: that takes seconds)."""
        with self._lock:
            if self._engine is None:
                self._engine = open_ocr_engine(self.settings)
            return self._engine

    def __call__(self, path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        """Analyse one stored original; a file that cannot be read is not retried.

        Raises UnreadableDocumentError for a bad file and IntakeJobError when the OCR engine
        failed, each with the code of intake's error (``FAILURE_CODES``).
        """
        engine = self.engine
        try:
            analysis = analyse(
                path,
                media_type=media_type,
                settings=self.settings,
                hint=hint,
                engine=engine,
            )
        except IntakeError as error:
            raise _intake_job_error(error) from error
        return outcome_of(analysis, engine=engine.name)


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


def _page_json(page: OcrPage) -> dict[str, Any]:
    return {
        "number": page.number,
        "width": page.width,
        "height": page.height,
        "rotation": page.rotation,
        "source": page.source,
        "lines": [
            {"text": line.text, "box": list(line.box), "confidence": round(line.confidence, 4)}
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
