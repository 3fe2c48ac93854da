"""Findings: creating them with both messages, taking over intake's, and their public form."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from archive._auth import Actor
from archive._errors import NotFoundError
from archive._schemas import FindingPublic
from archive._scope import case_in_scope
from archive._vocabulary import Severity
from archive.db._models import Case, Finding
from intake import FieldFinding


@dataclass(frozen=True)
class FindingDraft:
    """A finding before it is stored."""

    code: str
    severity: Severity
    message_zh: str
    message_en: str
    field: str | None = None
    found: str | None = None
    expected: str | None = None
    document_id: str | None = None


def intake_finding(item: FieldFinding, *, document_id: str | None = None) -> FindingDraft:
    """One of intake's validity findings on a document's fields, as an archive finding."""
    return FindingDraft(
        code=item.code,
        severity=Severity(item.severity),
        message_zh=item.message_zh,
        message_en=item.message_en,
        field=item.field,
        found=item.found,
        expected=item.expected,
        document_id=document_id,
    )


def add_finding(session: Session, *, case: Case, draft: FindingDraft) -> Finding:
    """Store a finding on a case (and its document, if any)."""
    finding = Finding(
        case_id=case.id,
        document_id=draft.document_id,
        code=draft.code,
        severity=draft.severity.value,
        field=draft.field,
        found=draft.found,
        expected=draft.expected,
        message_zh=draft.message_zh,
        message_en=draft.message_en,
        status="open",
    )
    session.add(finding)
    session.flush()
    return finding


def finding_public(finding: Finding) -> FindingPublic:
    """The public form of a finding."""
    return FindingPublic(
        id=finding.id,
        code=finding.code,
        severity=Severity(finding.severity),
        document_id=finding.document_id,
        field=finding.field,
        found=finding.found,
        expected=finding.expected,
        message=finding.message_zh,
        message_en=finding.message_en,
        status=finding.status,
        resolution=finding.resolution,
        resolved_by=finding.resolved_by,
        resolved_at=finding.resolved_at,
    )


def invalid_checksum(*, field: str, value: str, kind: str) -> FindingDraft:
    """A finding for an identifier in the case record whose check character fails."""
    label_zh = "公民身份号码" if kind == "id_number" else "统一社会信用代码"
    return FindingDraft(
        code=f"{kind}_invalid_checksum",
        severity=Severity.error,
        field=field,
        found=value,
        message_zh=f"案件登记的{label_zh} {value} 校验位不正确，请核对原件后更正或说明原因。",
        message_en=(
            f"the {field} {value} in the case record fails its check character; compare it with "
            "the original and correct it, or dismiss this finding with a reason"
        ),
    )


def get_finding(session: Session, *, finding_id: int, actor: Actor) -> Finding:
    """The finding with this id if ``actor`` sees its case (NotFoundError if none, or of a
    case outside the actor's unit: the same answer)."""
    finding = session.get(Finding, finding_id)
    if finding is None or not case_in_scope(
        session, actor=actor, case=session.get_one(Case, finding.case_id)
    ):
        raise NotFoundError(f"no finding {finding_id}; list a case's findings with its check")
    return finding
