"""The audit page (auditor, admin): events filtered by case, user, action and date."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select

from api._input import Offset
from api.deps import AuditKeyDep, PageActorDep, SessionDep, StoreDep
from api.web.render import PageRoute, optional_date, render
from archive import AuditEvent, AuditFilter, Permission, query_events, verify_audit

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PAGE_SIZE = 50

ACTIONS_ZH = {
    "case.create": "新建案件",
    "document.upload": "上传资料",
    "case.archived": "归档",
    "case.reopened": "重新开启已归档案件",
    "token.create": "创建令牌",
    "token.revoke": "吊销令牌",
    "user.create": "创建用户",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "user.update": "修改用户角色或单位",
    "user.password_reset": "重置密码",
    "user.password_changed": "修改密码",
    "user.locked": "账号锁定",
}


def _day_start(day: dt.date | None) -> dt.datetime | None:
    """Midnight at the start of ``day`` in the server's local time zone."""
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time()).astimezone()


def _pretty(value: dict[str, Any] | None) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=2)


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
) -> Response:
    """Audit events, newest first; ``until`` includes the whole of that day."""
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
    )
    total, events = query_events(session, where=where)
    rows = [
        {
            "event": event,
            "action_label": ACTIONS_ZH.get(event.action, event.action),
            "before": _pretty(event.before),
            "after": _pretty(event.after),
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
                code: ACTIONS_ZH.get(code, code)
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
            },
            "offset": offset,
            "page_size": PAGE_SIZE,
            "chain": verify_audit(session, store=store, key=key) if verify else None,
        },
        actor=actor,
    )
