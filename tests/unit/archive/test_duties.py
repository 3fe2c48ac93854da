"""Stage duties: assigned on entry by post and unit, changed and audited; the 考核 report
against hand-computed working days over October 2025 (国庆 1–8 October, 11 October a
make-up working Saturday)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from archive import (
    SYSTEM,
    Actor,
    AuditEvent,
    CaseCreate,
    DutyUpdate,
    Role,
    Stage,
    ValidationError,
    advance_case,
    assign_post,
    case_stages,
    change_duty,
    create_case,
    create_unit,
    create_user,
    load_rule_book,
    rule_set_for,
    timeliness_report,
    timeliness_workbook,
)
from archive._duties import enter_stage
from archive.db._models import Case, StageDuty
from core import CHINA
from tests.unit.archive.rules.test_rules_cases import PERSON, open_session

BOOK = load_rule_book()
PASSWORD = "a long passphrase"


def duty_world(session: Session) -> None:
    """TOP → XC (县公司) → GDS01, GDS02 (供电所); a clerk at GDS01, metering at XC."""
    create_unit(session, code="XC", name="城关县公司", actor=SYSTEM)
    create_unit(session, code="GDS01", name="城关供电所", parent="XC", actor=SYSTEM)
    create_unit(session, code="GDS02", name="南关供电所", parent="XC", actor=SYSTEM)
    for username, name, unit in (
        ("li.yk", "李业扩", "GDS01"),
        ("zhao.jl", "赵计量", "XC"),
        ("wu.kh", "吴客户", "GDS01"),
    ):
        create_user(
            session,
            username=username,
            password=PASSWORD,
            role=Role.reviewer,
            display_name=name,
            unit=unit,
            actor=SYSTEM,
        )
    assign_post(session, unit="GDS01", post="clerk", username="li.yk", book=BOOK, actor=SYSTEM)
    assign_post(session, unit="XC", post="metering", username="zhao.jl", book=BOOK, actor=SYSTEM)


def duty_case(session: Session, case_no: str, *, category: str = "residential") -> Case:
    customer = dict(PERSON, address="城关镇1号")
    if category != "residential":
        customer = {"name": "城关商贸有限公司", "credit_code": "91350100M000100Y43"}
    return create_case(
        session,
        data=CaseCreate.model_validate(
            {
                "case_no": case_no,
                "category": category,
                "business_type": "new",
                "capacity_kva": 8 if category == "residential" else 50,
                "customer": customer,
                "legal_representative": None
                if category == "residential"
                else {"name": "王小明", "id_number": PERSON["id_number"]},
                "accepted_on": dt.date(2025, 9, 1),
                "unit": "GDS01",
            }
        ),
        actor=SYSTEM,
        rules=BOOK,
    )


def test_a_case_is_assigned_on_entry_to_whoever_holds_the_post(database_url: str) -> None:
    with open_session(database_url) as session:
        duty_world(session)
        case = duty_case(session, "YK-D1")
        first = case_stages(session, case).stays
        assert [(s.stage, s.post, s.unit, s.username) for s in first] == [
            (Stage.application, "clerk", "GDS01", "li.yk")
        ]
        assert first[0].time_limit_days == 2
        transition = advance_case(
            session,
            case,
            to=Stage.connection,
            override_reason="资料原件已核对",
            rule_set=rule_set_for(BOOK, case),
            actor=SYSTEM,
            book=BOOK,
        )
        stays = case_stages(session, case).stays
        assert stays[0].left_at == transition.at
        # Nobody holds 计量中心 at GDS01: the nearest unit above that has one answers.
        assert [(s.stage, s.post, s.unit, s.username, s.left_at) for s in stays[1:]] == [
            (Stage.connection, "metering", "XC", "zhao.jl", None)
        ]


def test_a_post_nobody_holds_waits_for_its_holder_and_a_reviewer_changes_it(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        duty_world(session)
        case = duty_case(session, "YK-D2", category="low_voltage")
        case.stage = Stage.supply_plan.value
        enter_stage(session, case, at=dt.datetime.now(dt.UTC), book=BOOK, rule_set=None)
        open_ = case_stages(session, case).stays[-1]
        assert (open_.post, open_.unit, open_.username) == ("account_manager", "GDS01", None)
        assign_post(
            session, unit="GDS01", post="account_manager", username="wu.kh", book=BOOK, actor=SYSTEM
        )
        assert case_stages(session, case).stays[-1].username == "wu.kh"
        reviewer = Actor(name="li.yk（李业扩）", role=Role.reviewer, unit="GDS01")
        change_duty(session, case, change=DutyUpdate(username="li.yk"), book=BOOK, actor=reviewer)
        assert case_stages(session, case).stays[-1].username == "li.yk"
        with pytest.raises(ValidationError, match="no user 'nobody'"):
            change_duty(
                session, case, change=DutyUpdate(username="nobody"), book=BOOK, actor=reviewer
            )
        with pytest.raises(ValidationError, match="post 'boss' is not declared"):
            change_duty(session, case, change=DutyUpdate(post="boss"), book=BOOK, actor=reviewer)
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.duty")).one()
        assert (event.before or {})["responsible"] == "wu.kh（吴客户）"
        assert event.after == {
            "stage": "supply_plan",
            "post": "客户经理",
            "unit": "GDS01",
            "responsible": "li.yk（李业扩）",
        }


def china_time(day: int, month: int = 10) -> dt.datetime:
    return dt.datetime(2025, month, day, 10, 0, tzinfo=CHINA)


def replace_stays(session: Session, case: Case, stays: list[tuple[Stage, dt.datetime]]) -> None:
    """Replace the case's stays: each stage entered at its time, the last one ends them."""
    session.execute(delete(StageDuty).where(StageDuty.case_id == case.id))
    rule_set = rule_set_for(BOOK, case)
    for stage, at in stays:
        case.stage = stage.value
        enter_stage(session, case, at=at, book=BOOK, rule_set=rule_set)


