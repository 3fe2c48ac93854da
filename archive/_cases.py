"""Cases: creating, finding and listing them, and their public form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._deadlines import StageDue
from archive._documents import document_summary
from archive._errors import ConflictError, NotFoundError, ValidationError
from archive._findings import FindingDraft, add_finding, finding_public, invalid_checksum
from archive._identifiers import checked_citizen_id, checked_credit_code
from archive._schemas import (
    CaseCreate,
    CaseList,
    CasePublic,
    CaseSummary,
    CustomerPublic,
    LegalRepresentativePublic,
)
from archive._stages import (
    case_due,
    case_review_fields,
    due_public,
    overdue_cases,
    recorded_facts,
    stage_overrides,
)
from archive._vocabulary import Stage
from archive.db._models import Case, Customer, Document, Finding, LegalRepresentative
from archive.rules._loader import check_facts, rule_set_for
from archive.rules._model import RuleBook
from core import today_in_china


def create_case(
    session: Session, *, data: CaseCreate, actor: Actor, rules: RuleBook | None = None
) -> Case:
    """A new case at the application stage, audited; ConflictError if the number is taken.

    Its facts must be ones ``rules`` declares (ValidationError naming them); a caller that
    accepts facts passes the rule book.
    """
    if data.facts:
        if rules is None:
            raise ValueError("facts at creation are checked against the rule book: pass rules")
        check_facts(data.facts, rules)
    if session.scalar(select(Case.id).where(Case.case_no == data.case_no)) is not None:
        raise ConflictError(f"case {data.case_no} already exists; open it instead of creating it")
    drafts: list[FindingDraft] = []
    customer = _customer(data, drafts)
    legal_rep = _legal_representative(data, drafts)
    case = Case(
        case_no=data.case_no,
        category=data.category.value,
        business_type=data.business_type.value,
        capacity_kva=data.capacity_kva,
        stage=Stage.application.value,
        customer=customer,
        legal_representative=legal_rep,
        accepted_on=data.accepted_on or today_in_china(),
        facts=dict(data.facts),
    )
    session.add(case)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(f"case {data.case_no} already exists; open it instead") from exc
    for draft in drafts:
        add_finding(session, case=case, draft=draft)
    record_event(
        session,
        actor=actor,
        action="case.create",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        after=case_record(case),
    )
    return case


def _customer(data: CaseCreate, drafts: list[FindingDraft]) -> Customer:
    customer = Customer(
        name=data.customer.name,
        address=data.customer.address,
        phone=data.customer.phone,
    )
    if data.customer.id_number:
        customer.id_number, valid = checked_citizen_id(
            data.customer.id_number, field="customer.id_number"
        )
        if not valid:
            drafts.append(
                invalid_checksum(
                    field="customer.id_number", value=customer.id_number, kind="id_number"
                )
            )
    if data.customer.credit_code:
        customer.credit_code, valid = checked_credit_code(
            data.customer.credit_code, field="customer.credit_code"
        )
        if not valid:
            drafts.append(
                invalid_checksum(
                    field="customer.credit_code", value=customer.credit_code, kind="credit_code"
                )
            )
    return customer


def _legal_representative(
    data: CaseCreate, drafts: list[FindingDraft]
) -> LegalRepresentative | None:
    if data.legal_representative is None:
        return None
    id_number, valid = checked_citizen_id(
        data.legal_representative.id_number, field="legal_representative.id_number"
    )
    if not valid:
        drafts.append(
            invalid_checksum(
                field="legal_representative.id_number", value=id_number, kind="id_number"
            )
        )
    return LegalRepresentative(name=data.legal_representative.name, id_number=id_number)


def get_case(session: Session, *, case_no: str) -> Case:
    """The case with this number; NotFoundError if there is none."""
    case = session.scalar(select(Case).where(Case.case_no == case_no))
    if case is None:
        raise NotFoundError(f"no case {case_no}; check the number or list cases with GET /cases")
    return case


def list_cases(
    session: Session,
    *,
    stage: Stage | None = None,
    category: str | None = None,
    text: str | None = None,
    rules: RuleBook | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> CaseList:
    """Cases matching the filters, most recently changed first.

    With ``rules`` each case carries the time limit of its stage (as of ``today``, default
    today in China); ``overdue`` (which needs ``rules``) keeps the cases past it, most
    working days over first.
    """
    query = select(Case).join(Case.customer)
    if stage is not None:
        query = query.where(Case.stage == stage.value)
    if category:
        query = query.where(Case.category == category)
    if text:
        # autoescape: a % or _ typed in the search box is that character, not a wildcard
        needle = text.strip()
        query = query.where(
            or_(
                Case.case_no.icontains(needle, autoescape=True),
                Customer.name.icontains(needle, autoescape=True),
            )
        )
    today = today or today_in_china()
    dues: dict[int, StageDue | None]
    if overdue:
        if rules is None:
            raise ValueError("overdue cases are found with the rule book: pass rules")
        late = overdue_cases(session, book=rules, today=today, among=query)
        total = len(late)
        cases = [o.case for o in late[offset : offset + limit]]
        dues = {o.case.id: o.due for o in late}
    else:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        cases = list(
            session.scalars(
                query.order_by(Case.updated_at.desc()).limit(limit).offset(offset)
            ).unique()
        )
        dues = {c.id: case_due(c, book=rules, today=today) for c in cases} if rules else {}
    counted = select(Document.case_id, func.count()).where(
        Document.case_id.in_([case.id for case in cases])
    )
    counts: dict[int, int] = dict(session.execute(counted.group_by(Document.case_id)).all())
    return CaseList(
        total=total,
        cases=[_summary(case, counts.get(case.id, 0), dues.get(case.id)) for case in cases],
    )


def _summary(case: Case, documents: int, due: StageDue | None) -> CaseSummary:
    return CaseSummary(
        case_no=case.case_no,
        category=case.category,
        business_type=case.business_type,
        capacity_kva=case.capacity_kva,
        stage=case.stage,
        customer_name=case.customer.name,
        accepted_on=case.accepted_on,
        documents=documents,
        updated_at=case.updated_at,
        due=due_public(due) if due is not None else None,
    )


def case_public(
    session: Session, case: Case, *, rules: RuleBook | None = None, today: dt.date | None = None
) -> CasePublic:
    """The public form of a case with its documents, case-level findings, facts and overrides.

    With ``rules`` also the rule version the case is checked against and the time limit of
    its stage as of ``today`` (default today in China); both are left empty when the rule
    file has no version for the case (its check says so).
    """
    review: dict[str, Any] = {"facts": recorded_facts(case), "overrides": stage_overrides(case)}
    if rules is not None:
        try:
            rule_set = rule_set_for(rules, case)
        except ValidationError:
            pass
        else:
            review = case_review_fields(case, rule_set=rule_set, today=today or today_in_china())
    findings = session.scalars(
        select(Finding).where(Finding.case_id == case.id, Finding.document_id.is_(None))
    )
    return CasePublic.model_validate(
        {
            **case_record(case),
            "customer": CustomerPublic.model_validate(case.customer),
            "legal_representative": (
                LegalRepresentativePublic.model_validate(case.legal_representative)
                if case.legal_representative
                else None
            ),
            "findings": [finding_public(f) for f in findings],
            "documents": [document_summary(d) for d in case.documents],
            "created_at": case.created_at,
            "updated_at": case.updated_at,
            "archive_no": case.archive_no,
            "archived_at": case.archived_at,
            **review,
        }
    )


def case_record(case: Case) -> dict[str, Any]:
    """The case's own fields as plain JSON values (for the audit trail)."""
    record: dict[str, Any] = {
        "case_no": case.case_no,
        "category": case.category,
        "business_type": case.business_type,
        "capacity_kva": case.capacity_kva,
        "stage": case.stage,
        "accepted_on": case.accepted_on.isoformat(),
        "facts": dict(case.facts or {}),
        "customer": {
            "name": case.customer.name,
            "id_number": case.customer.id_number,
            "credit_code": case.customer.credit_code,
            "address": case.customer.address,
            "phone": case.customer.phone,
        },
        "legal_representative": None,
    }
    if case.legal_representative is not None:
        record["legal_representative"] = {
            "name": case.legal_representative.name,
            "id_number": case.legal_representative.id_number,
        }
    return record
