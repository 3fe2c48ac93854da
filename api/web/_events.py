"""Audit events as people read them: who by name, the action in Chinese, the object by name
(a document by its file and case, a case by its number and customer) and the change as a
before/after table; the same rows on the audit page, in a case's or document's 历史, and in
the CSV export of a filtered view.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web._changes import change_rows
from api.web.render import label_zh, local_time
from archive import (
    AUDIT_ACTIONS_ZH,
    FINDING_CODES_ZH,
    SYSTEM,
    Actor,
    AuditEvent,
    AuditFilter,
    Case,
    Document,
    Finding,
    Loan,
    Permission,
    query_events,
    unit_tree,
)
from archive.db import ApiToken, Customer

OBJECT_KINDS_ZH = {
    "case": "案件",
    "document": "资料",
    "finding": "问题",
    "loan": "借阅",
    "unit": "单位",
    "user": "用户",
    "token": "访问令牌",
    "audit": "审计记录",
    "archive": "馆藏",
}

FIXED_NAMES = {("audit", "csv"): "导出 CSV", ("archive", "stored"): "存储的全部档案"}
"""Objects of one of a kind, named by what they are (their ids are the code's)."""

HISTORY_SIZE = 30
"""How many of the newest events a case's or document's history shows (the rest: the audit
page, filtered to it)."""


def object_names(session: Session, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """What each event acted on, by name: a document by its file name and case, a case by its
    number and customer, a finding by its check and case, a loan by its case and borrower, a
    unit by its name (not a bare id)."""
    ids: dict[str, set[str]] = defaultdict(set)
    for event in events:
        ids[event.entity_type].add(event.entity_id)
    names = {
        **FIXED_NAMES,
        **_document_names(session, ids["document"]),
        **_case_names(session, ids["case"]),
        **_finding_names(session, ids["finding"]),
        **_loan_names(session, ids["loan"]),
        **_unit_names(session, ids["unit"]),
    }
    return {
        (e.entity_type, e.entity_id): f"{OBJECT_KINDS_ZH.get(e.entity_type, '对象')} "
        + names.get((e.entity_type, e.entity_id), e.entity_id)
        for e in events
    }


def _document_names(session: Session, ids: set[str]) -> dict[tuple[str, str], str]:
    rows = session.execute(
        select(Document.id, Document.original_filename, Case.case_no)
        .join(Case, Document.case_id == Case.id)
        .where(Document.id.in_(ids))
    )
    return {("document", i): f"{name or '资料'}（案件 {case_no}）" for i, name, case_no in rows}


def _case_names(session: Session, ids: set[str]) -> dict[tuple[str, str], str]:
    rows = session.execute(
        select(Case.case_no, Customer.name)
        .join(Customer, Case.customer_id == Customer.id)
        .where(Case.case_no.in_(ids))
    )
    return {("case", case_no): f"{case_no} {customer}" for case_no, customer in rows}


def _finding_names(session: Session, ids: set[str]) -> dict[tuple[str, str], str]:
    rows = session.execute(
        select(Finding.id, Finding.code, Case.case_no)
        .join(Case, Finding.case_id == Case.id)
        .where(Finding.id.in_([int(i) for i in ids if i.isdigit()]))
    )
    return {
        ("finding", str(i)): f"{FINDING_CODES_ZH.get(code, '核对问题')}（案件 {case_no}）"
        for i, code, case_no in rows
    }


def _loan_names(session: Session, ids: set[str]) -> dict[tuple[str, str], str]:
    rows = session.execute(
        select(Loan.id, Loan.borrower, Case.case_no)
        .join(Case, Loan.case_id == Case.id)
        .where(Loan.id.in_([int(i) for i in ids if i.isdigit()]))
    )
    return {
        ("loan", str(i)): f"第 {i} 号（案件 {case_no}，借阅人 {borrower}）"
        for i, borrower, case_no in rows
    }


def _unit_names(session: Session, ids: set[str]) -> dict[tuple[str, str], str]:
    units = unit_tree(session).units
    return {("unit", code): f"{units[code].name}（{code}）" for code in ids if code in units}


def actor_names(session: Session, names: set[str]) -> dict[str, str]:
    """Who acted, by each recorded name, as people read it: a token as 访问令牌 and its name
    (which says who or what holds it); a signed-in user is recorded by user name and name
    (``wang.xm（王小明）``), which stays."""
    tokens = set(session.scalars(select(ApiToken.name).where(ApiToken.name.in_(names))))
    return {name: f"访问令牌 {name}" if name in tokens else name for name in names}


def event_rows(session: Session, events: list[AuditEvent]) -> list[dict[str, Any]]:
    """Each event with its actor, action and object named in Chinese and its change rows."""
    names = object_names(session, events)
    actors = actor_names(session, {event.actor for event in events})
    return [
        {
            "event": event,
            "actor": "系统" if event.actor == SYSTEM.name else actors[event.actor],
            "action_label": AUDIT_ACTIONS_ZH.get(event.action, event.action),
            "object": names.get((event.entity_type, event.entity_id), event.entity_id),
            "changes": change_rows(event.before, event.after),
        }
        for event in events
    ]


def document_entities(document: Document) -> tuple[tuple[str, str], ...]:
    """The objects a document's history is about: the document and its findings."""
    return (("document", document.id), *(("finding", str(f.id)) for f in document.findings))


def history(session: Session, *, actor: Actor, where: AuditFilter) -> dict[str, Any]:
    """The newest events by people about one case or document (for roles that read the
    audit trail; nothing for the others)."""
    if not actor.can(Permission.read_audit):
        return {"history": None}
    limited = AuditFilter(
        case_no=where.case_no,
        entities=where.entities,
        limit=HISTORY_SIZE,
        without_actors=(SYSTEM.name,),
    )
    total, events = query_events(session, where=limited, actor=actor)
    return {"history": event_rows(session, events), "history_total": total}


CSV_HEADER = ("编号", "时间", "操作人", "角色", "操作", "对象", "案件编号", "变更内容")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def events_csv(rows: list[dict[str, Any]]) -> bytes:
    """The rows as CSV in UTF-8 with a byte order mark (so Excel reads the Chinese right); a
    cell that a spreadsheet would run as a formula is written as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        event: AuditEvent = row["event"]
        changes = "；".join(
            f"{c.label}：{c.before} → {c.after}"
            if event.before is not None
            else f"{c.label}：{c.after}"
            for c in row["changes"]
        )
        cells = [
            str(event.id),
            local_time(event.at),
            row["actor"],
            label_zh(event.actor_role),
            row["action_label"],
            row["object"],
            event.case_no or "",
            changes,
        ]
        writer.writerow(["'" + c if c.startswith(_FORMULA_START) else c for c in cells])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
