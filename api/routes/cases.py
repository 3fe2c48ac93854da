"""Routes of cases: create, list, read, what is missing, print cover sheets and notices."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api._input import Offset
from api._pdf import inline_pdf
from api.deps import IndexDep, NowDep, RulesDep, SessionDep, require
from archive import (
    Actor,
    CaseCreate,
    CaseList,
    CaseMissing,
    CaseMove,
    CasePublic,
    CaseRecordChangePublic,
    CaseSort,
    Category,
    Permission,
    Stage,
    ValidationError,
    case_cover_sheets,
    case_missing_notice,
    case_public,
    create_case,
    get_case,
    list_cases,
    loan_watermark,
    missing_by_stage,
    move_case,
    put_case,
    read_case,
    read_case_on_loan,
    record_history,
    rule_set_for,
    today_in_china,
)
from search import index_pending

router = APIRouter(tags=["cases"])


@router.post("/cases", status_code=201)
def post_case(
    body: CaseCreate,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.create_case))],
) -> CasePublic:
    """Create a case at the application stage, with facts the rules read (archivist, admin)."""
    case = create_case(session, data=body, actor=actor, rules=rules)
    session.commit()
    return case_public(session, case, rules=rules, today=today_in_china())


@router.put("/cases/{case_no}", responses={201: {"description": "The case was created"}})
def put_one_case(
    case_no: str,
    body: CaseCreate,
    response: Response,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.update_record))],
) -> CasePublic:
    """Create the case or bring its marketing-system fields up to date (idempotent).

    201 when created, 200 otherwise; an unchanged record writes nothing. Each changed field is
    kept in the record history (source ``api``), audited, and the documents' checks run again.
    A new ``unit`` is taken only from an admin (403 otherwise); facts only at creation.
    """
    if body.case_no != case_no:
        raise ValidationError(
            f"the body names case {body.case_no} but the path {case_no}; send the same number",
            message_zh=f"请求内容的案件编号 {body.case_no} 与地址中的 {case_no} 不一致",
        )
    result = put_case(
        session,
        data=body,
        actor=actor,
        source="api",
        rules=rules,
        today=today_in_china(),
        may_move=actor.can(Permission.move_case),
    )
    session.commit()
    response.status_code = 201 if result.outcome == "created" else 200
    return case_public(session, result.case, rules=rules, today=today_in_china())


@router.get("/cases/{case_no}/record-history")
def get_record_history(
    case_no: str,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> list[CaseRecordChangePublic]:
    """Every change of the case's marketing-system fields: field, old, new, source, who, when
    (of an archived case: on a loan only)."""
    case = read_case(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    return record_history(session, case)


@router.get("/cases")
def get_cases(
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
    stage: Stage | None = None,
    category: Category | None = None,
    q: Annotated[str | None, Query(max_length=200, description="case number or name")] = None,
    unit: Annotated[
        str | None,
        Query(
            max_length=64,
            description="only cases of this unit and the units under it (the caller's unit "
            "or one under it; 403 for another)",
        ),
    ] = None,
    overdue: Annotated[
        bool, Query(description="only cases past their stage's time limit, most days over first")
    ] = False,
    has_errors: Annotated[bool, Query(description="only cases with open error findings")] = False,
    has_missing: Annotated[
        bool, Query(description="only cases whose stage still lacks a document")
    ] = False,
    intake_failed: Annotated[
        bool, Query(description="only cases with a document whose intake failed")
    ] = False,
    ready: Annotated[
        bool, Query(description="only open cases with nothing missing and nothing in intake")
    ] = False,
    due_within: Annotated[
        int | None,
        Query(ge=0, le=250, description="only cases due within this many working days or overdue"),
    ] = None,
    sort: Annotated[
        CaseSort | None,
        Query(
            description="updated (default), due (fewest working days left first), case_no,"
            " accepted_on"
        ),
    ] = None,
    counts: Annotated[
        bool, Query(description="also count, per filter, the cases it would keep")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> CaseList:
    """List cases with what needs doing on each: open findings, documents missing for the
    stage, documents in intake or failed, due date and working days left, who last acted."""
    return list_cases(
        session,
        actor=actor,
        stage=stage,
        category=category.value if category else None,
        text=q,
        unit=unit,
        rules=rules,
        overdue=overdue,
        has_errors=has_errors,
        has_missing=has_missing,
        intake_failed=intake_failed,
        ready=ready,
        due_within=due_within,
        sort=sort,
        counts=counts,
        today=today_in_china(),
        limit=limit,
        offset=offset,
    )


@router.get("/cases/{case_no}")
def get_one_case(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> CasePublic:
    """A case: stage and time limit, documents, case-level findings, facts and overrides (of
    an archived case: on a loan only, 403 ``loan_required`` without one)."""
    case = read_case(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    return case_public(session, case, rules=rules, today=today_in_china())


@router.put("/cases/{case_no}/unit")
def put_case_unit(
    case_no: str,
    body: CaseMove,
    session: SessionDep,
    rules: RulesDep,
    index: IndexDep,
    actor: Annotated[Actor, Depends(require(Permission.move_case))],
) -> CasePublic:
    """Give a case to another unit of the admin's (admin); audited ``case.moved``.

    Its documents are indexed again with the new unit at once (or, if the index is down,
    by the workers' retries): from then on only the new unit's people find them.
    """
    case = move_case(
        session, case=get_case(session, case_no=case_no, actor=actor), unit=body.unit, actor=actor
    )
    session.commit()
    index_pending(session, index)
    return case_public(session, case, rules=rules, today=today_in_china())


CoverStage = Annotated[
    str | None,
    Query(
        max_length=40,
        description="a stage code of the case's flow, or all; default its current stage",
    ),
]


@router.get(
    "/cases/{case_no}/cover-sheets",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "One A4 page a cover"}},
)
def get_cover_sheets(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.print_covers))],
    stage: CoverStage = None,
) -> Response:
    """资料封面: a PDF, one A4 page per document a stage requires, each with its QR code."""
    case, loan = read_case_on_loan(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    pdf = case_cover_sheets(case, rules=rules, stage=stage)
    mark = loan_watermark(loan, now=now) if loan is not None else None
    return inline_pdf(pdf, filename=f"{case.case_no}-cover-sheets.pdf", mark=mark)


@router.get("/cases/{case_no}/missing")
def get_missing(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> CaseMissing:
    """Every document the case still lacks, by stage: the current one's and each later one's."""
    case = read_case(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    return missing_by_stage(session, case, rule_set=rule_set_for(rules, case))


@router.get(
    "/cases/{case_no}/missing-notice",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "A4 pages to print"}},
)
def get_missing_notice(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.print_covers))],
) -> Response:
    """一次性告知单: a PDF for the customer naming every document still missing, by stage."""
    case, loan = read_case_on_loan(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    pdf = case_missing_notice(session, case, rules=rules, today=today_in_china())
    mark = loan_watermark(loan, now=now) if loan is not None else None
    return inline_pdf(pdf, filename=f"{case.case_no}-missing-notice.pdf", mark=mark)
