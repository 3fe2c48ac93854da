"""Documents: storing an upload on its case, finding documents, and their public form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._damage import mark_damaged
from archive._errors import DamagedOriginalError, DamageFound, NotFoundError
from archive._findings import finding_public
from archive._read_only import ensure_open
from archive._schemas import DocumentPublic, DocumentSummary
from archive._scope import document_in_scope
from archive._trash import ensure_not_purged, revive_from_trash
from archive._vocabulary import DocType, DocumentStatus
from archive.db._models import AuditEvent, Case, Document, utcnow
from archive.storage._protocol import ObjectStore
from archive.storage._uploads import SpooledUpload


@dataclass(frozen=True)
class StoredUpload:
    """The document an upload became, and whether it was already on the case."""

    document: Document
    duplicate: bool


def store_upload(
    session: Session,
    *,
    store: ObjectStore,
    case: Case,
    upload: SpooledUpload,
    doc_type_hint: DocType | None,
    actor: Actor,
) -> StoredUpload:
    """Store the bytes, then the row (queued for intake), audited; the caller commits.

    The object goes in first: a row never points at bytes that are not stored. The same
    bytes on the same case give back the existing document. A concurrent upload of the same
    bytes rolls the session back and returns the document that won.
    """
    ensure_open(case)
    existing = _by_checksum(session, case=case, sha256=upload.sha256)
    if existing is not None and existing.status == DocumentStatus.trashed:
        return _from_trash(session, store=store, document=existing, upload=upload, actor=actor)
    if existing is not None:
        return StoredUpload(document=existing, duplicate=True)
    with upload.open() as stream:
        store.put(stream, sha256=upload.sha256, size=upload.size, content_type=upload.media_type)
    document = Document(
        case_id=case.id,
        sha256=upload.sha256,
        size_bytes=upload.size,
        media_type=upload.media_type,
        original_filename=upload.filename,
        status=DocumentStatus.queued.value,
        doc_type_hint=doc_type_hint.value if doc_type_hint else None,
        fields={},
        uploaded_by=actor.name,
        stage=case.stage,
    )
    session.add(document)
    try:
        session.flush()
    except IntegrityError:
        # Another request stored the same bytes on this case in the meantime.
        session.rollback()
        raced = _by_checksum(session, case=case, sha256=upload.sha256)
        if raced is None:
            raise
        return StoredUpload(document=raced, duplicate=True)
    record_event(
        session,
        actor=actor,
        action="document.upload",
        entity_type="document",
        entity_id=document.id,
        case_no=case.case_no,
        after=document_record(document),
    )
    return StoredUpload(document=document, duplicate=False)


def _from_trash(
    session: Session, *, store: ObjectStore, document: Document, upload: SpooledUpload, actor: Actor
) -> StoredUpload:
    """The bytes of a document in this case's trash uploaded again: it comes back (if its
    original was purged, stored again and read anew), not a duplicate."""
    if revive_from_trash(session, document, actor=actor):
        with upload.open() as stream:
            store.put(
                stream, sha256=upload.sha256, size=upload.size, content_type=upload.media_type
            )
        document.original_filename = upload.filename
        document.uploaded_by = actor.name
        record_event(
            session,
            actor=actor,
            action="document.upload",
            entity_type="document",
            entity_id=document.id,
            case_no=document.case.case_no,
            after=document_record(document),
        )
    return StoredUpload(document=document, duplicate=False)


def _by_checksum(session: Session, *, case: Case, sha256: str) -> Document | None:
    return session.scalar(
        select(Document).where(
            Document.case_id == case.id, Document.sha256 == sha256, Document.part == 0
        )
    )


def get_document(session: Session, *, document_id: str, actor: Actor) -> Document:
    """The document with this id if ``actor`` sees its case; NotFoundError if there is none
    or its case belongs to a unit outside the actor's (the same answer)."""
    document = session.get(Document, document_id)
    if document is None or not document_in_scope(session, actor=actor, document=document):
        raise NotFoundError(
            f"no document {document_id}; it may belong to another installation",
            message_zh="没有这份资料：请从它所属案件的页面进入",
        )
    return document


def document_record(document: Document) -> dict[str, Any]:
    """The document's own fields as plain JSON values (for the audit trail)."""
    return {
        "document_id": document.id,
        "sha256": document.sha256,
        "size_bytes": document.size_bytes,
        "media_type": document.media_type,
        "original_filename": document.original_filename,
        "status": document.status,
        "doc_type_hint": document.doc_type_hint,
        "doc_type": document.doc_type,
    }


