"""Each way a document's intake fails ends ``failed`` with its stable ``error_code``.

The worker runs the real intake (``IntakeAnalyser``) on hostile files, a crashing OCR engine,
and a real object store whose stored original is damaged after upload.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from archive import (
    AuditEvent,
    Database,
    Document,
    FailureCode,
    IntakeOutcome,
    LocalObjectStore,
    verify_chain,
)
from core import Settings
from intake import OcrPage
from synthetic._pdf import blank_pdf, encrypted_pdf
from tests.e2e.helpers import png_bytes
from tests.intake_jobs import upload_file
from worker import Attempt, IntakeWorker, WorkerParts
from worker._steps import IntakeAnalyser


class CrashingEngine:
    """An OCR engine whose native code gives up on every page."""

    name = "crashing"

    def __init__(self) -> None:
        self.calls = 0

    def recognise(self, image: Image.Image, *, number: int = 1) -> OcrPage:
        self.calls += 1
        raise RuntimeError("onnxruntime: bad allocation")


def _worker(
    settings: Settings, database: Database, store: LocalObjectStore, engine: CrashingEngine
) -> IntakeWorker:
    analyser = IntakeAnalyser(settings, engine=engine)
    parts = WorkerParts(database=database, store=store, settings=settings, analyse=analyser)
    return IntakeWorker(parts, name="w")


def _document(database: Database, document_id: str) -> tuple[str, str | None, str | None, int]:
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        return document.status, document.error_code, document.error, document.attempts


def _findings(database: Database, document_id: str) -> list[str]:
    with database.transaction() as session:
        return [f.code for f in session.get_one(Document, document_id).findings]


@pytest.mark.parametrize(
    ("filename", "content", "code", "reason"),
    [
        pytest.param(
            "locked.pdf", encrypted_pdf(), FailureCode.encrypted_pdf, "password", id="encrypted"
        ),
        pytest.param(
            "cut.png", png_bytes(9)[:60], FailureCode.corrupt_file, "intact copy", id="cut-png"
        ),
        pytest.param(
            "cut.pdf",
            blank_pdf(2)[:120],
            FailureCode.corrupt_file,
            "not a readable PDF",
            id="cut-pdf",
        ),
        pytest.param(
            "long.pdf", blank_pdf(3), FailureCode.too_large, "3 pages", id="too-many-pages"
        ),
    ],
)
def test_a_hostile_file_fails_at_once_with_its_code(
    settings: Settings,
    database: Database,
    store: LocalObjectStore,
    filename: str,
    content: bytes,
    code: FailureCode,
    reason: str,
) -> None:
    settings = settings.model_copy(update={"intake_max_pages": 2})
    document_id = upload_file(
        settings, database, store, content, case_no="YK-HOSTILE", filename=filename
    )
    engine = CrashingEngine()
    attempt = _worker(settings, database, store, engine).run(document_id)
    assert attempt == Attempt(claimed=True, retry_at=None), "a bad file is never retried"
    status, error_code, error, attempts = _document(database, document_id)
    assert (status, error_code, attempts) == ("failed", code, 1)
    assert error is not None
    assert reason in error
    assert f"document-{document_id}" in error, "the message names the document"
    assert engine.calls == 0
    assert _findings(database, document_id) == ["unreadable_scan"]


def test_an_ocr_engine_that_crashes_is_retried_then_fails_as_ocr_failed(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_file(
        settings, database, store, png_bytes(8), case_no="YK-OCR", filename="scan.png"
    )
    engine = CrashingEngine()
    worker = _worker(settings, database, store, engine)
    for _ in range(1, settings.intake_max_attempts):
        assert worker.run(document_id).retry_at is not None
        status, error_code, error, _ = _document(database, document_id)
        assert (status, error_code) == ("queued", None), "not failed while it is to be retried"
        assert "bad allocation" in (error or "")
        with database.transaction() as session:
            session.get_one(Document, document_id).next_attempt_at = None
    assert worker.run(document_id) == Attempt(claimed=True, retry_at=None)
    status, error_code, error, attempts = _document(database, document_id)
    assert (status, error_code, attempts) == ("failed", "ocr_failed", settings.intake_max_attempts)
    assert "YEKUO_OCR_ENGINE" in (error or "")
    assert engine.calls == settings.intake_max_attempts
    assert _findings(database, document_id) == ["intake_failed"]


def _damage(settings: Settings, sha256: str) -> None:
    """Overwrite the stored object's file behind the store's back, as bit rot would."""
    path = next(settings.resolved_object_store_dir.rglob(sha256))
    path.chmod(0o644)
    path.write_bytes(b"\x89PNG damaged")


def test_a_damaged_original_fails_at_once_as_original_damaged(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_file(
        settings, database, store, png_bytes(7), case_no="YK-ROT", filename="scan.png"
    )
    with database.transaction() as session:
        sha256 = session.get_one(Document, document_id).sha256
    _damage(settings, sha256)
    analysed: list[Path] = []

    def analyse(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        analysed.append(path)
        raise AssertionError("a damaged original must not be analysed")

    parts = WorkerParts(database=database, store=store, settings=settings, analyse=analyse)
    attempt = IntakeWorker(parts, name="w").run(document_id)
    assert attempt == Attempt(claimed=True, retry_at=None), "other bytes never come back"
    assert analysed == []
    status, error_code, error, attempts = _document(database, document_id)
    assert (status, error_code, attempts) == ("failed", "original_damaged", 1)
    assert error is not None
    assert sha256 in error
    assert "backup" in error
    assert "yekuo verify" in error
    assert "retry later" not in error
    assert _findings(database, document_id) == ["original_damaged"]
    with database.transaction() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document.intake_failed")
        ).one()
        assert event.after is not None
        assert event.after["error_code"] == "original_damaged"
        assert verify_chain(session).intact
    assert not store.verify(sha256), "the damage is left for `yekuo verify` to report"
