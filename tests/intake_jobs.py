"""Documents on the intake queue, for the tests of the queue and its workers."""

from __future__ import annotations

import datetime as dt

from archive import (
    SYSTEM,
    CaseCreate,
    Database,
    FailureCode,
    IntakeOutcome,
    LocalObjectStore,
    UploadSpooler,
    claim_next,
    create_case,
    fail_job,
    open_database,
    store_upload,
)
from core import Settings
from tests.e2e.helpers import case_body, png_bytes


def upload_scan(settings: Settings, database: Database, store: LocalObjectStore, seed: int) -> str:
    """A small PNG uploaded to a new case YK-<seed>; the queued document's id."""
    return upload_file(
        settings,
        database,
        store,
        png_bytes(seed),
        case_no=f"YK-{seed}",
        filename=f"scan-{seed}.png",
    )


def upload_file(
    settings: Settings,
    database: Database,
    store: LocalObjectStore,
    content: bytes,
    *,
    case_no: str,
    filename: str,
) -> str:
    """``content`` uploaded as ``filename`` to a new case ``case_no``; the queued document's id."""
    spooler = UploadSpooler(tmp_dir=settings.resolved_tmp_dir, max_bytes=10**7, filename=filename)
    spooler.write(content)
    with spooler.finish() as upload, database.transaction() as session:
        case = create_case(
            session, data=CaseCreate.model_validate(case_body(case_no)), actor=SYSTEM
        )
        stored = store_upload(
            session, store=store, case=case, upload=upload, doc_type_hint=None, actor=SYSTEM
        )
        return stored.document.id


def intake_outcome() -> IntakeOutcome:
    """What a fake analyser finds: an ID card of 王小明."""
    return IntakeOutcome(
        doc_type="id_card",
        confidence=0.97,
        evidence=["title 居民身份证"],
        fields={"name": "王小明", "id_number": "11010519491231002X"},
        field_details={"name": {"ocr_value": "王小明", "confidence": 0.99, "page": 1}},
        pages=1,
        text="姓名 王小明\n公民身份号码 11010519491231002X",
        ocr_pages=[{"number": 1, "lines": []}],
        engine="test",
        seconds=0.5,
    )


def fail_for_good(
    settings: Settings,
    document_id: str | None = None,
    *,
    error: str = "unreadable",
    code: FailureCode = FailureCode.unreadable_file,
) -> None:
    """Let intake fail for good on ``document_id`` (default the next queued document)."""
    with open_database(settings) as database, database.transaction() as session:
        claim = claim_next(
            session, worker="t", lease=dt.timedelta(minutes=5), document_id=document_id
        )
        assert claim is not None
        fail_job(
            session, claim, worker="t", error=error, code=code, retryable=False, max_attempts=1
        )
