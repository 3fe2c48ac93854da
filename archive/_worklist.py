"""The worklist: each case with what needs doing — open findings, documents still missing for
its stage, documents still in intake or failed, its stage's due date, who last acted — and the
lists of cases filtered by those, counted per filter and sorted.

Working days and the rules' completeness cannot be computed in SQL, so a list filtered or
sorted by them (or asked for its counts) looks at every case the other filters keep, with a
handful of queries in all (never one per case); a plain list reads one page from SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from archive._auth import SYSTEM
from archive._completeness import check_case
from archive._deadlines import StageDue, stage_due
from archive._errors import ValidationError
from archive._schemas import CaseCounts, CaseList, CaseSort, CaseSummary
from archive._stages import due_public
from archive._trash import without_trashed
from archive._vocabulary import DocumentStatus, Severity, Stage
from archive.db._models import AuditEvent, Case, Document, Finding
from archive.rules._loader import rule_set_for
from archive.rules._model import RuleBook

NOT_A_PERSON = (SYSTEM.name,)
"""Audit events of these actors (intake workers, checks re-run) are not somebody acting."""


@dataclass(frozen=True)
class CaseStatus:
    """What needs doing on one case (missing_count None: its rules cannot check it)."""

    documents: int = 0
    open_findings: int = 0
    open_errors: int = 0
    missing_count: int | None = None
    intake_pending: int = 0
    intake_failed: int = 0
    due: StageDue | None = None
    last_actor: str | None = None
    last_acted_at: dt.datetime | None = None
    archived: bool = False


@dataclass(frozen=True)
class WorkFilters:
    """The worklist's filters on what needs doing; several at once must all hold."""

    overdue: bool = False
    has_errors: bool = False
    has_missing: bool = False
    intake_failed: bool = False
    ready: bool = False
    """Nothing missing for its stage and nothing still in intake: a reviewer can check it."""

    def any(self) -> bool:
        """Whether any of the filters is on."""
        return any(vars(self).values())

    def keep(self, status: CaseStatus) -> bool:
        """Whether a case of ``status`` passes every filter that is on."""
        passes = _passes(status)
        return all(passes[name] for name, on in vars(self).items() if on)


def _passes(status: CaseStatus) -> dict[str, bool]:
    return {
        "overdue": status.due is not None and status.due.overdue,
        "has_errors": status.open_errors > 0,
        "has_missing": bool(status.missing_count),
        "intake_failed": status.intake_failed > 0,
        "ready": not status.archived and status.missing_count == 0 and status.intake_pending == 0,
    }


def case_statuses(
    session: Session, cases: Sequence[Case], *, book: RuleBook, today: dt.date
) -> dict[int, CaseStatus]:
    """The status of each of ``cases`` by case id, in a few queries for all of them."""
    ids = [case.id for case in cases]
    if not ids:
        return {}
    findings: dict[int, list[Finding]] = defaultdict(list)
    open_findings = without_trashed(
        select(Finding).where(Finding.case_id.in_(ids), Finding.status == "open")
    )
    for finding in session.scalars(open_findings.order_by(Finding.id)):
        findings[finding.case_id].append(finding)
    documents = _document_counts(session, ids)
    last = _last_actors(session, [case.case_no for case in cases])
    statuses = {}
    for case in cases:
        counts = documents.get(case.id, {})
        missing, due = _missing_and_due(session, case, book, findings[case.id], today)
        actor, at = last.get(case.case_no, (None, None))
        statuses[case.id] = CaseStatus(
            documents=sum(counts.values()),
            open_findings=len(findings[case.id]),
            open_errors=sum(1 for f in findings[case.id] if f.severity == Severity.error),
            missing_count=missing,
            intake_pending=counts.get(DocumentStatus.queued, 0)
            + counts.get(DocumentStatus.processing, 0),
            intake_failed=counts.get(DocumentStatus.failed, 0),
            due=due,
            last_actor=actor,
            last_acted_at=at,
            archived=case.stage == Stage.archived,
        )
    return statuses


def _missing_and_due(
    session: Session, case: Case, book: RuleBook, findings: list[Finding], today: dt.date
) -> tuple[int | None, StageDue | None]:
    """The count of documents the case's stage lacks and its due date; None where the rule
    file has no version for the case or its stage is off its flow (its own check says why)."""
    try:
        rule_set = rule_set_for(book, case)
    except ValidationError:
        return None, None
    due = stage_due(case, rule_set=rule_set, today=today)
    try:
        check = check_case(session, case, Stage(case.stage), rule_set=rule_set, findings=findings)
    except ValidationError:
        return None, due
    return len(check.missing), due


