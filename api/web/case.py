"""The case page: stage flow, due date, the checklist for the next stage, findings, advancing,
what every later stage still needs, and its 资料封面 (cover sheets) and 一次性告知单 to print.

The checklist, the due date and the stage gate come from the review API's own services
(``check_case``, ``case_review_fields``, ``next_stage``, ``advance_case``) on the rule book of
``api.routes.review``, so this page and ``GET /api/v1/cases/{case_no}/check`` cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api._pdf import inline_pdf
from api._privacy import reveal_citizen_ids
from api.deps import IndexDep, NowDep, PageActorDep, RulesDep, SessionDep, form_actor
from api.web._events import actor_names, history
from api.web.case_records import history_rows
from api.web.lending import loan_request_page
from api.web.render import PageRoute, optional_choice, render
from archive import (
    Actor,
    AuditFilter,
    BusinessType,
    Case,
    CaseCheck,
    CasePublic,
    Category,
    DocType,
    DocumentStatus,
    DocumentSummary,
    LoanPublic,
    Permission,
    RuleBook,
    Severity,
    Stage,
    StageGateError,
    ValidationError,
    active_loan,
    advance_case,
    assignable_units,
    case_cover_sheets,
    case_missing_notice,
    case_public,
    case_review_fields,
    case_stages,
    catalogue,
    check_case,
    cover_stages,
    damaged_documents,
    flow_stages,
    get_case,
    loan_public,
    loan_watermark,
    missing_by_stage,
    move_case,
    needs_loan,
    next_stage,
    queue_stats,
    read_case,
    read_case_on_loan,
    record_history,
    record_loan_view,
    record_reveal,
    rule_set_for,
    today_in_china,
    unit_tree,
)
from search import index_pending

router = APIRouter(route_class=PageRoute, include_in_schema=False)

QUEUE_STALE_AFTER = dt.timedelta(minutes=2)
"""A document queued longer than this, with nothing processing, hints at a stopped worker."""

_WAITING = (DocumentStatus.queued, DocumentStatus.processing)


@dataclass(frozen=True)
class Refusal:
    """Why the gate refused the advance just asked for, shown above the checklist."""

    summary_zh: str
    reason_too_short: bool


def stage_flow(current: Stage, stages: list[Stage]) -> list[dict[str, str]]:
    """The stages of the case's own flow, each passed, current or ahead."""
    order = stages if current in stages else list(Stage)
    here = order.index(current)
    return [
        {"code": stage.value, "state": "done" if i < here else "current" if i == here else "ahead"}
        for i, stage in enumerate(order)
    ]


def not_counting_zh(document: DocumentSummary | None) -> str:
    """In Chinese, why a document of the case does not count (the check's reason is English)."""
    if document is None:
        return "不计入"
    if document.status in _WAITING:
        return "仍在识别中，识别完成后才计入"
    if document.status == DocumentStatus.failed:
        return "识别失败：可重试识别，或重新扫描上传"
    if document.status == DocumentStatus.stack:
        return "已拆分为多份资料，由拆出的各部分分别计入"
    if document.doc_type is None:
        return "资料类型未识别：请审核员在资料页设定类型"
    return "不计入：见下方问题（如证件已过期）"


def queue_hint(session: Session, documents: list[DocumentSummary]) -> dict[str, Any] | None:
    """What to tell the user while documents of this case wait for intake (None if none do)."""
    waiting = [d for d in documents if d.status in _WAITING]
    if not waiting:
        return None
    stats = queue_stats(session)  # the whole queue: how long this case waits
    now = dt.datetime.now(dt.UTC)
    stale = any(
        d.status == DocumentStatus.queued
        and now - (d.created_at if d.created_at.tzinfo else d.created_at.replace(tzinfo=dt.UTC))
        > QUEUE_STALE_AFTER
        for d in waiting
    )
    return {
        "waiting": len(waiting),
        "queued": stats.queued,
        "processing": stats.processing,
        "stopped": stale and stats.processing == 0,
    }


