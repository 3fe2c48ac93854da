"""Running one document's intake job: claim it, read it, store what was found, index it.

The queue (``worker._queue``, huey) decides when and on which thread a job runs; this module decides
what running it means, against the Document row that is its truth (``archive._jobs``). Failures
never lose a document: the original stays in the object store, the job is put back for a later
try or marked failed with the reason and its ``FailureCode``, and a search index outage only
marks the document for re-indexing. A stored original that no longer matches its checksum is
``archive.DamagedOriginalError``, as when it is served: the document fails at once and carries
the archive's damage mark. While a job runs, its lease is renewed, so a long job is never taken
over by a second worker. A database that stops answering when a result is to be stored (a
restart, a fail-over) is waited for, for as long as a lease, so that the result is stored once it
answers again rather than the document waiting for its lease to run out and being read again.

Errors (drawn into ``core._errors``)::

    core.YekuoError
    └── IntakeJobError               one attempt failed; ``code`` says why; tried again
        └── UnreadableDocumentError  the file itself is the problem: failed at once
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from archive import (
    SYSTEM,
    Claim,
    ConflictError,
    DamagedOriginalError,
    Database,
    Document,
    DocumentStatus,
    FailureCode,
    FindingDraft,
    IntakeOutcome,
    ObjectNotFoundError,
    ObjectStore,
    Severity,
    claim_next,
    clear_damage,
    fail_job,
    finish_job,
    finish_stack,
    lease_holder,
    mark_damaged,
    renew_lease,
    temporary_prefix,
)
from core import Settings, YekuoError

log = logging.getLogger("yekuo.intake")

COMMIT_TRIES = 5
"""Audit appends from concurrent writers collide on purpose; the loser retries."""

DATABASE_DOWN = (OperationalError, InterfaceError)
"""What a database that does not answer raises (SQLite's "database is locked" too)."""

LONGEST_PAUSE = 5.0
"""The longest wait between two tries of a commit while the database does not answer."""

RENEWALS_PER_LEASE = 3
"""How often a running job renews its lease per lease length: a missed renewal is harmless."""


class IntakeJobError(YekuoError):
    """An attempt at a document's intake failed for the reason ``code``; another may not."""

    retryable: ClassVar[bool] = True

    def __init__(self, message: str, *, code: FailureCode = FailureCode.intake_failed) -> None:
        super().__init__(message)
        self.code = code


class UnreadableDocumentError(IntakeJobError):
    """The file itself is the problem (corrupt, encrypted, too large to decode): no retry."""

    retryable = False

    def __init__(self, message: str, *, code: FailureCode = FailureCode.unreadable_file) -> None:
        super().__init__(message, code=code)


class Analyser(Protocol):
    """Reads one stored original and says what it is and what it shows."""

    def __call__(self, path: Path, *, media_type: str, hint: str | None) -> IntakeOutcome:
        """Analyse the file at ``path``; raise IntakeJobError (or a subclass) with its code."""
        ...


AfterIntake = Callable[[Session, Document], None]
"""Runs in the transaction that finishes a document (e.g. the case's cross-checks)."""

Indexer = Callable[[Document], None]
"""Puts a finished document into the search index; may raise (the document stays pending)."""

IndexRetry = Callable[[], int]
"""Indexes the finished documents whose indexing failed; returns how many it indexed."""

T = TypeVar("T")


@dataclass(frozen=True)
class WorkerParts:
    """What a worker works with: the truth (database, object store) and the intake steps."""

    database: Database
    store: ObjectStore
    settings: Settings
    analyse: Analyser
    after_intake: AfterIntake | None = None
    index: Indexer | None = None
    retry_index: IndexRetry | None = None


@dataclass(frozen=True)
class Attempt:
    """What one run of a document's job did: whether it held the job, and when to try again."""

    claimed: bool
    retry_at: dt.datetime | None = None


def worker_name() -> str:
    """A name unique to this thread of this process on this machine, recorded on its leases."""
    return lease_holder(threading.current_thread().name)


class IntakeWorker:
    """Runs intake jobs to done, another try later, or failed, under the name ``name``."""

    def __init__(self, parts: WorkerParts, *, name: str) -> None:
        self.parts = parts
        self.name = name

    def retry_index(self) -> int:
        """Index what the search index could not take before; how many it took now."""
        if self.parts.retry_index is None:
            return 0
        indexed = self.parts.retry_index()
        if indexed:
            log.info("re-indexed %d documents the search index had refused", indexed)
        return indexed

    def run(self, document_id: str) -> Attempt:
        """Run the job of ``document_id`` if it is due and no other worker holds it."""
        settings = self.parts.settings
        with self.parts.database.transaction() as session:
            claim = claim_next(
                session,
                worker=self.name,
                lease=dt.timedelta(seconds=settings.intake_lease_seconds),
                document_id=document_id,
            )
        if claim is None:
            return Attempt(claimed=False)
        return Attempt(claimed=True, retry_at=self._run(claim))

    def _run(self, claim: Claim) -> dt.datetime | None:
        with self.parts.database.transaction() as session:
            document = session.get_one(Document, claim.document_id)
            sha256, media_type = document.sha256, document.media_type
            hint = document.doc_type or document.doc_type_hint
        started = time.perf_counter()
        try:
            with self._keeping(claim), self._original(claim.document_id, sha256) as path:
                outcome = self.parts.analyse(path, media_type=media_type, hint=hint)
        except DamagedOriginalError as damage:
            log.warning("intake of %s failed: %s", claim.document_id, damage)
            self._fail_damaged(claim, damage)
            return None
        except Exception as error:
            failure = _job_error(error)
            log.warning(
                "intake of %s failed (attempt %d, %s): %s",
                claim.document_id,
                claim.attempt,
                failure.code,
                failure,
            )
            return self._fail(claim, failure)
        log.info("intake of %s done in %.1f s", claim.document_id, time.perf_counter() - started)
        try:
            finished = self._commit(claim, lambda session: self._finish(session, claim, outcome))
        except DATABASE_DOWN as error:  # as long as a lease: the job goes back when it runs out
            log.error("the intake of %s could not be stored, the database did not answer for "
                      "a lease's length; it runs again once its lease runs out: %s",
                      claim.document_id, error)  # fmt: skip
            return None
        except Exception as error:
            log.warning("storing the intake of %s failed: %s", claim.document_id, error)
            return self._fail(claim, _job_error(error))
        if self.parts.index is not None:
            for document_id in finished or ():
                self._index(document_id)
        return None

    def _finish(self, session: Session, claim: Claim, outcome: IntakeOutcome) -> list[str]:
        """Store the outcome and run the checks of every case it touched; the ids to index."""
        if outcome.parts:
            stack = finish_stack(session, claim, worker=self.name, outcome=outcome)
            clear_damage(session, document=stack, actor=SYSTEM)  # it was just read whole
            documents = list(stack.parts)
        else:
            document = finish_job(session, claim, worker=self.name, outcome=outcome)
            clear_damage(session, document=document, actor=SYSTEM)  # it was just read whole
            documents = [document]
        if self.parts.after_intake is not None:
            one_per_case = {document.case_id: document for document in documents}
            for document in one_per_case.values():
                self.parts.after_intake(session, document)
        return [document.id for document in documents]

    def _fail_damaged(self, claim: Claim, error: DamagedOriginalError) -> None:
        """Fail the document at once (no retry reads other bytes) and mark it damaged."""

        def write(session: Session) -> None:
            document = fail_job(
                session,
                claim,
                worker=self.name,
                error=error.message,
                code=FailureCode.original_damaged,
                retryable=False,
                max_attempts=self.parts.settings.intake_max_attempts,
            )
            mark_damaged(session, document=document, actor=SYSTEM, found=error.found)

        self._commit(claim, write)

    def _fail(self, claim: Claim, error: IntakeJobError) -> dt.datetime | None:
        """Record the failure; when the document is to be tried again, the time to do so."""

        def write(session: Session) -> dt.datetime | None:
            document = fail_job(
                session,
                claim,
                worker=self.name,
                error=error.message,
                code=error.code,
                retryable=error.retryable,
                max_attempts=self.parts.settings.intake_max_attempts,
                finding=_finding_of(error),
            )
            if document.status == DocumentStatus.queued.value:
                return document.next_attempt_at
            return None

        return self._commit(claim, write)

    def _commit(self, claim: Claim, write: Callable[[Session], T]) -> T | None:
        """Run ``write`` (the result of ``claim``'s job) in a transaction; None if the lease is
        lost.

        An audit collision is tried again at once, a few times. A database that does not answer
        is tried again with growing pauses for up to a lease's length; past that another worker
        may hold the job (its lease ran out), and the lease check refuses this result anyway.
        """
        patience = time.monotonic() + self.parts.settings.intake_lease_seconds
        pause = 0.05
        collisions = 0
        while True:
            try:
                with self.parts.database.transaction() as session:
                    return write(session)
            except ConflictError as error:
                log.warning("%s", error)
                return None
            except IntegrityError:
                collisions += 1
                if collisions == COMMIT_TRIES:
                    raise
            except DATABASE_DOWN as error:
                if time.monotonic() + pause > patience:
                    raise
                if pause >= 1:
                    log.warning("storing the intake of %s: the database does not answer, "
                                "trying again in %.0f s: %s", claim.document_id, pause,
                                str(error).splitlines()[0])  # fmt: skip
            time.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)

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
    def _keeping(self, claim: Claim) -> Iterator[None]:
        """Renew the claim's lease while the block runs, so that no other worker takes it over.

        A lease fixed at claim time would run out under a long job (hundreds of pages on a
        loaded machine) and a second worker would start it again; how long a job takes is not
        known at claim time, so the lease is kept alive instead of sized.
        """
        lease = dt.timedelta(seconds=self.parts.settings.intake_lease_seconds)
        stop = threading.Event()
        renewer = threading.Thread(
            target=self._renew_until,
            args=(claim, lease, stop),
            name=f"{threading.current_thread().name}-lease",
            daemon=True,
        )
        renewer.start()
        try:
            yield
        finally:
            stop.set()
            renewer.join()

    def _renew_until(self, claim: Claim, lease: dt.timedelta, stop: threading.Event) -> None:
        while not stop.wait(lease.total_seconds() / RENEWALS_PER_LEASE):
            try:
                with self.parts.database.transaction() as session:
                    renewed = renew_lease(session, claim, worker=self.name, lease=lease)
            except Exception as error:  # the database may answer again at the next renewal
                log.warning("renewing the lease of %s failed: %s", claim.document_id, error)
                continue
            if not renewed:
                log.warning(
                    "the job of %s was released or taken over: this run's result will not count",
                    claim.document_id,
                )
                return

    @contextmanager
    def _original(self, document_id: str, sha256: str) -> Iterator[Path]:
        """The stored original in a temporary file, its checksum verified on the way.

        DamagedOriginalError when the object is gone or its bytes hash to something else.
        """
        tmp_dir = self.parts.settings.resolved_tmp_dir
        tmp_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with tempfile.TemporaryDirectory(dir=tmp_dir, prefix=temporary_prefix("intake")) as folder:
            # Intake's messages name the file they read: let that be the document.
            path = Path(folder) / f"document-{document_id}"
            try:
                with path.open("wb") as handle:
                    for chunk in self.parts.store.open_chunks(sha256):
                        digest.update(chunk)
                        handle.write(chunk)
            except ObjectNotFoundError:
                raise DamagedOriginalError(
                    f"the stored original of document {document_id} is missing from the object "
                    f"store (sha256 {sha256}); restore the object from a backup (`yekuo verify` "
                    "lists every damaged original), then retry the document",
                    found="missing",
                ) from None
            if digest.hexdigest() != sha256:
                raise DamagedOriginalError(
                    f"the stored original of document {document_id} is damaged: its bytes hash "
                    f"to {digest.hexdigest()}, not to its sha256 {sha256}; restore the object "
                    "from a backup (`yekuo verify` lists every damaged original), then retry "
                    "the document",
                    found="altered",
                )
            yield path


def _job_error(error: Exception) -> IntakeJobError:
    """``error`` as a failure with a code: an unexpected one is ``intake_failed``, retried."""
    if isinstance(error, IntakeJobError):
        return error
    return IntakeJobError(f"{type(error).__name__}: {error}")


def _finding_of(error: IntakeJobError) -> FindingDraft:
    """What the document's page shows of a failure, once it is final."""
    reason = error.message
    if isinstance(error, UnreadableDocumentError):
        return FindingDraft(
            code="unreadable_scan",
            severity=Severity.error,
            message_zh=f"文件无法读取：{reason}。请重新扫描后上传（接受 PDF、JPEG、PNG、TIFF）。",
            message_en=f"The file cannot be read: {reason}. Scan it again and upload the new file.",
        )
    return FindingDraft(
        code="intake_failed",
        severity=Severity.error,
        message_zh="识别多次失败，原件已保存；请联系管理员或稍后重试。",
        message_en=f"Intake failed repeatedly ({error.code}: {reason}); the original is kept. "
        "Retry it later or ask an administrator.",
    )
