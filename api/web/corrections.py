"""Reviewer corrections, intake retries and an admin's release of a stuck job, from the web UI.

A document's type, its fields confirmed or corrected in one form, a finding dismissed with
its reason, a failed document queued again and a stuck job released call the same archive
services as the JSON routes, with the actor of the signed-in browser; the form then returns
the user to the page they came from.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

import pydantic
from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse

from api._input import RowId
from api.deps import QueueDep, RulesDep, SessionDep, form_actor
from api.web.render import PageRoute, problems_zh
from archive import (
    FIELD_LABELS_ZH,
    Actor,
    DocTypeUpdate,
    Document,
    FieldReview,
    FieldReviewItem,
    FindingDismissal,
    JobRelease,
    Permission,
    ValidationError,
    dismiss_finding,
    field_changed,
    get_document,
    release_document,
    retry_document,
    review_fields,
    set_document_type,
    today_in_china,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

BackField = Annotated[str, Form(max_length=300)]

MAX_FIELDS = 200
"""The most fields one review form may send (the API's limit too)."""

REVIEW_STATUSES = frozenset({"confirmed", "corrected"})

B = TypeVar("B", bound=pydantic.BaseModel)


def form_body(model: type[B], data: dict[str, str], *, problem_zh: str) -> B:
    """The API body a form stands for; ValidationError with ``problem_zh`` if it is not one."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        raise ValidationError(f"{problem_zh}（{problems_zh(error)[0]}）") from None


def back_to(target: str, *, default: str) -> str:
    """Where a form returns to: a case or document page of this site, else ``default``."""
    if (
        target.startswith(("/cases/", "/documents/"))
        and "//" not in target
        and "\\" not in target
        and "?" not in target
    ):
        return target
    return default


@router.post("/documents/{document_id}/doc_type")
def set_type(
    document_id: str,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.correct))],
    doc_type: Annotated[str, Form(max_length=40)] = "",
) -> RedirectResponse:
    """Set the document's type; the case's checks run again."""
    body = form_body(DocTypeUpdate, {"doc_type": doc_type}, problem_zh="请选择资料类型")
    document = get_document(session, document_id=document_id, actor=actor)
    set_document_type(
        session, document, doc_type=body.doc_type, book=rules, actor=actor, today=today_in_china()
    )
    session.commit()
    return RedirectResponse(f"/documents/{document_id}?saved=doc_type", status_code=303)


FormList = Annotated[list[str], Form(default_factory=list, max_length=MAX_FIELDS)]


@router.post("/documents/{document_id}/fields")
def review(
    document_id: str,
    session: SessionDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.correct))],
    name: FormList,
    value: FormList,
    reason: FormList,
    confirm: FormList,
) -> RedirectResponse:
    """The document's fields reviewed in one form: a changed value is a correction (with its
    reason), a ticked one not yet reviewed a confirmation; applied together, checks run once."""
    if not len(name) == len(value) == len(reason):
        raise ValidationError(
            "each field needs its name, value and reason", message_zh="表单不完整，请刷新页面后重试"
        )
    document = get_document(session, document_id=document_id, actor=actor)
    ticked = set(confirm)
    reviews = []
    for item in zip(name, value, reason, strict=True):
        body = form_body(
            FieldReviewItem,
            dict(zip(("name", "value", "reason"), item, strict=True)),
            problem_zh=f"字段「{FIELD_LABELS_ZH.get(item[0], item[0])}」的值或理由不符合要求",
        )
        if field_changed(document, name=body.name, value=body.value) or (
            body.name in ticked and not is_reviewed(document, body.name)
        ):
            reviews.append(FieldReview(name=body.name, value=body.value, reason=body.reason))
    if reviews:
        review_fields(session, document, reviews=reviews, actor=actor, today=today_in_china())
        session.commit()
    return RedirectResponse(
        f"/documents/{document_id}?saved=fields&n={len(reviews)}#fields-h", status_code=303
    )


def is_reviewed(document: Document, name: str) -> bool:
    """Whether a reviewer has confirmed or corrected the field already."""
    detail = (document.ocr or {}).get("fields", {}).get(name)
    return isinstance(detail, dict) and detail.get("status") in REVIEW_STATUSES


@router.post("/findings/{finding_id}/dismiss")
def dismiss(
    finding_id: RowId,
    session: SessionDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.correct))],
    reason: Annotated[str, Form(max_length=2000)] = "",
    back: BackField = "",
) -> RedirectResponse:
    """Dismiss a finding with the reviewer's reason (audited; rechecks never bring it back)."""
    body = form_body(
        FindingDismissal, {"reason": reason.strip()}, problem_zh="排除问题需要写明理由"
    )
    finding = dismiss_finding(
        session, finding_id=finding_id, reason=body.reason, actor=actor, today=today_in_china()
    )
    session.commit()
    default = f"/documents/{finding.document_id}" if finding.document_id else "/cases"
    return RedirectResponse(back_to(back, default=default), status_code=303)


@router.post("/documents/{document_id}/retry")
def retry(
    document_id: str,
    session: SessionDep,
    queue: QueueDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.upload))],
    back: BackField = "",
) -> RedirectResponse:
    """Queue a failed document for intake again now."""
    retry_document(
        session, get_document(session, document_id=document_id, actor=actor), actor=actor
    )
    session.commit()
    queue.enqueue(document_id)
    return RedirectResponse(back_to(back, default=f"/documents/{document_id}"), status_code=303)


@router.post("/documents/{document_id}/release")
def release(
    document_id: str,
    session: SessionDep,
    queue: QueueDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.release_job))],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """Free a stuck intake job (admin) with the reason given, and queue the document again."""
    body = form_body(JobRelease, {"reason": reason.strip()}, problem_zh="释放任务需要写明理由")
    release_document(
        session,
        get_document(session, document_id=document_id, actor=actor),
        actor=actor,
        reason=body.reason,
    )
    session.commit()
    queue.enqueue(document_id)
    return RedirectResponse(f"/documents/{document_id}?released=1", status_code=303)
