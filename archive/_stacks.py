"""Stacks: an upload holding several documents becomes one document per part, routed by cover.

The uploaded original stays one row (status ``stack``, its pages' OCR kept) and is counted by
no rule or cross-check; each part becomes a document of its own (``parent_id``, ``part``,
``page_first``..``page_last``) with its own type, fields, findings and search entry, sharing
the original's bytes. A part behind a cover sheet naming another existing case goes to that
case (a batch of many cases scanned into one PDF); naming no known case, it stays with a
warning. A reviewer may move the boundary between two neighbouring parts: both are read
again from their new pages (the stored OCR, no new OCR run), audited.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import SYSTEM, Actor
from archive._checks import recheck_case
from archive._errors import ConflictError, ValidationError
from archive._findings import FindingDraft, add_finding
from archive._jobs import (
    Claim,
    IntakeOutcome,
    PartOutcome,
    _held,
    _replace_queue_findings,
    release,
)
from archive._read_only import ensure_open
from archive._vocabulary import DocType, DocumentStatus, Severity
from archive.db._models import Case, Document

COVER_PAGE_SOURCE = "cover_sheet"
"""``source`` of a stored OCR page that was a cover sheet (intake's ``COVER_SOURCE``)."""

_DOC_TYPES = frozenset(doc_type.value for doc_type in DocType)

PageUnderstanding = Callable[[list[dict[str, Any]], str | None], IntakeOutcome]
"""Understands stored OCR pages (``Document.ocr["pages"]`` items) as one document, with an
optional type hint: what re-reading a part after its pages changed needs (no OCR)."""


def _apply(document: Document, outcome: IntakeOutcome) -> None:
    """What intake found on a part's pages, on its row."""
    document.doc_type = outcome.doc_type
    document.confidence = outcome.confidence
    document.evidence = list(outcome.evidence)
    document.fields = dict(outcome.fields)
    document.ocr = {
        "engine": outcome.engine,
        "pages": outcome.ocr_pages,
        "fields": dict(outcome.field_details),
    }
    document.pages = outcome.pages
    document.text = outcome.text
    document.seconds = round(outcome.seconds, 3)


def _route(session: Session, home: Case, case_no: str | None) -> tuple[Case, FindingDraft | None]:
    """The case a part goes to: the one its cover names if it exists in the upload's unit,
    else the upload's (a stack never files a part with another unit's case, nor says whether
    that case exists)."""
    if case_no is None or case_no == home.case_no:
        return home, None
    named = session.scalar(select(Case).where(Case.case_no == case_no))
    if named is not None and named.unit != home.unit:
        named = None  # another unit's case: not named, not confirmed
    if named is not None and named.archived_at is not None:
        # An archived case is read-only: the part stays where it was uploaded, said so.
        return home, FindingDraft(
            code="cover_case_archived",
            severity=Severity.warning,
            message_zh=f"资料封面上的案件 {case_no} 已归档（只读），本部分已留在案件 "
            f"{home.case_no}；如需补入，请档案管理员先重新开启该案件后重新上传。",
            message_en=f"The cover sheet names case {case_no}, which is archived (read-only); "
            f"the part stayed on case {home.case_no}. A keeper re-opens that case before the "
            "part is uploaded to it again.",
            found=case_no,
        )
    if named is not None:
        return named, None
    return home, FindingDraft(
        code="cover_case_unknown",
        severity=Severity.warning,
        message_zh=f"资料封面上的案件编号 {case_no} 在本单位不存在，本部分已留在案件 "
        f"{home.case_no}；请核对封面，或先建立该案件后重新上传。",
        message_en=f"The cover sheet names case {case_no}, which this unit does not have; the "
        f"part stayed on case {home.case_no}. Check the cover, or create the case and upload "
        "again.",
        found=case_no,
    )


def _add_part(session: Session, parent: Document, found: PartOutcome, actor: Actor) -> Document:
    case, note = _route(session, parent.case, found.case_no)
    if case is not parent.case and session.scalar(
        select(Document.id).where(
            Document.case_id == case.id,
            Document.sha256 == parent.sha256,
            Document.part == found.part,
        )
    ):
        case, note = parent.case, None  # the same stack was routed there before: keep this one
    child = Document(
        case=case,
        parent=parent,
        part=found.part,
        page_first=found.page_first,
        page_last=found.page_last,
        sha256=parent.sha256,
        size_bytes=parent.size_bytes,
        media_type=parent.media_type,
        original_filename=parent.original_filename,
        status=DocumentStatus.done.value,
        doc_type_hint=found.cover_doc_type if found.cover_doc_type in _DOC_TYPES else None,
        uploaded_by=parent.uploaded_by,
        stage=case.stage,
        attempts=parent.attempts,
        index_status="pending",
    )
    _apply(child, found.outcome)
    session.add(child)
    session.flush()
    for draft in [*found.outcome.findings, *([note] if note else [])]:
        add_finding(session, case=case, draft=dataclasses.replace(draft, document_id=child.id))
    record_event(
        session,
        actor=actor,
        action="document.part",
        entity_type="document",
        entity_id=child.id,
        case_no=case.case_no,
        after={
            "parent_id": parent.id,
            "parent_case_no": parent.case.case_no,
            "part": child.part,
            "page_range": [child.page_first, child.page_last],
            "doc_type": child.doc_type,
            "fields": child.fields,
        },
    )
    return child


def finish_stack(
    session: Session,
    claim: Claim,
    *,
    worker: str,
    outcome: IntakeOutcome,
    actor: Actor = SYSTEM,
) -> Document:
    """Record a stack: the original is marked split, each of ``outcome.parts`` becomes a
    document (on the case its cover names, if that exists). The caller commits.

    Raises ConflictError when the lease was lost. Returns the original; its ``parts`` are the
    new documents.
    """
    parent = _held(session, claim, worker)
    before = {"status": parent.status, "doc_type": parent.doc_type}
    _replace_queue_findings(session, parent)
    parent.confidence = None
    parent.evidence = [f"split into {len(outcome.parts)} documents"]
    parent.fields = {}
    parent.ocr = {"engine": outcome.engine, "pages": outcome.ocr_pages, "fields": {}}
    parent.pages = outcome.pages
    parent.text = ""
    parent.seconds = round(outcome.seconds, 3)
    parent.status = DocumentStatus.stack.value
    release(parent)
    children = [_add_part(session, parent, found, actor) for found in outcome.parts]
    record_event(
        session,
        actor=actor,
        action="document.split",
        entity_type="document",
        entity_id=parent.id,
        case_no=parent.case.case_no,
        before=before,
        after={"status": parent.status, "pages": parent.pages, "parts": _parts_record(children)},
    )
    return parent


def _parts_record(parts: list[Document]) -> list[dict[str, Any]]:
    return [
        {
            "document_id": part.id,
            "part": part.part,
            "page_range": [part.page_first, part.page_last],
            "case_no": part.case.case_no,
            "doc_type": part.doc_type,
        }
        for part in parts
    ]


def _neighbours(parent: Document, part: int) -> tuple[Document, Document]:
    if parent.status != DocumentStatus.stack:
        raise ConflictError(
            f"document {parent.id} is {parent.status}, not a split stack: only the parts of a "
            "stack have boundaries to move"
        )
    by_number = {child.part: child for child in parent.parts}
    if part not in by_number or part + 1 not in by_number:
        raise ValidationError(
            f"stack {parent.id} has no parts {part} and {part + 1}; part is the number of the "
            f"earlier of two neighbouring parts, one of {sorted(by_number)[:-1]}"
        )
    earlier, later = by_number[part], by_number[part + 1]
    if earlier.case_id != later.case_id:
        raise ConflictError(
            f"parts {part} and {part + 1} of stack {parent.id} were routed to different cases "
            f"({earlier.case.case_no}, {later.case.case_no}) by their cover sheets; a boundary "
            "between cases is not moved"
        )
    return earlier, later


def _pages(parent: Document, first: int, last: int) -> list[dict[str, Any]]:
    return [
        page
        for page in parent.ocr.get("pages", [])
        if first <= page["number"] <= last and page.get("source") != COVER_PAGE_SOURCE
    ]


def move_boundary(
    session: Session,
    parent: Document,
    *,
    part: int,
    first_page: int,
    actor: Actor,
    understand: PageUnderstanding,
) -> tuple[Document, Document]:
    """Make ``first_page`` the first page of part ``part + 1`` of the stack ``parent``: the
    pages between move from one part to its neighbour, both are read again from their pages
    and the case is rechecked; audited. The caller commits.

    Raises ValidationError for parts that are not neighbours of this stack or a page that
    would leave either part without a page, ConflictError for a document that is not a split
    stack or parts on different cases.
    """
    ensure_open(parent.case)
    earlier, later = _neighbours(parent, part)
    first, last = earlier.page_first or 1, later.page_last or 1
    if not _pages(parent, first, first_page - 1) or not _pages(parent, first_page, last):
        raise ValidationError(
            f"page {first_page} cannot start part {part + 1}: both parts need a page; "
            f"choose a page from {first + 1} to {last}"
        )
    before = _parts_record([earlier, later])
    earlier.page_last, later.page_first = first_page - 1, first_page
    for child in (earlier, later):
        pages = _pages(parent, child.page_first or 1, child.page_last or 1)
        child.page_first, child.page_last = pages[0]["number"], pages[-1]["number"]
        _apply(child, understand(pages, child.doc_type_hint))
        child.index_status = "pending"
    record_event(
        session,
        actor=actor,
        action="document.split_moved",
        entity_type="document",
        entity_id=parent.id,
        case_no=parent.case.case_no,
        before={"parts": before},
        after={"parts": _parts_record([earlier, later])},
    )
    recheck_case(session, earlier.case)
    return earlier, later
