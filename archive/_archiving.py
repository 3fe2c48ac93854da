"""Archiving a case (归档) and re-opening it.

Archiving runs the final check of the case (every stage of its flow, cumulatively) or takes
a reviewer's or keeper's override with a reason, gives the case its 档号 (allocated in the same
transaction, so the numbers of a year have no gaps), makes every catalogued document's PDF/A-2b
copy beside its original in the object store, and moves the case to ``archived``. From then on
the case is read-only (``archive._read_only``) until a keeper re-opens it with a reason,
audited; archiving it again keeps its 档号.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from archive._archive_numbers import ArchiveNumberPattern, allocate_number
from archive._audit import record_event
from archive._auth import Actor
from archive._catalogue import case_retention, catalogue, catalogued_documents, document_pages
from archive._completeness import check_case
from archive._duties import enter_stage, rule_set_or_none
from archive._errors import ConflictError, ValidationError
from archive._pdfa import CopyMetadata, archival_copy
from archive._read_only import ensure_open
from archive._stages import (
    MIN_REASON_CHARS,
    StageGateError,
    next_stage,
    outstanding_of,
    outstanding_text,
)
from archive._vocabulary import DocumentStatus, Stage
from archive.db._models import Case, Document, StageTransition, utcnow
from archive.rules._model import RuleBook, RuleSet
from archive.storage._protocol import ObjectStore
from core import today_in_china


class ArchiveRequest(BaseModel):
    """Body of ``POST /cases/{case_no}/archive``."""

    override_reason: str | None = Field(
        default=None, max_length=2000, description="Archive although the final check fails"
    )


class ArchiveResult(BaseModel):
    """Answer of ``POST /cases/{case_no}/archive``."""

    archive_no: str = Field(description="档号")
    archived_at: dt.datetime


class ReopenRequest(BaseModel):
    """Body of ``POST /cases/{case_no}/reopen``."""

    reason: str = Field(min_length=1, max_length=2000, description="Why it must change")


class ReopenResult(BaseModel):
    """Answer of ``POST /cases/{case_no}/reopen``."""

    case_no: str
    stage: Stage = Field(description="The stage it was archived from, where it is again")
    archive_no: str | None = Field(description="档号, kept for when it is archived again")


@dataclass(frozen=True)
class ArchivingContext:
    """What archiving needs beside the case: the rules, the store and the 档号 pattern."""

    book: RuleBook
    rule_set: RuleSet
    store: ObjectStore
    pattern: ArchiveNumberPattern
    max_pixels: int


def archive_case(
    session: Session,
    case: Case,
    *,
    override_reason: str | None,
    context: ArchivingContext,
    actor: Actor,
) -> ArchiveResult:
    """Archive ``case``; the caller commits (which also makes its 件号 taken).

    StageGateError when the final check fails and no reason is given; ConflictError when
    the case is not at its last stage or documents are still being read.
    """
    ensure_open(case)
    _ready_to_archive(case, context.rule_set)
    check = check_case(session, case, Stage(case.stage), rule_set=context.rule_set)
    reason = (override_reason or "").strip()
    if not check.ready and len(reason) < MIN_REASON_CHARS:
        raise StageGateError(
            f"case {case.case_no} cannot be archived: {outstanding_text(check)}; add what is "
            "missing, resolve the findings, or give an override_reason",
            check=check,
        )
    now = utcnow()
    entries = catalogue(case, book=context.book)
    if case.archive_no is None:
        year = today_in_china().year
        number = allocate_number(session, year=year)
        retention = case_retention(entries)
        case.archive_no = context.pattern.format(year=year, retention=retention, number=number)
    override = reason if not check.ready else None
    transition = StageTransition(
        case_id=case.id,
        from_stage=case.stage,
        to_stage=Stage.archived.value,
        at=now,
        actor=actor.name,
        rules_version=context.rule_set.version,
        override_reason=override,
        outstanding=outstanding_of(check) if override else {},
    )
    session.add(transition)
    before = {"stage": case.stage}
    for entry, document in zip(entries, catalogued_documents(case), strict=True):
        _store_copy(document, title=entry.title, author=entry.author, context=context, at=now)
    case.stage, case.stage_entered_at = Stage.archived.value, now
    case.archived_at, case.archived_by = now, actor.name
    session.flush()
    enter_stage(session, case, at=now, book=context.book, rule_set=context.rule_set)
    record_event(
        session,
        actor=actor,
        action="case.archived",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        before=before,
        after={
            "archive_no": case.archive_no,
            "override_reason": override,
            "documents": len(entries),
        },
    )
    return ArchiveResult(archive_no=case.archive_no, archived_at=now)


def _ready_to_archive(case: Case, rule_set: RuleSet) -> None:
    if next_stage(case, rule_set) is not Stage.archived:
        raise ConflictError(
            f"case {case.case_no} is at stage {case.stage}: a case is archived from the last "
            "stage of its flow; advance it first"
        )
    reading = [
        d.id
        for d in case.documents
        if d.status in (DocumentStatus.queued.value, DocumentStatus.processing.value)
    ]
    if reading:
        raise ConflictError(
            f"case {case.case_no} has documents still being read ({', '.join(reading)}); "
            "archive it once intake has finished them"
        )


def _store_copy(
    document: Document, *, title: str, author: str, context: ArchivingContext, at: dt.datetime
) -> None:
    """Make and store the document's PDF/A copy (the original is only read)."""
    original = context.store.get_bytes(document.sha256)
    try:
        copy = archival_copy(
            original,
            document.media_type,
            pages=document_pages(document),
            ocr_pages=list(document.ocr.get("pages", [])),
            metadata=CopyMetadata(
                title=title, creator=author, archive_no=document.case.archive_no or "", made_at=at
            ),
            max_pixels=context.max_pixels,
        )
    except ValidationError as exc:
        raise ValidationError(
            f"the archival copy of document {document.id} of case {document.case.case_no} "
            f"cannot be made: {exc.message}; check its original with `yekuo verify`"
        ) from exc
    info = context.store.put(
        io.BytesIO(copy),
        sha256=hashlib.sha256(copy).hexdigest(),
        size=len(copy),
        content_type="application/pdf",
    )
    document.archival_sha256, document.archival_size = info.sha256, info.size


def reopen_case(
    session: Session, case: Case, *, reason: str, book: RuleBook, actor: Actor
) -> ReopenResult:
    """Re-open an archived case for a correction (a keeper's act), audited; keeps its 档号.

    The case goes back to the stage it was archived from, assigned again by the duties of
    ``book``; ValidationError without a reason, ConflictError when it is not archived.
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON_CHARS:
        raise ValidationError(
            f"re-opening case {case.case_no} needs a reason (kept in the audit trail), e.g. "
            "'更正户名笔误'"
        )
    if case.archived_at is None:
        raise ConflictError(f"case {case.case_no} is not archived; there is nothing to re-open")
    archived_from = next(
        (t.from_stage for t in reversed(case.transitions) if t.to_stage == Stage.archived.value),
        Stage.connection.value,
    )
    before = {"stage": case.stage, "archived_at": case.archived_at.isoformat()}
    case.stage, case.stage_entered_at = archived_from, utcnow()
    case.archived_at = case.archived_by = None
    session.flush()
    enter_stage(
        session, case, at=case.stage_entered_at, book=book, rule_set=rule_set_or_none(book, case)
    )
    record_event(
        session,
        actor=actor,
        action="case.reopened",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        before=before,
        after={"stage": case.stage, "archive_no": case.archive_no, "reason": reason},
    )
    return ReopenResult(case_no=case.case_no, stage=Stage(case.stage), archive_no=case.archive_no)
