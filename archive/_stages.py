"""The stage gate: a case moves to the next stage of its flow when its check is ready.

Ready means no required document is missing and no error finding is open. Otherwise the
gate refuses with the check, unless a reviewer gives a written reason to override it; the
override, who and when are kept in ``stage_transitions`` and the audit trail for ever.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._completeness import check_case, flow_stages
from archive._deadlines import ESTIMATE_NOTE_ZH, StageDue, stage_due
from archive._duties import enter_stage
from archive._errors import ConflictError, ValidationError
from archive._read_only import ensure_open
from archive._schemas import CaseCheck, StageDuePublic, StageOverridePublic
from archive._vocabulary import Severity, Stage
from archive.db._models import Case, StageTransition, utcnow
from archive.rules._loader import rule_set_for
from archive.rules._model import RuleBook, RuleSet

MIN_REASON_CHARS = 4
"""An override reason shorter than this is not a reason."""


class StageGateError(ConflictError):
    """The case is not ready to leave its stage; ``check`` says why."""

    def __init__(self, message: str, *, check: CaseCheck) -> None:
        super().__init__(message)
        self.check = check


def next_stage(case: Case, rule_set: RuleSet) -> Stage | None:
    """The stage after the case's current one in its flow; None once archived."""
    names = [rules.stage for rules in flow_stages(case, rule_set)]
    if case.stage not in names:
        raise ValidationError(
            f"case {case.case_no} is at stage {case.stage}, which its flow ({', '.join(names)}) "
            "no longer has; re-base the case or correct its facts"
        )
    position = names.index(Stage(case.stage))
    return names[position + 1] if position + 1 < len(names) else None


def advance_case(
    session: Session,
    case: Case,
    *,
    to: Stage,
    override_reason: str | None,
    rule_set: RuleSet,
    actor: Actor,
    book: RuleBook | None = None,
) -> StageTransition:
    """Move the case to ``to``, its next stage; the caller commits.

    The stay in the new stage is assigned by the duties of ``book`` (``archive._duties``).

    StageGateError (with the check) when the case is not ready and no reason is given;
    ValidationError when ``to`` is not the next stage.
    """
    ensure_open(case)
    following = next_stage(case, rule_set)
    if following is None or to != following:
        raise ValidationError(
            f"case {case.case_no} is at stage {case.stage}; it can only advance to "
            f"{following.value if following else 'nothing (it is archived)'}, not {to.value}"
        )
    if to is Stage.archived:
        raise ValidationError(
            f"case {case.case_no} is archived by POST /api/v1/cases/{case.case_no}/archive "
            "(it gives the 档号 and the archival copies), not by advancing it"
        )
    check = check_case(session, case, Stage(case.stage), rule_set=rule_set)
    reason = (override_reason or "").strip()
    if not check.ready and len(reason) < MIN_REASON_CHARS:
        raise StageGateError(
            f"case {case.case_no} cannot leave stage {case.stage}: "
            f"{outstanding_text(check)}; add what is missing, resolve the findings, or give "
            "an override_reason",
            check=check,
        )
    override = reason if not check.ready else None
    transition = StageTransition(
        case_id=case.id,
        from_stage=case.stage,
        to_stage=to.value,
        at=utcnow(),
        actor=actor.name,
        rules_version=rule_set.version,
        override_reason=override,
        outstanding=outstanding_of(check) if override else {},
    )
    session.add(transition)
    before = {"stage": case.stage}
    case.stage = to.value
    case.stage_entered_at = transition.at
    session.flush()
    enter_stage(session, case, at=transition.at, book=book, rule_set=rule_set)
    record_event(
        session,
        actor=actor,
        action="case.override" if override else "case.advance",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        before=before,
        after={
            "stage": case.stage,
            "rules_version": rule_set.version,
            "override_reason": override,
            "outstanding": transition.outstanding,
        },
    )
    return transition


