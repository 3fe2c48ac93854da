"""Reviewer corrections and intake retries from the web UI, through the API's own routes.

A document's type, a field confirmed or corrected, a finding dismissed with its reason and a
failed document queued again are the JSON routes' functions (``put_doc_type``, ``put_field``,
``post_dismiss``, ``post_document_retry``) called with the actor of the session cookie, so
each has one code path; the form then returns the user to the page they came from.
"""

from __future__ import annotations

from typing import Annotated, TypeVar

import pydantic
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from api._deps import SessionDep
from api._routes_documents import post_document_retry
from api._routes_review import RulesDep, post_dismiss, put_doc_type, put_field
from api._web_auth import CSRF_FIELD, PageActorDep, check_csrf
from api._web_render import PageRoute
from archive import DocTypeUpdate, FieldCorrection, FindingDismissal, Permission, ValidationError

router = APIRouter(route_class=PageRoute, include_in_schema=False)

CsrfField = Annotated[str, Form(alias=CSRF_FIELD)]
BackField = Annotated[str, Form(max_length=300)]

B = TypeVar("B", bound=pydantic.BaseModel)


def form_body(model: type[B], data: dict[str, str], *, problem_zh: str) -> B:
    """The API body a form stands for; ValidationError with ``problem_zh`` if it is not one."""
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        raise ValidationError(f"{problem_zh}（{error.errors()[0]['msg']}）") from None


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
    request: Request,
    document_id: str,
    session: SessionDep,
    rules: RulesDep,
    actor: PageActorDep,
    doc_type: Annotated[str, Form(max_length=40)] = "",
    csrf_token: CsrfField = "",
) -> RedirectResponse:
    """Set the document's type; the case's checks run again."""
    check_csrf(request, csrf_token)
    actor.require(Permission.correct)
    body = form_body(DocTypeUpdate, {"doc_type": doc_type}, problem_zh="请选择资料类型")
    put_doc_type(document_id, body, session, rules, actor)
    return RedirectResponse(f"/documents/{document_id}?saved=doc_type", status_code=303)


@router.post("/documents/{document_id}/fields/{name}")
def correct(
    request: Request,
    document_id: str,
    name: str,
    session: SessionDep,
    actor: PageActorDep,
    value: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: CsrfField = "",
) -> RedirectResponse:
    """Confirm (same value) or correct one field; the OCR value stays beside it."""
    check_csrf(request, csrf_token)
    actor.require(Permission.correct)
    put_field(document_id, name, FieldCorrection(value=value), session, actor)
    return RedirectResponse(f"/documents/{document_id}?saved={name}#fields-h", status_code=303)


@router.post("/findings/{finding_id}/dismiss")
def dismiss(
    request: Request,
    finding_id: int,
    session: SessionDep,
    actor: PageActorDep,
    reason: Annotated[str, Form(max_length=2000)] = "",
    back: BackField = "",
    csrf_token: CsrfField = "",
) -> RedirectResponse:
    """Dismiss a finding with the reviewer's reason (audited; rechecks never bring it back)."""
    check_csrf(request, csrf_token)
    actor.require(Permission.correct)
    body = form_body(
        FindingDismissal, {"reason": reason.strip()}, problem_zh="排除问题需要写明理由"
    )
    finding = post_dismiss(finding_id, body, session, actor)
    default = f"/documents/{finding.document_id}" if finding.document_id else "/cases"
    return RedirectResponse(back_to(back, default=default), status_code=303)


@router.post("/documents/{document_id}/retry")
def retry(
    request: Request,
    document_id: str,
    session: SessionDep,
    actor: PageActorDep,
    back: BackField = "",
    csrf_token: CsrfField = "",
) -> RedirectResponse:
    """Queue a failed document for intake again now."""
    check_csrf(request, csrf_token)
    actor.require(Permission.upload)
    post_document_retry(document_id, request, session, actor)
    return RedirectResponse(back_to(back, default=f"/documents/{document_id}"), status_code=303)
