"""A worker that finds a stored original gone fails the document at once and marks it damaged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from archive import AuditEvent, Database, Document, Finding, IntakeOutcome, LocalObjectStore
from core import Settings
from tests.intake_jobs import upload_scan
from worker import Attempt, IntakeWorker, WorkerParts


def _never(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
    raise AssertionError("a missing original must not be analysed")


def test_a_missing_original_fails_at_once_as_original_damaged_and_is_marked(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 80)
    with database.transaction() as session:
        sha256 = session.get_one(Document, document_id).sha256
    next(settings.resolved_object_store_dir.rglob(sha256)).unlink()
    parts = WorkerParts(database=database, store=store, settings=settings, analyse=_never)
    assert IntakeWorker(parts, name="w").run(document_id) == Attempt(claimed=True)
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.error_code, document.attempts) == (
            "failed",
            "original_damaged",
            1,
        )
        assert "missing from the object store" in (document.error or "")
        assert "yekuo verify" in (document.error or "")
        mark = session.scalars(select(Finding)).one()
        assert (mark.code, mark.status, mark.found, mark.expected) == (
            "original_damaged",
            "open",
            "missing",
            sha256,
        )
        damaged = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "document.damaged")
        ).one()
        assert damaged.after == {"sha256": sha256, "found": "missing"}
