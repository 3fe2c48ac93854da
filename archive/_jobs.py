"""Intake jobs: a Document row is their truth, claimed by one worker at a time under a lease.

The queue library (huey, in ``worker._queue``) only carries "run intake on this document" messages;
what a document's intake is — queued, processing, done or failed, its attempts, its error — lives
in its row, so a lost or duplicated message loses nothing and does no harm. A worker claims a
document with one conditional UPDATE (status, lease and attempt count change together or not at
all), so two workers never process it at once. A worker that dies leaves a lease that expires;
:func:`due_jobs` then lists the document again for a new message. A transient failure puts the
document back with a growing delay; a permanent one, or the last attempt, marks it ``failed``
with the reason and its stable code (a :class:`FailureCode`). The original bytes are never
touched.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import SYSTEM, Actor
from archive._errors import ConflictError
from archive._findings import FindingDraft, add_finding
from archive._read_only import ensure_open
from archive._scope import scoped_documents
from archive._vocabulary import DocumentStatus, FailureCode
from archive.db._models import Document, Finding, utcnow

RETRY_DELAYS = (dt.timedelta(seconds=30), dt.timedelta(minutes=2), dt.timedelta(minutes=10))
"""How long a job waits after its 1st, 2nd, 3rd… transient failure (the last repeats)."""

REVIEWED = ("confirmed", "corrected")
"""Field statuses that a re-run of intake must not overwrite."""

INTAKE_FINDING_CODES = ("unreadable_scan", "intake_failed")
"""Findings the queue itself writes; replaced whenever a job finishes again.