def _check_rows(check: CaseCheck, documents: dict[str, DocumentSummary]) -> dict[str, Any]:
    """The check as the template lists it: rules missing, satisfied and documents not counting."""
    return {
        "check": check,
        "satisfied": [
            {"rule": rule, "documents": [documents.get(i) or i for i in rule.document_ids]}
            for rule in check.satisfied
        ],
        "not_counting": [
            {
                "item": item,
                "document": documents.get(item.document_id),
                "reason_zh": not_counting_zh(documents.get(item.document_id)),
            }
            for item in check.not_counting
        ],
        "open_errors": sum(
            1 for f in check.findings if f.status == "open" and f.severity == Severity.error
        ),
    }


def review_context(
    session: Session, case: Case, public: CasePublic, *, rules: RuleBook
) -> dict[str, Any]:
    """Flow, due date, overrides, next stage and the check of the case's current stage."""
    rule_set = rule_set_for(rules, case)
    review = case_review_fields(case, rule_set=rule_set, today=today_in_china())
    stages = [rules_of_stage.stage for rules_of_stage in flow_stages(case, rule_set)]
    flow = rule_set.flow_for(case.category, case.business_type)
    context: dict[str, Any] = {
        "flow": stage_flow(public.stage, stages),
        "due": review["due"],
        "overrides": review["overrides"],
        "override_actors": actor_names(session, {o.actor for o in review["overrides"]}),
        "rule_labels": {r.rule: r.label_zh for rules in flow.stages for r in rules.requires},
        "rules_version": review["rules_version"],
        "next_stage": None,
        "flow_problem": "",
        "review": None,
        "cover_stages": [],
        "missing": None,
    }
    try:
        context["next_stage"] = next_stage(case, rule_set)
        context["cover_stages"] = cover_stages(case, rule_set)
        check = check_case(session, case, public.stage, rule_set=rule_set)
        context["missing"] = missing_by_stage(session, case, rule_set=rule_set)
    except ValidationError as error:
        context["flow_problem"] = error.message
        return context
    by_id = {d.document_id: d for d in public.documents}
    context["review"] = _check_rows(check, by_id)
    return context


def unit_context(session: Session, actor: Actor, case: Case) -> dict[str, Any]:
    """The name of the case's unit, every unit's name by code, and the units the actor may
    give the case to."""
    units = unit_tree(session).units
    return {
        "unit_name": units[case.unit].name,
        "unit_names": {code: unit.name for code, unit in units.items()},
        "move_to": assignable_units(session, actor=actor),
    }


def case_page_response(
    request: Request,
    session: Session,
    actor: Actor,
    case: Case,
    *,
    rules: RuleBook,
    refusal: Refusal | None = None,
    loan: LoanPublic | None = None,
    status_code: int = 200,
) -> Response:
    """The case page (after a refused advance: with the refusal, and status 409; read on a
    loan: with its end)."""
    public = case_public(session, case)
    damaged = damaged_documents(session, case=case)
    return render(
        request,
        "case.html",
        {
            "case": public,
            "damaged": [d for d in public.documents if d.document_id in damaged],
            "doc_types": list(DocType),
            "queue": queue_hint(session, public.documents),
            "refusal": refusal,
            "loan": loan,
            "rule_versions": [rule_set.version for rule_set in rules.versions],
            **unit_context(session, actor, case),
            "catalogue": catalogue(case, book=rules) if case.archive_no else [],
            "record_history": history_rows(record_history(session, case)),
            "categories": list(Category),
            "business_types": list(BusinessType),
            "stays": case_stages(session, case).stays,
            "posts": rules.posts,
            "fact_labels": {name: fact.label_zh for name, fact in rules.facts.items()},
            **review_context(session, case, public, rules=rules),
            **history(session, actor=actor, where=AuditFilter(case_no=case.case_no)),
        },
        actor=actor,
        status_code=status_code,
    )


@router.get("/cases/{case_no}")
def case_page(
    request: Request,
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: PageActorDep,
) -> Response:
    """A case: its flow and due date, the checklist, findings, documents, and advancing.

    An archived case is shown to all but a keeper on an active loan only (the view audited);
    without one, the page says so and offers the request form.
    """
    actor.require(Permission.read)
    case = get_case(session, case_no=case_no, actor=actor)
    if not needs_loan(case, actor=actor):
        return case_page_response(request, session, actor, case, rules=rules)
    loan = active_loan(session, case, actor=actor, now=now)
    if loan is None:
        return loan_request_page(request, session, actor, case, now=now)
    record_loan_view(session, loan, actor=actor, action="loan.view")
    session.commit()
    return case_page_response(
        request, session, actor, case, rules=rules, loan=loan_public(loan, now=now)
    )


