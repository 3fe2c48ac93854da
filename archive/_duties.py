"""Stage duties: on entering a stage a case is assigned to the post (岗位) the rules name for
it, held by a person of its unit (or of the nearest unit above it that has one); nobody
holding it leaves the stage to the post alone. Each stay in a stage is kept with when it
began and ended and the time limit and due date fixed on entry, for the 考核 report.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._deadlines import add_working_days, working_days_between
from archive._duty_schemas import CaseStages, DutyUpdate, StageStayPublic, UnitPostPublic
from archive._errors import NotFoundError, ValidationError
from archive._read_only import ensure_open
from archive._scope import require_unit_in_scope, visible_units
from archive._unit_tree import unit_tree
from archive._units import known_unit
from archive._users import get_user, user_label
from archive._vocabulary import Stage
from archive.db._models import Case, StageDuty, UnitPost, User, utcnow
from archive.rules._loader import case_facts, rule_set_for
from archive.rules._model import RuleBook, RuleSet
from core import CHINA, today_in_china


def china_date(moment: dt.datetime) -> dt.date:
    """The date of ``moment`` in China (working days are counted in China)."""
    return moment.astimezone(CHINA).date()


def holder_of(session: Session, *, unit: str, post: str) -> tuple[str, User | None]:
    """The unit answering for ``post`` from ``unit`` and its holder: the nearest unit, from
    ``unit`` up, where an active user holds it; ``(unit, None)`` when none does."""
    path = unit_tree(session).path(unit)
    held = {
        p.unit: p.user
        for p in session.scalars(
            select(UnitPost).where(UnitPost.post == post, UnitPost.unit.in_(path))
        )
        if p.user.active
    }
    for code in reversed(path):
        if code in held:
            return code, held[code]
    return unit, None


def open_stay(session: Session, case: Case) -> StageDuty | None:
    """The stay of the case in its current stage (None for a case from before stays)."""
    return session.scalar(
        select(StageDuty)
        .where(StageDuty.case_id == case.id, StageDuty.left_at.is_(None))
        .order_by(StageDuty.id.desc())
    )


def enter_stage(
    session: Session,
    case: Case,
    *,
    at: dt.datetime,
    book: RuleBook | None,
    rule_set: RuleSet | None,
) -> StageDuty:
    """Close the case's open stay at ``at`` and open one in ``case.stage``, assigned by the
    duties of ``book`` (nobody without one) with the time limit of ``rule_set``."""
    session.execute(
        update(StageDuty)
        .where(StageDuty.case_id == case.id, StageDuty.left_at.is_(None))
        .values(left_at=at)
    )
    stay = StageDuty(case_id=case.id, stage=case.stage, entered_at=at, unit=case.unit)
    post = book.duties.get(Stage(case.stage)) if book is not None else None
    if post is not None:
        stay.post = post
        stay.unit, stay.user = holder_of(session, unit=case.unit, post=post)
    limit = _time_limit(case, rule_set) if rule_set is not None else None
    if limit is not None:
        stay.time_limit_days = limit
        stay.due_on = add_working_days(china_date(at), limit)
    session.add(stay)
    session.flush()
    return stay


def _time_limit(case: Case, rule_set: RuleSet) -> int | None:
    facts = case_facts(case)
    flow = rule_set.flow_for(case.category, case.business_type)
    rules = next((s for s in flow.stages_for(facts) if s.stage == case.stage), None)
    return rules.time_limit(facts) if rules is not None else None


def change_duty(
    session: Session, case: Case, *, change: DutyUpdate, book: RuleBook, actor: Actor
) -> StageDuty:
    """Give the current stage of ``case`` to another post, unit or person, audited
    ``case.duty``; ValidationError for an undeclared post, an unknown or inactive user."""
    ensure_open(case)
    stay = open_stay(session, case)
    if stay is None:
        stay = enter_stage(session, case, at=case.stage_entered_at, book=None, rule_set=None)
    post = change.post if change.post is not None else stay.post
    if post is not None and post not in book.posts:
        raise ValidationError(
            f"post {post!r} is not declared in the rule file; use one of "
            + ", ".join(sorted(book.posts))
        )
    unit = change.unit or stay.unit or case.unit
    known_unit(session, unit)
    require_unit_in_scope(session, actor=actor, code=unit)
    before = _duty_record(stay, book)
    stay.post, stay.unit = post, unit
    if change.username is not None:
        stay.user = _active_user(session, change.username)
    elif post is not None:
        stay.unit, stay.user = holder_of(session, unit=unit, post=post)
    else:
        stay.user = None
    session.flush()
    record_event(
        session,
        actor=actor,
        action="case.duty",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        before=before,
        after=_duty_record(stay, book),
    )
    return stay


def _active_user(session: Session, username: str) -> User:
    try:
        user = get_user(session, username)
    except NotFoundError as exc:
        raise ValidationError(f"no user {username!r}; create the user first") from exc
    if not user.active:
        raise ValidationError(f"user {username} is disabled; enable the user or choose another")
    return user


def _duty_record(stay: StageDuty, book: RuleBook) -> dict[str, str | None]:
    # The post by its Chinese name: the audit page shows it as recorded.
    return {
        "stage": stay.stage,
        "post": book.post_label(stay.post) or None,
        "unit": stay.unit,
        "responsible": user_label(stay.user) if stay.user is not None else None,
    }


def assign_post(
    session: Session, *, unit: str, post: str, username: str, book: RuleBook, actor: Actor
) -> UnitPost:
    """Make ``username`` the holder of ``post`` in ``unit`` (replacing the previous one),
    audited ``duty.assigned``; the unit's open stays of that post left to the post alone go
    to the new holder."""
    if post not in book.posts:
        raise ValidationError(
            f"post {post!r} is not declared in the rule file; use one of "
            + ", ".join(sorted(book.posts))
        )
    known_unit(session, unit)
    require_unit_in_scope(session, actor=actor, code=unit)
    user = _active_user(session, username)
    held = session.scalar(select(UnitPost).where(UnitPost.unit == unit, UnitPost.post == post))
    label = book.post_label(post)
    before = {"unit": unit, "post": label, "responsible": user_label(held.user) if held else None}
    if held is None:
        held = UnitPost(unit=unit, post=post, user=user, assigned_by=actor.name)
        session.add(held)
    else:
        held.user, held.assigned_at, held.assigned_by = user, utcnow(), actor.name
    session.flush()
    session.execute(
        update(StageDuty)
        .where(
            StageDuty.left_at.is_(None),
            StageDuty.post == post,
            StageDuty.unit == unit,
            StageDuty.user_id.is_(None),
        )
        .values(user_id=user.id)
    )
    record_event(
        session,
        actor=actor,
        action="duty.assigned",
        entity_type="unit",
        entity_id=unit,
        before=before,
        after={"unit": unit, "post": label, "responsible": user_label(user)},
    )
    return held


def unit_posts(session: Session, *, actor: Actor) -> list[UnitPostPublic]:
    """Who holds which post in the units ``actor`` sees, by unit and post."""
    query = select(UnitPost).order_by(UnitPost.unit, UnitPost.post)
    units = visible_units(session, actor=actor)
    if units is not None:
        query = query.where(UnitPost.unit.in_(units))
    return [
        UnitPostPublic(
            unit=p.unit,
            post=p.post,
            username=p.user.username,
            display_name=p.user.display_name,
            assigned_at=p.assigned_at,
            assigned_by=p.assigned_by,
        )
        for p in session.scalars(query)
    ]


def stay_public(stay: StageDuty, *, today: dt.date) -> StageStayPublic:
    """The public form of a stay: working days spent, and whether it kept its time limit."""
    entered_on = china_date(stay.entered_at)
    ended_on = china_date(stay.left_at) if stay.left_at is not None else today
    on_time: bool | None = None
    if stay.due_on is not None and (stay.left_at is not None or today > stay.due_on):
        on_time = ended_on <= stay.due_on
    return StageStayPublic(
        stage=Stage(stay.stage),
        entered_at=stay.entered_at,
        left_at=stay.left_at,
        post=stay.post,
        unit=stay.unit,
        username=stay.user.username if stay.user else None,
        display_name=stay.user.display_name if stay.user else None,
        time_limit_days=stay.time_limit_days,
        due_on=stay.due_on,
        working_days=max(working_days_between(entered_on, ended_on), 0),
        on_time=on_time,
    )


def case_stages(session: Session, case: Case, *, today: dt.date | None = None) -> CaseStages:
    """Every stay of ``case`` in a stage, oldest first."""
    stays = session.scalars(
        select(StageDuty).where(StageDuty.case_id == case.id).order_by(StageDuty.id)
    )
    day = today or today_in_china()
    return CaseStages(
        case_no=case.case_no,
        stage=Stage(case.stage),
        stays=[stay_public(stay, today=day) for stay in stays],
    )


def rule_set_or_none(book: RuleBook, case: Case) -> RuleSet | None:
    """The version ``case`` follows, or None when the rule file has none for it (the stay is
    then kept without a time limit; the case's own check says what to re-base)."""
    try:
        return rule_set_for(book, case)
    except ValidationError:
        return None
