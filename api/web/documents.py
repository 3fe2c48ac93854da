"""Documents in the web UI: upload from the page, live intake status, the document page.

Uploads and the original go through the same functions as the JSON API (``api._originals``)
with the actor of the signed-in browser, so storing and serving a document have one code path.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api._originals import original_response, receive_upload
from api._privacy import reveal_citizen_ids
from api.deps import (
    NowDep,
    PageActorDep,
    QueueDep,
    RulesDep,
    ScriptActorDep,
    SessionDep,
    SettingsDep,
    StoreDep,
    form_actor,
)
from api.web._events import document_entities, history
from api.web._review import field_rows, neighbours
from api.web.corrections import form_body
from api.web.fixes import document_fixes
from api.web.images import BROWSER_IMAGE_TYPES, RENDERED_TYPES, page_count, render_page
from api.web.render import PageRoute, label_zh, render
from archive import (
    ORIGINAL_DAMAGED,
    Actor,
    AuditFilter,
    DocType,
    Document,
    DocumentPublic,
    DocumentStatus,
    ObjectNotFoundError,
    ObjectStore,
    Permission,
    RuleBook,
    SplitMove,
    ValidationError,
    damaged_original,
    document_public,
    ensure_not_purged,
    get_document,
    loan_watermark,
    mark_png,
    mask_citizen_id,
    may_open_original,
    move_boundary,
    note_access,
    read_document,
    record_reveal,
    require_loan,
    require_original_access,
)
from core import Settings
from worker import stored_understanding

router = APIRouter(route_class=PageRoute, include_in_schema=False)
script_router = APIRouter(include_in_schema=False)

FINAL_STATUSES = frozenset({DocumentStatus.done, DocumentStatus.failed, DocumentStatus.stack})
PAGE_WINDOW = 20
"""How many pages of an original one document page shows."""


@script_router.post("/cases/{case_no}/upload")
async def upload_from_page(
    case_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    store: StoreDep,
    queue: QueueDep,
    actor: ScriptActorDep,
) -> JSONResponse:
    """One file dropped on the case page: the API's upload, authorised by the session."""
    actor.require(Permission.upload)
    return await receive_upload(
        request,
        case_no=case_no,
        session=session,
        settings=settings,
        store=store,
        queue=queue,
        actor=actor,
    )


def status_of(document: DocumentPublic) -> dict[str, Any]:
    """What the page shows of a document while intake runs."""
    return {
        "document_id": document.document_id,
        "status": document.status.value,
        "status_label": label_zh(document.status),
        "final": document.status in FINAL_STATUSES,
        "doc_type": document.doc_type.value if document.doc_type else None,
        "doc_type_label": label_zh(document.doc_type) if document.doc_type else "",
        "confidence": document.confidence,
        "error": document.error,
        "error_code": document.error_code.value if document.error_code else None,
        "error_label": label_zh(document.error_code) if document.error_code else "",
        "findings": len(document.findings),
    }


@script_router.get("/documents/{document_id}/status")
def document_status(
    document_id: str, session: SessionDep, now: NowDep, actor: PageActorDep
) -> JSONResponse:
    """The intake status of a document, polled by the case page until it is final."""
    actor.require(Permission.read)
    row = get_document(session, document_id=document_id, actor=actor)
    require_loan(session, row.case, actor=actor, now=now)
    document = document_public(row)
    return JSONResponse(status_of(document), headers={"Cache-Control": "no-store"})


def doc_type_choices(rules: RuleBook) -> list[dict[str, str]]:
    """Every type a reviewer may set: the built-in ones, then those the rule file declares."""
    return [{"value": t.value, "label": label_zh(t)} for t in DocType] + [
        {"value": name, "label": rules.document_types[name]}
        for name in sorted(rules.document_types)
    ]


