"""Fixing a filing mistake: the trash, restoring from it, moving a document to another case.

One code path for the JSON API and the pages: the archive service, the checks of every case
concerned run again, commit, then the search index catches up (a failure there is retried by
``index_pending`` later and never undoes the change).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive import (
    Actor,
    Document,
    DocumentStatus,
    cases_of,
    get_case,
    get_document,
    move_document,
    recheck_case,
    restore_document,
    trash_document,
)
from search import SearchIndex, index_pending
from worker import IntakeQueue


def _recheck(session: Session, document: Document) -> None:
    """Check again every case the upload and its parts are filed on, as they now stand."""
    session.flush()
    for case in cases_of(document):
        session.expire(case, ["documents"])
        recheck_case(session, case)


def trash(
    session: Session, index: SearchIndex, *, document_id: str, reason: str, actor: Actor
) -> Document:
    """Remove the document to the trash; its case is checked again without it."""
    document = get_document(session, document_id=document_id, actor=actor)
    trash_document(session, document, reason=reason, actor=actor)
    _recheck(session, document)
    session.commit()
    index_pending(session, index)
    return document


def restore(
    session: Session,
    index: SearchIndex,
    queue: IntakeQueue,
    *,
    document_id: str,
    actor: Actor,
) -> Document:
    """Bring the document back from the trash; its case is checked again with it."""
    document = get_document(session, document_id=document_id, actor=actor)
    restore_document(session, document, actor=actor)
    _recheck(session, document)
    session.commit()
    if document.status == DocumentStatus.queued:  # it was trashed before intake read it
        queue.enqueue(document.id)
    index_pending(session, index)
    return document


def move(
    session: Session,
    index: SearchIndex,
    *,
    document_id: str,
    case_no: str,
    reason: str,
    actor: Actor,
) -> Document:
    """Move the document to the case ``case_no`` (in the actor's scope); both are checked."""
    document = get_document(session, document_id=document_id, actor=actor)
    source = document.case
    target = get_case(session, case_no=case_no, actor=actor)
    move_document(session, document, to=target, reason=reason, actor=actor)
    session.expire(target, ["documents"])
    recheck_case(session, source)
    recheck_case(session, target)
    session.commit()
    index_pending(session, index)
    return document
