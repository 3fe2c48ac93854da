"""借阅 in the web UI: the request form of an archived case, and the 借阅登记 page (``/loans``)
where the keeper approves, refuses and takes back loans and a borrower follows their own.

Each form stands for the JSON route of the same name (``api.routes.lending``) and calls the
same services with the signed-in actor.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api._input import RowId
from api.deps import NowDep, PageActorDep, SessionDep, SettingsDep, form_actor
from api.web.corrections import form_body
from api.web.render import PageRoute, render
from archive import (
    Actor,
    Case,
    LoanApproval,
    LoanRefusal,
    LoanRequest,
    LoanStatus,
    Permission,
    approve_loan,
    get_case,
    get_loan,
    list_loans,
    loan_public,
    refuse_loan,
    request_loan,
    return_loan,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

_DONE_ZH = {
    "requested": "借阅申请已提交，请等待档案管理员审批。",
    "approved": "已批准借阅。",
    "refused": "已不予借阅，理由已告知申请人。",
    "returned": "借阅已归还。",
}


def loan_request_page(
    request: Request, session: Session, actor: Actor, case: Case, *, now: dt.datetime
) -> Response:
    """An archived case to one without a loan of it: what it is, their requests of it, the
    form to ask for one (status 403: its content is not shown)."""
    own = [
        loan_public(loan, now=now)
        for loan in list_loans(session, actor=actor)
        if loan.case_id == case.id
    ]
    waiting = any(loan.status is LoanStatus.requested for loan in own)
    return render(
        request,
        "case_loan.html",
        {"case": case, "loans": own, "waiting": waiting},
        actor=actor,
        status_code=403,
    )


@router.get("/loans")
def loans_page(request: Request, session: SessionDep, now: NowDep, actor: PageActorDep) -> Response:
    """借阅登记: a keeper's every loan in scope (waiting ones to decide), anyone else's own."""
    actor.require(Permission.read)
    loans = [loan_public(loan, now=now) for loan in list_loans(session, actor=actor)]
    done = request.query_params.get("done", "")
    return render(
        request,
        "loans.html",
        {"loans": loans, "message": _DONE_ZH.get(done, "")},
        actor=actor,
    )


@router.post("/cases/{case_no}/loans")
def request_from_page(
    case_no: str,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.borrow))],
    purpose: Annotated[str, Form(max_length=2000)] = "",
    days: Annotated[str, Form(max_length=4)] = "",
) -> RedirectResponse:
    """The case page's request form: ``POST /api/v1/cases/{case_no}/loans``."""
    body = form_body(
        LoanRequest,
        {"purpose": purpose.strip(), **({"days": days.strip()} if days.strip() else {})},
        problem_zh="请填写借阅目的（至少两个字），借阅天数为 1 至 90 天",
    )
    case = get_case(session, case_no=case_no, actor=actor)
    request_loan(session, case, body=body, actor=actor, now=now)
    session.commit()
    return RedirectResponse(f"/cases/{case.case_no}?loan=requested", status_code=303)


@router.post("/loans/{loan_id}/approve")
def approve_from_page(
    loan_id: RowId,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.lend))],
    days: Annotated[str, Form(max_length=4)] = "",
) -> RedirectResponse:
    """批准: ``POST /api/v1/loans/{loan_id}/approve``."""
    body = form_body(
        LoanApproval,
        {"days": days.strip()} if days.strip() else {},
        problem_zh="借阅天数为 1 至 90 天",
    )
    loan = get_loan(session, loan_id=loan_id, actor=actor)
    approve_loan(
        session, loan, days=body.days, default_days=settings.loan_days, actor=actor, now=now
    )
    session.commit()
    return RedirectResponse("/loans?done=approved", status_code=303)


@router.post("/loans/{loan_id}/refuse")
def refuse_from_page(
    loan_id: RowId,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.lend))],
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    """不予借阅: ``POST /api/v1/loans/{loan_id}/refuse``."""
    body = form_body(
        LoanRefusal, {"reason": reason.strip()}, problem_zh="请填写不予借阅的理由（至少两个字）"
    )
    loan = get_loan(session, loan_id=loan_id, actor=actor)
    refuse_loan(session, loan, body=body, actor=actor, now=now)
    session.commit()
    return RedirectResponse("/loans?done=refused", status_code=303)


@router.post("/loans/{loan_id}/return")
def return_from_page(
    loan_id: RowId,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.read))],
) -> RedirectResponse:
    """归还: ``POST /api/v1/loans/{loan_id}/return`` (the borrower or a keeper)."""
    return_loan(session, get_loan(session, loan_id=loan_id, actor=actor), actor=actor, now=now)
    session.commit()
    return RedirectResponse("/loans?done=returned", status_code=303)