@router.get("/documents/{document_id}")
def document_page(
    request: Request,
    document_id: str,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    rules: RulesDep,
    now: NowDep,
    actor: PageActorDep,
    first_page: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    """A document: its pages, type and confidence, fields, findings, checksum, download.

    A long original shows ``PAGE_WINDOW`` pages at a time, with links to the others. Of an
    archived case it is shown on a loan only (the view audited), its pages watermarked.
    """
    actor.require(Permission.read)
    row, _ = read_document(
        session, document_id=document_id, actor=actor, now=now, action="loan.view"
    )
    session.commit()
    return document_page_response(
        request,
        row,
        session=session,
        store=store,
        settings=settings,
        rules=rules,
        actor=actor,
        first=first_page,
    )


@router.post("/documents/{document_id}/reveal")
def reveal_document(
    request: Request,
    document_id: str,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    rules: RulesDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.view_pii))],
) -> Response:
    """The document page with its citizen ID numbers in full: asked for, and audited."""
    row, _ = read_document(
        session, document_id=document_id, actor=actor, now=now, action="loan.view"
    )
    record_reveal(
        session,
        actor=actor,
        entity_type="document",
        entity_id=row.id,
        case_no=row.case.case_no,
    )
    session.commit()
    reveal_citizen_ids(request, True)
    return document_page_response(
        request,
        row,
        session=session,
        store=store,
        settings=settings,
        rules=rules,
        actor=actor,
        first=1,
    )


def document_page_response(
    request: Request,
    row: Document,
    *,
    session: Session,
    store: ObjectStore,
    settings: Settings,
    rules: RuleBook,
    actor: Actor,
    first: int,
) -> Response:
    """The document page from page ``first`` of its original."""
    document = document_public(row)
    damaged = is_damaged(document)
    pages, offset = 1, 0
    unviewable: str | None = None  # why no reader opens the original, when none does
    if damaged or row.purged_at:  # its pages would only be refused (410): a banner says why
        images: list[str] = []
    elif not may_open_original(actor, row):
        images = []
    elif document.media_type in BROWSER_IMAGE_TYPES:
        images = [f"/documents/{row.id}/original"]
    elif document.media_type in RENDERED_TYPES:
        try:
            pages, offset = _pages_in_original(row, store, settings)
        except ValidationError as error:  # no reader opens it: still a page, saying why
            images, unviewable = [], error.message_zh or "文件可能已损坏或不完整"
        else:
            shown = range(first, min(first + PAGE_WINDOW, pages + 1))
            images = [f"/documents/{row.id}/pages/{n + offset}" for n in shown]
            offset += first - 1
    else:
        images = []
    return render(
        request,
        "document.html",
        {
            "doc": document,
            "images": images,
            "original_withheld": not may_open_original(actor, row),
            "has_citizen_ids": any(
                isinstance(value, str) and mask_citizen_id(value) != value
                for value in row.fields.values()
            ),
            "page_window": page_window(first, pages),
            # The page of the original each image shows: the frame of the fields' boxes.
            "image_pages": [n + offset + 1 for n in range(len(images))],
            "fields": field_rows(document, row),
            "doc_text": row.text,
            "neighbours": neighbours(row),
            **history(session, actor=actor, where=AuditFilter(entities=document_entities(row))),
            "status": status_of(document),
            "doc_types": doc_type_choices(rules),
            "damaged": damaged,
            "stack_parts": stack_parts(row),
            "fixes": document_fixes(row, actor=actor, days=settings.trash_days),
            "unviewable": unviewable,
            # An archived case is read-only (409 case_archived): its forms are not offered.
            "case_archived": row.case.archived_at is not None,
        },
        actor=actor,
    )


def is_damaged(document: DocumentPublic) -> bool:
    """Whether the document carries the open mark of a damaged original."""
    return any(f.code == ORIGINAL_DAMAGED and f.status == "open" for f in document.findings)


def _pages_in_original(
    document: Document, store: ObjectStore, settings: Settings
) -> tuple[int, int]:
    """How many pages of the original the document has, and how many of the original's come
    before its first (a part of a stack shows its own pages, its first as its page 1)."""
    if document.parent_id is not None and document.page_first and document.page_last:
        return document.page_last - document.page_first + 1, document.page_first - 1
    pages = document.pages or page_count(
        store.get_bytes(document.sha256),
        document.media_type,
        max_pixels=settings.intake_max_page_pixels,
    )
    return pages, 0


