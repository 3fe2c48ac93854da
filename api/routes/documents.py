"""Routes of documents: upload to a case, read, download the original."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from api._originals import original_response, receive_upload
from api.deps import NowDep, QueueDep, SessionDep, SettingsDep, StoreDep, require
from archive import (
    Actor,
    DocType,
    DocumentPublic,
    JobRelease,
    Permission,
    UploadAccepted,
    document_public,
    get_document,
    queue_stats,
    read_document,
    release_document,
    retry_document,
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
    queue: QueueDep,
    actor: Annotated[Actor, Depends(require(Permission.upload))],
) -> JSONResponse:
    """Upload a scan to a case; it is stored at once and queued for intake (archivist, admin)."""
    return await receive_upload(
        request,
        case_no=case_no,
        session=session,
        settings=settings,
        store=store,
        queue=queue,
        actor=actor,
    )


@router.get("/documents/{document_id}")
def get_one_document(
    document_id: str,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> DocumentPublic:
    """A document: its intake status, type, fields, findings and checksum (of an archived
    case: on a loan only)."""
    document, _ = read_document(
        session, document_id=document_id, actor=actor, now=now, action="loan.view"
    )
    session.commit()
    return document_public(document)


@router.get("/documents/{document_id}/file", response_class=StreamingResponse)
def get_document_file(
    document_id: str,
    session: SessionDep,
    store: StoreDep,
    settings: SettingsDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> Response:
    """The original bytes, exactly as uploaded (of an archived case: on a loan only, and
    watermarked)."""
    return original_response(
        session,
        store,
        document_id=document_id,
        actor=actor,
        inline=False,
        now=now,
        max_pixels=settings.intake_max_page_pixels,
    )


@router.post("/documents/{document_id}/retry")
def post_document_retry(
    document_id: str,
    session: SessionDep,
    queue: QueueDep,
    actor: Annotated[Actor, Depends(require(Permission.upload))],
) -> DocumentPublic:
    """Queue a failed document for intake again now (archivist, admin); 409 unless it failed."""
    document = retry_document(
        session, get_document(session, document_id=document_id, actor=actor), actor=actor
    )
    session.commit()
    queue.enqueue(document.id)
    return document_public(document)


@router.post(
    "/documents/{document_id}/release",
    responses={409: {"description": "the document is not processing"}},
)
def post_document_release(
    document_id: str,
    body: JobRelease,
    session: SessionDep,
    queue: QueueDep,
    actor: Annotated[Actor, Depends(require(Permission.release_job))],
) -> DocumentPublic:
    """Free a stuck intake job and queue the document again now (admin); 409 unless processing.

    Its worker, if it still runs, can no longer store its result. Audited with the reason.
    """
    document = release_document(
        session,
        get_document(session, document_id=document_id, actor=actor),
        actor=actor,
        reason=body.reason,
    )
    session.commit()
    queue.enqueue(document.id)
    return document_public(document)


@router.get("/intake")
def get_intake_queue(
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> dict[str, int]:
    """How many documents are queued, processing, done, failed, and waiting for the index."""
    return dataclasses.asdict(queue_stats(session, actor=actor))