def seed_october(session: Session, prefix: str) -> list[Case]:
    """Four cases of October 2025 whose working days are counted by hand below."""
    a, b, c, d = (duty_case(session, f"{prefix}{n}") for n in range(1, 5))
    app, conn, done = Stage.application, Stage.connection, Stage.archived
    # Application (2 working days) from Tue 30 Sep: 1–8 Oct are holidays, due Fri 10 Oct.
    # Connection (3) from Fri 10 Oct: Sat 11 (make-up), Mon 13, Tue 14; left Fri 17: late 3.
    replace_stays(session, a, [(app, china_time(30, 9)), (conn, china_time(10)),
                               (done, china_time(17))])  # fmt: skip
    # Application from Thu 9 Oct: due Sat 11 (make-up day); left Mon 13: late 1.
    # Connection from Mon 13: due Thu 16, left Thu 16: on time.
    replace_stays(session, b, [(app, china_time(9)), (conn, china_time(13)),
                               (done, china_time(16))])  # fmt: skip
    # September: application from Mon 1 Sep, due Wed 3, left Fri 5: late (the trend).
    replace_stays(session, c, [(app, china_time(1, 9)), (conn, china_time(5, 9))])
    # Still in its stage: not counted.
    replace_stays(session, d, [(app, china_time(20))])
    return [a, b, c, d]


def test_the_timeliness_report_counts_working_days_across_the_national_day_holiday(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        duty_world(session)
        a = seed_october(session, "YK-T")[0]
        stays = {s.stage: s for s in case_stages(session, a).stays}
        assert stays[Stage.application].due_on == dt.date(2025, 10, 10)
        assert stays[Stage.connection].due_on == dt.date(2025, 10, 14)

        report = timeliness_report(session, month="2025-10", unit=None, actor=SYSTEM)
        assert (report.on_time, report.late) == (2, 2)
        people = [(p.username, p.on_time, p.late) for p in report.people]
        assert sorted(people) == [("li.yk", 1, 1), ("zhao.jl", 1, 1)]
        assert [(u.unit, u.on_time, u.late) for u in report.units] == [
            ("GDS01", 1, 1),
            ("XC", 1, 1),
        ]
        late = [
            (s.case_no, s.stage, s.username, s.due_on, s.left_on, s.working_days, s.days_over)
            for s in report.late_steps
        ]
        october = dt.date(2025, 10, 1)
        assert late == [
            ("YK-T2", Stage.application, "li.yk", october.replace(day=11),
             october.replace(day=13), 3, 1),
            ("YK-T1", Stage.connection, "zhao.jl", october.replace(day=14),
             october.replace(day=17), 6, 3),
        ]  # fmt: skip
        trend = {m.month: (m.on_time, m.late) for m in report.trend}
        assert len(report.trend) == 12
        assert report.trend[-1].month == "2025-10"
        assert (trend["2025-09"], trend["2025-10"], trend["2025-08"]) == ((0, 1), (2, 2), (0, 0))

        only_gds01 = timeliness_report(session, month="2025-10", unit="GDS01", actor=SYSTEM)
        assert (only_gds01.on_time, only_gds01.late) == (1, 1)
        other_unit = Actor(name="南关", role=Role.auditor, unit="GDS02")
        unseen = timeliness_report(session, month="2025-10", unit=None, actor=other_unit)
        assert (unseen.on_time, unseen.late, unseen.late_steps) == (0, 0, [])

        workbook = openpyxl.load_workbook(io.BytesIO(timeliness_workbook(report, book=BOOK)))
        rows = list(workbook["超时环节"].iter_rows(values_only=True))
        assert rows[0][:2] == ("案件编号", "环节")
        assert rows[1][:5] == ("YK-T2", "业务受理", "业扩员", "GDS01", "李业扩")
        assert rows[2][-1] == 3
        with pytest.raises(ValidationError, match="not YYYY-MM"):
            timeliness_report(session, month="2025-13", unit=None, actor=SYSTEM)
