"""Moving a document filed on the wrong case to the right one."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import Actor
from archive._errors import ConflictError, ValidationError
from archive._read_only import ensure_open
from archive.db._models import Case, Document, Finding


def move_document(
    session: Session, document: Document, *, to: Case, reason: str, actor: Actor
) -> Document:
    """Move ``document`` (an upload with the parts of it on the same case, or one part) to the
    case ``to``, which the caller loaded in the actor's scope; the caller commits, re-runs the
    checks of both cases and indexes the document again.

    Both cases must be open. Its findings go with it. Audited ``document.moved`` on each case,
    naming both.
    """
    source = document.case
    ensure_open(source)
    ensure_open(to)
    text = reason.strip()
    if len(text) < 2:
        raise ValidationError(
            f"a reason is required to move document {document.id} to case {to.case_no}",
            message_zh="请写明移到其他案件的理由（至少 2 个字）",
        )
    if to.id == source.id:
        raise ValidationError(
            f"document {document.id} is already on case {to.case_no}: name another case",
            message_zh=f"资料已在案件 {to.case_no} 中：请填写另一个案件编号",
        )
    rows = [document, *(p for p in document.parts if p.case_id == source.id)]
    _refuse_duplicates(session, rows, to=to)
    ids = [row.id for row in rows]
    for row in rows:
        row.case_id = to.id
        row.case = to
        row.index_status = "pending"
    session.execute(
        update(Finding).where(Finding.document_id.in_(ids)).values(case_id=to.id),
        execution_options={"synchronize_session": False},
    )
    session.flush()
    session.expire(source, ["documents"])
    for case_no in (source.case_no, to.case_no):
        record_event(
            session,
            actor=actor,
            action="document.moved",
            entity_type="document",
            entity_id=document.id,
            case_no=case_no,
            before={"from_case_no": source.case_no},
            after={
                "to_case_no": to.case_no,
                "reason": text,
                "filename": document.original_filename,
            },
        )
    return document


def _refuse_duplicates(session: Session, rows: list[Document], *, to: Case) -> None:
    for row in rows:
        there = session.scalar(
            select(Document.id).where(
                Document.case_id == to.id, Document.sha256 == row.sha256, Document.part == row.part
            )
        )
        if there is not None:
            raise ConflictError(
                f"case {to.case_no} already holds these bytes as document {there}: nothing "
                "was moved; remove this one to the trash instead",
                message_zh=f"案件 {to.case_no} 已有相同的文件，未移动：多余的一份请移入回收站",
            )
