"""借阅: reading an archived case on a loan the keeper (档案管理员) approved.

The keeper reads the archive freely. Everyone else reads an archived case's detail,
documents, originals and pages only during an active loan: requested with a purpose,
approved by a keeper for a period (``YEKUO_LOAN_DAYS`` unless the keeper gives another) or
refused with a reason, ended by its return (borrower or keeper) or by its end date, which is
computed on read (no job). Lists and search still show that an archived case exists. Every
step and every view under a loan is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor, Permission
from archive._cases import get_case
from archive._documents import get_document
from archive._errors import ConflictError, LoanRequiredError, NotFoundError
from archive._scope import case_in_scope, scoped_cases
from archive._vocabulary import LoanStatus
from archive._watermark import Watermark
from archive.db._models import Case, Document, Loan
from core import CHINA, MAX_LOAN_DAYS


class LoanRequest(BaseModel):
    """Body of ``POST /cases/{case_no}/loans``."""

    purpose: str = Field(min_length=2, max_length=2000, description="Why the case is needed")
    days: int | None = Field(
        default=None, ge=1, le=MAX_LOAN_DAYS, description="Days asked for (the keeper decides)"
    )


class LoanApproval(BaseModel):
    """Body of ``POST /loans/{loan_id}/approve``."""

    days: int | None = Field(
        default=None,
        ge=1,
        le=MAX_LOAN_DAYS,
        description="The period; default the days asked for, else YEKUO_LOAN_DAYS",
    )


class LoanRefusal(BaseModel):
    """Body of ``POST /loans/{loan_id}/refuse``."""

    reason: str = Field(min_length=2, max_length=2000, description="Why, for the borrower")


class LoanPublic(BaseModel):
    """A loan as the API answers it."""

    id: int
    case_no: str
    archive_no: str | None
    borrower: str
    purpose: str
    days_requested: int | None
    status: LoanStatus
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None
    refusal_reason: str | None
    due_at: dt.datetime | None
    returned_at: dt.datetime | None
    returned_by: str | None


def loan_status(loan: Loan, *, now: dt.datetime) -> LoanStatus:
    """The loan's status at ``now``: an approved loan is active until its end, then expired."""
    if loan.status == "approved":
        assert loan.due_at is not None
        return LoanStatus.active if now < loan.due_at else LoanStatus.expired
    return LoanStatus(loan.status)


def loan_public(loan: Loan, *, now: dt.datetime) -> LoanPublic:
    """``loan`` as the API answers it, its status at ``now``."""
    return LoanPublic(
        id=loan.id,
        case_no=loan.case.case_no,
        archive_no=loan.case.archive_no,
        borrower=loan.borrower,
        purpose=loan.purpose,
        days_requested=loan.days_requested,
        status=loan_status(loan, now=now),
        requested_at=loan.requested_at,
        decided_at=loan.decided_at,
        decided_by=loan.decided_by,
        refusal_reason=loan.refusal_reason,
        due_at=loan.due_at,
        returned_at=loan.returned_at,
        returned_by=loan.returned_by,
    )


def needs_loan(case: Case, *, actor: Actor) -> bool:
    """Whether ``actor`` reads ``case`` only on a loan: it is archived and they are no keeper."""
    return case.archived_at is not None and not actor.can(Permission.lend)


def active_loan(session: Session, case: Case, *, actor: Actor, now: dt.datetime) -> Loan | None:
    """``actor``'s loan of ``case`` that is active at ``now``, if any."""
    return session.scalar(
        select(Loan)
        .where(
            Loan.case_id == case.id,
            Loan.borrower == actor.name,
            Loan.status == "approved",
            Loan.due_at > now,
        )
        .order_by(Loan.due_at.desc())
        .limit(1)
    )


def require_loan(session: Session, case: Case, *, actor: Actor, now: dt.datetime) -> Loan | None:
    """The active loan under which ``actor`` reads ``case``; None when they need none (the case
    is open, or they are a keeper); LoanRequiredError when they need one and have none."""
    if not needs_loan(case, actor=actor):
        return None
    loan = active_loan(session, case, actor=actor, now=now)
    if loan is None:
        raise LoanRequiredError(
            f"案件 {case.case_no} 已归档（档号 {case.archive_no}），查阅须先借阅：请在案件页"
            "填写借阅目的提交申请，经档案管理员批准后在借阅期限内查阅 / case "
            f"{case.case_no} is archived: "
            f"request a loan (POST /api/v1/cases/{case.case_no}/loans with a purpose); a keeper "
            "approves it, then it is readable until the loan ends",
            message_zh=f"案件 {case.case_no} 已归档（档号 {case.archive_no}），查阅须先借阅：请在"
            "案件页填写借阅目的提交申请，经档案管理员批准后，在借阅期限内查阅。",
        )
    return loan


