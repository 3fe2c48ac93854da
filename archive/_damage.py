"""A damaged original, marked on its document by one open ``original_damaged`` finding.

Whoever finds that a stored original no longer matches its sha256 (serving it, a worker reading
it, ``yekuo verify``) calls :func:`mark_damaged`: each detection is audited ``document.damaged``,
and the finding is created once however often the damage is found again. The mark stays until
the object is restored and found whole again (by ``yekuo verify`` or by a worker reading it),
when :func:`clear_damage` resolves it, audited ``document.restored``. As an open error finding
it keeps the case from being ready; ``/healthz`` counts the marks (:func:`damaged_count`).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._errors import DamageFound
from archive._findings import FindingDraft, add_finding
from archive._trash import without_trashed
from archive._vocabulary import Severity
from archive.db._models import Case, Document, Finding, utcnow

ORIGINAL_DAMAGED = "original_damaged"
"""The code of the finding that marks a document whose stored original is damaged."""

_FOUND_ZH = {
    "missing": "已从对象存储中丢失",
    "altered": "与其 SHA-256 校验值不符（已被改动或截断）",
}


def _open_marks(session: Session, document: Document) -> list[Finding]:
    return list(
        session.scalars(
            select(Finding).where(
                Finding.document_id == document.id,
                Finding.code == ORIGINAL_DAMAGED,
                Finding.status == "open",
            )
        )
    )


def mark_damaged(
    session: Session, *, document: Document, actor: Actor, found: DamageFound
) -> Finding:
    """Record that ``document``'s original is ``found`` missing or altered; its open mark.

    Audited each time; the finding is added only when the document has no open one. The caller
    commits.
    """
    record_event(
        session,
        actor=actor,
        action="document.damaged",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        after={"sha256": document.sha256, "found": found},
    )
    marks = _open_marks(session, document)
    if marks:
        return marks[0]
    return add_finding(
        session,
        case=document.case,
        draft=FindingDraft(
            code=ORIGINAL_DAMAGED,
            severity=Severity.error,
            message_zh=f"原件已损坏：存储的原件{_FOUND_ZH[found]}，不能再查看或下载。"
            "请从备份恢复原件，然后运行 `yekuo verify` 核对；核对无误后此标记自动解除。",
            message_en=f"The stored original is {found}: it no longer matches sha256 "
            f"{document.sha256}. Restore it from a backup, then run `yekuo verify`; the mark "
            "is resolved once the original is found intact.",
            found=found,
            expected=document.sha256,
            document_id=document.id,
        ),
    )


def clear_damage(session: Session, *, document: Document, actor: Actor) -> bool:
    """Resolve ``document``'s damage mark now that its original was found whole; whether it had one.

    Audited ``document.restored``; the caller commits.
    """
    marks = _open_marks(session, document)
    if not marks:
        return False
    now = utcnow()
    for mark in marks:
        mark.status = "resolved"
        mark.resolution = "the original was found intact again (restored)"
        mark.resolved_by = actor.name
        mark.resolved_at = now
    record_event(
        session,
        actor=actor,
        action="document.restored",
        entity_type="document",
        entity_id=document.id,
        case_no=document.case.case_no,
        before={"findings": [mark.id for mark in marks]},
        after={"sha256": document.sha256, "found": "intact"},
    )
    return True


def damaged_count(session: Session) -> int:
    """How many documents carry an open damage mark."""
    count = session.scalar(
        select(func.count(func.distinct(Finding.document_id))).where(
            Finding.code == ORIGINAL_DAMAGED, Finding.status == "open"
        )
    )
    return count or 0


def damaged_documents(session: Session, *, case: Case) -> set[str]:
    """Ids of the documents of ``case`` that carry an open damage mark."""
    return {
        document_id
        for document_id in session.scalars(
            without_trashed(
                select(Finding.document_id).where(
                    Finding.case_id == case.id,
                    Finding.code == ORIGINAL_DAMAGED,
                    Finding.status == "open",
                )
            )
        )
        if document_id is not None
    }
