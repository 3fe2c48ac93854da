"""Routes of documents: upload to a case, read, download the original."""

from __future__ import annotations

import dataclasses
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from api._deps import SessionDep, SettingsDep, StoreDep, require
from api._multipart import UploadForm, read_upload_form
from api._queue import intake_queue_of
from archive import (
    Actor,
    DocType,
    DocumentPublic,
    Permission,
    UploadAccepted,
    ValidationError,
    document_public,
    get_case,
    get_document,
    queue_stats,
    retry_document,
    store_upload,
)
from intake import ACCEPTED_DESCRIPTION

router = APIRouter(tags=["documents"])

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": f"the scan: {ACCEPTED_DESCRIPTION}",
                        },
                        "doc_type": {
                            "type": "string",
                            "enum": [t.value for t in DocType],
                            "description": "the archivist's guess, verified by intake",
                        },
                    },
                }
            }
        },
    }
}


@router.post(
    "/cases/{case_no}/documents",
    status_code=202,
    openapi_extra=_UPLOAD_BODY,
    responses={
        200: {"model": UploadAccepted, "description": "these bytes were already on the case"},
        413: {"description": "over the upload limit"},
        415: {"description": "not a PDF, JPEG, PNG or TIFF"},
    },
)
async def post_document(
    case_no: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    store: StoreDep,
    actor: Annotated[Actor, Depends(require(Permission.upload))],
) -> JSONResponse:
    """Upload a scan to a case; it is stored at once and queued for intake (archivist, admin)."""
    await run_in_threadpool(get_case, session, case_no=case_no)
    form = await read_upload_form(
        request, tmp_dir=settings.resolved_tmp_dir, max_bytes=settings.max_upload_bytes
    )
    with form.upload:
        accepted = await run_in_threadpool(_store, session, store, case_no, form, actor)
    if not accepted.duplicate:
        await run_in_threadpool(intake_queue_of(request).enqueue, accepted.document_id)
    return JSONResponse(
        accepted.model_dump(mode="json"), status_code=200 if accepted.duplicate else 202
    )


def _store(
    session: SessionDep, store: StoreDep, case_no: str, form: UploadForm, actor: Actor
) -> UploadAccepted:
    hint = _doc_type_hint(form.fields.get("doc_type"))
    case = get_case(session, case_no=case_no)
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


@router.get("/documents/{document_id}")
def get_one_document(
    document_id: str,
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> DocumentPublic:
    """A document: its intake status, type, fields, findings and checksum."""
    return document_public(get_document(session, document_id=document_id))


@router.get("/documents/{document_id}/file", response_class=StreamingResponse)
def get_document_file(
    document_id: str,
    session: SessionDep,
    store: StoreDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> StreamingResponse:
    """The original bytes, exactly as uploaded."""
    document = get_document(session, document_id=document_id)
    chunks = store.open_chunks(document.sha256)
    disposition = f"attachment; filename*=UTF-8''{quote(document.original_filename)}"
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


@router.post("/documents/{document_id}/retry")
def post_document_retry(
    document_id: str,
    request: Request,
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.upload))],
) -> DocumentPublic:
    """Queue a failed document for intake again now (archivist, admin); 409 while processing."""
    document = retry_document(session, get_document(session, document_id=document_id), actor=actor)
    session.commit()
    intake_queue_of(request).enqueue(document.id)
    return document_public(document)


@router.get("/intake")
def get_intake_queue(
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> dict[str, int]:
    """How many documents are queued, processing, done, failed, and waiting for the index."""
    return dataclasses.asdict(queue_stats(session))