def record_loan_view(
    session: Session, loan: Loan, *, actor: Actor, action: str, document_id: str | None = None
) -> None:
    """Audit one view (``loan.view``) or download (``loan.download``) under ``loan``; the caller
    commits."""
    seen = {"document_id": document_id} if document_id else {"case_no": loan.case.case_no}
    _audit(session, loan, actor=actor, action=action, **seen)


def request_loan(
    session: Session, case: Case, *, body: LoanRequest, actor: Actor, now: dt.datetime
) -> Loan:
    """A new loan request of the archived ``case`` by ``actor``, audited; the caller commits.

    ConflictError when the case is not archived (it is read directly) or ``actor`` already
    has a loan of it waiting or active.
    """
    if case.archived_at is None:
        raise ConflictError(
            f"case {case.case_no} is not archived: it is read without a loan",
            message_zh=f"案件 {case.case_no} 未归档，无需借阅，可直接查阅",
        )
    for loan in _own_loans(session, case, actor=actor):
        if loan_status(loan, now=now) in (LoanStatus.requested, LoanStatus.active):
            raise ConflictError(
                f"{actor.name} already has loan {loan.id} of case {case.case_no} "
                f"({loan_status(loan, now=now).value}); wait for the keeper or return it first",
                message_zh=f"您已有本案件的借阅（第 {loan.id} 号），请等待审批或先归还",
            )
    loan = Loan(
        case=case,
        borrower=actor.name,
        borrower_role=actor.role.value,
        purpose=body.purpose.strip(),
        days_requested=body.days,
        status=LoanStatus.requested.value,
        requested_at=now,
    )
    session.add(loan)
    session.flush()
    _audit(session, loan, actor=actor, action="loan.request", purpose=loan.purpose)
    return loan


def _own_loans(session: Session, case: Case, *, actor: Actor) -> list[Loan]:
    query = select(Loan).where(Loan.case_id == case.id, Loan.borrower == actor.name)
    return list(session.scalars(query))


def get_loan(session: Session, *, loan_id: int, actor: Actor) -> Loan:
    """The loan if ``actor`` may see it (a keeper: in their scope; others: their own);
    NotFoundError otherwise, as for a loan that does not exist."""
    loan = session.get(Loan, loan_id)
    if (
        loan is None
        or not case_in_scope(session, actor=actor, case=loan.case)
        or not (actor.can(Permission.lend) or loan.borrower == actor.name)
    ):
        raise NotFoundError(
            f"no loan {loan_id}; list your loans with GET /api/v1/loans",
            message_zh=f"没有第 {loan_id} 号借阅：请从借阅登记页进入",
        )
    return loan


def list_loans(session: Session, *, actor: Actor, limit: int = 200) -> list[Loan]:
    """The loans ``actor`` sees, newest first: a keeper every loan of the cases in scope,
    anyone else their own."""
    query = select(Loan).join(Loan.case).order_by(Loan.requested_at.desc(), Loan.id.desc())
    query = scoped_cases(session, query, actor=actor)
    if not actor.can(Permission.lend):
        query = query.where(Loan.borrower == actor.name)
    return list(session.scalars(query.limit(limit)))


def approve_loan(
    session: Session,
    loan: Loan,
    *,
    days: int | None,
    default_days: int,
    actor: Actor,
    now: dt.datetime,
) -> Loan:
    """Approve a waiting loan for ``days`` (else the days asked for, else ``default_days``),
    from ``now``; audited, the caller commits. ConflictError unless it waits."""
    actor.require(Permission.lend)
    _require_waiting(loan, now=now)
    period = days or loan.days_requested or default_days
    loan.status = "approved"
    loan.decided_at, loan.decided_by = now, actor.name
    loan.due_at = now + dt.timedelta(days=period)
    _audit(session, loan, actor=actor, action="loan.approve", days=period)
    return loan


