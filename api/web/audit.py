"""The audit page (auditor, admin): events filtered by case, document, user, action and date;
the same view as CSV (``format=csv``), its export audited."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api._input import Offset
from api.deps import AuditKeyDep, PageActorDep, SessionDep, StoreDep
from api.web._events import document_entities, event_rows, events_csv
from api.web.render import PageRoute, optional_date, render
from archive import (
    AUDIT_ACTIONS_ZH,
    SYSTEM,
    Actor,
    AuditEvent,
    AuditFilter,
    Permission,
    get_document,
    query_events,
    record_event,
    verify_audit,
)
from core import CHINA

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
"""The most events one CSV export holds (narrow the dates for more)."""


def _day_start(day: dt.date | None) -> dt.datetime | None:
    """Midnight at the start of ``day`` in the server's local time zone."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time()).astimezone()


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    store: StoreDep,
    key: AuditKeyDep,
    actor: PageActorDep,
    case_no: Annotated[str, Query(max_length=64)] = "",
    document: Annotated[str, Query(max_length=32)] = "",
    user: Annotated[str, Query(max_length=200)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
    offset: Offset = 0,
    verify: bool = False,
    system: Annotated[str, Query(max_length=1)] = "",
    format: Literal["", "csv"] = "",
) -> Response:
    """Audit events, newest first; ``until`` includes the whole of that day; the system's own
    events (intake, checks re-run) only when asked for; ``format=csv`` exports them all."""
    actor.require(Permission.read_audit)
    first_day = optional_date(since, label="起始日期")
    last_day = optional_date(until, label="截止日期")
    filters = {
        "case_no": case_no.strip(),
        "document": document.strip(),
        "user": user.strip(),
        "action": action,
        "since": since,
        "until": until,
        "system": system,
    }
    entities = (
        document_entities(get_document(session, document_id=filters["document"], actor=actor))
        if filters["document"]
        else ()
    )
    where = AuditFilter(
        case_no=filters["case_no"] or None,
        actor=filters["user"] or None,
        action=action or None,
        since=_day_start(first_day),
        until=_day_start(last_day + dt.timedelta(days=1)) if last_day else None,
        limit=EXPORT_LIMIT if format == "csv" else PAGE_SIZE,
        offset=0 if format == "csv" else offset,
        without_actors=() if system else (SYSTEM.name,),
        entities=entities,
    )
    total, events = query_events(session, where=where, actor=actor)
    rows = event_rows(session, events)
    if format == "csv":
        return export_csv(session, rows, filters=filters, actor=actor)
    return render(
        request,
        "audit.html",
        {
            "rows": rows,
            "total": total,
            "actions": _actions(session),
            "filters": filters,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "chain": verify_audit(session, store=store, key=key) if verify else None,
        },
        actor=actor,
    )


def _actions(session: Session) -> dict[str, str]:
    return {
        code: AUDIT_ACTIONS_ZH.get(code, code)
        for code in session.scalars(
            select(AuditEvent.action).distinct().order_by(AuditEvent.action)
        )
    }


def export_csv(
    session: Session, rows: list[dict[str, object]], *, filters: dict[str, str], actor: Actor
) -> Response:
    """The filtered events as a CSV download; the export itself is an audit event."""
    record_event(
        session,
        actor=actor,
        action="audit.exported",
        entity_type="audit",
        entity_id="csv",
        after={
            **{name: value for name, value in filters.items() if value and name != "system"},
            "system": bool(filters["system"]),
            "events": len(rows),
        },
    )
    session.commit()
    stamp = dt.datetime.now(CHINA).strftime("%Y%m%d-%H%M")
    return Response(
        events_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )
