"""The start page (工作台): for each role, the work waiting for it — archivists the cases
lacking documents and the failed intakes, reviewers the cases ready to check, the findings to
resolve and what falls due soon, auditors the latest actions and overrides, the keeper the
loans to decide, the cases ready to archive, what is due for appraisal this year and a failed
check of the stored archive (the worker's daily 四性检测, until a run passes); and everyone
the stages they answer for that fall due within ``YEKUO_REMINDER_DAYS`` working days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.deps import ArchiveNumbersDep, NowDep, PageActorDep, RulesDep, SessionDep, SettingsDep
from api.web.cases import worklist_link
from api.web.render import PageRoute, render
from archive import (
    AUDIT_ACTIONS_ZH,
    SYSTEM,
    Actor,
    ArchiveNumberPattern,
    AuditFilter,
    LoanStatus,
    Permission,
    RuleBook,
    Stage,
    due_for,
    due_for_appraisal,
    last_stored_check,
    list_cases,
    list_loans,
    loan_public,
    query_events,
    today_in_china,
)

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SHOWN = 8
"""Cases or events per panel; each panel links to the whole list."""


@dataclass(frozen=True)
class Panel:
    """One panel of cases on the start page: who sees it and which worklist view it shows."""

    permission: Permission
    title: str
    filters: dict[str, Any]
    empty: str
    due_soon_only: bool = False
    """Only the cases due within the reminder's working days (or overdue)."""

    def filters_for(self, *, due_soon_days: int) -> dict[str, Any]:
        """The worklist filters of the panel, the reminder's days filled in."""
        if not self.due_soon_only:
            return self.filters
        return {**self.filters, "due_within": due_soon_days}


def panel_link(filters: dict[str, Any]) -> str:
    """The whole worklist view behind a panel."""
    return worklist_link(
        {name: "1" if value is True else str(value) for name, value in filters.items()}
    )


PANELS = (
    Panel(
        Permission.upload,
        "缺资料的案件",
        {"has_missing": True, "sort": "due"},
        "没有缺资料的案件。",
    ),
    Panel(Permission.upload, "识别失败的资料", {"intake_failed": True}, "没有识别失败的资料。"),
    Panel(Permission.check, "资料已齐待核对", {"ready": True, "sort": "due"}, "没有待核对的案件。"),
    Panel(
        Permission.check, "有问题待处理", {"has_errors": True, "sort": "due"}, "没有待处理的问题。"
    ),
    Panel(
        Permission.check,
        "即将到期或已超期",
        {"sort": "due"},
        "近期没有到期的案件。",
        due_soon_only=True,
    ),
    Panel(
        Permission.lend,
        "待归档的案件",
        {"stage": Stage.connection, "ready": True, "sort": "due"},
        "没有资料已齐、待归档的案件。",
    ),
)


def _case_panels(
    session: Session, rules: RuleBook, actor: Actor, *, due_soon_days: int
) -> list[dict[str, Any]]:
    shown = []
    for panel in PANELS:
        if not actor.can(panel.permission):
            continue
        filters = panel.filters_for(due_soon_days=due_soon_days)
        found = list_cases(
            session, actor=actor, rules=rules, today=today_in_china(), limit=SHOWN, **filters
        )
        shown.append(
            {
                "panel": panel,
                "cases": found.cases,
                "total": found.total,
                "link": panel_link(filters),
            }
        )
    return shown


def _events(session: Session, actor: Actor, *, action: str | None = None) -> list[dict[str, Any]]:
    where = AuditFilter(action=action, limit=SHOWN, without_actors=(SYSTEM.name,))
    _, events = query_events(session, where=where, actor=actor)
    return [{"event": e, "label": AUDIT_ACTIONS_ZH.get(e.action, e.action)} for e in events]


def _keeper_panels(
    session: Session,
    rules: RuleBook,
    numbers: ArchiveNumberPattern,
    actor: Actor,
    now: dt.datetime,
) -> dict[str, Any]:
    """What waits for the keeper beside the cases: loans to decide, due for appraisal, the last
    check of the stored archive when it failed."""
    if not actor.can(Permission.lend):
        return {"keeper": None}
    loans = [loan_public(loan, now=now) for loan in list_loans(session, actor=actor)]
    waiting = [loan for loan in loans if loan.status is LoanStatus.requested]
    year = today_in_china().year
    due = due_for_appraisal(session, year=year, book=rules, pattern=numbers, actor=actor)
    check = last_stored_check(session)
    shown = {
        "loans": waiting[:SHOWN],
        "loans_total": len(waiting),
        "due": due,
        "year": year,
        "stored_check": check if check is not None and not check.passed else None,
    }
    return {"keeper": shown}


@router.get("/")
def home(
    request: Request,
    session: SessionDep,
    rules: RulesDep,
    settings: SettingsDep,
    numbers: ArchiveNumbersDep,
    now: NowDep,
    actor: PageActorDep,
) -> Response:
    """工作台: the work waiting for the signed-in role (sign-in first when signed out), and
    the stages the signed-in person answers for that fall due soon."""
    actor.require(Permission.read)
    audit = actor.can(Permission.read_audit)
    days = settings.reminder_days
    total, mine = due_for(
        session, actor=actor, within_days=days, today=today_in_china(), limit=SHOWN
    )
    return render(
        request,
        "home.html",
        {
            "mine": mine if actor.username is not None else None,
            "mine_total": total,
            "reminder_days": days,
            "panels": _case_panels(session, rules, actor, due_soon_days=days),
            "recent": _events(session, actor) if audit else [],
            "overrides": _events(session, actor, action="case.override") if audit else [],
            **_keeper_panels(session, rules, numbers, actor, now),
        },
        actor=actor,
    )
