"""The system-owned fields of a case record, kept in step with the marketing system.

The marketing system (营销系统) owns the customer, the legal representative, the capacity, the
business type, the category, the accepted date and the unit of a case; yekuo owns the stage,
the facts and everything read from the paper. ``put_case`` creates a case or brings those
fields up to date (a push to ``PUT /cases/{case_no}``, a row of ``yekuo cases import``, the
case page's edit form all go through it). Each changed field is kept as a
``CaseRecordChange`` (old, new, source, who, when), the change is audited
``case.record_updated`` and the checks of the case's documents run again, since they compare
the paper with exactly these fields. An unchanged record changes nothing and records nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._cases import create_case, get_case, move_case
from archive._checks import recheck_case
from archive._errors import ForbiddenError
from archive._findings import FindingDraft, add_finding, invalid_checksum
from archive._identifiers import checked_citizen_id, checked_credit_code
from archive._privacy import mask_citizen_id
from archive._read_only import ensure_open
from archive._schemas import CaseCreate, CaseRecordChangePublic
from archive._vocabulary import Stage
from archive.db._models import Case, CaseRecordChange, Finding, LegalRepresentative, utcnow
from archive.rules._model import RuleBook

Outcome = Literal["created", "updated", "unchanged"]

SYSTEM_FIELDS = (
    "customer.name",
    "customer.id_number",
    "customer.credit_code",
    "customer.address",
    "customer.phone",
    "legal_representative.name",
    "legal_representative.id_number",
    "capacity_kva",
    "business_type",
    "category",
    "accepted_on",
    "unit",
)
"""The fields of a case record the marketing system owns, as history rows name them."""

_CHECKSUMS = {
    "customer.id_number": "id_number",
    "customer.credit_code": "credit_code",
    "legal_representative.id_number": "id_number",
}


@dataclass(frozen=True)
class PutResult:
    """What ``put_case`` did: the case, whether it was created, updated or left as it was,
    and the fields it changed."""

    case: Case
    outcome: Outcome
    changes: list[CaseRecordChange]


def number_text(value: float) -> str:
    """A capacity as text without a needless ``.0`` (8.0 → ``8``)."""
    return f"{value:g}"


def record_fields(case: Case) -> dict[str, str | None]:
    """The system-owned fields of ``case`` as text (None: empty)."""
    rep = case.legal_representative
    return {
        "customer.name": case.customer.name,
        "customer.id_number": case.customer.id_number,
        "customer.credit_code": case.customer.credit_code,
        "customer.address": case.customer.address,
        "customer.phone": case.customer.phone,
        "legal_representative.name": rep.name if rep else None,
        "legal_representative.id_number": rep.id_number if rep else None,
        "capacity_kva": number_text(case.capacity_kva),
        "business_type": case.business_type,
        "category": case.category,
        "accepted_on": case.accepted_on.isoformat(),
        "unit": case.unit,
    }


def wanted_fields(data: CaseCreate, *, current: dict[str, str | None]) -> dict[str, str | None]:
    """The system-owned fields ``data`` asks for, normalised as the record keeps them.

    Left out of ``data``: the accepted date and the unit stay as they are. A citizen ID sent
    back masked (``410105********6366``, as a reader without ``view_pii`` got it) is the
    number on record. ValidationError for an identifier of the wrong shape.
    """
    rep = data.legal_representative
    wanted: dict[str, str | None] = {
        "customer.name": data.customer.name,
        "customer.id_number": _citizen_id(
            data.customer.id_number, "customer.id_number", current["customer.id_number"]
        ),
        "customer.credit_code": (
            checked_credit_code(data.customer.credit_code, field="customer.credit_code")[0]
            if data.customer.credit_code
            else None
        ),
        "customer.address": data.customer.address,
        "customer.phone": data.customer.phone,
        "legal_representative.name": rep.name if rep else None,
        "legal_representative.id_number": _citizen_id(
            rep.id_number if rep else None,
            "legal_representative.id_number",
            current["legal_representative.id_number"],
        ),
        "capacity_kva": number_text(data.capacity_kva),
        "business_type": data.business_type.value,
        "category": data.category.value,
        "accepted_on": (
            data.accepted_on.isoformat() if data.accepted_on else current["accepted_on"]
        ),
        "unit": data.unit or current["unit"],
    }
    return wanted


def _citizen_id(value: str | None, field: str, current: str | None) -> str | None:
    if not value:
        return None
    if current is not None and value.strip() == mask_citizen_id(current):
        return current
    return checked_citizen_id(value, field=field)[0]


def put_case(
    session: Session,
    *,
    data: CaseCreate,
    actor: Actor,
    source: str,
    rules: RuleBook,
    today: dt.date,
    may_move: bool,
    stage: Stage = Stage.application,
) -> PutResult:
    """Create the case ``data`` names, or bring its system-owned fields up to date.

    A case of another unit answers as one that does not exist (NotFoundError), so creating
    it is never tried; an archived case is refused (CaseArchivedError) when a field would
    change. A new unit needs ``may_move`` (ForbiddenError otherwise). Facts are taken only
    when the case is created, and ``stage`` is the one it is created at: after that they are
    the reviewers'. The caller commits.
    """
    exists = session.scalar(select(Case.id).where(Case.case_no == data.case_no))
    if exists is None:
        case = create_case(session, data=data, actor=actor, rules=rules, stage=stage)
        return PutResult(case=case, outcome="created", changes=[])
    case = get_case(session, case_no=data.case_no, actor=actor)
    changes = update_case_record(
        session, case, data=data, actor=actor, source=source, today=today, may_move=may_move
    )
    return PutResult(case=case, outcome="updated" if changes else "unchanged", changes=changes)


def update_case_record(
    session: Session,
    case: Case,
    *,
    data: CaseCreate,
    actor: Actor,
    source: str,
    today: dt.date,
    may_move: bool,
) -> list[CaseRecordChange]:
    """Set the system-owned fields of ``case`` to those of ``data``; the changes made.

    Nothing changed: nothing is written. Otherwise each change is a history row, the whole
    is audited ``case.record_updated``, the case-record check digits and the documents'
    checks run again. The caller commits.
    """
    before = record_fields(case)
    after = wanted_fields(data, current=before)
    changed = [name for name in SYSTEM_FIELDS if after[name] != before[name]]
    if not changed:
        return []
    ensure_open(case)
    if "unit" in changed:
        _move(session, case, unit=after["unit"], actor=actor, may_move=may_move)
    _apply(case, data, after)
    session.flush()
    _refresh_checksum_findings(session, case, after, [n for n in changed if n in _CHECKSUMS])
    at = utcnow()
    changes = [
        CaseRecordChange(
            case_id=case.id,
            field=name,
            old_value=before[name],
            new_value=after[name],
            source=source,
            actor=actor.name,
            at=at,
        )
        for name in changed
    ]
    session.add_all(changes)
    record_event(
        session,
        actor=actor,
        action="case.record_updated",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        before={name: before[name] for name in changed},
        after={**{name: after[name] for name in changed}, **_source_of(source)},
    )
    recheck_case(session, case, today=today)
    return changes


def _source_of(source: str) -> dict[str, str]:
    """The source as the audit trail records it: ``import`` and the file apart."""
    kind, _, file = source.partition(":")
    return {"source": kind, "file": file} if file else {"source": kind}


def _move(session: Session, case: Case, *, unit: str | None, actor: Actor, may_move: bool) -> None:
    if not may_move:
        raise ForbiddenError(
            f"{actor.name} may not give case {case.case_no} to unit {unit}: only an admin moves "
            "a case to another unit; leave the unit out or send the case's own"
        )
    move_case(session, case=case, unit=unit or case.unit, actor=actor)


def _apply(case: Case, data: CaseCreate, after: dict[str, str | None]) -> None:
    customer = case.customer
    customer.name = data.customer.name
    customer.id_number = after["customer.id_number"]
    customer.credit_code = after["customer.credit_code"]
    customer.address = data.customer.address
    customer.phone = data.customer.phone
    rep_name, rep_id = after["legal_representative.name"], after["legal_representative.id_number"]
    if rep_name is None or rep_id is None:
        case.legal_representative = None
    elif case.legal_representative is None:
        case.legal_representative = LegalRepresentative(name=rep_name, id_number=rep_id)
    else:
        case.legal_representative.name = rep_name
        case.legal_representative.id_number = rep_id
    case.capacity_kva = data.capacity_kva
    case.business_type = data.business_type.value
    case.category = data.category.value
    case.accepted_on = dt.date.fromisoformat(after["accepted_on"] or case.accepted_on.isoformat())


def _refresh_checksum_findings(
    session: Session, case: Case, after: dict[str, str | None], fields: list[str]
) -> None:
    """The case-record check-digit findings of the changed identifiers, found again."""
    if not fields:
        return
    stale = session.scalars(
        select(Finding).where(
            Finding.case_id == case.id,
            Finding.document_id.is_(None),
            Finding.field.in_(fields),
            Finding.code.in_(["id_number_invalid_checksum", "credit_code_invalid_checksum"]),
        )
    )
    for finding in stale:
        session.delete(finding)
    drafts: list[FindingDraft] = []
    for name in fields:
        value = after[name]
        if value is None:
            continue
        kind = _CHECKSUMS[name]
        check = checked_citizen_id if kind == "id_number" else checked_credit_code
        if not check(value, field=name)[1]:
            drafts.append(invalid_checksum(field=name, value=value, kind=kind))
    for draft in drafts:
        add_finding(session, case=case, draft=draft)


def record_history(session: Session, case: Case) -> list[CaseRecordChangePublic]:
    """Every change of the system-owned fields of ``case``, newest first (the fields of one
    change in the order of ``SYSTEM_FIELDS``)."""
    rows = session.scalars(
        select(CaseRecordChange)
        .where(CaseRecordChange.case_id == case.id)
        .order_by(CaseRecordChange.at.desc(), CaseRecordChange.id)
    )
    return [
        CaseRecordChangePublic(
            field=row.field,
            old=row.old_value,
            new=row.new_value,
            source=row.source,
            actor=row.actor,
            at=row.at,
        )
        for row in rows
    ]
