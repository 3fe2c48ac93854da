"""Routes of documents: upload to a case, read, download the original."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from api._document_fixes import move, restore, trash
from api._originals import original_response, receive_upload
from api.deps import IndexDep, NowDep, QueueDep, SessionDep, SettingsDep, StoreDep, require
from archive import (
    Actor,
    DocType,
    DocumentMove,
    DocumentPublic,
    DocumentTrash,
    JobRelease,
    Permission,
    TrashedDocument,
    UploadAccepted,
    document_public,
    get_document,
    queue_stats,
    read_document,
    release_document,
    retry_document,
    trashed_documents,
    trashed_public,
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


@router.delete(
    "/documents/{document_id}",
    responses={409: {"description": "processing, already in the trash, or its case archived"}},
)
def delete_document(
    document_id: str,
    body: DocumentTrash,
    session: SessionDep,
    index: IndexDep,
    actor: Annotated[Actor, Depends(require(Permission.upload))],
) -> DocumentPublic:
    """Remove a wrong upload to the trash, with a reason (archivist, admin); audited.

    It leaves its case, the checks and search at once; it can be restored for
    ``YEKUO_TRASH_DAYS`` (30) days and its original is kept at least that long.
    """
    return document_public(
        trash(session, index, document_id=document_id, reason=body.reason, actor=actor)
    )


@router.post(
    "/documents/{document_id}/restore",
    responses={
        409: {"description": "not in the trash, or its case archived"},
        410: {"description": "its original was purged after the trash period"},
    },
)
def post_document_restore(
    document_id: str,
    session: SessionDep,
    index: IndexDep,
    queue: QueueDep,
    actor: Annotated[Actor, Depends(require(Permission.upload))],
) -> DocumentPublic:
    """Bring a document back from the trash to its case, as it was (archivist, admin)."""
    return document_public(restore(session, index, queue, document_id=document_id, actor=actor))


@router.post(
    "/documents/{document_id}/move",
    responses={409: {"description": "a case is archived, or already holds the same bytes"}},
)
def post_document_move(
    document_id: str,
    body: DocumentMove,
    session: SessionDep,
    index: IndexDep,
    actor: Annotated[Actor, Depends(require(Permission.upload))],
) -> DocumentPublic:
    """Move a document filed on the wrong case to another case the actor sees, with a reason
    (archivist, admin); audited on both cases, whose checks run again."""
    return document_public(
        move(
            session,
            index,
            document_id=document_id,
            case_no=body.case_no,
            reason=body.reason,
            actor=actor,
        )
    )


@router.get("/trash")
def get_trash(
    session: SessionDep,
    settings: SettingsDep,
    actor: Annotated[Actor, Depends(require(Permission.upload))],
) -> list[TrashedDocument]:
    """The uploads in the trash that can still be restored, newest first, each with the day
    its period ends (archivist, admin)."""
    return [
        trashed_public(document, days=settings.trash_days)
        for document in trashed_documents(session, actor=actor)
    ]


@router.get("/intake")
def get_intake_queue(
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> dict[str, int]:
    """How many documents are queued, processing, done, failed, and waiting for the index."""
    return dataclasses.asdict(queue_stats(session, actor=actor))
