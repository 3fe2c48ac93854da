"""Reminders: the open stages a person answers for that fall due within a few working days
(or are past due), for their start page."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._auth import Actor
from archive._deadlines import add_working_days, working_days_between
from archive._scope import scoped_cases
from archive._vocabulary import Stage
from archive.db._models import Case, StageDuty, User


class DutyReminder(BaseModel):
    """A case whose current stage, held by the reader, falls due soon or is overdue."""

    case_no: str
    customer_name: str
    stage: Stage
    due_on: dt.date
    working_days_left: int = Field(description="Negative: working days over")


def due_for(
    session: Session, *, actor: Actor, within_days: int, today: dt.date, limit: int
) -> tuple[int, list[DutyReminder]]:
    """The open stages ``actor`` answers for that are due within ``within_days`` working days
    of ``today`` or overdue, most urgent first: how many, and the first ``limit``."""
    if actor.username is None:
        return 0, []
    horizon = add_working_days(today, within_days)
    query = (
        select(StageDuty.stage, StageDuty.due_on, Case)
        .join(Case, Case.id == StageDuty.case_id)
        .join(User, User.id == StageDuty.user_id)
        .where(
            StageDuty.left_at.is_(None),
            StageDuty.due_on <= horizon,
            User.username == actor.username,
            Case.archived_at.is_(None),
        )
        .order_by(StageDuty.due_on, Case.case_no)
    )
    rows = session.execute(scoped_cases(session, query, actor=actor)).all()
    reminders = [
        DutyReminder(
            case_no=case.case_no,
            customer_name=case.customer.name,
            stage=Stage(stage),
            due_on=due_on,
            working_days_left=working_days_between(today, due_on),
        )
        for stage, due_on, case in rows[:limit]
        if due_on is not None  # the query keeps stays with a due date
    ]
    return len(rows), reminders
