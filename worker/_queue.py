"""The intake queue on huey: "run intake on this document" messages in SQL tables.

huey's ``SqlHuey`` (on peewee) keeps the messages in a SQLite file next to the database, or in
PostgreSQL (schema ``yekuo_queue``) so that ``yekuo worker`` processes on many machines share
them; its consumer runs the tasks on threads, in ``yekuo serve`` or in ``yekuo worker``.

The Document row stays the truth of a job (``archive._jobs``): a message only says which
document to try, the worker claims the document before running it, and a message that finds
it claimed, finished or not yet due does nothing. So a message may be lost or sent twice
without harm, and two periodic tasks make sure none is missing:

- ``sweep`` sends a message for every document a worker could claim now that has none waiting
  (and a consumer, as it starts, first gives back the jobs of this host's dead workers):
  uploads whose enqueueing failed, and jobs whose worker died mid-job (huey does not deliver a
  message again once a consumer took it; the document's lease runs out instead);
- ``retry_index`` indexes the finished documents the search index could not take;
- ``audit_checkpoint`` anchors the newest audit events in a signed object-store record;
- ``webhooks`` tells ``YEKUO_WEBHOOK_URL`` of overdue stages and new error findings;
- ``trash_purge`` (daily, 02:17) destroys the originals left in the trash past
  ``YEKUO_TRASH_DAYS``, as ``yekuo trash purge`` does;
- ``stored_check`` (daily, 02:47) runs the 四性检测 of the stored archive, as ``yekuo archive
  check --stored`` does: audited ``archive.stored_check``, and a failure shows on the keeper's
  start page until a run passes.

A transient failure is tried again after the delay the document's row sets, through huey's
``RetryTask``; a permanent one, or the last attempt, ends ``failed`` in the row.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from huey import crontab
from huey.contrib.sql_huey import SqlHuey
from huey.exceptions import RetryTask
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase
from sqlalchemy.engine import make_url

from archive import (
    SYSTEM,
    ArchiveNumberPattern,
    UrllibSender,
    due_jobs,
    load_audit_key,
    load_rule_book,
    purge_expired,
    release_dead_leases,
    run_stored_check,
    today_in_china,
    webhook_round,
    write_checkpoint,
)
from core import Settings, YekuoError, use_wal
from worker._worker import IntakeWorker, WorkerParts, worker_name

log = logging.getLogger("yekuo.queue")

QUEUE_SCHEMA = "yekuo_queue"
"""The PostgreSQL schema of huey's tables, apart from yekuo's own."""

_TABLES_LOCK = 0x79656B756F  # "yekuo": the advisory lock under which the tables are created

SHUTDOWN_SECONDS = 30.0
"""How long ``yekuo serve`` waits for running jobs when it stops (a cut job resumes later)."""


class QueueDatabase(Protocol):
    """What yekuo uses of the peewee database under huey: a pool, so all of it can be closed."""

    def connection_context(self) -> AbstractContextManager[None]:
        """A connection for this thread, returned to the pool at the end."""
        ...

    def execute_sql(self, sql: str, params: tuple[object, ...] | None = None) -> object:
        """Run one SQL statement."""
        ...

    def atomic(self) -> AbstractContextManager[object]:
        """A transaction (a savepoint inside one)."""
        ...

    def close_all(self) -> None:
        """Close every connection of the pool, idle or not."""
        ...


class QueueError(YekuoError):
    """The intake queue cannot be used as configured, or is asked to run without workers."""


def open_queue_database(url: str) -> QueueDatabase:
    """A peewee database for huey at ``url`` (sqlite:///PATH or a PostgreSQL URL)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    database: QueueDatabase
    if backend == "sqlite" and parsed.database:
        use_wal(Path(parsed.database))
        database = PooledSqliteDatabase(
            parsed.database,
            max_connections=None,
            check_same_thread=False,  # pooled connections move between threads
            pragmas={"busy_timeout": 10_000},
        )
        return database
    if backend == "postgresql" and parsed.database:
        database = PooledPostgresqlDatabase(
            parsed.database,
            max_connections=None,
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            options=f"-c search_path={QUEUE_SCHEMA}",
        )
        return database
    raise QueueError(
        f"YEKUO_QUEUE_URL {parsed.render_as_string()} is not a queue yekuo can use: "
        "give sqlite:///PATH or a postgresql:// URL"
    )


def _create_tables(database: QueueDatabase, storage: Any) -> None:
    """Create huey's tables (on PostgreSQL in their own schema) once, whichever process is first.

    ``CREATE ... IF NOT EXISTS`` is not safe between PostgreSQL sessions: two workers starting
    together both create, and one dies on the catalog's unique index (``pg_type``). A lock held
    to the end of the transaction lets the first create them and the others find them.
    """
    with database.connection_context(), database.atomic():
        if isinstance(database, PooledPostgresqlDatabase):
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_TABLES_LOCK,))
            database.execute_sql(f"CREATE SCHEMA IF NOT EXISTS {QUEUE_SCHEMA}")
        storage.create_tables()


