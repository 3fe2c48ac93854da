"""Reviewer corrections: a document's type, a field's value, a finding dismissed, case facts.

Each is audited with before and after, and each re-runs the case's checks (the fields of one
document reviewed together re-run them once). A corrected field keeps the value OCR read beside
the correction (``ocr.fields[name].ocr_value``) and the reviewer's reason;
a dismissed finding keeps its reason, who and when, and is never brought back by a recheck.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._checks import recheck_case
from archive._errors import ConflictError, ValidationError
from archive._findings import get_finding
from archive._privacy import mask_citizen_id
from archive._read_only import ensure_open
from archive._vocabulary import FIELD_LABELS_ZH, DocumentStatus
from archive.db._models import Case, Document, Finding, utcnow
from archive.rules._loader import check_facts
from archive.rules._model import RuleBook

_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class FieldReview:
    """A reviewer's word on one field: ``value`` the same (confirmed) or new (corrected, which
    needs ``reason``)."""

    name: str
    value: str
    reason: str = ""


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
    reason: str = "",
    actor: Actor,
    today: dt.date,
) -> Document:
    """Confirm (same value) or correct (new value, with ``reason``) one field; the OCR value is
    kept beside it. The caller commits.

    The masked form of the current value (``410105********6366``, as a page shows it to someone
    who has not revealed it) counts as the same value.
    """
    _apply_review(session, document, FieldReview(name=name, value=value, reason=reason), actor)
    recheck_case(session, document.case, today=today)
    return document


def review_fields(
    session: Session,
    document: Document,
    *,
    reviews: Sequence[FieldReview],
    actor: Actor,
    today: dt.date,
) -> Document:
    """Confirm or correct several fields of one document, then run the case's checks once.

    Each review is ``correct_field``'s; one that is refused refuses them all (the caller
    commits only when every one was applied).
    """
    names = [review.name for review in reviews]
    if len(set(names)) != len(names):
        raise ValidationError(
            "each field may be reviewed once per request; send one item per field name",
            message_zh="每个字段只能提交一次",
        )
    for review in reviews:
        _apply_review(session, document, review, actor)
    recheck_case(session, document.case, today=today)
    return document


def field_changed(document: Document, *, name: str, value: str) -> bool:
    """Whether ``value`` would correct the field ``name`` (rather than confirm it)."""
    current = document.fields.get(name)
    return bool(_same_value(current, value.strip()) != current)


def _same_value(current: Any, value: str) -> Any:
    """``value``, or the current value when ``value`` is how a page showed it: its masked
    form, the text of a number, or empty for no value."""
    if isinstance(current, str):
        # A form that showed the number masked sends the mask back: it confirms the number.
        return current if value == mask_citizen_id(current) else value
    shown = "" if current is None else str(current)
    return current if value == shown else value


def _apply_review(session: Session, document: Document, review: FieldReview, actor: Actor) -> None:
    """Record one confirmation or correction on the document and in the audit trail."""
    ensure_open(document.case)
    name = review.name
    if not _FIELD_NAME.match(name):
        raise ValidationError(f"{name!r} is not a field name (lower_case letters, digits, _)")
    if document.status != DocumentStatus.done:
        raise ConflictError(
            f"document {document.id} is {document.status}; correct its fields once intake is done"
        )
    current = document.fields.get(name)
    value = _same_value(current, review.value.strip())
    status = "confirmed" if value == current else "corrected"
    reason = review.reason.strip() if status == "corrected" else ""
    if status == "corrected" and not reason:
        label = FIELD_LABELS_ZH.get(name, name)
        raise ValidationError(
            f"correcting {name} of document {document.id} needs a reason; send it with the value",
            message_zh=f"更正「{label}」需要写明理由（记入审计）",
        )
    ocr: dict[str, Any] = dict(document.ocr or {})
    details: dict[str, Any] = dict(ocr.get("fields") or {})
    detail: dict[str, Any] = dict(details.get(name) or {})
    detail.setdefault("ocr_value", current)
    detail.pop("reason", None)
    detail.update(status=status, by=actor.name, at=utcnow().isoformat())
    if reason:
        detail["reason"] = reason
    details[name] = detail
    ocr["fields"] = details
    # JSON columns change only when a new object is assigned.
    document.ocr = ocr
    document.fields = {**document.fields, name: value}
    after: dict[str, Any] = {"field": name, "value": value, "ocr_value": detail["ocr_value"]}
    if reason:
        after["reason"] = reason
    _audit(
        session,
        document,
        actor,
        f"document.field_{status}",
        {"field": name, "value": current},
        after,
    )


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
