"""The consistency report (纸质资料与营销系统一致性): across all cases of a unit, where the
paper and the system disagree, what is missing, what is still unread.

Per case it lists each field whose open mismatch finding says the document differs from the
case record (with the document and the page the value was read on), each document the rules
still ask for up to its current stage, and each document still in intake or failed; the counts
are by kind. Scoped by ``archive._scope``; computed for all cases at once in a handful of
queries (the cases with their documents, their open findings), never one query per case.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from archive._auth import Actor
from archive._checks import CROSS_CHECK_CODES
from archive._completeness import check_case
from archive._errors import ValidationError
from archive._schemas import ConsistencyCase, ConsistencyCounts, ConsistencyItem, ConsistencyReport
from archive._scope import require_unit_in_scope, scoped_cases
from archive._unit_tree import unit_tree
from archive._units import known_unit
from archive._vocabulary import LABELS_ZH, STAGE_LABELS_ZH, DocumentStatus, Stage
from archive.db._models import Case, Document, Finding
from archive.rules._loader import rule_set_for
from archive.rules._model import RuleBook

Kind = Literal["mismatch", "missing", "unread"]
KINDS: tuple[Kind, ...] = ("mismatch", "missing", "unread")
KIND_LABELS_ZH: dict[str, str] = {
    "mismatch": "资料与系统不一致",
    "missing": "缺少资料",
    "unread": "资料未识别",
}

MISMATCH_CODES = CROSS_CHECK_CODES - {"date_order"}
"""Findings that a document differs from the case record (date order is paper against paper)."""

_UNREAD = (DocumentStatus.queued, DocumentStatus.processing, DocumentStatus.failed)


def consistency_report(
    session: Session,
    *,
    actor: Actor,
    rules: RuleBook,
    unit: str | None = None,
    stage: Stage | None = None,
    kind: Kind | None = None,
    today: dt.date,
) -> ConsistencyReport:
    """The report over the cases ``actor`` sees, of ``unit`` and the units under it (default
    all), at ``stage`` (default any), of ``kind`` (default every kind); only cases with
    something to report are listed, by case number.

    An unknown unit is a ValidationError, one outside the actor's a ForbiddenError.
    """
    query = scoped_cases(session, select(Case), actor=actor)
    if unit:
        known_unit(session, unit)
        require_unit_in_scope(session, actor=actor, code=unit)
        query = query.where(Case.unit.in_(unit_tree(session).subtree(unit)))
    if stage is not None:
        query = query.where(Case.stage == stage.value)
    cases = list(
        session.scalars(query.options(selectinload(Case.documents)).order_by(Case.case_no))
    )
    findings = _open_findings(session, [case.id for case in cases])
    listed: list[ConsistencyCase] = []
    for case in cases:
        documents = {d.id: d for d in case.documents}
        items = [
            *(_mismatches(findings[case.id], documents) if kind in (None, "mismatch") else []),
            *(
                _missing(session, case, rules, findings[case.id])
                if kind in (None, "missing")
                else []
            ),
            *(_unread(case.documents) if kind in (None, "unread") else []),
        ]
        if items:
            listed.append(_case_entry(case, items))
    return ConsistencyReport(
        generated_on=today,
        unit=unit,
        stage=stage,
        kind=kind,
        counts=ConsistencyCounts(
            cases=len(listed),
            **{k: sum(getattr(c.counts, k) for c in listed) for k in KINDS},
        ),
        cases=listed,
    )


def _open_findings(session: Session, ids: list[int]) -> dict[int, list[Finding]]:
    found: dict[int, list[Finding]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(Finding).where(Finding.case_id.in_(chunk), Finding.status == "open")
        for finding in session.scalars(query.order_by(Finding.id)):
            found[finding.case_id].append(finding)
    return found


def _mismatches(findings: list[Finding], documents: dict[str, Document]) -> list[ConsistencyItem]:
    items = []
    for finding in findings:
        if finding.code not in MISMATCH_CODES or finding.document_id not in documents:
            continue
        document = documents[finding.document_id]
        items.append(
            ConsistencyItem(
                kind="mismatch",
                code=finding.code,
                field=finding.field,
                document_id=document.id,
                document=document.original_filename or None,
                doc_type=document.doc_type,
                page=_page(document, finding.field),
                paper=finding.found,
                system=finding.expected,
                detail=finding.message_zh,
            )
        )
    return items


def _page(document: Document, field: str | None) -> int | None:
    """The page (of the document, from 1) the field was read on, if intake knows it."""
    details: dict[str, Any] = ((document.ocr or {}).get("fields") or {}).get(field or "") or {}
    page = details.get("page")
    return page if isinstance(page, int) else None


def _missing(
    session: Session, case: Case, rules: RuleBook, findings: list[Finding]
) -> list[ConsistencyItem]:
    try:
        check = check_case(
            session, case, Stage(case.stage), rule_set=rule_set_for(rules, case), findings=findings
        )
    except ValidationError:
        return []  # a case its rules cannot check: its own page says why
    return [
        ConsistencyItem(
            kind="missing",
            code=item.rule,
            doc_type=item.doc_type,
            for_stage=item.stage,
            detail=f"缺少{item.label_zh}（{STAGE_LABELS_ZH[item.stage]}环节要求 {item.count} 份，"
            f"已有 {item.found} 份）",
        )
        for item in check.missing
    ]


def _unread(documents: list[Document]) -> list[ConsistencyItem]:
    items = []
    for document in documents:
        if document.status not in _UNREAD:
            continue
        if document.status == DocumentStatus.failed:
            reason = LABELS_ZH.get(document.error_code or "", "识别失败")
            detail = f"识别失败：{reason}，可重试识别或重新扫描上传"
        else:
            detail = f"{LABELS_ZH[document.status]}，尚未识别完成"
        items.append(
            ConsistencyItem(
                kind="unread",
                code=document.status,
                document_id=document.id,
                document=document.original_filename or None,
                doc_type=document.doc_type,
                detail=detail,
            )
        )
    return items


def _case_entry(case: Case, items: list[ConsistencyItem]) -> ConsistencyCase:
    return ConsistencyCase(
        case_no=case.case_no,
        unit=case.unit,
        stage=Stage(case.stage),
        customer_name=case.customer.name,
        counts=ConsistencyCounts(
            cases=1, **{k: sum(1 for item in items if item.kind == k) for k in KINDS}
        ),
        items=items,
    )
