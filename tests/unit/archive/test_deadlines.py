"""Working days with Chinese public holidays and make-up days, and stage due dates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from archive import (
    CalendarRangeError,
    Case,
    add_working_days,
    current_due,
    is_working_day,
    load_rule_book,
    overdue_cases,
    rule_set_for,
    stage_due,
    working_days_between,
)
from archive._deadlines import holidays_known
from core import CHINA
from tests.unit.archive.rules.test_rules_cases import make_case, open_session

D = dt.date


def test_spring_festival_2025_holidays_and_make_up_days() -> None:
    # 2025 春节: 1月28日–2月4日 off; Sunday 1月26日 and Saturday 2月8日 are working days.
    assert is_working_day(D(2025, 1, 26)) is True
    assert is_working_day(D(2025, 2, 8)) is True
    assert not any(is_working_day(D(2025, 1, 28) + dt.timedelta(days=n)) for n in range(8))
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)  # Friday → make-up Sunday
    assert add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)  # over the festival
    assert add_working_days(D(2025, 1, 27), 4) == D(2025, 2, 8)  # the make-up Saturday counts
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 10)) == 7


def test_national_day_2025_holidays_and_make_up_days() -> None:
    # 2025 国庆/中秋: 10月1日–8日 off; Sunday 9月28日 and Saturday 10月11日 are working days.
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 9, 30), 3) == D(2025, 10, 11)
    assert add_working_days(D(2025, 9, 30), 4) == D(2025, 10, 13)
    assert working_days_between(D(2025, 10, 13), D(2025, 9, 30)) == -4


def test_zero_days_is_the_start_and_backwards_is_refused() -> None:
    assert add_working_days(D(2025, 3, 3), 0) == D(2025, 3, 3)
    assert working_days_between(D(2025, 3, 3), D(2025, 3, 3)) == 0
    with pytest.raises(ValueError, match="forward only"):
        add_working_days(D(2025, 3, 3), -1)


def test_a_date_beyond_the_calendar_is_a_clear_error() -> None:
    with pytest.raises(CalendarRangeError, match=r"no data for 2099-01-01.*upgrade the"):
        is_working_day(D(2099, 1, 1))


def test_past_the_announced_holidays_monday_to_friday_count() -> None:
    # chinesecalendar 1.11.0 knows 2026, not 2027: 1 January 2027 (a Friday) counts as working.
    assert holidays_known(D(2026, 1, 1), D(2026, 12, 31)) is True
    assert holidays_known(D(2026, 12, 30), D(2027, 1, 4)) is False
    assert holidays_known(D(2003, 12, 30), D(2004, 1, 4)) is False
    assert add_working_days(D(2026, 12, 30), 3) == D(2027, 1, 4)
    assert add_working_days(D(2027, 3, 5), 1) == D(2027, 3, 8)
    assert working_days_between(D(2026, 12, 31), D(2027, 1, 11)) == 7


def test_a_due_date_past_the_announced_holidays_is_an_estimate(database_url: str) -> None:
    book = load_rule_book()
    with open_session(database_url) as session:
        case = make_case(session)  # residential: application has 2 working days
        case.stage_entered_at = dt.datetime(2026, 12, 30, 9, tzinfo=CHINA)
        rule_set = rule_set_for(book, case)
        due = stage_due(case, rule_set=rule_set, today=D(2027, 1, 6))
        assert due is not None
        assert (due.due_on, due.overdue, due.days_over, due.holidays_known) == (
            D(2027, 1, 1),
            True,
            3,
            False,
        )
        shown = current_due(case, rule_set=rule_set, today=D(2027, 1, 6))
        assert shown is not None
        assert (shown.holidays_known, shown.note) == (False, "节假日安排未公布，按周一至周五估算")
        case.stage_entered_at = dt.datetime(2026, 12, 1, 9, tzinfo=CHINA)
        known = current_due(case, rule_set=rule_set, today=D(2026, 12, 2))
        assert known is not None
        assert (known.due_on, known.days_left, known.holidays_known, known.note) == (
            D(2026, 12, 3),
            1,
            True,
            None,
        )


def test_the_due_date_of_a_stage_counts_working_days_from_entry(database_url: str) -> None:
    book = load_rule_book()
    with open_session(database_url) as session:
        case = make_case(session)  # residential: application has 2 working days
        # Entered on Friday 24 January 2025, 09:00 in China (01:00 UTC).
        case.stage_entered_at = dt.datetime(2025, 1, 24, 9, tzinfo=CHINA)
        rule_set = rule_set_for(book, case)
        due = stage_due(case, rule_set=rule_set, today=D(2025, 1, 26))
        assert due is not None
        assert (due.entered_on, due.time_limit_days, due.due_on) == (
            D(2025, 1, 24),
            2,
            D(2025, 1, 27),
        )
        assert (due.days_left, due.overdue, due.days_over) == (1, False, 0)
        late = stage_due(case, rule_set=rule_set, today=D(2025, 2, 6))
        assert late is not None
        assert (late.days_left, late.overdue, late.days_over) == (0, True, 2)
        case.stage = "archived"
        assert stage_due(case, rule_set=rule_set, today=D(2025, 2, 6)) is None


def test_entry_late_in_the_evening_utc_is_the_next_day_in_china(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        case.stage_entered_at = dt.datetime(2025, 3, 3, 17, tzinfo=dt.UTC)  # 01:00 on the 4th
        due = stage_due(case, rule_set=rule_set_for(load_rule_book(), case), today=D(2025, 3, 4))
        assert due is not None
        assert (due.entered_on, due.due_on) == (D(2025, 3, 4), D(2025, 3, 6))


def test_overdue_cases_are_listed_with_their_days_over(database_url: str) -> None:
    with open_session(database_url) as session:
        late = make_case(session, case_no="LATE")  # residential application: 2 working days
        late.stage_entered_at = dt.datetime(2025, 9, 24, 9, tzinfo=CHINA)  # due 26 September
        later = make_case(session, case_no="LATER", category="low_voltage")  # 1 working day
        later.stage_entered_at = dt.datetime(2025, 9, 22, 9, tzinfo=CHINA)  # due 23 September
        on_time = make_case(session, case_no="ON-TIME")
        on_time.stage_entered_at = dt.datetime(2025, 10, 9, 9, tzinfo=CHINA)
        done = make_case(session, case_no="DONE")
        done.stage = "archived"
        # Accepted before the first rule version: no time limit to be late against.
        old = make_case(session, case_no="OLD", accepted_on=D(2019, 5, 6))
        old.stage_entered_at = dt.datetime(2019, 5, 6, 9, tzinfo=CHINA)
        session.flush()
        listed = overdue_cases(session, book=load_rule_book(), today=D(2025, 10, 10))
        # Working days after 26 September up to 10 October: 28 (make-up Sunday), 29, 30
        # September, 9 and 10 October; after 23 September also 24, 25 and 26 September.
        assert [(o.case_no, o.due.due_on, o.due.days_over) for o in listed] == [
            ("LATER", D(2025, 9, 23), 8),
            ("LATE", D(2025, 9, 26), 5),
        ]
        residential = select(Case).where(Case.category == "residential")
        among = overdue_cases(
            session, book=load_rule_book(), today=D(2025, 10, 10), among=residential
        )
        assert [o.case.case_no for o in among] == ["LATE"]
