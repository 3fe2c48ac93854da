"""考核 of timeliness: per person, unit and month, the stages left on time and late.

A stay counts in the month (China time) it was left, against the time limit and due date
fixed when it was entered (working days, ``archive._deadlines``); a stage still open is not
counted yet (the start page and the worklist show it once it is overdue). One query reads
the stays of the month and of the eleven before it, for the trend.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._auth import Actor
from archive._deadlines import working_days_between
from archive._duties import china_date
from archive._errors import ValidationError
from archive._scope import require_unit_in_scope, scoped_cases
from archive._unit_tree import unit_tree
from archive._units import known_unit
from archive._vocabulary import Stage
from archive.db._models import Case, StageDuty
from core import CHINA, today_in_china

TREND_MONTHS = 12
"""Months the trend shows, the report's month last."""

_MONTH = re.compile(r"(\d{4})-(\d{2})")


class TimelinessCount(BaseModel):
    """Stages left on time and late."""

    on_time: int = 0
    late: int = 0

    @property
    def total(self) -> int:
        """Stages counted."""
        return self.on_time + self.late


class PersonTimeliness(TimelinessCount):
    """One person's stages (or, with no ``username``, a post nobody held in a unit)."""

    username: str | None
    display_name: str | None
    post: str | None = Field(description="The post, for a stage nobody held")
    unit: str | None


class UnitTimeliness(TimelinessCount):
    """One unit's stages."""

    unit: str
    unit_name: str


class MonthTimeliness(TimelinessCount):
    """One month of the trend."""

    month: str = Field(description="YYYY-MM")


class LateStep(BaseModel):
    """A stage left after its due date, and who answered for it."""

    case_no: str
    stage: Stage
    post: str | None
    unit: str | None
    username: str | None
    display_name: str | None
    entered_on: dt.date
    left_on: dt.date
    time_limit_days: int
    due_on: dt.date
    working_days: int
    days_over: int = Field(description="Working days past the due date")


class TimelinessReport(TimelinessCount):
    """Answer of ``GET /reports/timeliness``: the month's totals, per person and unit, the
    late steps, and the trend of the twelve months up to it."""

    month: str
    unit: str | None
    people: list[PersonTimeliness]
    units: list[UnitTimeliness]
    late_steps: list[LateStep]
    trend: list[MonthTimeliness]


@dataclass(frozen=True)
class _Counted:
    stay: StageDuty
    case_no: str
    left_on: dt.date

    @property
    def late(self) -> bool:
        return self.stay.due_on is not None and self.left_on > self.stay.due_on


def parse_month(text: str | None) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month); the current month in China when empty."""
    if not text:
        today = today_in_china()
        return today.year, today.month
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(f"month {text!r} is not YYYY-MM, e.g. 2025-10")
    return int(match.group(1)), int(match.group(2))


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def _start(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 1, tzinfo=CHINA)


def timeliness_report(
    session: Session, *, month: str | None, unit: str | None, actor: Actor
) -> TimelinessReport:
    """The 考核 report of ``month`` (default this one) for ``unit`` and the units under it
    (default every unit ``actor`` sees); ValidationError for a bad month or unknown unit."""
    year, number = parse_month(month)
    tree = unit_tree(session)
    units: frozenset[str] | None = None
    if unit:
        known_unit(session, unit)
        require_unit_in_scope(session, actor=actor, code=unit)
        units = tree.subtree(unit)
    first = _shift(year, number, 1 - TREND_MONTHS)
    query = (
        select(StageDuty, Case.case_no)
        .join(Case, Case.id == StageDuty.case_id)
        .where(
            StageDuty.left_at >= _start(*first),
            StageDuty.left_at < _start(*_shift(year, number, 1)),
            StageDuty.due_on.is_not(None),
        )
        .order_by(StageDuty.left_at, StageDuty.id)
    )
    if units is not None:
        query = query.where(StageDuty.unit.in_(units))
    counted = [
        _Counted(stay=stay, case_no=case_no, left_on=china_date(stay.left_at))
        for stay, case_no in session.execute(scoped_cases(session, query, actor=actor))
        if stay.left_at is not None
    ]
    label = f"{year:04d}-{number:02d}"
    in_month = [c for c in counted if f"{c.left_on:%Y-%m}" == label]
    names = {code: u.name for code, u in tree.units.items()}
    return TimelinessReport(
        month=label,
        unit=unit or None,
        **_tally(in_month).model_dump(),
        people=_people(in_month),
        units=_units(in_month, names),
        late_steps=[_late_step(c) for c in in_month if c.late],
        trend=_trend(counted, first=first),
    )


def _tally(counted: Iterable[_Counted]) -> TimelinessCount:
    count = TimelinessCount()
    for item in counted:
        if item.late:
            count.late += 1
        else:
            count.on_time += 1
    return count


def _people(counted: list[_Counted]) -> list[PersonTimeliness]:
    groups: dict[tuple[str, str, str], list[_Counted]] = {}
    for item in counted:
        stay = item.stay
        key = (
            (stay.user.username, "", "")
            if stay.user is not None
            else ("", stay.post or "", stay.unit or "")
        )
        groups.setdefault(key, []).append(item)
    people = []
    for (username, post, unit), items in groups.items():
        user = items[0].stay.user
        people.append(
            PersonTimeliness(
                username=username or None,
                display_name=user.display_name if user is not None else None,
                post=post or None,
                unit=(user.unit if user is not None else unit) or None,
                **_tally(items).model_dump(),
            )
        )
    return sorted(people, key=lambda p: (-p.late, -p.total, p.username or "~", p.post or ""))


def _units(counted: list[_Counted], names: dict[str, str]) -> list[UnitTimeliness]:
    groups: dict[str, list[_Counted]] = {}
    for item in counted:
        groups.setdefault(item.stay.unit or "", []).append(item)
    return [
        UnitTimeliness(unit=code, unit_name=names.get(code, code), **_tally(items).model_dump())
        for code, items in sorted(groups.items())
    ]


def _late_step(item: _Counted) -> LateStep:
    stay = item.stay
    # Counted stays have both (the query keeps those with a due date, set with the limit).
    assert stay.due_on is not None
    assert stay.time_limit_days is not None
    entered_on = china_date(stay.entered_at)
    return LateStep(
        case_no=item.case_no,
        stage=Stage(stay.stage),
        post=stay.post,
        unit=stay.unit,
        username=stay.user.username if stay.user else None,
        display_name=stay.user.display_name if stay.user else None,
        entered_on=entered_on,
        left_on=item.left_on,
        time_limit_days=stay.time_limit_days,
        due_on=stay.due_on,
        working_days=working_days_between(entered_on, item.left_on),
        days_over=working_days_between(stay.due_on, item.left_on),
    )


def _trend(counted: list[_Counted], *, first: tuple[int, int]) -> list[MonthTimeliness]:
    by_month: dict[str, list[_Counted]] = {}
    for item in counted:
        by_month.setdefault(f"{item.left_on:%Y-%m}", []).append(item)
    months = [_shift(*first, by) for by in range(TREND_MONTHS)]
    return [
        MonthTimeliness(month=label, **_tally(by_month.get(label, [])).model_dump())
        for label in (f"{y:04d}-{m:02d}" for y, m in months)
    ]