def refuse_loan(
    session: Session, loan: Loan, *, body: LoanRefusal, actor: Actor, now: dt.datetime
) -> Loan:
    """Refuse a waiting loan with a reason the borrower sees; audited, the caller commits."""
    actor.require(Permission.lend)
    _require_waiting(loan, now=now)
    loan.status = LoanStatus.refused.value
    loan.decided_at, loan.decided_by = now, actor.name
    loan.refusal_reason = body.reason.strip()
    _audit(session, loan, actor=actor, action="loan.refuse", reason=loan.refusal_reason)
    return loan


def return_loan(session: Session, loan: Loan, *, actor: Actor, now: dt.datetime) -> Loan:
    """End an active loan now (its borrower or a keeper); audited, the caller commits."""
    if loan.borrower != actor.name:
        actor.require(Permission.lend)
    status = loan_status(loan, now=now)
    if status is not LoanStatus.active:
        raise ConflictError(
            f"loan {loan.id} is {status.value}: only an active loan is returned",
            message_zh=f"第 {loan.id} 号借阅不在借阅期内，无需归还",
        )
    loan.status = LoanStatus.returned.value
    loan.returned_at, loan.returned_by = now, actor.name
    _audit(session, loan, actor=actor, action="loan.return")
    return loan


def _require_waiting(loan: Loan, *, now: dt.datetime) -> None:
    status = loan_status(loan, now=now)
    if status is not LoanStatus.requested:
        raise ConflictError(
            f"loan {loan.id} is {status.value}, not waiting for a decision",
            message_zh=f"第 {loan.id} 号借阅已处理，不能再次审批",
        )


def _audit(session: Session, loan: Loan, *, actor: Actor, action: str, **after: object) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        entity_type="loan",
        entity_id=str(loan.id),
        case_no=loan.case.case_no,
        after={"borrower": loan.borrower, **after},
    )


def read_case(session: Session, *, case_no: str, actor: Actor, now: dt.datetime) -> Case:
    """The case, to show its content to ``actor``: as ``get_case``, and when it is archived
    only on an active loan (LoanRequiredError otherwise), the view audited ``loan.view``."""
    case, _ = read_case_on_loan(session, case_no=case_no, actor=actor, now=now)
    return case


def read_case_on_loan(
    session: Session, *, case_no: str, actor: Actor, now: dt.datetime
) -> tuple[Case, Loan | None]:
    """As ``read_case``, with the loan ``actor`` reads the case under (None: they need none),
    whose watermark what they are given must carry."""
    case = get_case(session, case_no=case_no, actor=actor)
    loan = require_loan(session, case, actor=actor, now=now)
    if loan is not None:
        record_loan_view(session, loan, actor=actor, action="loan.view")
    return case, loan


def read_document(
    session: Session, *, document_id: str, actor: Actor, now: dt.datetime, action: str
) -> tuple[Document, Loan | None]:
    """The document, to show or give ``actor`` its content, and the loan they read it under
    (None: they need none); the view or download (``action``) under a loan is audited."""
    document = get_document(session, document_id=document_id, actor=actor)
    loan = require_loan(session, document.case, actor=actor, now=now)
    if loan is not None:
        record_loan_view(session, loan, actor=actor, action=action, document_id=document.id)
    return document, loan


def loan_watermark(loan: Loan, *, now: dt.datetime) -> Watermark:
    """The mark of what ``loan``'s borrower is shown or given at ``now``."""
    return Watermark(borrower=loan.borrower, day=now.astimezone(CHINA).date())


def closed_cases(
    session: Session, case_nos: Iterable[str], *, actor: Actor, now: dt.datetime
) -> frozenset[str]:
    """Of ``case_nos``, the archived cases whose content ``actor`` may not see at ``now``: they
    need a loan and have none active (a search shows such a hit, not its passages)."""
    wanted = set(case_nos)
    if not wanted or actor.can(Permission.lend):
        return frozenset()
    lent = select(Loan.case_id).where(
        Loan.borrower == actor.name, Loan.status == "approved", Loan.due_at > now
    )
    query = select(Case.case_no).where(
        Case.case_no.in_(wanted), Case.archived_at.is_not(None), Case.id.not_in(lent)
    )
    return frozenset(session.scalars(query))
