"""Intake jobs on their Document rows: claims, leases, retries, failures, a worker running them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from archive import (
    SYSTEM,
    AuditEvent,
    ConflictError,
    Database,
    Document,
    DocumentStatus,
    FailureCode,
    Finding,
    IntakeOutcome,
    LocalObjectStore,
    claim_next,
    due_jobs,
    fail_job,
    queue_stats,
    retry_document,
    verify_chain,
)
from core import Settings
from search import SearchQuery, SqliteSearchIndex, index_pending
from tests.intake_jobs import intake_outcome, upload_scan
from worker import Attempt, IntakeWorker, UnreadableDocumentError, WorkerParts

LEASE = dt.timedelta(minutes=15)


def test_two_workers_never_claim_the_same_job(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 1)
    with database.transaction() as session:
        first = claim_next(session, worker="a", lease=LEASE)
    with database.transaction() as session:
        second = claim_next(session, worker="b", lease=LEASE)
    assert first is not None
    assert first.document_id == document_id
    assert first.attempt == 1
    assert second is None


def test_a_claim_of_one_document_takes_only_that_one_and_only_when_due(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    older = upload_scan(settings, database, store, 40)
    newer = upload_scan(settings, database, store, 41)
    with database.transaction() as session:
        session.get_one(Document, older).next_attempt_at = dt.datetime.now(dt.UTC) + LEASE
    with database.transaction() as session:
        assert claim_next(session, worker="a", lease=LEASE, document_id=older) is None
        claim = claim_next(session, worker="a", lease=LEASE, document_id=newer)
    assert claim is not None
    assert claim.document_id == newer


def test_due_jobs_are_the_waiting_and_the_abandoned_ones(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    waiting, later, abandoned, held = (
        upload_scan(settings, database, store, seed) for seed in range(50, 54)
    )
    now = dt.datetime.now(dt.UTC)
    with database.transaction() as session:
        session.get_one(Document, later).next_attempt_at = now + LEASE
        claim_next(session, worker="dead", lease=dt.timedelta(seconds=1), document_id=abandoned)
        claim_next(session, worker="alive", lease=LEASE, document_id=held)
    with database.transaction() as session:
        assert due_jobs(session, now=now + dt.timedelta(seconds=5)) == [waiting, abandoned]


def test_an_abandoned_lease_is_taken_over_and_the_old_worker_cannot_finish(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    upload_scan(settings, database, store, 2)
    with database.transaction() as session:
        dead = claim_next(session, worker="dead", lease=dt.timedelta(seconds=1))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    with database.transaction() as session:
        alive = claim_next(session, worker="alive", lease=LEASE, now=later)
    assert dead is not None
    assert alive is not None
    assert alive.attempt == 2
    with (
        pytest.raises(ConflictError, match="another worker took it over"),
        database.transaction() as session,
    ):
        fail_job(
            session,
            dead,
            worker="dead",
            error="x",
            code=FailureCode.intake_failed,
            retryable=True,
            max_attempts=3,
        )
    with database.transaction() as session:
        document = session.scalars(select(Document)).one()
        assert (document.status, document.leased_by) == ("processing", "alive")


def test_a_transient_failure_is_retried_later_then_marked_failed(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 3)
    calls: list[str] = []

    def broken(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        calls.append(media_type)
        raise RuntimeError("OCR engine crashed")

    parts = WorkerParts(database=database, store=store, settings=settings, analyse=broken)
    worker = IntakeWorker(parts, name="w")
    first = worker.run(document_id)
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert document.status == "queued"
        assert first == Attempt(claimed=True, retry_at=document.next_attempt_at)
        assert first.retry_at is not None
        assert first.retry_at > dt.datetime.now(dt.UTC) + dt.timedelta(seconds=20)
        assert "OCR engine crashed" in (document.error or "")
        assert document.error_code is None, "not failed while it is to be retried"
        assert worker.run(document_id) == Attempt(claimed=False), "not due yet"
        document.next_attempt_at = None
    assert worker.run(document_id).retry_at is not None
    with database.transaction() as session:
        session.get_one(Document, document_id).next_attempt_at = None
    assert worker.run(document_id) == Attempt(claimed=True, retry_at=None)
    assert worker.run(document_id) == Attempt(claimed=False)
    assert calls == ["image/png"] * settings.intake_max_attempts
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.error_code) == ("failed", "intake_failed")
        assert [f.code for f in document.findings] == ["intake_failed"]
        assert store.verify(document.sha256), "the original is kept"
        assert verify_chain(session).intact


def test_an_unreadable_file_fails_at_once_with_a_finding_and_can_be_retried(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 4)

    def unreadable(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        raise UnreadableDocumentError("the PDF is encrypted")

    worker = IntakeWorker(
        WorkerParts(database=database, store=store, settings=settings, analyse=unreadable),
        name="w",
    )
    assert worker.run(document_id) == Attempt(claimed=True, retry_at=None)
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.error) == ("failed", "the PDF is encrypted")
        assert document.error_code == "unreadable_file"
        finding = session.scalars(select(Finding)).one()
        assert finding.code == "unreadable_scan"
        assert "encrypted" in finding.message_en
        retry_document(session, document, actor=SYSTEM)
    with database.transaction() as session:
        assert queue_stats(session).queued == 1
        document = session.get_one(Document, document_id)
        assert (document.error, document.error_code) == (None, None)


def test_a_finished_document_has_its_fields_an_audit_event_and_is_indexed(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 5)
    indexed: list[str] = []
    checked: list[str] = []
    parts = WorkerParts(
        database=database,
        store=store,
        settings=settings,
        analyse=lambda path, *, media_type, hint: intake_outcome(),
        after_intake=lambda session, document: checked.append(document.id),
        index=lambda document: indexed.append(document.text),
    )
    assert IntakeWorker(parts, name="w").run(document_id) == Attempt(claimed=True)
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert document.status == "done"
        assert document.doc_type == "id_card"
        assert document.fields["id_number"] == "11010519491231002X"
        assert document.ocr["fields"]["name"]["ocr_value"] == "王小明"
        assert document.index_status == "indexed"
        assert document.leased_by is None
        actions = session.scalars(select(AuditEvent.action)).all()
        assert "document.intake" in actions
    assert checked == [document_id]
    assert indexed == [intake_outcome().text]


def test_an_index_outage_leaves_the_document_done_and_marked_for_reindexing(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 6)

    def down(document: Document) -> None:
        raise ConnectionError("search index unreachable")

    parts = WorkerParts(
        database=database,
        store=store,
        settings=settings,
        analyse=lambda path, *, media_type, hint: intake_outcome(),
        index=down,
    )
    assert IntakeWorker(parts, name="w").run(document_id) == Attempt(claimed=True)
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.index_status) == ("done", "failed")
        assert queue_stats(session).index_pending == 1


def test_a_worker_retries_what_the_index_refused(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 20)
    index = SqliteSearchIndex(settings.data_dir / "search.db")

    def down(document: Document) -> None:
        raise ConnectionError("search index unreachable")

    def retry() -> int:
        with database.session() as session:  # index_pending commits batch by batch
            return index_pending(session, index)

    parts = WorkerParts(
        database=database,
        store=store,
        settings=settings,
        analyse=lambda path, *, media_type, hint: intake_outcome(),
        index=down,
        retry_index=retry,
    )
    worker = IntakeWorker(parts, name="w")
    assert worker.run(document_id) == Attempt(claimed=True)
    assert worker.retry_index() == 1
    with database.transaction() as session:
        assert session.get_one(Document, document_id).index_status == "indexed"
    assert [hit.document_id for hit in index.search(SearchQuery(q="王小明")).hits] == [document_id]
    index.close()


def test_intake_run_again_keeps_what_a_reviewer_corrected(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 30)
    parts = WorkerParts(
        database=database,
        store=store,
        settings=settings,
        analyse=lambda path, *, media_type, hint: intake_outcome(),
    )
    worker = IntakeWorker(parts, name="w")
    assert worker.run(document_id) == Attempt(claimed=True)
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        document.fields = {**document.fields, "name": "王晓明"}
        document.ocr = {
            **document.ocr,
            "fields": {"name": {"ocr_value": "王小明", "status": "corrected", "by": "r"}},
        }
        document.status = DocumentStatus.failed.value  # only a failed document is run again
        retry_document(session, document, actor=SYSTEM)
    assert worker.run(document_id) == Attempt(claimed=True)
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert document.fields == {"name": "王晓明", "id_number": "11010519491231002X"}
        assert document.ocr["fields"]["name"]["status"] == "corrected"