def stack_parts(document: Document) -> list[dict[str, Any]]:
    """The parts of a stack (of the stack a part belongs to), as its page lists them."""
    stack = document.parent or document
    return [
        {
            "document_id": part.id,
            "part": part.part,
            "first": part.page_first,
            "last": part.page_last,
            "case_no": part.case.case_no,
            "doc_type_label": label_zh(part.doc_type) or "未识别",
            "current": part.id == document.id,
        }
        for part in stack.parts
    ]


def page_window(first: int, pages: int) -> dict[str, int | None]:
    """Which pages a document page shows, and where the previous and next windows start."""
    last = min(first + PAGE_WINDOW - 1, pages)
    return {
        "first": first,
        "last": last,
        "pages": pages,
        "previous": max(first - PAGE_WINDOW, 1) if first > 1 else None,
        "next": last + 1 if last < pages else None,
    }


@router.get("/documents/{document_id}/original")
def document_original(
    document_id: str,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActorDep,
    download: bool = False,
) -> Response:
    """The original bytes, exactly as uploaded: shown in the page, or (``download``) saved;
    of an archived case, on a loan, a watermarked copy."""
    actor.require(Permission.read)
    return original_response(
        session,
        store,
        document_id=document_id,
        actor=actor,
        inline=not download,
        now=now,
        max_pixels=settings.intake_max_page_pixels,
    )


def _whole_original(
    session: Session, store: ObjectStore, document: Document, actor: Actor
) -> bytes:
    """The original's bytes once they still hash to its checksum; the view is audited."""
    ensure_not_purged(document)
    try:
        data = store.get_bytes(document.sha256)
    except ObjectNotFoundError:
        raise damaged_original(session, document=document, actor=actor, found="missing") from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise damaged_original(session, document=document, actor=actor, found="altered")
    note_access(session, document=document, actor=actor, action="document.viewed")
    session.commit()
    return data


@router.get("/documents/{document_id}/pages/{page}")
async def document_page_image(
    document_id: str,
    page: Annotated[int, Path(ge=1, le=10_000)],
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActorDep,
) -> Response:
    """One page of a PDF or TIFF original as PNG (within intake's pixel limit); of an
    archived case, on a loan only, watermarked, the view audited."""
    actor.require(Permission.read)
    document, loan = await run_in_threadpool(
        read_document, session, document_id=document_id, actor=actor, now=now, action="loan.view"
    )
    require_original_access(actor, document)
    data = await run_in_threadpool(_whole_original, session, store, document, actor)
    png = await run_in_threadpool(
        render_page,
        data,
        document.media_type,
        page=page,
        max_pixels=settings.intake_max_page_pixels,
    )
    cache = "private, max-age=3600"
    if loan is not None:
        png = await run_in_threadpool(mark_png, png, loan_watermark(loan, now=now))
        cache = "no-store"
    return Response(
        png,
        media_type="image/png",
        headers={"Cache-Control": cache, "X-Content-Type-Options": "nosniff"},
    )


@router.post("/documents/{document_id}/split")
def move_split(
    document_id: str,
    session: SessionDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.correct))],
    part: Annotated[str, Form(max_length=6)] = "",
    first_page: Annotated[str, Form(max_length=6)] = "",
) -> RedirectResponse:
    """Move the boundary between two parts of a stack (the API's ``POST …/split``)."""
    body = form_body(
        SplitMove,
        {"part": part, "first_page": first_page},
        problem_zh="请选择要调整的部分，并填写下一部分的起始页（原件页码）",
    )
    stack = get_document(session, document_id=document_id, actor=actor)
    move_boundary(
        session,
        stack,
        part=body.part,
        first_page=body.first_page,
        actor=actor,
        understand=stored_understanding(stack),
    )
    session.commit()
    return RedirectResponse(f"/documents/{document_id}?saved=split", status_code=303)
