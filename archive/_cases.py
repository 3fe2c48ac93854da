"""Cases: creating, finding and listing them, and their public form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._documents import document_summary
from archive._duties import enter_stage, rule_set_or_none
from archive._errors import ConflictError, NotFoundError, ValidationError
from archive._findings import FindingDraft, add_finding, finding_public, invalid_checksum
from archive._identifiers import checked_citizen_id, checked_credit_code
from archive._read_only import ensure_open
from archive._schemas import (
    CaseCreate,
    CaseList,
    CasePublic,
    CaseSort,
    CustomerPublic,
    LegalRepresentativePublic,
)
from archive._scope import case_in_scope, require_unit_in_scope, scoped_cases
from archive._stages import case_review_fields, recorded_facts, stage_overrides
from archive._unit_tree import unit_tree
from archive._units import known_unit
from archive._vocabulary import Stage
from archive._worklist import WorkFilters, worklist
from archive.db._models import Case, Customer, Finding, LegalRepresentative
from archive.rules._loader import check_facts, rule_set_for
from archive.rules._model import RuleBook
from core import today_in_china

_TAKEN_ZH = "案件编号 {case_no} 已存在：请打开该案件，或换一个案件编号"


def create_case(
    session: Session,
    *,
    data: CaseCreate,
    actor: Actor,
    rules: RuleBook | None = None,
    stage: Stage = Stage.application,
) -> Case:
    """A new case at ``stage`` (业务受理 unless imported from the marketing system at a later
    one), audited; ConflictError if the number is taken.

    It belongs to ``data.unit``, default the actor's unit; a unit the actor does not see is
    refused (ForbiddenError), an unknown one too (ValidationError). Its facts must be ones
    ``rules`` declares (ValidationError naming them); a caller that accepts facts passes the
    rule book, and with it the stage is assigned by its duties (``archive._duties``).
    """
    if data.facts:
        if rules is None:
            raise ValueError("facts at creation are checked against the rule book: pass rules")
        check_facts(data.facts, rules)
    unit = _unit_for_new_case(session, data=data, actor=actor)
    if session.scalar(select(Case.id).where(Case.case_no == data.case_no)) is not None:
        raise ConflictError(
            f"case {data.case_no} already exists; open it instead of creating it",
            message_zh=_TAKEN_ZH.format(case_no=data.case_no),
        )
    drafts: list[FindingDraft] = []
    customer = _customer(data, drafts)
    legal_rep = _legal_representative(data, drafts)
    case = Case(
        case_no=data.case_no,
        category=data.category.value,
        business_type=data.business_type.value,
        capacity_kva=data.capacity_kva,
        stage=stage.value,
        unit=unit,
        customer=customer,
        legal_representative=legal_rep,
        accepted_on=data.accepted_on or today_in_china(),
        facts=dict(data.facts),
    )
    session.add(case)
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(
            f"case {data.case_no} already exists; open it instead",
            message_zh=_TAKEN_ZH.format(case_no=data.case_no),
        ) from exc
    for draft in drafts:
        add_finding(session, case=case, draft=draft)
    enter_stage(
        session,
        case,
        at=case.stage_entered_at,
        book=rules,
        rule_set=rule_set_or_none(rules, case) if rules is not None else None,
    )
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


def _unit_for_new_case(session: Session, *, data: CaseCreate, actor: Actor) -> str:
    unit = known_unit(session, data.unit or actor.unit) or unit_tree(session).top.code
    require_unit_in_scope(session, actor=actor, code=unit)
    return unit


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


def get_case(session: Session, *, case_no: str, actor: Actor) -> Case:
    """The case with this number if ``actor`` sees it; NotFoundError if there is none or it
    belongs to a unit outside the actor's (the same answer: it does not confirm the case)."""
    case = session.scalar(select(Case).where(Case.case_no == case_no))
    if case is None or not case_in_scope(session, actor=actor, case=case):
        raise NotFoundError(
            f"no case {case_no}; check the number or list cases with GET /cases",
            message_zh=f"没有编号为 {case_no} 的案件：请核对编号，或从案件列表进入",
        )
    return case


def list_cases(
    session: Session,
    *,
    actor: Actor,
    stage: Stage | None = None,
    category: str | None = None,
    text: str | None = None,
    unit: str | None = None,
    rules: RuleBook | None = None,
    overdue: bool = False,
    has_errors: bool = False,
    has_missing: bool = False,
    intake_failed: bool = False,
    ready: bool = False,
    due_within: int | None = None,
    sort: CaseSort | None = None,
    counts: bool = False,
    today: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> CaseList:
    """The cases ``actor`` sees matching the filters, with what needs doing on each (see
    ``archive._worklist``).

    ``unit`` keeps the cases of that unit and the units under it; it must be the actor's unit
    or one under it (ForbiddenError otherwise, ValidationError for an unknown unit).

    With ``rules`` each case carries its open findings, missing documents, intake counts and
    the time limit of its stage as of ``today`` (default today in China); the filters on
    those (``overdue``, ``has_errors``, ``has_missing``, ``intake_failed``, ``ready``,
    ``due_within`` working days), ``sort="due"`` and ``counts`` need ``rules``. Default
    order: most recently changed first, or with ``overdue`` most working days over first.
    """
    query = scoped_cases(session, select(Case).join(Case.customer), actor=actor)
    if stage is not None:
        query = query.where(Case.stage == stage.value)
    if category:
        query = query.where(Case.category == category)
    if unit is not None:
        known_unit(session, unit)
        require_unit_in_scope(session, actor=actor, code=unit)
        query = query.where(Case.unit.in_(unit_tree(session).subtree(unit)))
    if text:
        # autoescape: a % or _ typed in the search box is that character, not a wildcard
        needle = text.strip()
        query = query.where(
            or_(
                Case.case_no.icontains(needle, autoescape=True),
                Customer.name.icontains(needle, autoescape=True),
            )
        )
    filters = WorkFilters(
        overdue=overdue,
        has_errors=has_errors,
        has_missing=has_missing,
        intake_failed=intake_failed,
        ready=ready,
    )
    return worklist(
        session,
        query,
        book=rules,
        filters=filters,
        sort=sort,
        counts=counts,
        today=today or today_in_china(),
        limit=limit,
        offset=offset,
        due_within=due_within,
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
        "unit": case.unit,
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


def move_case(session: Session, *, case: Case, unit: str, actor: Actor) -> Case:
    """Give ``case`` to another unit (one the actor sees); audited ``case.moved``.

    Its documents are marked for the search index again, which carries each case's unit. An
    archived case stays where it is (CaseArchivedError): a keeper re-opens it first.
    """
    ensure_open(case)
    known_unit(session, unit)
    require_unit_in_scope(session, actor=actor, code=unit)
    if unit == case.unit:
        return case  # nothing moves, nothing to record
    before = case.unit
    case.unit = unit
    for document in case.documents:  # the parts of a stack are documents of the case too
        document.index_status = "pending"
    record_event(
        session,
        actor=actor,
        action="case.moved",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        before={"unit": before},
        after={"unit": unit},
    )
    return case
