"""Documents in the web UI: upload from the page, live intake status, the document page.

Uploads and the original go through the same functions as the JSON API (``api._originals``)
with the actor of the signed-in browser, so storing and serving a document have one code path.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api._originals import original_response, receive_upload
from api.deps import (
    PageActorDep,
    QueueDep,
    RulesDep,
    ScriptActorDep,
    SessionDep,
    SettingsDep,
    StoreDep,
)
from api.web.images import BROWSER_IMAGE_TYPES, RENDERED_TYPES, page_count, render_page
from api.web.render import FIELD_LABELS_ZH, PageRoute, label_zh, render
from archive import (
    DocType,
    DocumentPublic,
    DocumentStatus,
    Permission,
    RuleBook,
    document_public,
    get_document,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)
script_router = APIRouter(include_in_schema=False)

FINAL_STATUSES = frozenset({DocumentStatus.done, DocumentStatus.failed})


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
def document_status(document_id: str, session: SessionDep, actor: PageActorDep) -> JSONResponse:
    """The intake status of a document, polled by the case page until it is final."""
    actor.require(Permission.read)
    document = document_public(get_document(session, document_id=document_id))
    return JSONResponse(status_of(document), headers={"Cache-Control": "no-store"})


REVIEW_STATUS_ZH = {"confirmed": "已确认", "corrected": "已更正"}


def field_rows(document: DocumentPublic) -> list[dict[str, str]]:
    """Extracted fields as rows: label, value, OCR value and confidence, and who reviewed it."""
    rows = []
    for name, value in document.fields.items():
        details = document.field_details.get(name)
        details = details if isinstance(details, dict) else {}
        confidence = details.get("confidence")
        review = REVIEW_STATUS_ZH.get(str(details.get("status")), "")
        rows.append(
            {
                "name": name,
                "label": FIELD_LABELS_ZH.get(name, name),
                "value": "" if value is None else str(value),
                "ocr": "" if details.get("ocr_value") is None else str(details["ocr_value"]),
                "confidence": f"{confidence:.0%}" if isinstance(confidence, float) else "",
                "review": f"{review}（{details.get('by', '')}）" if review else "",
            }
        )
    return rows


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
    rules: RulesDep,
    actor: PageActorDep,
) -> Response:
    """A document: its pages, type and confidence, fields, findings, checksum, download."""
    actor.require(Permission.read)
    row = get_document(session, document_id=document_id)
    document = document_public(row)
    if document.media_type in BROWSER_IMAGE_TYPES:
        images = [f"/documents/{document_id}/original"]
    elif document.media_type in RENDERED_TYPES:
        pages = row.pages or count_pages(store, row.sha256, document.media_type)
        images = [f"/documents/{document_id}/pages/{n}" for n in range(1, pages + 1)]
    else:
        images = []
    return render(
        request,
        "document.html",
        {
            "doc": document,
            "images": images,
            "fields": field_rows(document),
            "status": status_of(document),
            "doc_types": doc_type_choices(rules),
        },
        actor=actor,
    )


def count_pages(store: StoreDep, sha256: str, media_type: str) -> int:
    """The page count of an original that intake has not counted yet."""
    return page_count(store.get_bytes(sha256), media_type)


@router.get("/documents/{document_id}/original")
def document_original(
    document_id: str, session: SessionDep, store: StoreDep, actor: PageActorDep
) -> StreamingResponse:
    """The original bytes, exactly as uploaded (the API's download, by session)."""
    actor.require(Permission.read)
    return original_response(get_document(session, document_id=document_id), store)


@router.get("/documents/{document_id}/pages/{page}")
async def document_page_image(
    document_id: str,
    page: Annotated[int, Path(ge=1, le=10_000)],
    session: SessionDep,
    store: StoreDep,
    actor: PageActorDep,
) -> Response:
    """One page of a PDF or TIFF original as PNG."""
    actor.require(Permission.read)
    document = await run_in_threadpool(get_document, session, document_id=document_id)
    data = await run_in_threadpool(store.get_bytes, document.sha256)
    png = await run_in_threadpool(render_page, data, document.media_type, page=page)
    return Response(
        png,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
