"""Intake workers: take a queued document, read it, store what was found, index it.

One worker is one thread running :meth:`IntakeWorker.run`; ``yekuo serve`` starts
``intake_workers`` of them in-process (unless ``YEKUO_INTAKE_IN_PROCESS=false``) and
``yekuo worker`` runs them in a process of their own, on as many machines as needed: the queue
is the database (``archive._jobs``). Failures never lose a document: the original stays in the
object store, the job is retried or marked failed with the reason, and a search index outage
only marks the document for re-indexing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from archive import (
    Claim,
    ConflictError,
    Database,
    Document,
    FindingDraft,
    IntakeOutcome,
    ObjectStore,
    Severity,
    claim_next,
    fail_job,
    finish_job,
)
from core import Settings, YekuoError

log = logging.getLogger("yekuo.intake")

COMMIT_TRIES = 5
"""Audit appends from concurrent writers collide on purpose; the loser retries."""


class UnreadableDocumentError(YekuoError):
    """The file itself is the problem (corrupt, encrypted, too large to decode): no retry."""


class Analyser(Protocol):
    """Reads one stored original and says what it is and what it shows."""

    def __call__(self, path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        """Analyse the file at ``path``; raise UnreadableDocumentError for a bad file."""
        ...


AfterIntake = Callable[[Session, Document], None]
"""Runs in the transaction that finishes a document (e.g. the case's cross-checks)."""

Indexer = Callable[[Document], None]
"""Puts a finished document into the search index; may raise (the document stays pending)."""


@dataclass(frozen=True)
class WorkerParts:
    """What a worker works with: the truth (database, object store) and the intake steps."""

    database: Database
    store: ObjectStore
    settings: Settings
    analyse: Analyser
    after_intake: AfterIntake | None = None
    index: Indexer | None = None


def worker_name(number: int) -> str:
    """A name unique to this process and thread, recorded on the leases it takes."""
    return f"{socket.gethostname()}:{os.getpid()}:{number}"


class IntakeWorker:
    """Claims jobs one at a time and runs them to done, retry or failed."""

    def __init__(self, parts: WorkerParts, *, name: str) -> None:
        self.parts = parts
        self.name = name

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set, sleeping ``intake_poll_seconds`` when idle."""
        while not stop.is_set():
            try:
                worked = self.run_once()
            except Exception:
                # A broken database connection or the like: log, wait, and go on.
                log.exception("intake worker %s: unexpected error, retrying", self.name)
                worked = False
            if not worked:
                stop.wait(self.parts.settings.intake_poll_seconds)

    def run_once(self) -> bool:
        """Run one job if one is due; return whether there was one."""
        settings = self.parts.settings
        with self.parts.database.transaction() as session:
            claim = claim_next(
                session,
                worker=self.name,
                lease=_seconds(settings.intake_lease_seconds),
            )
        if claim is None:
            return False
        self._run(claim)
        return True

    def _run(self, claim: Claim) -> None:
        with self.parts.database.transaction() as session:
            document = session.get(Document, claim.document_id)
            if document is None:
                return
            sha256, media_type = document.sha256, document.media_type
            hint = document.doc_type or document.doc_type_hint
        started = time.perf_counter()
        try:
            with self._original(sha256) as path:
                outcome = self.parts.analyse(path, media_type=media_type, hint=hint)
        except UnreadableDocumentError as error:
            self._fail(claim, str(error), retryable=False, finding=_unreadable(str(error)))
            return
        except Exception as error:
            log.warning(
                "intake of %s failed (attempt %d): %s", claim.document_id, claim.attempt, error
            )
            self._fail(
                claim,
                f"{type(error).__name__}: {error}",
                retryable=True,
                finding=_intake_failed(error),
            )
            return
        log.info("intake of %s done in %.1f s", claim.document_id, time.perf_counter() - started)
        try:
            finished = self._commit(lambda session: self._finish(session, claim, outcome))
        except Exception as error:
            log.warning("storing the intake of %s failed: %s", claim.document_id, error)
            self._fail(
                claim,
                f"{type(error).__name__}: {error}",
                retryable=True,
                finding=_intake_failed(error),
            )
            return
        if finished is not None and self.parts.index is not None:
            self._index(claim.document_id)

    def _finish(self, session: Session, claim: Claim, outcome: IntakeOutcome) -> Document:
        document = finish_job(session, claim, worker=self.name, outcome=outcome)
        if self.parts.after_intake is not None:
            self.parts.after_intake(session, document)
        return document

    def _fail(self, claim: Claim, error: str, *, retryable: bool, finding: FindingDraft) -> None:
        self._commit(
            lambda session: fail_job(
                session,
                claim,
                worker=self.name,
                error=error,
                retryable=retryable,
                max_attempts=self.parts.settings.intake_max_attempts,
                finding=finding,
            )
        )

    def _commit(self, write: Callable[[Session], Document]) -> Document | None:
        """Run ``write`` in a transaction, retrying audit collisions; None if the lease is lost."""
        for attempt in range(COMMIT_TRIES):
            try:
                with self.parts.database.transaction() as session:
                    return write(session)
            except ConflictError as error:
                log.warning("%s", error)
                return None
            except (IntegrityError, OperationalError):
                if attempt == COMMIT_TRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        return None

    def _index(self, document_id: str) -> None:
        index = self.parts.index
        assert index is not None
        with self.parts.database.transaction() as session:
            document = session.get(Document, document_id)
            if document is None:
                return
            try:
                index(document)
            except Exception as error:
                log.warning("indexing %s failed, will retry: %s", document_id, error)
                document.index_status = "failed"
            else:
                document.index_status = "indexed"

    @contextmanager
    def _original(self, sha256: str) -> Iterator[Path]:
        """The stored original in a temporary file, its checksum verified on the way."""
        tmp_dir = self.parts.settings.resolved_tmp_dir
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tempfile.NamedTemporaryFile(dir=tmp_dir, prefix="intake-", delete=True) as handle:
            for chunk in self.parts.store.open_chunks(sha256):
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            if digest.hexdigest() != sha256:
                raise OSError(
                    f"the stored original {sha256} does not match its checksum: "
                    "restore it from a backup (`yekuo verify` lists damaged originals)"
                )
            yield Path(handle.name)


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def _unreadable(reason: str) -> FindingDraft:
    return FindingDraft(
        code="unreadable_scan",
        severity=Severity.error,
        message_zh=f"文件无法读取：{reason}。请重新扫描后上传（接受 PDF、JPEG、PNG、TIFF）。",
        message_en=f"The file cannot be read: {reason}. Scan it again and upload the new file.",
    )


def _intake_failed(error: Exception) -> FindingDraft:
    return FindingDraft(
        code="intake_failed",
        severity=Severity.error,
        message_zh="识别多次失败，原件已保存；请联系管理员或稍后重试。",
        message_en=f"Intake failed repeatedly ({type(error).__name__}); the original is kept. "
        "Retry it later or ask an administrator.",
    )


class WorkerPool:
    """``count`` intake workers on daemon threads, stopped together."""

    def __init__(self, parts: WorkerParts, *, count: int) -> None:
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(
                target=IntakeWorker(parts, name=worker_name(number)).run,
                args=(self._stop,),
                name=f"yekuo-intake-{number}",
                daemon=True,
            )
            for number in range(count)
        ]

    def start(self) -> None:
        """Start every worker."""
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Ask every worker to stop after its current job and wait for them."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
