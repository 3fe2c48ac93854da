"""Routes of archiving: archive a case, re-open it, its 卷内目录, what is due for appraisal."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from api._errors import error_body
from api.deps import (
    ArchiveNumbersDep,
    NowDep,
    RulesDep,
    SessionDep,
    SettingsDep,
    StoreDep,
    require,
)
from archive import (
    Actor,
    ArchiveRequest,
    ArchiveResult,
    ArchivingContext,
    CaseCheck,
    CatalogueEntry,
    DueForAppraisal,
    Permission,
    ReopenRequest,
    ReopenResult,
    StageGateError,
    archive_case,
    catalogue,
    due_for_appraisal,
    get_case,
    read_case,
    reopen_case,
    rule_set_for,
)

router = APIRouter(tags=["archiving"])

_CHECK_409: dict[int | str, dict[str, Any]] = {
    409: {"model": CaseCheck, "description": "Not ready: the final check, with code and message"}
}


@router.post("/cases/{case_no}/archive", response_model=ArchiveResult, responses=_CHECK_409)
def post_archive(
    case_no: str,
    body: ArchiveRequest,
    session: SessionDep,
    settings: SettingsDep,
    rules: RulesDep,
    store: StoreDep,
    numbers: ArchiveNumbersDep,
    actor: Annotated[Actor, Depends(require(Permission.archive))],
) -> ArchiveResult | JSONResponse:
    """Archive the case: the final check (or an override with a reason), its 档号, the PDF/A
    copies; the case is read-only from then on."""
    case = get_case(session, case_no=case_no, actor=actor)
    context = ArchivingContext(
        book=rules,
        rule_set=rule_set_for(rules, case),
        store=store,
        pattern=numbers,
        max_pixels=settings.intake_max_page_pixels,
    )
    try:
        result = archive_case(
            session, case, override_reason=body.override_reason, context=context, actor=actor
        )
    except StageGateError as refused:
        session.rollback()
        content = {
            **error_body("stage_gate", refused.message),
            **refused.check.model_dump(mode="json"),
        }
        return JSONResponse(content, status_code=409)
    session.commit()
    return result


@router.post("/cases/{case_no}/reopen")
def post_reopen(
    case_no: str,
    body: ReopenRequest,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.reopen))],
) -> ReopenResult:
    """Re-open an archived case for a correction, with a reason (audited); keeps its 档号."""
    case = get_case(session, case_no=case_no, actor=actor)
    result = reopen_case(session, case, reason=body.reason, book=rules, actor=actor)
    session.commit()
    return result


@router.get("/cases/{case_no}/catalogue")
def get_catalogue(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.read))],
) -> list[CatalogueEntry]:
    """The 卷内目录: the case's documents in order, with 题名, 责任者, 日期, pages, 保管期限
    (on a loan only, for all but a keeper)."""
    case = read_case(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    return catalogue(case, book=rules)


@router.get("/archive/due")
def get_due(
    session: SessionDep,
    rules: RulesDep,
    numbers: ArchiveNumbersDep,
    actor: Annotated[Actor, Depends(require(Permission.archive))],
    year: Annotated[int, Query(ge=1900, le=9999, description="Due by the end of this year")],
) -> list[DueForAppraisal]:
    """Archived cases whose 保管期限 ends by ``year``: due for appraisal (到期鉴定)."""
    return due_for_appraisal(session, year=year, book=rules, pattern=numbers, actor=actor)