@router.post("/cases/{case_no}/reveal")
def reveal_case(
    request: Request,
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.view_pii))],
) -> Response:
    """The case page with its citizen ID numbers in full: asked for, and audited."""
    case = read_case(session, case_no=case_no, actor=actor, now=now)
    record_reveal(
        session, actor=actor, entity_type="case", entity_id=case.case_no, case_no=case.case_no
    )
    session.commit()
    reveal_citizen_ids(request, True)
    return case_page_response(request, session, actor, case, rules=rules)


@router.get("/cases/{case_no}/cover-sheets")
def cover_sheets(
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    now: NowDep,
    actor: PageActorDep,
    stage: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The case's 资料封面 as a PDF to print: one page per document the stage requires."""
    actor.require(Permission.print_covers)
    case, loan = read_case_on_loan(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    pdf = case_cover_sheets(case, rules=rules, stage=stage)
    mark = loan_watermark(loan, now=now) if loan is not None else None
    return inline_pdf(pdf, filename=f"{case.case_no}-cover-sheets.pdf", mark=mark)


@router.get("/cases/{case_no}/missing-notice")
def missing_notice(
    case_no: str, session: SessionDep, rules: RulesDep, now: NowDep, actor: PageActorDep
) -> Response:
    """The case's 一次性告知单 as a PDF to print and hand to the customer."""
    actor.require(Permission.print_covers)
    case, loan = read_case_on_loan(session, case_no=case_no, actor=actor, now=now)
    session.commit()
    pdf = case_missing_notice(session, case, rules=rules, today=today_in_china())
    mark = loan_watermark(loan, now=now) if loan is not None else None
    return inline_pdf(pdf, filename=f"{case.case_no}-missing-notice.pdf", mark=mark)


def refusal_of(error: StageGateError, *, reason: str) -> Refusal:
    """A refused advance, summarised in Chinese from its check."""
    check = error.check
    parts = []
    if check.missing:
        parts.append("缺少 " + "、".join(m.label_zh for m in check.missing))
    errors = sum(1 for f in check.findings if f.status == "open" and f.severity == Severity.error)
    if errors:
        parts.append(f"{errors} 个错误问题尚未处理")
    summary = "；".join(parts) or "核对未通过"
    return Refusal(
        summary_zh=f"未能进入下一环节：{summary}。请补齐资料、处理问题，或填写理由后强制推进。",
        reason_too_short=bool(reason),
    )


@router.post("/cases/{case_no}/advance")
def advance(
    request: Request,
    case_no: str,
    session: SessionDep,
    rules: RulesDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.advance))],
    to: Annotated[str, Form(max_length=40)] = "",
    override_reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Move the case to its next stage with ``advance_case``; refused: the page, with why."""
    target = optional_choice(Stage, to, label="目标环节")
    if target is None:
        raise ValidationError("没有指定要进入的环节：请在案件页点击推进按钮")
    case = get_case(session, case_no=case_no, actor=actor)
    reason = override_reason.strip()
    try:
        advance_case(
            session,
            case,
            to=target,
            override_reason=reason or None,
            rule_set=rule_set_for(rules, case),
            actor=actor,
            book=rules,
        )
    except StageGateError as refused:
        session.rollback()
        refusal = refusal_of(refused, reason=reason)
        return case_page_response(
            request, session, actor, case, rules=rules, refusal=refusal, status_code=409
        )
    session.commit()
    return RedirectResponse(f"/cases/{case.case_no}?advanced=1", status_code=303)


@router.post("/cases/{case_no}/unit")
def move(
    case_no: str,
    session: SessionDep,
    index: IndexDep,
    actor: Annotated[Actor, Depends(form_actor(Permission.move_case))],
    unit: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Give the case to another unit of the admin's, as ``PUT /cases/{case_no}/unit`` does."""
    if not unit.strip():
        raise ValidationError("没有选择单位：请在案件页选择要移交的单位")
    case = get_case(session, case_no=case_no, actor=actor)
    move_case(session, case=case, unit=unit.strip(), actor=actor)
    session.commit()
    index_pending(session, index)
    return RedirectResponse(f"/cases/{case.case_no}?moved=1", status_code=303)
