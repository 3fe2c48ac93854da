"""The trash: a wrong upload removed from its case, restorable for the trash period, and only
then its original destroyed (purged).

A trashed document keeps its row (status ``trashed``) and its original; it is no longer one of
its case's documents (``Case.documents`` leaves it out), so it leaves the case's list, its
completeness, its checks and search. Restoring gives back the status it had. ``purge_expired``
destroys the originals of documents trashed longer ago than the period, unless another
document still holds the same bytes; the row stays, marked purged, for the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._errors import ConflictError, OriginalPurgedError, ValidationError
from archive._read_only import ensure_open
from archive._schemas import TrashedDocument
from archive._scope import scoped_documents
from archive._vocabulary import DocumentStatus
from archive.db._models import Case, Document, Finding, utcnow
from archive.storage._protocol import ObjectStore

TRASHED = DocumentStatus.trashed.value
_NOT_TRASHABLE = (DocumentStatus.processing.value, TRASHED)


@dataclass(frozen=True)
class PurgeReport:
    """What one purge did: the documents purged and how many objects it destroyed."""

    documents: list[str]
    objects_deleted: int


def without_trashed(query: Select[Any]) -> Select[Any]:
    """``query`` (over findings) without the findings of trashed documents."""
    trashed = select(Document.id).where(Document.status == TRASHED)
    return query.where(or_(Finding.document_id.is_(None), Finding.document_id.not_in(trashed)))


def cases_of(document: Document) -> list[Case]:
    """The cases an upload and its parts are filed on (the parts of a stack may be elsewhere)."""
    found: dict[int, Case] = {}
    for row in (document, *document.parts):
        found.setdefault(row.case.id, row.case)
    return list(found.values())


def ensure_not_purged(document: Document) -> None:
    """Raise OriginalPurgedError when ``document``'s original was destroyed by the purge, so
    that a purposely destroyed original is never taken for a damaged one."""
    if document.purged_at is not None:
        raise OriginalPurgedError(
            f"document {document.id} ({document.original_filename}) stayed in the trash past "
            f"its period and its original was destroyed on {document.purged_at:%Y-%m-%d}: "
            "upload the file again",
            message_zh="这份资料在回收站中已超过保留期，原件已销毁：如仍需要，请重新上传该文件",
        )


def trash_document(session: Session, document: Document, *, reason: str, actor: Actor) -> Document:
    """Remove an uploaded file (with the parts it was split into, on whichever case) to the
    trash; the caller commits, re-runs the checks of ``cases_of(document)`` and takes it out of
    the search index. Audited ``document.trashed`` with the reason.
    """
    for row in (document, *document.parts):  # a part may have been filed on another case
        ensure_open(row.case)
    if document.parent_id is not None:
        raise ValidationError(
            f"document {document.id} is part {document.part} of a split stack: remove the whole "
            f"stack ({document.parent_id}) to the trash, or move the split boundary",
            message_zh="这是拆分出的一部分：请到原件页面把整份原件移入回收站，或调整拆分页码",
        )
    if document.status in _NOT_TRASHABLE:
        raise ConflictError(
            f"document {document.id} is {document.status}: wait until its intake is over, "
            "then remove it to the trash",
            message_zh="资料正在识别或已在回收站中：请在识别结束后再移入回收站",
        )
    text = _reason(reason)
    now = utcnow()
    for row in (document, *document.parts):
        row.status_before_trash = row.status
        row.status = TRASHED
        row.trashed_at = now
        row.trashed_by = actor.name
        row.trash_reason = text
        row.index_status = "pending"  # search's index_pending takes it out of the index
    record_event(
        session,
        actor=actor,
        action="document.trashed",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        before={"status": document.status_before_trash},
        after={"status": TRASHED, "reason": text, "filename": document.original_filename},
    )
    return document


def restore_document(
    session: Session, document: Document, *, actor: Actor, reason: str = ""
) -> Document:
    """Bring a trashed document (and its parts) back to its case with the status it had; the
    caller commits, re-runs the case's checks and indexes it again."""
    for row in (document, *document.parts):
        ensure_open(row.case)
    if document.status != TRASHED or document.parent_id is not None:
        raise ConflictError(
            f"document {document.id} is not in the trash (it is {document.status})",
            message_zh="这份资料不在回收站中",
        )
    ensure_not_purged(document)
    trashed_at = document.trashed_at
    for row in (document, *document.parts):
        row.status = row.status_before_trash or DocumentStatus.queued.value
        row.status_before_trash = None
        row.trashed_at = row.trashed_by = row.trash_reason = None
        row.index_status = "pending"
    record_event(
        session,
        actor=actor,
        action="document.untrashed",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        before={"status": TRASHED, "trashed_at": trashed_at.isoformat() if trashed_at else None},
        after={"status": document.status, **({"reason": reason} if reason else {})},
    )
    return document