def outstanding_of(check: CaseCheck) -> dict[str, list[str]]:
    """What keeps a case at its gate: missing rules and open error findings."""
    return {
        "missing": [m.rule for m in check.missing],
        "open_errors": [
            f"{f.code} {f.document_id or 'case'} {f.field or ''}".strip()
            for f in check.findings
            if f.status == "open" and f.severity is Severity.error
        ],
    }


def outstanding_text(check: CaseCheck) -> str:
    """``outstanding_of`` in words, for an error message."""
    outstanding = outstanding_of(check)
    parts = []
    if outstanding["missing"]:
        parts.append("missing " + ", ".join(outstanding["missing"]))
    if outstanding["open_errors"]:
        parts.append(f"{len(outstanding['open_errors'])} open error finding(s)")
    return "; ".join(parts)


def stage_overrides(case: Case) -> list[StageOverridePublic]:
    """Every stage gate the case passed by override, oldest first."""
    return [
        StageOverridePublic(
            from_stage=Stage(t.from_stage),
            to_stage=Stage(t.to_stage),
            at=t.at,
            actor=t.actor,
            reason=t.override_reason,
            outstanding=t.outstanding,
        )
        for t in case.transitions
        if t.override_reason
    ]


def due_public(due: StageDue) -> StageDuePublic:
    """The public form of a stage's time limit (with a note when the dates are estimated)."""
    return StageDuePublic(
        stage=Stage(due.stage),
        entered_on=due.entered_on,
        time_limit_days=due.time_limit_days,
        due_on=due.due_on,
        days_left=due.days_left,
        overdue=due.overdue,
        days_over=due.days_over,
        holidays_known=due.holidays_known,
        note=None if due.holidays_known else ESTIMATE_NOTE_ZH,
    )


def current_due(case: Case, *, rule_set: RuleSet, today: dt.date) -> StageDuePublic | None:
    """The time limit of the case's current stage, for its public form."""
    due = stage_due(case, rule_set=rule_set, today=today)
    return due_public(due) if due is not None else None


def recorded_facts(case: Case) -> dict[str, bool]:
    """The yes/no facts recorded on a case."""
    return {k: v for k, v in (case.facts or {}).items() if isinstance(v, bool)}


def case_review_fields(case: Case, *, rule_set: RuleSet, today: dt.date) -> dict[str, Any]:
    """The review fields of ``CasePublic``: facts, rule version, due date, overrides."""
    return {
        "facts": recorded_facts(case),
        "rules_version": rule_set.version,
        "due": current_due(case, rule_set=rule_set, today=today),
        "overrides": stage_overrides(case),
    }


def case_due(case: Case, *, book: RuleBook, today: dt.date) -> StageDue | None:
    """The due date of the case's current stage, for lists.

    None when the stage has no time limit, and also when the rule file has no version for
    the case: a list goes on, and the case's own check says what to re-base.
    """
    try:
        rule_set = rule_set_for(book, case)
    except ValidationError:
        return None
    return stage_due(case, rule_set=rule_set, today=today)


@dataclass(frozen=True)
class OverdueCase:
    """A case past the time limit of its current stage."""

    case: Case
    due: StageDue

    @property
    def case_no(self) -> str:
        """The case's number."""
        return self.case.case_no


def overdue_cases(
    session: Session,
    *,
    book: RuleBook,
    today: dt.date,
    among: Select[Case] | None = None,
) -> list[OverdueCase]:
    """Every case (of ``among``, default all) past its stage's time limit, most days over first.

    Working days cannot be counted in SQL, so every case not yet archived is looked at.
    """
    query = among if among is not None else select(Case)
    overdue = []
    for case in session.scalars(query.where(Case.stage != Stage.archived.value)).unique():
        due = case_due(case, book=book, today=today)
        if due is not None and due.overdue:
            overdue.append(OverdueCase(case=case, due=due))
    return sorted(overdue, key=lambda o: (-o.due.days_over, o.case_no))
