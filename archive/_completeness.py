"""Completeness of a case for a stage: which rules are satisfied, what is missing, and why.

The check is cumulative: checking a stage checks the rules of every stage of the case's flow
up to it, so a document skipped by an override is still reported until it arrives. A document
counts when intake finished it, its type is known and no open finding says it expired; a
reviewer's corrected type and fields count as corrected.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._errors import ValidationError
from archive._findings import finding_public
from archive._schemas import CaseCheck, MissingDocument, NotCountingDocument, SatisfiedRule
from archive._trash import without_trashed
from archive._vocabulary import DocumentStatus, Severity, Stage
from archive.db._models import Case, Document, Finding
from archive.rules._loader import case_facts
from archive.rules._model import Requirement, RuleSet, StageRules
from intake import normalize_identifier, normalize_name

EXPIRY_CODES = frozenset({"id_card_expired", "license_expired", "supply_plan_expired"})
"""Open findings with these codes keep a document from counting."""


def flow_stages(case: Case, rule_set: RuleSet) -> list[StageRules]:
    """The stages the case passes through under ``rule_set``, in order."""
    flow = rule_set.flow_for(case.category, case.business_type)
    return flow.stages_for(case_facts(case))


def stages_up_to(case: Case, rule_set: RuleSet, stage: Stage) -> list[StageRules]:
    """The case's stages up to and including ``stage``; ValidationError if it is not in them."""
    stages = flow_stages(case, rule_set)
    names = [rules.stage for rules in stages]
    if stage not in names:
        raise ValidationError(
            f"stage {stage.value} is not in the flow of case {case.case_no} "
            f"({case.category}/{case.business_type}): its stages are {', '.join(names)}"
        )
    return stages[: names.index(stage) + 1]


def check_case(
    session: Session,
    case: Case,
    stage: Stage,
    *,
    rule_set: RuleSet,
    findings: Sequence[Finding] | None = None,
) -> CaseCheck:
    """Completeness of ``case`` for ``stage`` under ``rule_set``, with all its findings
    (``findings``: the case's findings already loaded, in id order, by a caller checking many)."""
    if findings is None:
        findings = list(
            session.scalars(
                without_trashed(select(Finding).where(Finding.case_id == case.id)).order_by(
                    Finding.id
                )
            )
        )
    expired = {
        f.document_id: f.code
        for f in findings
        if f.status == "open" and f.code in EXPIRY_CODES and f.document_id
    }
    counting, not_counting = _sort_documents(case.documents, expired)
    facts = case_facts(case)
    missing: list[MissingDocument] = []
    satisfied: list[SatisfiedRule] = []
    for rules in stages_up_to(case, rule_set, stage):
        for requirement in rules.requires:
            if requirement.when is not None and not requirement.when.holds(facts):
                continue
            matches = [d.id for d in counting if _satisfies(d, requirement, case)]
            if len(matches) >= requirement.count:
                satisfied.append(
                    SatisfiedRule(
                        rule=requirement.rule,
                        label_zh=requirement.label_zh,
                        stage=rules.stage,
                        document_ids=matches,
                        originals=requirement.originals,
                    )
                )
            else:
                missing.append(_missing(requirement, rules.stage, found=len(matches)))
    complete = not missing
    open_error = any(f.status == "open" and f.severity == Severity.error for f in findings)
    return CaseCheck(
        case_no=case.case_no,
        stage=stage,
        rules_version=rule_set.version,
        complete=complete,
        ready=complete and not open_error,
        missing=missing,
        satisfied=satisfied,
        not_counting=not_counting,
        findings=[finding_public(f) for f in findings],
    )


def _missing(requirement: Requirement, stage: Stage, *, found: int) -> MissingDocument:
    return MissingDocument(
        doc_type=requirement.documents[0],
        rule=requirement.rule,
        label_zh=requirement.label_zh,
        stage=stage,
        alternatives=list(requirement.documents),
        count=requirement.count,
        found=found,
        originals=requirement.originals,
    )


def _sort_documents(
    documents: Iterable[Document], expired: Mapping[str, str]
) -> tuple[list[Document], list[NotCountingDocument]]:
    counting: list[Document] = []
    not_counting: list[NotCountingDocument] = []
    for document in documents:
        reason = _why_not_counting(document, expired.get(document.id))
        if reason is None:
            counting.append(document)
        else:
            not_counting.append(
                NotCountingDocument(
                    document_id=document.id, doc_type=document.doc_type, reason=reason
                )
            )
    return counting, not_counting


def _why_not_counting(document: Document, expiry_code: str | None) -> str | None:
    """None if the document counts, else the reason it does not."""
    if document.status in (DocumentStatus.queued, DocumentStatus.processing):
        return f"still being processed ({document.status}); check again when intake is done"
    if document.status == DocumentStatus.stack:
        return "it is a stack split into documents; its parts count instead"
    if document.status == DocumentStatus.failed:
        return f"intake failed: {document.error or 'unreadable'}; rescan or retry it"
    if not document.doc_type:
        return "its document type is unknown; a reviewer sets it"
    if expiry_code is not None:
        return f"expired ({expiry_code}); upload a valid one or dismiss the finding with a reason"
    return None


def _satisfies(document: Document, requirement: Requirement, case: Case) -> bool:
    if document.doc_type not in requirement.documents:
        return False
    if requirement.holder is None:
        return True
    names_customer = _names(document.fields, case.customer.name, case.customer.id_number)
    rep = case.legal_representative
    names_rep = rep is not None and _names(document.fields, rep.name, rep.id_number)
    if requirement.holder == "customer":
        return names_customer
    if requirement.holder == "legal_representative":
        return names_rep
    identifies_someone = any(_text(document.fields, f) for f in ("name", "id_number"))
    return identifies_someone and not names_customer and not names_rep


def _names(fields: Mapping[str, Any], name: str, id_number: str | None) -> bool:
    """Whether any field of the document holds this person's ID number or name."""
    values = [v for v in fields.values() if isinstance(v, str) and v.strip()]
    if id_number and any(normalize_identifier(v) == id_number for v in values):
        return True
    return any(normalize_name(v) == normalize_name(name) for v in values)


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""
