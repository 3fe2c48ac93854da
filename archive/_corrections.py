"""Reviewer corrections: a document's type, a field's value, a finding dismissed, case facts.

Each is audited with before and after, and each re-runs the case's checks. A corrected
field keeps the value OCR read beside the correction (``ocr.fields[name].ocr_value``);
a dismissed finding keeps its reason, who and when, and is never brought back by a recheck.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._checks import recheck_case
from archive._errors import ConflictError, ValidationError
from archive._findings import get_finding
from archive._privacy import mask_citizen_id
from archive._read_only import ensure_open
from archive._vocabulary import DocumentStatus
from archive.db._models import Case, Document, Finding, utcnow
from archive.rules._loader import check_facts
from archive.rules._model import RuleBook

_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def set_document_type(
    session: Session,
    document: Document,
    *,
    doc_type: str,
    book: RuleBook,
    actor: Actor,
    today: dt.date,
) -> Document:
    """Set the type of a document (intake keeps a type a reviewer set); the caller commits."""
    ensure_open(document.case)
    if doc_type not in book.doc_types:
        raise ValidationError(
            f"{doc_type!r} is not a document type; use one of {', '.join(sorted(book.doc_types))}"
        )
    before = {"doc_type": document.doc_type}
    document.doc_type = doc_type
    _audit(session, document, actor, "document.set_type", before, {"doc_type": doc_type})
    recheck_case(session, document.case, today=today)
    return document


def correct_field(
    session: Session,
    document: Document,
    *,
    name: str,
    value: str,
    actor: Actor,
    today: dt.date,
) -> Document:
    """Confirm (same value) or correct (new value) one field; the OCR value is kept beside it.

    The masked form of the current value (``410105********6366``, as a page shows it to someone
    who has not revealed it) counts as the same value.
    """
    ensure_open(document.case)
    if not _FIELD_NAME.match(name):
        raise ValidationError(f"{name!r} is not a field name (lower_case letters, digits, _)")
    if document.status != DocumentStatus.done:
        raise ConflictError(
            f"document {document.id} is {document.status}; correct its fields once intake is done"
        )
    value = value.strip()
    current = document.fields.get(name)
    if isinstance(current, str) and value != current and value == mask_citizen_id(current):
        # A form that showed the number masked sends the mask back: it confirms the number.
        value = current
    status = "confirmed" if value == current else "corrected"
    ocr: dict[str, Any] = dict(document.ocr or {})
    details: dict[str, Any] = dict(ocr.get("fields") or {})
    detail: dict[str, Any] = dict(details.get(name) or {})
    detail.setdefault("ocr_value", current)
    detail.update(status=status, by=actor.name, at=utcnow().isoformat())
    details[name] = detail
    ocr["fields"] = details
    # JSON columns change only when a new object is assigned.
    document.ocr = ocr
    document.fields = {**document.fields, name: value}
    _audit(
        session,
        document,
        actor,
        f"document.field_{status}",
        {"field": name, "value": current},
        {"field": name, "value": value, "ocr_value": detail["ocr_value"]},
    )
    recheck_case(session, document.case, today=today)
    return document


def dismiss_finding(
    session: Session, *, finding_id: int, reason: str, actor: Actor, today: dt.date
) -> Finding:
    """Dismiss an open finding with a reason; rechecks never bring it back."""
    finding = get_finding(session, finding_id=finding_id, actor=actor)
    case = session.get_one(Case, finding.case_id)
    ensure_open(case)
    reason = reason.strip()
    if not reason:
        raise ValidationError("dismissing a finding needs a reason")
    if finding.status != "open":
        raise ConflictError(f"finding {finding.id} is already {finding.status}")
    finding.status = "dismissed"
    finding.resolution = reason
    finding.resolved_by = actor.name
    finding.resolved_at = utcnow()
    record_event(
        session,
        actor=actor,
        action="finding.dismiss",
        entity_type="finding",
        entity_id=str(finding.id),
        case_no=case.case_no,
        before={"status": "open", "code": finding.code, "document_id": finding.document_id},
        after={"status": finding.status, "resolution": reason},
    )
    recheck_case(session, case, today=today)
    return finding


def set_case_facts(
    session: Session,
    case: Case,
    *,
    facts: Mapping[str, bool],
    book: RuleBook,
    actor: Actor,
    today: dt.date,
) -> Case:
    """Record yes/no facts (declared by the rule file) on a case; the caller commits."""
    ensure_open(case)
    check_facts(facts, book)
    before = dict(case.facts or {})
    case.facts = {**before, **facts}
    record_event(
        session,
        actor=actor,
        action="case.facts",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        before={"facts": before},
        after={"facts": case.facts},
    )
    recheck_case(session, case, today=today)
    return case


def rebase_case(
    session: Session, case: Case, *, version: str, reason: str, book: RuleBook, actor: Actor
) -> Case:
    """Check the case against another rule version from now on; its checks run again; the
    caller commits."""
    ensure_open(case)
    if book.named(version) is None:
        raise ValidationError(
            f"the rule file has no version {version!r}; it has "
            + ", ".join(r.version for r in book.versions)
        )
    before = {"rules_version": case.rules_version}
    case.rules_version = version
    record_event(
        session,
        actor=actor,
        action="case.rebase",
        entity_type="case",
        entity_id=case.case_no,
        case_no=case.case_no,
        before=before,
        after={"rules_version": version, "reason": reason.strip()},
    )
    recheck_case(session, case)
    return case


def _audit(
    session: Session,
    document: Document,
    actor: Actor,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    record_event(
        session,
        actor=actor,
        action=action,
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        before=before,
        after=after,
    )