class IntakeQueue:
    """yekuo's huey app: sends intake messages, and runs them when given a worker's parts.

    An app that only enqueues (``parts=None``, as ``yekuo serve`` with the workers elsewhere)
    never runs a task; :meth:`consumer` needs the parts.
    """

    def __init__(self, settings: Settings, *, parts: WorkerParts | None = None) -> None:
        self.settings = settings
        self.parts = parts
        self.database = open_queue_database(settings.resolved_queue_url)
        self.huey: Any = SqlHuey(
            name="yekuo-intake", database=self.database, results=False, create_tables=False
        )
        _create_tables(self.database, self.huey.storage)
        self._intake: Any = self.huey.task(name="intake")(self._run_intake)
        self.huey.periodic_task(crontab(), name="sweep")(self.sweep)
        self.huey.periodic_task(crontab(), name="retry_index")(self.retry_index)
        self.huey.periodic_task(crontab(), name="audit_checkpoint")(self.checkpoint_audit)
        self.huey.periodic_task(crontab(), name="webhooks")(self.send_webhooks)
        daily = crontab(minute="17", hour="2")
        self.huey.periodic_task(daily, name="trash_purge")(self.purge_trash)
        after_purge = crontab(minute="47", hour="2")
        self.huey.periodic_task(after_purge, name="stored_check")(self.check_stored_archive)

    def enqueue(self, document_id: str) -> bool:
        """Send the intake message of a committed document; False (logged) if it failed.

        A document whose message was not sent stays ``queued``: the sweep sends it later.
        """
        try:
            with self.database.connection_context():
                self._intake(document_id)
        except Exception as error:
            log.warning("could not queue document %s, the sweep will: %s", document_id, error)
            return False
        return True

    def waiting(self) -> set[str]:
        """The documents whose intake message waits in the queue or for its retry time."""
        with self.database.connection_context():
            tasks = [*self.huey.pending(), *self.huey.scheduled()]
        return {str(task.args[0]) for task in tasks if isinstance(task, self._intake.task_class)}

    def sweep(self) -> int:
        """Send a message for each document that is due and has none; how many were sent."""
        parts = self._parts()
        waiting = self.waiting()
        with parts.database.transaction() as session:
            due = due_jobs(session)
        missing = [document_id for document_id in due if document_id not in waiting]
        sent = sum(self.enqueue(document_id) for document_id in missing)
        if sent:
            log.info("queued %d documents that had no intake message", sent)
        return sent

    def retry_index(self) -> int:
        """Index the finished documents the search index could not take; how many it took."""
        return IntakeWorker(self._parts(), name=worker_name()).retry_index()

    def checkpoint_audit(self) -> bool:
        """Anchor the audit events written since the last checkpoint; whether one was written.

        Runs every minute, so at most a minute of the trail rests on the hash chain alone.
        """
        parts = self._parts()
        key = load_audit_key(self.settings.resolved_audit_key_file)
        with parts.database.transaction() as session:
            return write_checkpoint(session, store=parts.store, key=key) is not None

    def send_webhooks(self) -> int:
        """Collect overdue stages and new error findings and deliver the webhook messages that
        are due (none without ``YEKUO_WEBHOOK_URL``); how many were delivered."""
        if not self.settings.webhook_url:
            return 0
        _, report = webhook_round(
            self._parts().database,
            url=self.settings.webhook_url,
            secret=self.settings.webhook_secret.get_secret_value(),
            sender=UrllibSender(),
            today=today_in_china(),
        )
        if report.failed:
            log.warning("%d webhook message(s) not taken, tried again later", report.failed)
        return report.delivered

    def purge_trash(self) -> int:
        """Destroy the originals trashed more than ``YEKUO_TRASH_DAYS`` ago (each audited
        ``document.purged``); how many documents were purged."""
        parts = self._parts()
        with parts.database.session() as session:
            report = purge_expired(
                session, parts.store, days=self.settings.trash_days, actor=SYSTEM
            )
        if report.documents:
            log.info(
                "purged %d documents from the trash, %d originals destroyed",
                len(report.documents),
                report.objects_deleted,
            )
        return len(report.documents)

    def check_stored_archive(self) -> bool:
        """The 四性检测 of the stored archive, audited ``archive.stored_check``; whether it
        passed (a failure is logged, naming the failed items)."""
        parts = self._parts()
        with parts.database.transaction() as session:
            report = run_stored_check(
                session,
                store=parts.store,
                pattern=ArchiveNumberPattern.from_settings(self.settings),
                book=load_rule_book(self.settings.rules_file),
                actor=SYSTEM,
            )
        failed = [f"{item.id} {item.detail}" for item in report.items if item.result == "fail"]
        if failed:
            log.error("the stored archive fails its 四性检测: %s", "; ".join(failed))
        return report.passed

    def _run_intake(self, document_id: str) -> None:
        attempt = IntakeWorker(self._parts(), name=worker_name()).run(document_id)
        if attempt.retry_at is not None:
            delay = max((attempt.retry_at - dt.datetime.now(dt.UTC)).total_seconds(), 0.0)
            raise RetryTask(f"intake of {document_id} is tried again in {delay:.0f} s", delay=delay)

    def _parts(self) -> WorkerParts:
        if self.parts is None:
            raise QueueError("this process only queues intake jobs: run `yekuo worker` for them")
        return self.parts

    def release_dead_leases(self) -> int:
        """Queue again, with a message, the jobs of this host's workers that died mid-job.

        Without this, a ``kill -9`` of a worker (or of ``yekuo serve``) leaves its documents
        ``processing`` until their leases run out. How many were queued again.
        """
        parts = self._parts()
        with parts.database.transaction() as session:
            queued = release_dead_leases(session, max_attempts=self.settings.intake_max_attempts)
        for document_id in queued:
            self.enqueue(document_id)
        if queued:
            log.info("queued again %d documents whose worker had died", len(queued))
        return len(queued)

    def consumer(self, *, threads: int, shutdown_seconds: float | None) -> QueueConsumer:
        """huey's consumer on ``threads`` worker threads (and its scheduler), not started.

        The jobs this host's dead workers held are released first, so they run at once.
        """
        self.release_dead_leases()
        return QueueConsumer(
            self.huey.create_consumer(
                workers=threads,
                worker_type="thread",
                periodic=True,
                initial_delay=min(0.1, self.settings.intake_poll_seconds),
                max_delay=self.settings.intake_poll_seconds,
                check_worker_health=False,
                shutdown_timeout=shutdown_seconds,
            )
        )

    def close(self) -> None:
        """Close every connection to the queue's database."""
        self.database.close_all()