def trashed_public(document: Document, *, days: int) -> TrashedDocument:
    """A trashed upload as ``GET /trash`` lists it."""
    if document.trashed_at is None or document.trashed_by is None:
        raise ValueError(f"document {document.id} is not in the trash")
    return TrashedDocument(
        document_id=document.id,
        case_no=document.case.case_no,
        original_filename=document.original_filename,
        doc_type=document.doc_type,
        trashed_at=document.trashed_at,
        trashed_by=document.trashed_by,
        reason=document.trash_reason or "",
        restorable_until=document.trashed_at + dt.timedelta(days=days),
    )


def trashed_documents(session: Session, *, actor: Actor) -> list[Document]:
    """The uploads in the trash that ``actor`` sees and that can still be restored, newest
    first."""
    query = select(Document).where(
        Document.status == TRASHED, Document.parent_id.is_(None), Document.purged_at.is_(None)
    )
    query = scoped_documents(session, query, actor=actor).order_by(Document.trashed_at.desc())
    return list(session.scalars(query))


def purge_expired(
    session: Session, store: ObjectStore, *, days: int, actor: Actor, now: dt.datetime | None = None
) -> PurgeReport:
    """Destroy the originals of the uploads trashed more than ``days`` ago; each audited
    ``document.purged``, committed one by one (a purge stopped midway keeps what it did).

    An object another document still holds (the same bytes on another case, or not yet past
    its period) is kept; only the trashed row is marked purged.
    """
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    due = select(Document).where(
        Document.status == TRASHED,
        Document.parent_id.is_(None),
        Document.purged_at.is_(None),
        Document.trashed_at <= cutoff,
    )
    purged: list[str] = []
    deleted = 0
    for document in list(session.scalars(due.order_by(Document.trashed_at))):
        deleted += _purge_one(session, store, document, actor=actor)
        purged.append(document.id)
    return PurgeReport(documents=purged, objects_deleted=deleted)


def _purge_one(session: Session, store: ObjectStore, document: Document, *, actor: Actor) -> int:
    rows = (document, *document.parts)
    ids = [row.id for row in rows]
    now = utcnow()
    for row in rows:
        row.purged_at = now
    session.flush()
    deleted = 0
    for sha256 in {document.sha256, *(r.archival_sha256 for r in rows if r.archival_sha256)}:
        if not _still_held(session, sha256, ids) and store.delete(sha256):
            deleted += 1
    record_event(
        session,
        actor=actor,
        action="document.purged",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        before={"status": TRASHED, "sha256": document.sha256},
        after={"filename": document.original_filename, "objects_deleted": deleted},
    )
    session.commit()
    return deleted


def _still_held(session: Session, sha256: str, ids: list[str]) -> bool:
    """Whether a document other than ``ids`` (and not itself purged) uses the object."""
    holder = select(Document.id).where(
        or_(Document.sha256 == sha256, Document.archival_sha256 == sha256),
        Document.id.not_in(ids),
        Document.purged_at.is_(None),
    )
    return session.scalar(holder.limit(1)) is not None


def revive_from_trash(session: Session, document: Document, *, actor: Actor) -> bool:
    """The same bytes uploaded again to the case whose trash holds them: the document comes
    back. Whether its original must be stored again (it was purged) and intake run anew."""
    if document.purged_at is None:
        restore_document(session, document, actor=actor, reason="重新上传了同一文件")
        return False
    # The old split went with the original; intake reads the file anew and splits it again.
    old_parts = [row.id for row in document.parts]
    if old_parts:
        session.execute(delete(Finding).where(Finding.document_id.in_(old_parts)))
        session.execute(delete(Document).where(Document.id.in_(old_parts)))
        session.expire(document, ["parts"])
    for field in ("trashed_at", "trashed_by", "trash_reason", "status_before_trash"):
        setattr(document, field, None)
    document.purged_at = None
    document.status = DocumentStatus.queued.value
    document.attempts = 0
    document.next_attempt_at = None
    document.error = document.error_code = None
    document.index_status = "pending"
    return True


def _reason(reason: str) -> str:
    text = reason.strip()
    if len(text) < 2:
        raise ValidationError(
            "a reason of at least 2 characters is required to remove a document to the trash",
            message_zh="请写明移入回收站的理由（至少 2 个字）",
        )
    return text
