"""The intake queue on huey: messages, consumer threads, retries, the sweep, the commands."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from archive import (
    Actor,
    AuditEvent,
    Database,
    Document,
    IntakeOutcome,
    LocalObjectStore,
    Role,
    claim_next,
    load_audit_key,
    queue_stats,
    trash_document,
    verify_audit,
    verify_chain,
)
from cli import main
from core import Settings, get_settings
from tests.archived_cases import archived_case
from tests.intake_jobs import intake_outcome, upload_scan
from worker import IntakeQueue, QueueError, UnreadableDocumentError, WorkerParts

Analyse = Callable[..., IntakeOutcome]


@pytest.fixture
def fast(settings: Settings) -> Settings:
    return settings.model_copy(update={"intake_poll_seconds": 0.05})


def _queue(
    settings: Settings, database: Database, store: LocalObjectStore, analyse: Analyse
) -> IntakeQueue:
    parts = WorkerParts(database=database, store=store, settings=settings, analyse=analyse)
    return IntakeQueue(settings, parts=parts)


def _read_well(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
    return intake_outcome()


def _wait_until(database: Database, done: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.transaction() as session:
            if queue_stats(session).done == done:
                return
        time.sleep(0.05)
    raise AssertionError(f"{done} documents not done after {timeout} s")


def _run_next(queue: IntakeQueue) -> None:
    """What one huey worker thread does with the next message: take it and execute it."""
    with queue.database.connection_context():
        task = queue.huey.dequeue()
        assert task is not None, "no message in the queue"
        queue.huey.execute(task)


def test_consumer_threads_run_every_queued_document_once_and_stop(
    fast: Settings, database: Database, store: LocalObjectStore
) -> None:
    ids = [upload_scan(fast, database, store, seed) for seed in range(10, 16)]
    queue = _queue(fast, database, store, _read_well)
    assert all(queue.enqueue(document_id) for document_id in ids)
    assert queue.waiting() == set(ids)
    consumer = queue.consumer(threads=3, shutdown_seconds=10)
    consumer.start()
    try:
        _wait_until(database, done=len(ids))
    finally:
        consumer.stop()
        queue.close()
    with database.transaction() as session:
        assert session.scalars(select(Document.attempts)).all() == [1] * len(ids)
        intakes = session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "document.intake")
        ).all()
        assert sorted(intakes) == sorted(ids)
        assert verify_chain(session).intact


def test_a_job_whose_worker_died_is_run_again_when_a_consumer_starts(
    fast: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(fast, database, store, 20)
    with database.transaction() as session:
        dead = claim_next(session, worker="killed", lease=dt.timedelta(0))
    assert dead is not None
    assert dead.document_id == document_id
    queue = _queue(fast, database, store, _read_well)
    assert queue.waiting() == set(), "huey took the message away with the dead worker"
    consumer = queue.consumer(threads=1, shutdown_seconds=10)
    consumer.start()  # its scheduler runs the sweep at once, then every minute
    try:
        _wait_until(database, done=1)
    finally:
        consumer.stop()
        queue.close()
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.attempts, document.leased_by) == ("done", 2, None)


def test_the_sweep_sends_only_the_missing_messages(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    sent, lost, later = (upload_scan(settings, database, store, seed) for seed in (30, 31, 32))
    with database.transaction() as session:
        future = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        session.get_one(Document, later).next_attempt_at = future
    queue = _queue(settings, database, store, _read_well)
    try:
        assert queue.enqueue(sent)
        assert queue.sweep() == 1
        assert queue.waiting() == {sent, lost}
        assert queue.sweep() == 0
    finally:
        queue.close()


def test_an_upload_whose_message_was_refused_is_sent_by_the_sweep(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 33)
    queue = _queue(settings, database, store, _read_well)
    try:
        queue.huey.storage.drop_tables()  # the queue's database refuses every write
        assert not queue.enqueue(document_id)
        queue.huey.storage.create_tables()
        assert queue.waiting() == set()
        assert queue.sweep() == 1
        _run_next(queue)
    finally:
        queue.close()
    with database.transaction() as session:
        assert session.get_one(Document, document_id).status == "done"


def test_a_message_for_a_document_another_worker_holds_does_nothing(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 34)
    calls: list[str] = []

    def counting(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        calls.append(media_type)
        return intake_outcome()

    with database.transaction() as session:
        claim_next(session, worker="other", lease=dt.timedelta(minutes=15))
    queue = _queue(settings, database, store, counting)
    try:
        assert queue.enqueue(document_id)
        assert queue.enqueue(document_id)
        _run_next(queue)
        _run_next(queue)
        assert len(queue.huey) == 0
    finally:
        queue.close()
    assert calls == []
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.leased_by) == ("processing", "other")


def test_a_transient_failure_is_retried_by_huey_at_the_rows_time_then_fails(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 35)

    def broken(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        raise RuntimeError("OCR engine crashed")

    queue = _queue(settings, database, store, broken)
    try:
        assert queue.enqueue(document_id)
        _run_next(queue)
        for attempt in range(1, settings.intake_max_attempts):
            with database.transaction() as session:
                document = session.get_one(Document, document_id)
                assert (document.status, document.attempts) == ("queued", attempt)
                retry_at = document.next_attempt_at
                document.next_attempt_at = None  # the test does not wait for the delay
            assert retry_at is not None
            [retry] = queue.huey.scheduled()
            assert abs(retry.eta.replace(tzinfo=dt.UTC) - retry_at) < dt.timedelta(seconds=2)
            with queue.database.connection_context():  # what the scheduler does at the eta
                assert queue.huey.read_schedule(retry.eta) == [retry]
                queue.huey.execute(retry, timestamp=retry.eta)
        assert queue.huey.scheduled() == []
        assert len(queue.huey) == 0
    finally:
        queue.close()
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.attempts) == ("failed", settings.intake_max_attempts)
        assert [f.code for f in document.findings] == ["intake_failed"]


def test_an_unreadable_file_fails_at_once_without_a_retry(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    document_id = upload_scan(settings, database, store, 36)

    def unreadable(path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        raise UnreadableDocumentError("the PDF is encrypted")

    queue = _queue(settings, database, store, unreadable)
    try:
        assert queue.enqueue(document_id)
        _run_next(queue)
        assert queue.huey.scheduled() == []
    finally:
        queue.close()
    with database.transaction() as session:
        document = session.get_one(Document, document_id)
        assert (document.status, document.attempts) == ("failed", 1)
        assert [f.code for f in document.findings] == ["unreadable_scan"]


def test_a_queue_without_worker_parts_only_sends_messages(settings: Settings) -> None:
    queue = IntakeQueue(settings)
    try:
        assert queue.enqueue("some-document")
        assert queue.waiting() == {"some-document"}
        with pytest.raises(QueueError, match="yekuo worker"):
            queue.consumer(threads=1, shutdown_seconds=None)
        with pytest.raises(QueueError, match="yekuo worker"):
            queue.sweep()
    finally:
        queue.close()


def test_a_queue_url_yekuo_cannot_use_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="YEKUO_QUEUE_URL"):
        Settings(data_dir=tmp_path, queue_url="redis://localhost:6379/0", _env_file=None)


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The command line in this process reads the settings of this test."""
    monkeypatch.setenv("YEKUO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("YEKUO_DATABASE_URL", settings.resolved_database_url)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def test_yekuo_retry_requeues_failed_documents_and_sends_their_messages(
    cli_settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    failed, other, done = (upload_scan(cli_settings, database, store, s) for s in (40, 41, 42))
    with database.transaction() as session:
        for document_id in (failed, other):
            session.get_one(Document, document_id).status = "failed"
        session.get_one(Document, done).status = "done"
    runner = CliRunner()
    assert runner.invoke(main, ["retry"]).exit_code == 2
    missing = runner.invoke(main, ["retry", "no-such-document"])
    assert (missing.exit_code, "no document no-such-document" in missing.output) == (3, True)
    one = runner.invoke(main, ["retry", failed])
    assert (one.exit_code, one.output) == (0, "1 documents queued for intake again\n")
    every = runner.invoke(main, ["retry", "--all-failed"])
    assert (every.exit_code, every.output) == (0, "1 documents queued for intake again\n")
    with database.transaction() as session:
        statuses = {d.id: d.status for d in session.scalars(select(Document))}
        retries = session.scalars(
            select(AuditEvent.entity_id).where(AuditEvent.action == "document.retry")
        ).all()
    assert statuses == {failed: "queued", other: "queued", done: "done"}
    assert retries == [failed, other]
    queue = IntakeQueue(cli_settings)
    try:
        assert queue.waiting() == {failed, other}
    finally:
        queue.close()


def test_yekuo_worker_stops_on_sigterm(settings: Settings) -> None:
    environment = {
        **os.environ,
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", "from cli import main; main()", "worker", "--threads", "2"],
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stderr is not None
    try:
        assert worker.stderr.readline() == "2 intake workers running; stop with Ctrl-C\n"
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0
        assert f"stopped after the current jobs (signal {signal.SIGTERM.value})" in (
            worker.stderr.read()
        )
    finally:
        worker.kill()
        worker.stderr.close()


def test_the_periodic_checkpoint_anchors_what_intake_wrote(
    fast: Settings, database: Database, store: LocalObjectStore
) -> None:
    upload_scan(fast, database, store, 30)
    queue = _queue(fast, database, store, _read_well)
    try:
        assert queue.checkpoint_audit() is True
        assert queue.checkpoint_audit() is False  # nothing new since
    finally:
        queue.close()
    key = load_audit_key(fast.resolved_audit_key_file)
    with database.transaction() as session:
        report = verify_audit(session, store=store, key=key)
    assert (report.intact, report.anchored_through) == (True, report.events)


def test_the_daily_purge_destroys_what_the_trash_kept_past_its_period(
    fast: Settings, database: Database, store: LocalObjectStore
) -> None:
    old, recent = upload_scan(fast, database, store, 31), upload_scan(fast, database, store, 32)
    archivist = Actor("archivist-user", Role.archivist)
    with database.transaction() as session:
        for document_id, age in ((old, fast.trash_days + 1), (recent, fast.trash_days - 1)):
            document = session.get(Document, document_id)
            assert document is not None
            trash_document(session, document, reason="上传错了", actor=archivist)
            assert document.trashed_at is not None
            document.trashed_at -= dt.timedelta(days=age)
    with database.transaction() as session:
        digests = {d.id: d.sha256 for d in session.scalars(select(Document))}
    queue = _queue(fast, database, store, _read_well)
    try:
        assert queue.purge_trash() == 1
        assert queue.purge_trash() == 0  # purged once
    finally:
        queue.close()
    assert store.head(digests[old]) is None
    assert store.head(digests[recent]) is not None


def test_the_daily_stored_check_runs_after_the_purge_is_audited_and_finds_a_lost_copy(
    fast: Settings, database: Database, store: LocalObjectStore
) -> None:
    archived_case(fast, database, store, case_no="YK-34")
    queue = _queue(fast, database, store, _read_well)
    try:
        at = dt.datetime(2026, 3, 2, 2, 47)
        assert [task.name for task in queue.huey.read_periodic(at)] == ["sweep", "retry_index",
            "audit_checkpoint", "webhooks", "stored_check"]  # fmt: skip
        assert queue.check_stored_archive() is True
        with database.transaction() as session:
            copy = session.scalars(select(Document)).one().archival_sha256
        assert copy is not None
        assert store.delete(copy)
        assert queue.check_stored_archive() is False
    finally:
        queue.close()
    with database.transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "archive.stored_check")
        ).all()
    assert {event.actor for event in events} == {"system"}
    afters = [event.after or {} for event in events]
    assert [after["passed"] for after in afters] == [True, False]
    assert [item["id"] for item in afters[1]["failed_items"]] == ["A1"]
    assert "archival copy: missing from the object store" in afters[1]["failed_items"][0]["detail"]