class QueueConsumer:
    """huey's consumer threads in this process, started and stopped by their owner.

    huey's own ``Consumer.run`` takes over the process's signals; ``yekuo serve`` leaves those
    to uvicorn, and ``yekuo worker`` handles them in :func:`run_until_signalled`.
    """

    def __init__(self, consumer: Any) -> None:
        self._consumer = consumer

    def start(self) -> None:
        """Start the scheduler (delayed and periodic tasks) and every worker thread."""
        self._consumer.scheduler.start()
        for _, thread in self._consumer.worker_threads:
            thread.start()

    def stop(self) -> None:
        """Stop taking jobs and wait for the running ones (up to the shutdown timeout)."""
        self._consumer.stop(graceful=True)


def run_until_signalled(consumer: QueueConsumer, *, started: Callable[[], None]) -> int:
    """Run ``consumer`` until SIGTERM or SIGINT, then stop it after the current jobs.

    ``started`` is called once the signals are handled and the threads run. A second Ctrl-C
    while waiting for the jobs interrupts the wait. Returns the signal that stopped it.
    """
    stopping = threading.Event()
    received: list[int] = []

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        stopping.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        consumer.start()
        started()
        while not stopping.wait(0.5):
            pass
        log.info("signal %d: stopping after the current jobs", received[0])
        consumer.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return received[0]