(A damaged original's mark is not one: it is about the stored object, see ``archive._damage``.)"""


@dataclass(frozen=True)
class Claim:
    """A job a worker holds: the document, its attempt number and the lease's end."""

    document_id: str
    attempt: int
    lease_expires_at: dt.datetime


@dataclass(frozen=True)
class IntakeOutcome:
    """What intake found in a document, in archive terms (the worker converts to this)."""

    doc_type: str
    confidence: float
    evidence: list[str]
    fields: dict[str, str]
    field_details: dict[str, dict[str, Any]]
    pages: int
    text: str
    ocr_pages: list[dict[str, Any]]
    engine: str
    seconds: float
    findings: list[FindingDraft] = field(default_factory=list)
    parts: list[PartOutcome] = field(default_factory=list)
    """Set when the file is a stack of several documents (see ``PartOutcome``); then the
    outcome's own type, fields and findings are empty and ``ocr_pages`` holds every page."""


@dataclass(frozen=True)
class PartOutcome:
    """One document found in a stack: its part number (from 1), its pages in the original
    (1-based, inclusive), what intake found on them, and the case a cover sheet named."""

    part: int
    page_first: int
    page_last: int
    outcome: IntakeOutcome
    case_no: str | None = None
    cover_doc_type: str | None = None


@dataclass(frozen=True)
class QueueStats:
    """How many documents are in each intake state, and how many wait for the index."""

    queued: int
    processing: int
    done: int
    failed: int
    index_pending: int


def _claimable(now: dt.datetime) -> Any:
    waiting = and_(
        Document.status == DocumentStatus.queued.value,
        or_(Document.next_attempt_at.is_(None), Document.next_attempt_at <= now),
    )
    abandoned = and_(
        Document.status == DocumentStatus.processing.value,
        Document.lease_expires_at < now,
    )
    return or_(waiting, abandoned)


def claim_next(
    session: Session,
    *,
    worker: str,
    lease: dt.timedelta,
    now: dt.datetime | None = None,
    document_id: str | None = None,
    candidates: int = 8,
) -> Claim | None:
    """Claim the oldest job that is due (or whose worker's lease ran out); None if none is.

    With ``document_id``, only that document's job is claimed, if it is due. The caller
    commits. Losing a race for one candidate moves on to the next.
    """
    now = now or utcnow()
    due = select(Document.id, Document.attempts).where(_claimable(now))
    if document_id is not None:
        due = due.where(Document.id == document_id)
    rows: Sequence[tuple[str, int]] = session.execute(
        due.order_by(Document.created_at, Document.id).limit(candidates)
    ).all()
    expires = now + lease
    for candidate, attempts in rows:
        taken = session.execute(
            update(Document)
            .where(Document.id == candidate, Document.attempts == attempts, _claimable(now))
            .values(
                status=DocumentStatus.processing.value,
                leased_by=worker,
                lease_expires_at=expires,
                attempts=attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) == 1:
            return Claim(document_id=candidate, attempt=attempts + 1, lease_expires_at=expires)
    return None


def due_jobs(session: Session, *, now: dt.datetime | None = None) -> list[str]:
    """Ids of the documents a worker could claim now, oldest first.

    Those queued and due, and those whose worker's lease ran out (it died mid-job): the queue
    sends a message for each that has none, so no document waits forever.
    """
    return list(
        session.scalars(
            select(Document.id)
            .where(_claimable(now or utcnow()))
            .order_by(Document.created_at, Document.id)
        )
    )


def _held(session: Session, claim: Claim, worker: str) -> Document:
    document = session.get(Document, claim.document_id, with_for_update=True)
    if (
        document is None
        or document.status != DocumentStatus.processing.value
        or document.leased_by != worker
        or document.attempts != claim.attempt
    ):
        raise ConflictError(
            f"the intake job of document {claim.document_id} is no longer held by {worker}: "
            "its lease ran out and another worker took it over"
        )
    return document


def _replace_queue_findings(session: Session, document: Document) -> None:
    for finding in session.scalars(
        select(Finding).where(
            Finding.document_id == document.id,
            Finding.code.in_(INTAKE_FINDING_CODES),
            Finding.status == "open",
        )
    ):
        session.delete(finding)


def finish_job(
    session: Session,
    claim: Claim,
    *,
    worker: str,
    outcome: IntakeOutcome,
    actor: Actor = SYSTEM,
) -> Document:
    """Record what intake found and mark the document done; the caller commits.

    Raises ConflictError when the lease was lost (another worker's result will count).
    What a reviewer already set is kept: the document type, and fields confirmed or corrected.
    """
    document = _held(session, claim, worker)
    before = {"status": document.status, "doc_type": document.doc_type}
    _replace_queue_findings(session, document)
    document.doc_type = document.doc_type or outcome.doc_type
    document.confidence = outcome.confidence
    document.evidence = list(outcome.evidence)
    fields, details = dict(outcome.fields), dict(outcome.field_details)
    for name, detail in document.ocr.get("fields", {}).items():
        if detail.get("status") in REVIEWED and name in document.fields:
            fields[name], details[name] = document.fields[name], detail
    document.fields = fields
    document.ocr = {"engine": outcome.engine, "pages": outcome.ocr_pages, "fields": details}
    document.pages = outcome.pages
    document.text = outcome.text
    document.seconds = round(outcome.seconds, 3)
    document.status = DocumentStatus.done.value
    release(document)
    for draft in outcome.findings:
        add_finding(session, case=document.case, draft=_on(draft, document))
    record_event(
        session,
        actor=actor,
        action="document.intake",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        before=before,
        after={
            "status": document.status,
            "doc_type": document.doc_type,
            "confidence": document.confidence,
            "pages": document.pages,
            "fields": document.fields,
            "attempt": claim.attempt,
        },
    )
    return document


def release(document: Document) -> None:
    """Clear what a finished job leaves behind: its lease, error, next try; index it anew."""
    document.error = None
    document.error_code = None
    document.leased_by = None
    document.lease_expires_at = None
    document.next_attempt_at = None
    document.index_status = "pending"


def _on(draft: FindingDraft, document: Document) -> FindingDraft:
    return dataclasses.replace(draft, document_id=document.id)


def fail_job(
    session: Session,
    claim: Claim,
    *,
    worker: str,
    error: str,
    code: FailureCode,
    retryable: bool,
    max_attempts: int,
    finding: FindingDraft | None = None,
    now: dt.datetime | None = None,
) -> Document:
    """Put the job back for a later try, or mark the document failed; the caller commits.

    A permanent failure (``retryable=False``) or the last attempt marks it ``failed`` with
    ``error``, its ``code`` and, if given, a finding saying what was wrong with the file. A
    document put back keeps ``error`` (the last attempt's) but no code: it has not failed.
    """
    now = now or utcnow()
    document = _held(session, claim, worker)
    document.leased_by = None
    document.lease_expires_at = None
    document.error = error
    if retryable and claim.attempt < max_attempts:
        document.status = DocumentStatus.queued.value
        delay = RETRY_DELAYS[min(claim.attempt, len(RETRY_DELAYS)) - 1]
        document.next_attempt_at = now + delay
        return document
    document.status = DocumentStatus.failed.value
    document.error_code = code.value
    document.next_attempt_at = None
    _replace_queue_findings(session, document)
    if finding is not None:
        add_finding(session, case=document.case, draft=_on(finding, document))
    record_event(
        session,
        actor=SYSTEM,
        action="document.intake_failed",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        after={
            "status": document.status,
            "error": error,
            "error_code": code.value,
            "attempts": claim.attempt,
        },
    )
    return document


def retry_document(session: Session, document: Document, *, actor: Actor) -> Document:
    """Queue a failed document for intake again, now; ConflictError for any other status."""
    ensure_open(document.case)
    if document.status != DocumentStatus.failed.value:
        raise ConflictError(
            f"document {document.id} is {document.status}, not failed: only a failed document "
            "can be retried; a queued or processing one will be read anyway, and a reviewer "
            "corrects a done one instead"
        )
    before = {
        "status": document.status,
        "attempts": document.attempts,
        "error": document.error,
        "error_code": document.error_code,
    }
    document.status = DocumentStatus.queued.value
    document.attempts = 0
    document.next_attempt_at = None
    document.error = None
    document.error_code = None
    record_event(
        session,
        actor=actor,
        action="document.retry",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        before=before,
        after={"status": document.status},
    )
    return document


def queue_stats(session: Session, *, actor: Actor = SYSTEM) -> QueueStats:
    """Counts of the documents ``actor`` sees (default all) per intake status, and of those
    not yet in the search index."""
    by_status = select(Document.status, func.count()).group_by(Document.status)
    counts = dict(session.execute(scoped_documents(session, by_status, actor=actor)).all())
    pending = select(func.count()).where(
        Document.status == DocumentStatus.done.value, Document.index_status != "indexed"
    )
    index_pending = session.scalar(scoped_documents(session, pending, actor=actor))
    return QueueStats(
        queued=counts.get(DocumentStatus.queued.value, 0),
        processing=counts.get(DocumentStatus.processing.value, 0),
        done=counts.get(DocumentStatus.done.value, 0),
        failed=counts.get(DocumentStatus.failed.value, 0),
        index_pending=index_pending or 0,
    )
