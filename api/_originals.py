"""Receiving an upload and serving an original: one code path for the JSON API and the pages."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api._multipart import UploadForm, read_upload_form
from archive import (
    Actor,
    DocType,
    ObjectStore,
    UploadAccepted,
    ValidationError,
    get_case,
    loan_watermark,
    mark_original,
    open_original,
    read_document,
    require_original_access,
    store_upload,
)
from core import Settings
from worker import IntakeQueue


async def receive_upload(
    request: Request,
    *,
    case_no: str,
    session: Session,
    settings: Settings,
    store: ObjectStore,
    queue: IntakeQueue,
    actor: Actor,
) -> JSONResponse:
    """Stream the request's file to a case, store it, queue it for intake unless a duplicate.

    202 with the new document, or 200 with the document that already holds these bytes.
    """
    await run_in_threadpool(get_case, session, case_no=case_no, actor=actor)
    form = await read_upload_form(
        request, tmp_dir=settings.resolved_tmp_dir, max_bytes=settings.max_upload_bytes
    )
    with form.upload:
        accepted = await run_in_threadpool(_store, session, store, case_no, form, actor)
    if not accepted.duplicate:
        await run_in_threadpool(queue.enqueue, accepted.document_id)
    return JSONResponse(
        accepted.model_dump(mode="json"), status_code=200 if accepted.duplicate else 202
    )


def original_response(
    session: Session,
    store: ObjectStore,
    *,
    document_id: str,
    actor: Actor,
    inline: bool,
    now: dt.datetime,
    max_pixels: int,
) -> Response:
    """The original bytes of a document, exactly as uploaded, once checked whole; audited.

    ``inline`` shows it in the page (``document.viewed``), else it is a download
    (``document.downloaded``). A damaged or missing original is refused (410), never served;
    an ID card's is refused (403) to a role without ``view_pii``. Of an archived case it is
    given only on a loan (403 ``loan_required``), then as a watermarked copy, audited
    ``loan.view`` or ``loan.download``.
    """
    document, loan = read_document(
        session,
        document_id=document_id,
        actor=actor,
        now=now,
        action="loan.view" if inline else "loan.download",
    )
    require_original_access(actor, document)
    action = "document.viewed" if inline else "document.downloaded"
    open_original(session, store, document=document, actor=actor, action=action)
    session.commit()
    kind = "inline" if inline else "attachment"
    disposition = f"{kind}; filename*=UTF-8''{quote(document.original_filename)}"
    if loan is not None:
        marked = mark_original(
            store.get_bytes(document.sha256),
            document.media_type,
            loan_watermark(loan, now=now),
            max_pixels=max_pixels,
        )
        return Response(
            marked,
            media_type=document.media_type,
            headers={
                "Content-Disposition": disposition,
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )
    chunks = store.open_chunks(document.sha256)
    return StreamingResponse(
        chunks,
        media_type=document.media_type,
        headers={
            "Content-Disposition": disposition,
            "Content-Length": str(document.size_bytes),
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{document.sha256}"',
        },
    )


def _store(
    session: Session, store: ObjectStore, case_no: str, form: UploadForm, actor: Actor
) -> UploadAccepted:
    hint = _doc_type_hint(form.fields.get("doc_type"))
    case = get_case(session, case_no=case_no, actor=actor)
    stored = store_upload(
        session, store=store, case=case, upload=form.upload, doc_type_hint=hint, actor=actor
    )
    session.commit()
    document = stored.document
    return UploadAccepted(
        document_id=document.id,
        status=document.status,
        sha256=document.sha256,
        duplicate=stored.duplicate,
    )


def _doc_type_hint(raw: str | None) -> DocType | None:
    if not raw:
        return None
    try:
        return DocType(raw)
    except ValueError:
        raise ValidationError(
            f"doc_type {raw!r} is not a document type; use one of "
            + ", ".join(t.value for t in DocType)
        ) from None
