"""The audit page (auditor, admin): events filtered by case, user, action and date."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api._input import Offset
from api.deps import AuditKeyDep, PageActorDep, SessionDep, StoreDep
from api.web._changes import change_rows
from api.web.render import PageRoute, optional_date, render
from archive import (
    AUDIT_ACTIONS_ZH,
    SYSTEM,
    AuditEvent,
    AuditFilter,
    Case,
    Document,
    Permission,
    query_events,
    verify_audit,
)
from archive.db import Customer

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 50


def _day_start(day: dt.date | None) -> dt.datetime | None:
    """Midnight at the start of ``day`` in the server's local time zone."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time()).astimezone()


OBJECT_KINDS_ZH = {"case": "案件", "document": "资料", "user": "用户", "token": "令牌"}


def object_names(session: Session, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """What each event acted on, by name: a document by its file name and case, a case by its
    number and customer (not a bare id)."""
    names: dict[tuple[str, str], str] = {}
    document_ids = {e.entity_id for e in events if e.entity_type == "document"}
    for doc_id, filename, case_no in session.execute(
        select(Document.id, Document.original_filename, Case.case_no)
        .join(Case, Document.case_id == Case.id)
        .where(Document.id.in_(document_ids))
    ):
        names["document", doc_id] = f"{filename or '资料'}（案件 {case_no}）"
    case_nos = {e.entity_id for e in events if e.entity_type == "case"}
    for case_no, customer in session.execute(
        select(Case.case_no, Customer.name)
        .join(Customer, Case.customer_id == Customer.id)
        .where(Case.case_no.in_(case_nos))
    ):
        names["case", case_no] = f"{case_no} {customer}"
    return {
        (e.entity_type, e.entity_id): f"{OBJECT_KINDS_ZH.get(e.entity_type, '对象')} "
        + names.get((e.entity_type, e.entity_id), e.entity_id)
        for e in events
    }


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    store: StoreDep,
    key: AuditKeyDep,
    actor: PageActorDep,
    case_no: Annotated[str, Query(max_length=64)] = "",
    user: Annotated[str, Query(max_length=200)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    offset: Offset = 0,
    verify: bool = False,
    system: Annotated[str, Query(max_length=1)] = "",
) -> Response:
    """Audit events, newest first; ``until`` includes the whole of that day; the system's own
    events (intake, checks re-run) only when asked for."""
    actor.require(Permission.read_audit)
    first_day = optional_date(since, label="起始日期")
    last_day = optional_date(until, label="截止日期")
    where = AuditFilter(
        case_no=case_no.strip() or None,
        actor=user.strip() or None,
        action=action or None,
        since=_day_start(first_day),
        until=_day_start(last_day + dt.timedelta(days=1)) if last_day else None,
        limit=PAGE_SIZE,
        offset=offset,
        without_actors=() if system else (SYSTEM.name,),
    )
    total, events = query_events(session, where=where, actor=actor)
    names = object_names(session, events)
    rows = [
        {
            "event": event,
            "actor": "系统" if event.actor == SYSTEM.name else event.actor,
            "action_label": AUDIT_ACTIONS_ZH.get(event.action, event.action),
            "object": names.get((event.entity_type, event.entity_id), event.entity_id),
            "changes": change_rows(event.before, event.after),
        }
        for event in events
    ]
    return render(
        request,
        "audit.html",
        {
            "rows": rows,
            "total": total,
            "actions": {
                code: AUDIT_ACTIONS_ZH.get(code, code)
                for code in session.scalars(
                    select(AuditEvent.action).distinct().order_by(AuditEvent.action)
                )
            },
            "filters": {
                "case_no": case_no,
                "user": user,
                "action": action,
                "since": since,
                "until": until,
                "system": system,
            },
            "offset": offset,
            "page_size": PAGE_SIZE,
            "chain": verify_audit(session, store=store, key=key) if verify else None,
        },
        actor=actor,
    )
