"""Pages of cases: the list with its filters and the new-case form."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

import pydantic
from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api._input import Offset
from api._session import CSRF_FIELD, check_csrf
from api.deps import PageActorDep, RulesDep, SessionDep
from api.web.render import PageRoute, optional_choice, problems_zh, render
from archive import (
    Actor,
    BusinessType,
    CaseCreate,
    CaseSort,
    Category,
    ConflictError,
    ForbiddenError,
    Permission,
    RuleBook,
    Stage,
    ValidationError,
    assignable_units,
    create_case,
    list_cases,
    today_in_china,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 50

STATUS_FILTERS_ZH = {
    "overdue": "已超期",
    "has_errors": "有未处理错误",
    "has_missing": "本环节缺资料",
    "intake_failed": "有识别失败",
    "ready": "资料已齐待核对",
}
"""The worklist's filters on what needs doing, as the page names them."""

SORTS_ZH: dict[CaseSort, str] = {
    "updated": "最近更新",
    "due": "剩余工作日（少的在前）",
    "case_no": "案件编号",
    "accepted_on": "受理日期（早的在前）",
}


@router.get("/cases")
def cases_page(
    request: Request,
    session: SessionDep,
    rules: RulesDep,
    actor: PageActorDep,
    stage: Annotated[str, Query(max_length=40)] = "",
    category: Annotated[str, Query(max_length=40)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    unit: Annotated[str, Query(max_length=64)] = "",
    overdue: Annotated[str, Query(max_length=1)] = "",
    has_errors: Annotated[str, Query(max_length=1)] = "",
    has_missing: Annotated[str, Query(max_length=1)] = "",
    intake_failed: Annotated[str, Query(max_length=1)] = "",
    ready: Annotated[str, Query(max_length=1)] = "",
    due_within: Annotated[str, Query(max_length=3)] = "",
    sort: Annotated[str, Query(max_length=20)] = "",
    offset: Offset = 0,
) -> Response:
    """The worklist: cases with what needs doing on each, filtered (the filters in the URL, so
    a view can be bookmarked; the units offered are the user's and those under it), counted
    per filter and sorted."""
    actor.require(Permission.read)
    chosen_stage = optional_choice(Stage, stage, label="环节")
    chosen_category = optional_choice(Category, category, label="客户类别")
    if sort and sort not in SORTS_ZH:
        raise ValidationError(f"排序方式无效：可选 {'、'.join(SORTS_ZH.values())}")
    if due_within and not due_within.isdigit():
        raise ValidationError("到期的工作日数应为数字：请从工作台的链接进入")
    found = list_cases(
        session,
        actor=actor,
        stage=chosen_stage,
        category=chosen_category.value if chosen_category else None,
        text=q.strip() or None,
        unit=unit or None,
        rules=rules,
        overdue=bool(overdue),
        has_errors=bool(has_errors),
        has_missing=bool(has_missing),
        intake_failed=bool(intake_failed),
        ready=bool(ready),
        due_within=int(due_within) if due_within else None,
        sort=sort or None,
        counts=True,
        today=today_in_china(),
        limit=PAGE_SIZE,
        offset=offset,
    )
    flags = {"overdue": overdue, "has_errors": has_errors, "has_missing": has_missing}
    flags.update(intake_failed=intake_failed, ready=ready)
    filters = {"q": q, "stage": stage, "category": category, "unit": unit, **flags}
    filters.update(due_within=due_within, sort=sort)
    return render(
        request,
        "cases.html",
        {
            "found": found,
            "stages": list(Stage),
            "categories": list(Category),
            "units": assignable_units(session, actor=actor),
            "status_filters": STATUS_FILTERS_ZH,
            "sorts": SORTS_ZH,
            "filters": filters,
            "link": lambda **changes: worklist_link(filters, **changes),
            "offset": offset,
            "page_size": PAGE_SIZE,
        },
        actor=actor,
    )


def worklist_link(filters: dict[str, str], **changes: str | int) -> str:
    """The URL of the cases list with ``filters`` and ``changes`` (empty values left out)."""
    values = {**filters, **{name: str(value) for name, value in changes.items()}}
    kept = {name: value for name, value in values.items() if value and value != "0"}
    return "/cases" + (f"?{urlencode(kept)}" if kept else "")


def _new_case_page(
    request: Request,
    actor: Actor,
    *,
    values: dict[str, str],
    ticked: list[str],
    session: Session,
    rules: RuleBook,
    problems: list[str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "case_new.html",
        {
            "values": {"unit": actor.unit or "", **values},
            "ticked": ticked,
            "fact_labels": {name: fact.label_zh for name, fact in rules.facts.items()},
            "units": assignable_units(session, actor=actor),
            "problems": problems,
            "categories": list(Category),
            "business_types": list(BusinessType),
        },
        actor=actor,
        status_code=status_code,
    )


@router.get("/cases/new")
def new_case_form(
    request: Request, session: SessionDep, rules: RulesDep, actor: PageActorDep
) -> Response:
    """The form of a new case (archivist, admin), in the creator's unit unless they choose."""
    actor.require(Permission.create_case)
    values = {"customer_kind": "person", "business_type": "new"}
    return _new_case_page(
        request, actor, session=session, rules=rules, values=values, ticked=[], problems=[]
    )


def case_body_from_form(values: dict[str, str]) -> dict[str, Any]:
    """The body of ``POST /cases`` that a filled-in new-case form stands for."""
    person = values.get("customer_kind", "person") != "organisation"
    customer = {
        "name": values.get("customer_name", ""),
        "id_number": values.get("customer_id_number") if person else None,
        "credit_code": None if person else values.get("customer_credit_code"),
        "address": values.get("customer_address", ""),
        "phone": values.get("customer_phone", ""),
    }
    legal = None
    if not person and (values.get("legal_name") or values.get("legal_id_number")):
        legal = {"name": values.get("legal_name", ""), "id_number": values.get("legal_id_number")}
    return {
        "case_no": values.get("case_no", "").strip(),
        "category": values.get("category", ""),
        "business_type": values.get("business_type", ""),
        "capacity_kva": values.get("capacity_kva", ""),
        "accepted_on": values.get("accepted_on") or None,
        "customer": customer,
        "legal_representative": legal,
        "unit": values.get("unit") or None,
    }


@router.post("/cases/new")
async def new_case(
    request: Request, session: SessionDep, rules: RulesDep, actor: PageActorDep
) -> Response:
    """Create the case with the same service as ``POST /api/v1/cases`` (the facts ticked, the
    first stage assigned by the rules' duties), or show what is wrong."""
    actor.require(Permission.create_case)
    form = await request.form()
    check_csrf(request, str(form.get(CSRF_FIELD, "")))
    values = {k: str(v).strip() for k, v in form.items() if k not in (CSRF_FIELD, "fact")}
    ticked = [str(name) for name in form.getlist("fact")]
    again = partial(_new_case_page, request, actor, session=session, rules=rules)
    body = {**case_body_from_form(values), "facts": dict.fromkeys(ticked, True)}
    try:
        data = CaseCreate.model_validate(body)
    except pydantic.ValidationError as error:
        return await run_in_threadpool(
            again, values=values, ticked=ticked, problems=problems_zh(error), status_code=422
        )
    try:
        case = await run_in_threadpool(create_case, session, data=data, actor=actor, rules=rules)
        await run_in_threadpool(session.commit)
    except (ValidationError, ConflictError, ForbiddenError) as error:
        session.rollback()
        status = {ConflictError: 409, ForbiddenError: 403}.get(type(error), 422)
        return await run_in_threadpool(
            again,
            values=values,
            ticked=ticked,
            problems=[error.message_zh or "登记信息不符合要求：请核对后重新提交"],
            status_code=status,
        )
    return RedirectResponse(f"/cases/{case.case_no}", status_code=303)
