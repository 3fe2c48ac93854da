"""Routes of review: check a case, advance it (or override the gate), correct and dismiss."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse

from api._errors import error_body
from api._input import RowId
from api.deps import NowDep, RulesDep, SessionDep, require
from archive import (
    Actor,
    AdvanceRequest,
    AdvanceResult,
    CaseCheck,
    CaseFactsUpdate,
    CaseRebase,
    DocTypeUpdate,
    DocumentPublic,
    FieldCorrection,
    FieldReview,
    FieldReviewItem,
    FindingDismissal,
    FindingPublic,
    Permission,
    SplitMove,
    Stage,
    StageGateError,
    advance_case,
    check_case,
    correct_field,
    dismiss_finding,
    document_public,
    finding_public,
    get_case,
    get_document,
    move_boundary,
    read_case,
    rebase_case,
    review_fields,
    rule_set_for,
    set_case_facts,
    set_document_type,
    today_in_china,
)
from worker import stored_understanding

router = APIRouter(tags=["review"])


_CHECK_409: dict[int | str, dict[str, Any]] = {
    409: {"model": CaseCheck, "description": "Not ready: the check, with code and message"}
}


@router.get("/cases/{case_no}/check")
def get_check(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(require(Permission.check))],
    stage: Stage | None = None,
) -> CaseCheck:
    """Completeness of the case for a stage (default its current one) and all its findings."""
    case = read_case(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    return check_case(session, case, stage or Stage(case.stage), rule_set=rule_set_for(rules, case))


@router.post("/cases/{case_no}/advance", response_model=AdvanceResult, responses=_CHECK_409)
def post_advance(
    case_no: str,
    body: AdvanceRequest,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.advance))],
) -> AdvanceResult | JSONResponse:
    """Move the case to its next stage; 409 with the check unless ready or overridden."""
    case = get_case(session, case_no=case_no, actor=actor)
    rule_set = rule_set_for(rules, case)
    from_stage = Stage(case.stage)
    try:
        transition = advance_case(
            session,
            case,
            to=body.to,
            override_reason=body.override_reason,
            rule_set=rule_set,
            actor=actor,
            book=rules,
        )
    except StageGateError as refused:
        session.rollback()
        content = {
            **error_body("stage_gate", refused.message),
            **refused.check.model_dump(mode="json"),
        }
        return JSONResponse(content, status_code=409)
    check = check_case(session, case, from_stage, rule_set=rule_set)
    session.commit()
    return AdvanceResult(
        case_no=case.case_no,
        from_stage=from_stage,
        to_stage=body.to,
        at=transition.at,
        override_reason=transition.override_reason,
        check=check,
    )


@router.put("/cases/{case_no}/facts")
def put_facts(
    case_no: str,
    body: CaseFactsUpdate,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.correct))],
) -> CaseCheck:
    """Record facts the rules read (an agent applies, the customer rents ...); the new check."""
    case = get_case(session, case_no=case_no, actor=actor)
    set_case_facts(session, case, facts=body.facts, book=rules, actor=actor, today=today_in_china())
    check = check_case(session, case, Stage(case.stage), rule_set=rule_set_for(rules, case))
    session.commit()
    return check


@router.post("/cases/{case_no}/rebase")
def post_rebase(
    case_no: str,
    body: CaseRebase,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.correct))],
) -> CaseCheck:
    """Check the case against another rule version from now on; the new check."""
    case = get_case(session, case_no=case_no, actor=actor)
    rebase_case(session, case, version=body.version, reason=body.reason, book=rules, actor=actor)
    check = check_case(session, case, Stage(case.stage), rule_set=rule_set_for(rules, case))
    session.commit()
    return check


@router.put("/documents/{document_id}/doc_type")
def put_doc_type(
    document_id: str,
    body: DocTypeUpdate,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(require(Permission.correct))],
) -> DocumentPublic:
    """Set a document's type (intake keeps it); the case's checks run again."""
    document = get_document(session, document_id=document_id, actor=actor)
    set_document_type(
        session, document, doc_type=body.doc_type, book=rules, actor=actor, today=today_in_china()
    )
    session.commit()
    return document_public(document)


@router.put("/documents/{document_id}/fields/{name}")
def put_field(
    document_id: str,
    name: str,
    body: FieldCorrection,
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.correct))],
) -> DocumentPublic:
    """Confirm (same value) or correct a field (with a reason); the OCR value is kept; checks
    run again."""
    document = get_document(session, document_id=document_id, actor=actor)
    correct_field(
        session,
        document,
        name=name,
        value=body.value,
        reason=body.reason,
        actor=actor,
        today=today_in_china(),
    )
    session.commit()
    return document_public(document)


@router.put("/documents/{document_id}/fields")
def put_fields(
    document_id: str,
    body: Annotated[list[FieldReviewItem], Body(min_length=1, max_length=200)],
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.correct))],
) -> DocumentPublic:
    """Confirm or correct several fields at once (a correction needs its reason): all or none
    are applied, and the checks run once."""
    document = get_document(session, document_id=document_id, actor=actor)
    review_fields(
        session,
        document,
        reviews=[FieldReview(name=i.name, value=i.value, reason=i.reason) for i in body],
        actor=actor,
        today=today_in_china(),
    )
    session.commit()
    return document_public(document)


@router.post("/documents/{document_id}/split")
def post_split(
    document_id: str,
    body: SplitMove,
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.correct))],
) -> list[DocumentPublic]:
    """Move the boundary between two neighbouring parts of a stack; both are read again from
    their new pages (no new OCR) and the case is checked again. Answers the two parts."""
    stack = get_document(session, document_id=document_id, actor=actor)
    parts = move_boundary(
        session,
        stack,
        part=body.part,
        first_page=body.first_page,
        actor=actor,
        understand=stored_understanding(stack),
    )
    session.commit()
    return [document_public(part) for part in parts]


@router.post("/findings/{finding_id}/dismiss")
def post_dismiss(
    finding_id: RowId,
    body: FindingDismissal,
    session: SessionDep,
    actor: Annotated[Actor, Depends(require(Permission.correct))],
) -> FindingPublic:
    """Dismiss a finding with a reason (audited; rechecks never bring it back)."""
    finding = dismiss_finding(
        session, finding_id=finding_id, reason=body.reason, actor=actor, today=today_in_china()
    )
    session.commit()
    return finding_public(finding)
