"""Fixing mistakes from the web UI: the trash page, removing a wrong upload to it and restoring
it, moving a document to another case, re-basing a case on another rule version and correcting
its facts.

Each form calls what its JSON route calls (``api._document_fixes``, ``rebase_case``,
``set_case_facts``) with the actor of the signed-in browser, then returns to the page the
change shows on.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api._document_fixes import move, restore, trash
from api.deps import IndexDep, PageActorDep, QueueDep, RulesDep, SessionDep, SettingsDep, form_actor
from api.web.render import PageRoute, render
from archive import (
    Actor,
    Document,
    DocumentStatus,
    Permission,
    ValidationError,
    get_case,
    rebase_case,
    set_case_facts,
    today_in_china,
    trashed_documents,
    trashed_public,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ReasonField = Annotated[str, Form(max_length=2000)]


def document_fixes(document: Document, *, actor: Actor, days: int) -> dict[str, Any]:
    """What the document page offers to fix a filing mistake, and a trashed one's state."""
    trashed = document.status == DocumentStatus.trashed
    until = document.trashed_at + dt.timedelta(days=days) if document.trashed_at else None
    return {
        "trashed": trashed,
        "restorable_until": until if document.purged_at is None else None,
        "may_fix": actor.can(Permission.upload)
        and document.case.archived_at is None
        and document.status != DocumentStatus.processing,
        "may_trash": document.parent_id is None,
        "days": days,
    }


def _reason(reason: str, *, what_zh: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError(f"请写明{what_zh}的理由")
    return text


@router.get("/trash")
def trash_page(
    request: Request, session: SessionDep, settings: SettingsDep, actor: PageActorDep
) -> Response:
    """The uploads in the trash that can still be restored, with the day each period ends."""
    actor.require(Permission.upload)
    entries = [
        trashed_public(document, days=settings.trash_days)
        for document in trashed_documents(session, actor=actor)
    ]
    return render(
        request,
        "trash.html",
        {"entries": entries, "days": settings.trash_days},
        actor=actor,
    )


@router.post("/documents/{document_id}/trash")
def trash_from_page(
    document_id: str,
    session: SessionDep,
    index: IndexDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.upload))],
    reason: ReasonField = "",
) -> RedirectResponse:
    """Remove the document to the trash (``DELETE /api/v1/documents/{id}``); back to its case."""
    text = _reason(reason, what_zh="移入回收站")
    document = trash(session, index, document_id=document_id, reason=text, actor=actor)
    return RedirectResponse(f"/cases/{document.case.case_no}?trashed=1", status_code=303)


@router.post("/documents/{document_id}/restore")
def restore_from_page(
    document_id: str,
    session: SessionDep,
    index: IndexDep,
    queue: QueueDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.upload))],
) -> RedirectResponse:
    """Bring the document back from the trash; to its page."""
    restore(session, index, queue, document_id=document_id, actor=actor)
    return RedirectResponse(f"/documents/{document_id}?restored=1", status_code=303)


@router.post("/documents/{document_id}/move")
def move_from_page(
    document_id: str,
    session: SessionDep,
    index: IndexDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.upload))],
    case_no: Annotated[str, Form(max_length=64)] = "",
    reason: ReasonField = "",
) -> RedirectResponse:
    """Move the document to the case typed in; to its page, now on that case."""
    target = case_no.strip()
    if not target:
        raise ValidationError("请填写要移到的案件编号")
    text = _reason(reason, what_zh="移到其他案件")
    move(session, index, document_id=document_id, case_no=target, reason=text, actor=actor)
    return RedirectResponse(f"/documents/{document_id}?moved=1", status_code=303)


@router.post("/cases/{case_no}/rebase")
def rebase_from_page(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.correct))],
    version: Annotated[str, Form(max_length=40)] = "",
    reason: ReasonField = "",
) -> RedirectResponse:
    """Check the case against the rule version chosen (``POST …/rebase``); its checks run."""
    case = get_case(session, case_no=case_no, actor=actor)  # a case out of scope: 404 first
    text = _reason(reason, what_zh="更换规则版本")
    if rules.named(version.strip()) is None:
        raise ValidationError("请从列表中选择规则版本")
    rebase_case(session, case, version=version.strip(), reason=text, book=rules, actor=actor)
    session.commit()
    return RedirectResponse(f"/cases/{case.case_no}?rebased=1", status_code=303)


@router.post("/cases/{case_no}/facts")
def facts_from_page(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.correct))],
    fact: Annotated[list[str], Form(default_factory=list, max_length=100)],
) -> RedirectResponse:
    """Record the facts as ticked, every declared one yes or no (``PUT …/facts``): audited,
    and the checks run again; a form that changes nothing records nothing."""
    case = get_case(session, case_no=case_no, actor=actor)
    ticked = set(fact)
    facts = {name: name in ticked for name in rules.facts} | dict.fromkeys(ticked, True)
    if all(bool((case.facts or {}).get(name)) == value for name, value in facts.items()):
        return RedirectResponse(f"/cases/{case.case_no}?facts=0", status_code=303)
    set_case_facts(session, case, facts=facts, book=rules, actor=actor, today=today_in_china())
    session.commit()
    return RedirectResponse(f"/cases/{case.case_no}?facts=1", status_code=303)
