"""Routes of 借阅: request a loan of an archived case, the keeper's decision, the return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from api._input import RowId
from api.deps import NowDep, SessionDep, SettingsDep, require
from archive import (
    Actor,
    LoanApproval,
    LoanPublic,
    LoanRefusal,
    LoanRequest,
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

router = APIRouter(tags=["lending"])


@router.post("/cases/{case_no}/loans", status_code=201)
def post_loan(
    case_no: str,
    body: LoanRequest,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.borrow))],
) -> LoanPublic:
    """Ask to read an archived case, with a purpose (and the days wanted); a keeper decides."""
    case = get_case(session, case_no=case_no, actor=actor)
    loan = request_loan(session, case, body=body, actor=actor, now=now)
    session.commit()
    return loan_public(loan, now=now)


@router.get("/loans")
def get_loans(
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> list[LoanPublic]:
    """The loans: a keeper's, every loan of the cases in scope; anyone else's, their own."""
    return [loan_public(loan, now=now) for loan in list_loans(session, actor=actor)]


@router.post("/loans/{loan_id}/approve")
def post_approve(
    loan_id: RowId,
    body: LoanApproval,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.lend))],
) -> LoanPublic:
    """Approve a waiting loan from now for ``days`` (default: as asked, else YEKUO_LOAN_DAYS)."""
    loan = approve_loan(
        session,
        get_loan(session, loan_id=loan_id, actor=actor),
        days=body.days,
        default_days=settings.loan_days,
        actor=actor,
        now=now,
    )
    session.commit()
    return loan_public(loan, now=now)


@router.post("/loans/{loan_id}/refuse")
def post_refuse(
    loan_id: RowId,
    body: LoanRefusal,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.lend))],
) -> LoanPublic:
    """Refuse a waiting loan, with the reason the borrower is shown."""
    loan = get_loan(session, loan_id=loan_id, actor=actor)
    refuse_loan(session, loan, body=body, actor=actor, now=now)
    session.commit()
    return loan_public(loan, now=now)


@router.post("/loans/{loan_id}/return")
def post_return(
    loan_id: RowId,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> LoanPublic:
    """End an active loan now (its borrower or a keeper); the case is closed to them again."""
    loan = get_loan(session, loan_id=loan_id, actor=actor)
    return_loan(session, loan, actor=actor, now=now)
    session.commit()
    return loan_public(loan, now=now)