def document_summary(document: Document) -> DocumentSummary:
    """A document as listed on its case."""
    return DocumentSummary.model_validate(_summary_fields(document))


def document_public(document: Document) -> DocumentPublic:
    """The public form of a document, with its fields and findings."""
    return DocumentPublic.model_validate(
        {
            **_summary_fields(document),
            "case_no": document.case.case_no,
            "doc_type_hint": document.doc_type_hint,
            "fields": document.fields,
            "findings": [finding_public(f) for f in document.findings],
            "pages": document.pages,
            "error": document.error,
            "error_code": document.error_code,
            "uploaded_by": document.uploaded_by,
            "updated_at": document.updated_at,
            "stage": document.stage,
            "field_details": document.ocr.get("fields", {}),
            "evidence": document.evidence,
            "ocr_engine": document.ocr.get("engine"),
            "seconds": document.seconds,
            "attempts": document.attempts,
            "index_status": document.index_status,
            "parts": [child.id for child in document.parts],
            "trashed_at": document.trashed_at,
            "trashed_by": document.trashed_by,
            "trash_reason": document.trash_reason,
            "purged_at": document.purged_at,
        }
    )


def _place_in_stack(document: Document) -> dict[str, Any]:
    """Where a document is in its file: a part of a stack, a stack, or the whole upload."""
    if document.parent_id is not None:
        page_range = [document.page_first, document.page_last]
        return {"parent_id": document.parent_id, "part": document.part, "page_range": page_range}
    whole = [1, document.pages] if document.pages else None
    single = whole is not None and document.status != DocumentStatus.stack
    return {"parent_id": None, "part": 1 if single else None, "page_range": whole}


def _summary_fields(document: Document) -> dict[str, Any]:
    return {
        "document_id": document.id,
        "status": document.status,
        "doc_type": document.doc_type,
        "confidence": document.confidence,
        "sha256": document.sha256,
        "original_filename": document.original_filename,
        "media_type": document.media_type,
        "size_bytes": document.size_bytes,
        "created_at": document.created_at,
        **_place_in_stack(document),
    }


VIEW_AGAIN_AFTER = dt.timedelta(minutes=10)
"""Views of one original by one person closer together than this are one audit event."""


def open_original(
    session: Session, store: ObjectStore, *, document: Document, actor: Actor, action: str
) -> None:
    """Check that ``document``'s original is whole before anyone reads it, and audit the read.

    ``action`` is ``document.viewed`` (shown in a page) or ``document.downloaded``. The object is
    re-hashed first, so a flipped byte, a cut-short or a deleted object is refused with
    DamagedOriginalError instead of being served as the original. The caller commits.
    """
    ensure_not_purged(document)
    info = store.head(document.sha256)
    if info is None:
        raise damaged_original(session, document=document, actor=actor, found="missing")
    if info.size != document.size_bytes or not store.verify(document.sha256):
        raise damaged_original(session, document=document, actor=actor, found="altered")
    note_access(session, document=document, actor=actor, action=action)


def note_access(session: Session, *, document: Document, actor: Actor, action: str) -> None:
    """Audit that ``actor`` viewed or downloaded the original (repeated views folded together)."""
    if action == "document.viewed":
        since = utcnow() - VIEW_AGAIN_AFTER
        recent = session.scalar(
            select(AuditEvent.id).where(
                AuditEvent.action == action,
                AuditEvent.entity_id == document.id,
                AuditEvent.actor == actor.name,
                AuditEvent.at >= since,
            )
        )
        if recent is not None:
            return
    record_event(
        session,
        actor=actor,
        action=action,
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        after={"filename": document.original_filename, "doc_type": document.doc_type},
    )


def damaged_original(
    session: Session, *, document: Document, actor: Actor, found: DamageFound
) -> DamagedOriginalError:
    """The refusal to serve an altered or missing original (``found``); marked, committed."""
    mark_damaged(session, document=document, actor=actor, found=found)
    session.commit()
    state = "missing from the object store" if found == "missing" else "damaged"
    return DamagedOriginalError(
        f"the stored original of document {document.id} ({document.original_filename}) is "
        f"{state}: it no longer matches sha256 {document.sha256}, so it is not served. Restore "
        "it from a backup and run `yekuo verify`",
        found=found,
    )
