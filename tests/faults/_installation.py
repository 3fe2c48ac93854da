"""An installation of yekuo on the private servers: settings, tokens, workers with a fake analyser
(one the test drives, one running on the queue), real ``yekuo`` child processes (``worker``,
``serve``) on the same settings, and what the tests check after a fault."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import InterfaceError, OperationalError

from archive import (
    SYSTEM,
    AuditEvent,
    Database,
    Document,
    ObjectStore,
    Role,
    create_token,
    open_database,
)
from core import Settings
from search import SearchIndex
from tests.e2e.helpers import YEKUO
from tests.intake_jobs import intake_outcome
from worker import IntakeQueue, IntakeWorker, WorkerParts, worker_parts

DATABASE_DOWN = (OperationalError, InterfaceError)
LEASE_SECONDS = 30  # the shortest the settings allow


def fault_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    """Settings on ``database_url``, a short lease so that a lost job is taken over in seconds."""
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "database_url": database_url,
        "intake_in_process": False,
        "intake_lease_seconds": LEASE_SECONDS,
        "intake_max_attempts": 10,
    }
    return Settings(**(values | overrides), _env_file=None)  # type: ignore[arg-type]


def role_tokens(settings: Settings) -> dict[Role, str]:
    """A token of every role in the installation's (migrated) database."""
    with open_database(settings) as database:
        database.upgrade()
        with database.transaction() as session:
            return {
                role: create_token(session, name=f"{role.value}-f", role=role, actor=SYSTEM)[1]
                for role in Role
            }


def yekuo_process(
    settings: Settings, *args: str, log: Path, **environment: str
) -> subprocess.Popen[bytes]:
    """``yekuo ARGS`` in a child process on the installation's data, database and intake
    limits (lease, attempts), its output appended to ``log``; ``environment`` adds YEKUO_
    variables. Nothing of the developer's own YEKUO_ environment is passed on."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    env |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
        "YEKUO_INTAKE_LEASE_SECONDS": str(settings.intake_lease_seconds),
        "YEKUO_INTAKE_MAX_ATTEMPTS": str(settings.intake_max_attempts),
        **environment,
    }
    with log.open("ab") as out:
        return subprocess.Popen([YEKUO, *args], env=env, stdout=out, stderr=out)


def yekuo_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    """A real ``yekuo worker`` (real OCR): one intake thread, one OCR thread, polling the queue
    every 0.2 s."""
    return yekuo_process(
        settings,
        "worker",
        log=log,
        YEKUO_INTAKE_WORKERS="1",
        YEKUO_OCR_THREADS="1",
        YEKUO_INTAKE_POLL_SECONDS="0.2",
    )


def drain(
    settings: Settings,
    store: ObjectStore,
    document_ids: list[str],
    *,
    seconds: float,
    between: Callable[[int], None] = lambda _done: None,
    index: SearchIndex | None = None,
) -> None:
    """Run intake (a fake analyser) until every document is done or failed, within ``seconds``.

    ``between(n)`` runs after each attempt (``n`` attempts so far): a test injects its fault
    there. An attempt the database refuses is simply tried again, as the queue would. With
    ``index`` the worker indexes what it finished, as a real one does.
    """
    deadline = time.monotonic() + seconds
    attempts = 0
    with open_database(settings) as database:
        worker = IntakeWorker(_parts(settings, database, store, index), name="fault-worker")
        while pending := _pending(database, document_ids):
            assert time.monotonic() < deadline, _unfinished(database, pending)
            for document_id in pending:
                try:
                    worker.run(document_id)
                except DATABASE_DOWN:  # the outage itself; the next pass retries
                    time.sleep(0.2)
                attempts += 1
                between(attempts)


@contextmanager
def running_worker(settings: Settings, store: ObjectStore, index: SearchIndex) -> Iterator[None]:
    """A worker on the installation's queue, as ``yekuo worker`` runs (a fake analyser): it
    takes the intake messages of uploads and runs the periodic tasks, at once and each minute."""
    with open_database(settings) as database:
        queue = IntakeQueue(settings, parts=_parts(settings, database, store, index))
        try:
            consumer = queue.consumer(threads=1, shutdown_seconds=30)
            consumer.start()
            try:
                yield
            finally:
                consumer.stop()
        finally:
            queue.close()


def until_finished(settings: Settings, document_ids: list[str], *, seconds: float) -> None:
    """Wait until every document is done or failed (a running worker takes them)."""
    deadline = time.monotonic() + seconds
    with open_database(settings) as database:
        while pending := _pending(database, document_ids):
            assert time.monotonic() < deadline, _unfinished(database, pending)
            time.sleep(0.2)


def _parts(
    settings: Settings, database: Database, store: ObjectStore, index: SearchIndex | None
) -> WorkerParts:
    return dataclasses.replace(
        worker_parts(settings, database=database, store=store, index=index),
        analyse=lambda path, *, media_type, hint: intake_outcome(),
    )


def _unfinished(database: Database, pending: list[str]) -> str:
    with database.transaction() as session:
        states = [
            (d.id, d.status, d.attempts, d.next_attempt_at, d.lease_expires_at, d.error)
            for d in session.scalars(select(Document).where(Document.id.in_(pending)))
        ]
    return f"{len(pending)} documents never finished: {states}"


def _pending(database: Database, document_ids: list[str]) -> list[str]:
    try:
        with database.transaction() as session:
            finished = set(
                session.scalars(
                    select(Document.id).where(
                        Document.id.in_(document_ids), Document.status.in_(("done", "failed"))
                    )
                )
            )
    except DATABASE_DOWN:  # everything is still pending
        time.sleep(0.5)
        return document_ids
    return [d for d in document_ids if d not in finished]


def finished_once(settings: Settings, document_ids: list[str]) -> dict[str, int]:
    """How many times each document's intake was recorded as finished (done or failed)."""
    with open_database(settings) as database, database.transaction() as session:
        rows = session.execute(
            select(AuditEvent.entity_id, func.count())
            .where(
                AuditEvent.entity_id.in_(document_ids),
                AuditEvent.action.in_(("document.intake", "document.intake_failed")),
            )
            .group_by(AuditEvent.entity_id)
        ).all()
    return {str(entity_id): int(count) for entity_id, count in rows}
