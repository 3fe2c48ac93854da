"""Routes of stage duties and 考核: a case's stays in its stages, who answers for its current
stage, and the timeliness report (JSON and XLSX)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api._xlsx import xlsx_response
from api.deps import NowDep, RulesDep, SessionDep, require
from archive import (
    XLSX_MEDIA_TYPE,
    Actor,
    CaseStages,
    DutyUpdate,
    Permission,
    TimelinessReport,
    case_stages,
    change_duty,
    get_case,
    read_case,
    timeliness_report,
    timeliness_workbook,
)

router = APIRouter(tags=["duties"])

MonthQuery = Annotated[
    str | None, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; default this month")
]
UnitQuery = Annotated[
    str | None, Query(max_length=64, description="A unit and those under it; default all")
]


@router.get("/cases/{case_no}/stages")
def get_stages(
    case_no: str,
    session: SessionDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> CaseStages:
    """Every stay of the case in a stage: entered, left, who answered for it, on time (of an
    archived case: on a loan only)."""
    case = read_case(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    return case_stages(session, case)


@router.put("/cases/{case_no}/duty")
def put_duty(
    case_no: str,
    body: DutyUpdate,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.correct))],
) -> CaseStages:
    """Give the case's current stage to another post, unit or person (audited)."""
    case = get_case(session, case_no=case_no, actor=actor)
    change_duty(session, case, change=body, book=rules, actor=actor)
    session.commit()
    return case_stages(session, case)


@router.get("/reports/timeliness")
def get_timeliness(
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.report))],
    month: MonthQuery = None,
    unit: UnitQuery = None,
) -> TimelinessReport:
    """考核: stages left on time and late in the month, per person and unit, the late steps
    with who answered for them, and the trend of the twelve months up to it."""
    return timeliness_report(session, month=month, unit=unit, actor=actor)


@router.get(
    "/reports/timeliness/xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}, "description": "The workbook"}},
)
def get_timeliness_xlsx(
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.report))],
    month: MonthQuery = None,
    unit: UnitQuery = None,
) -> Response:
    """The 考核 report as an XLSX workbook."""
    report = timeliness_report(session, month=month, unit=unit, actor=actor)
    return xlsx_response(timeliness_workbook(report, book=rules), name=f"timeliness-{report.month}")
