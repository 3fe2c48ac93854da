"""Leases of intake jobs: who holds one, keeping it while the job runs, and giving it back.

A worker holds a document's job under a lease named ``host:<boot id>-<pid>-<start>:thread``
(:func:`lease_holder`), so that what is left of a worker that died can be judged on its own
machine: a holder on this host whose boot id is not this boot's (the machine rebooted), whose
pid no longer runs, or whose pid now runs a process started at another time, is gone, and
:func:`release_dead_leases` gives its jobs back at once instead of letting them wait for the
lease to run out. A live process's lease is never released that way; the holder renews it
while the job runs (:func:`renew_lease`), so the lease length only bounds how long a dead worker
on another machine goes unnoticed, not how long a job may take. An admin may release any job
in progress (:func:`release_document`); its worker, if it still runs, then finds the lease gone
and its result is not stored.

Every change of a lease is a conditional UPDATE on the row (status, holder and attempt as they
were read), so two processes never both release, renew or take over one lease.
"""

from __future__ import annotations

import datetime as dt
import socket
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import SYSTEM, Actor
from archive._errors import ConflictError, ValidationError
from archive._findings import FindingDraft
from archive._jobs import Claim, fail_job
from archive._read_only import ensure_open
from archive._vocabulary import DocumentStatus, FailureCode, Severity
from archive.db._models import Document, utcnow
from core import ended_on_this_machine, process_instance


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds a lease: a thread of a process (``core.process_instance``) on a host."""

    host: str
    process: str
    thread: str

    @property
    def name(self) -> str:
        """The holder as recorded on the document (``host:process:thread``)."""
        return f"{self.host}:{self.process}:{self.thread}"

    @classmethod
    def parse(cls, name: str) -> LeaseHolder | None:
        """The holder a recorded name stands for; None for a name of another form."""
        host, _, rest = name.partition(":")
        process, _, thread = rest.partition(":")
        if not host or "-" not in process or not thread:
            return None
        return cls(host=host, process=process, thread=thread)


def lease_holder(thread: str) -> str:
    """The lease name of the thread ``thread`` of this process on this machine."""
    return LeaseHolder(host=socket.gethostname(), process=process_instance(), thread=thread).name


def _update_held(
    session: Session, *, document_id: str, holder: str | None, attempt: int, **values: object
) -> bool:
    """Set ``values`` on the job's row only while ``holder`` still holds it at ``attempt``."""
    updated = session.execute(
        update(Document)
        .where(
            Document.id == document_id,
            Document.status == DocumentStatus.processing.value,
            Document.leased_by == holder,
            Document.attempts == attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return getattr(updated, "rowcount", 0) == 1


def renew_lease(
    session: Session,
    claim: Claim,
    *,
    worker: str,
    lease: dt.timedelta,
    now: dt.datetime | None = None,
) -> bool:
    """Extend ``worker``'s lease on the claimed job to ``lease`` from now; the caller commits.

    False when the job is no longer ``worker``'s (released, or taken over): the lease is left.
    """
    return _update_held(
        session,
        document_id=claim.document_id,
        holder=worker,
        attempt=claim.attempt,
        lease_expires_at=(now or utcnow()) + lease,
    )


def _hold(session: Session, document: Document, *, now: dt.datetime) -> bool:
    """Lock the job's row as it was read (processing, same holder and attempt); False if gone."""
    return _update_held(
        session,
        document_id=document.id,
        holder=document.leased_by,
        attempt=document.attempts,
        updated_at=now,
    )


def _put_back(document: Document) -> None:
    document.status = DocumentStatus.queued.value
    document.leased_by = None
    document.lease_expires_at = None
    document.next_attempt_at = None


def _audit_release(
    session: Session, document: Document, *, actor: Actor, holder: str, reason: str
) -> None:
    record_event(
        session,
        actor=actor,
        action="document.lease_released",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        before={
            "status": DocumentStatus.processing.value,
            "leased_by": holder,
            "attempts": document.attempts,
        },
        after={"status": document.status, "reason": reason},
    )


def release_document(
    session: Session, document: Document, *, actor: Actor, reason: str
) -> Document:
    """Give a job in progress back to the queue, now (an admin's act); the caller commits.

    The attempt already made still counts. ValidationError without a reason; ConflictError
    when the document is not processing, or its job changed while this ran (it finished, or
    another worker took it over).
    """
    ensure_open(document.case)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            f"releasing the intake job of document {document.id} needs a reason (kept in the "
            "audit trail), e.g. 'its worker hangs on page 3'"
        )
    if document.status != DocumentStatus.processing.value:
        raise ConflictError(
            f"document {document.id} is {document.status}, not processing: only a job in "
            "progress holds a lease to release (retry a failed document instead)"
        )
    holder = document.leased_by or ""
    if not _hold(session, document, now=utcnow()):
        raise ConflictError(
            f"the intake job of document {document.id} changed while it was being released "
            "(it finished, or another worker took it over): look at the document again"
        )
    _put_back(document)
    _audit_release(session, document, actor=actor, holder=holder, reason=reason)
    return document


def release_dead_leases(session: Session, *, max_attempts: int) -> list[str]:
    """Give back the jobs of this host's workers that no longer run; ids put back in the queue.

    A holder on this host (by name) from an earlier boot, or whose pid is gone, is dead; holders
    on other hosts, of a form not understood, or alive are left alone. The attempt the dead
    worker made counts: a file that kills its worker (memory, a crash in the OCR engine) would
    otherwise kill it again at every start, so a job whose attempts reach ``max_attempts`` is
    marked failed instead. Audited ``document.lease_released``; the caller commits.
    """
    now, host = utcnow(), socket.gethostname()
    queued: list[str] = []
    processing = session.scalars(
        select(Document)
        .where(Document.status == DocumentStatus.processing.value)
        .order_by(Document.created_at, Document.id)
    ).all()
    for document in processing:
        holder = LeaseHolder.parse(document.leased_by or "")
        if holder is None or holder.host != host or not ended_on_this_machine(holder.process):
            continue
        if not _hold(session, document, now=now):
            continue
        reason = (
            f"its worker {holder.name} no longer runs (killed, crashed, or the machine "
            f"restarted) after attempt {document.attempts}"
        )
        if document.attempts >= max_attempts:
            _fail_for_good(session, document, holder=holder.name, max_attempts=max_attempts)
        else:
            _put_back(document)
            document.error = f"intake of document {document.id} was cut short: {reason}"
            queued.append(document.id)
        _audit_release(session, document, actor=SYSTEM, holder=holder.name, reason=reason)
    return queued


def _fail_for_good(session: Session, document: Document, *, holder: str, max_attempts: int) -> None:
    """Mark failed a job whose last allowed attempt ended with its worker's death."""
    claim = Claim(
        document_id=document.id,
        attempt=document.attempts,
        lease_expires_at=document.lease_expires_at or utcnow(),
    )
    message = (
        f"attempt {document.attempts} at document {document.id}, the last of "
        f"YEKUO_INTAKE_MAX_ATTEMPTS={max_attempts}, ended with its worker's death ({holder}): "
        "the file may exhaust the worker's memory or crash the OCR engine, so it is not tried "
        f"again by itself; look at the worker's log, then `yekuo retry {document.id}`"
    )
    fail_job(
        session,
        claim,
        worker=holder,
        error=message,
        code=FailureCode.intake_failed,
        retryable=False,
        max_attempts=max_attempts,
        finding=FindingDraft(
            code="intake_failed",
            severity=Severity.error,
            message_zh="识别此文件时处理进程中止，且已达到最大尝试次数（文件可能耗尽内存或"
            "使识别引擎崩溃），已停止自动重试；原件已保存，请联系管理员查看日志后重新识别。",
            message_en=message,
        ),
    )
