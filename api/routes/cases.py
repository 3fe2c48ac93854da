"""Routes of cases: create, list, read, print their cover sheets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api._input import Offset
from api.deps import IndexDep, RulesDep, SessionDep, require
from archive import (
    Actor,
    CaseCreate,
    CaseList,
    CaseMove,
    CasePublic,
    Category,
    Permission,
    Stage,
    case_cover_sheets,
    case_public,
    create_case,
    get_case,
    list_cases,
    move_case,
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


@router.get("/cases")
def get_cases(
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
    stage: Stage | None = None,
    category: Category | None = None,
    q: Annotated[str | None, Query(max_length=200, description="case number or name")] = None,
    overdue: Annotated[
        bool, Query(description="only cases past their stage's time limit, most days over first")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Offset = 0,
) -> CaseList:
    """List cases, most recently changed first, each with its stage's time limit."""
    return list_cases(
        session,
        actor=actor,
        stage=stage,
        category=category.value if category else None,
        text=q,
        rules=rules,
        overdue=overdue,
        today=today_in_china(),
        limit=limit,
        offset=offset,
    )


@router.get("/cases/{case_no}")
def get_one_case(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> CasePublic:
    """A case: stage and time limit, documents, case-level findings, facts and overrides."""
    case = get_case(session, case_no=case_no, actor=actor)
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


def cover_sheets_response(case_no: str, pdf: bytes) -> Response:
    """The cover-sheet PDF as the browser shows it, ready to print."""
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{case_no}-cover-sheets.pdf"'},
    )


@router.get(
    "/cases/{case_no}/cover-sheets",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "One A4 page a cover"}},
)
def get_cover_sheets(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.print_covers))],
    stage: CoverStage = None,
) -> Response:
    """资料封面: a PDF, one A4 page per document a stage requires, each with its QR code."""
    case = get_case(session, case_no=case_no, actor=actor)
    return cover_sheets_response(case.case_no, case_cover_sheets(case, rules=rules, stage=stage))
