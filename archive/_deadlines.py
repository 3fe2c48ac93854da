"""Time limits in working days (工作日): Chinese public holidays and make-up days respected.

The calendar comes from the ``chinesecalendar`` package, which knows the State Council's
holiday arrangements year by year (a Saturday made a working day 调休 counts as working).
It only knows the years already announced. ``is_working_day`` refuses a date outside them
(CalendarRangeError); due dates instead count Monday to Friday as working days there and
say so (``holidays_known`` false, with ESTIMATE_NOTE_ZH shown to the reader), because a
case must not stop being listed when its time limit runs into the next year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

from archive._errors import ArchiveError
from archive.db._models import Case
from archive.rules._loader import case_facts
from archive.rules._model import RuleSet
from core import CHINA

ESTIMATE_NOTE_ZH = "节假日安排未公布，按周一至周五估算"
"""Shown beside a due date counted past the years whose holidays are known."""


class CalendarRangeError(ArchiveError):
    """A date lies outside the years the holiday calendar knows."""


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day (make-up Saturdays included, holidays excluded)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarRangeError(
            f"the holiday calendar has no data for {day.isoformat()} ({exc}); upgrade the "
            "chinesecalendar package once the State Council publishes that year's holidays"
        ) from exc


def holidays_known(start: dt.date, end: dt.date) -> bool:
    """Whether the calendar knows the holidays of every day from ``start`` to ``end``.

    The calendar covers whole consecutive years, so the two ends decide.
    """
    return _known(start) and _known(end)


def _known(day: dt.date) -> bool:
    try:
        is_working_day(day)
    except CalendarRangeError:
        return False
    return True


def _counts_as_working(day: dt.date) -> bool:
    """A working day as announced, or Monday to Friday where no holidays are announced."""
    try:
        return is_working_day(day)
    except CalendarRangeError:
        return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count).

    Past the calendar's years, Monday to Friday count: see ``holidays_known``.
    """
    if days < 0:
        raise ValueError("count working days forward only")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if _counts_as_working(day):
            remaining -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end``; negative if ``end`` is earlier.

    Past the calendar's years, Monday to Friday count: see ``holidays_known``.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        count += _counts_as_working(day)
    return count


@dataclass(frozen=True)
class StageDue:
    """The time limit of the stage a case is in, and where the case stands against it.

    ``holidays_known`` is false when the count runs past the years whose holidays are
    announced: the dates are then an estimate counting Monday to Friday.
    """

    stage: str
    entered_on: dt.date
    time_limit_days: int
    due_on: dt.date
    days_left: int
    overdue: bool
    days_over: int
    holidays_known: bool


def stage_due(case: Case, *, rule_set: RuleSet, today: dt.date) -> StageDue | None:
    """The due date of the case's current stage; None if that stage has no time limit."""
    facts = case_facts(case)
    flow = rule_set.flow_for(case.category, case.business_type)
    rules = next((s for s in flow.stages_for(facts) if s.stage == case.stage), None)
    limit = rules.time_limit(facts) if rules is not None else None
    if limit is None:
        return None
    entered_on = case.stage_entered_at.astimezone(CHINA).date()
    due_on = add_working_days(entered_on, limit)
    overdue = today > due_on
    return StageDue(
        stage=case.stage,
        entered_on=entered_on,
        time_limit_days=limit,
        due_on=due_on,
        days_left=max(working_days_between(today, due_on), 0),
        overdue=overdue,
        days_over=working_days_between(due_on, today) if overdue else 0,
        holidays_known=holidays_known(min(entered_on, today), max(due_on, today)),
    )
