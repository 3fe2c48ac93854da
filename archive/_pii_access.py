"""Who may see citizen ID numbers in full, and the audited act of revealing them.

Roles with ``view_pii`` (reviewer and admin unless ``YEKUO_PII_ROLES`` says otherwise) read
full numbers through the API; everyone else, and every page until its reader asks, sees them
masked. An ID card's original shows the whole number, so only ``view_pii`` may open one.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor, Permission
from archive._errors import ForbiddenError
from archive.db._models import Document

PII_DOC_TYPES = frozenset({"id_card"})
"""Document types whose original is itself a citizen ID number (a card's front and back)."""


def may_open_original(actor: Actor, document: Document) -> bool:
    """Whether ``actor`` may see the original of ``document`` (its page images included).

    A stack's parts share one original file: if any part is an ID card, the file of every part
    (and of the stack) holds the number.
    """
    if actor.can(Permission.view_pii):
        return True
    stack = document.parent or document
    return all(d.doc_type not in PII_DOC_TYPES for d in (stack, *stack.parts))


def require_original_access(actor: Actor, document: Document) -> None:
    """Raise ForbiddenError when ``document``'s original would show ``actor`` an ID number."""
    if not may_open_original(actor, document):
        raise ForbiddenError(
            f"文件 {document.id} 是身份证原件，含完整的公民身份号码：只有具有 view_pii 权限的角色"
            f"（默认审核员、管理员）可以查看或下载；角色 {actor.role.value} 只能看到遮蔽后的号码"
        )


def record_reveal(
    session: Session, *, actor: Actor, entity_type: str, entity_id: str, case_no: str | None
) -> None:
    """Audit that ``actor`` asked to see the full citizen ID numbers of a case or document.

    Raises ForbiddenError unless ``actor`` has ``view_pii``. The caller commits.
    """
    actor.require(Permission.view_pii)
    record_event(
        session,
        actor=actor,
        action="pii.revealed",
        entity_type=entity_type,
        entity_id=entity_id,
        case_no=case_no,
        after={"revealed": "citizen_id_numbers"},
    )