def _document_counts(session: Session, ids: list[int]) -> dict[int, dict[str, int]]:
    query = (
        select(Document.case_id, Document.status, func.count())
        .where(Document.case_id.in_(ids))
        .group_by(Document.case_id, Document.status)
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for case_id, status, count in session.execute(query):
        counts[case_id][status] = count
    return counts


def _last_actors(session: Session, case_nos: list[str]) -> dict[str, tuple[str, dt.datetime]]:
    latest = (
        select(func.max(AuditEvent.id))
        .where(AuditEvent.case_no.in_(case_nos), AuditEvent.actor.not_in(NOT_A_PERSON))
        .group_by(AuditEvent.case_no)
    )
    rows = session.execute(
        select(AuditEvent.case_no, AuditEvent.actor, AuditEvent.at).where(AuditEvent.id.in_(latest))
    )
    return {case_no: (actor, at) for case_no, actor, at in rows if case_no}


def worklist(
    session: Session,
    query: Select[Case],
    *,
    book: RuleBook | None,
    filters: WorkFilters,
    sort: CaseSort | None,
    counts: bool,
    today: dt.date,
    limit: int,
    offset: int,
    due_within: int | None = None,
) -> CaseList:
    """One page of the cases of ``query`` that pass ``filters`` (and, with ``due_within``, whose
    stage falls due within that many working days or is overdue), in ``sort`` order (default:
    most days left the least first when ``overdue`` is on, else most recently changed first);
    with ``counts``, how many of them each filter would keep."""
    order = sort or ("due" if filters.overdue else "updated")
    needs_all = filters.any() or order == "due" or counts or due_within is not None
    if book is None:
        if needs_all:
            raise ValueError(
                "overdue cases, statuses, due dates and counts are found with the rule book: "
                "pass rules"
            )
        return _sql_page(session, query, order, limit=limit, offset=offset, statuses=None)
    if not needs_all:
        return _sql_page(session, query, order, limit=limit, offset=offset, statuses=(book, today))
    cases = list(session.scalars(query.options(selectinload(Case.documents))).unique())
    statuses = case_statuses(session, cases, book=book, today=today)
    kept = sorted(
        (
            case
            for case in cases
            if filters.keep(statuses[case.id]) and _due_within(statuses[case.id], due_within)
        ),
        key=lambda case: _sort_key(case, statuses[case.id], order),
    )
    return CaseList(
        total=len(kept),
        cases=[case_summary(c, statuses[c.id]) for c in kept[offset : offset + limit]],
        counts=_counts(statuses.values()) if counts else None,
    )


def _sql_page(
    session: Session,
    query: Select[Case],
    order: CaseSort,
    *,
    limit: int,
    offset: int,
    statuses: tuple[RuleBook, dt.date] | None,
) -> CaseList:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    ordered = query.order_by(*_sql_order(order)).limit(limit).offset(offset)
    cases = list(session.scalars(ordered.options(selectinload(Case.documents))).unique())
    if statuses is None:
        found = {c.id: CaseStatus(documents=len(c.documents)) for c in cases}
    else:
        book, today = statuses
        found = case_statuses(session, cases, book=book, today=today)
    return CaseList(total=total, cases=[case_summary(c, found[c.id]) for c in cases])


def _sql_order(order: CaseSort) -> tuple[Any, ...]:
    if order == "case_no":
        return (Case.case_no,)
    if order == "accepted_on":
        return (Case.accepted_on, Case.case_no)
    return (Case.updated_at.desc(), Case.id.desc())


def _sort_key(case: Case, status: CaseStatus, order: CaseSort) -> tuple[object, ...]:
    if order == "due":
        left = _working_days_left(status.due)
        return (left is None, left if left is not None else 0, case.case_no)
    if order == "case_no":
        return (case.case_no,)
    if order == "accepted_on":
        return (case.accepted_on, case.case_no)
    return (-case.updated_at.timestamp(), -case.id)


def _due_within(status: CaseStatus, days: int | None) -> bool:
    left = _working_days_left(status.due)
    return days is None or (left is not None and left <= days)


def _working_days_left(due: StageDue | None) -> int | None:
    """Working days to the stage's due date; negative: that many days over."""
    if due is None:
        return None
    return -due.days_over if due.overdue else due.days_left


def _counts(statuses: Iterable[CaseStatus]) -> CaseCounts:
    passes = [_passes(status) for status in statuses]
    return CaseCounts(**{name: sum(p[name] for p in passes) for name in vars(WorkFilters())})


def case_summary(case: Case, status: CaseStatus) -> CaseSummary:
    """The listed form of ``case`` with what needs doing on it."""
    return CaseSummary(
        case_no=case.case_no,
        category=case.category,
        business_type=case.business_type,
        capacity_kva=case.capacity_kva,
        stage=case.stage,
        unit=case.unit,
        customer_name=case.customer.name,
        accepted_on=case.accepted_on,
        documents=status.documents,
        updated_at=case.updated_at,
        due=due_public(status.due) if status.due is not None else None,
        due_on=status.due.due_on if status.due is not None else None,
        working_days_left=_working_days_left(status.due),
        open_findings=status.open_findings,
        open_errors=status.open_errors,
        missing_count=status.missing_count,
        intake_pending=status.intake_pending,
        intake_failed=status.intake_failed,
        last_actor=status.last_actor,
        last_acted_at=status.last_acted_at,
    )
