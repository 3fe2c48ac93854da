"""Which 资料封面 (cover sheets) a case needs: one per document its rules require of a stage.

An archivist prints them from the case page, puts each before the first page of its document
and scans the stack; the QR code on each cover routes the document that follows it to the
case as that document type (``intake.read_cover``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from archive._completeness import flow_stages
from archive._errors import ValidationError
from archive._vocabulary import DOC_TYPE_LABELS_ZH, STAGE_LABELS_ZH, Stage
from archive.db._models import Case
from archive.rules._conditions import FactValue
from archive.rules._loader import case_facts
from archive.rules._model import Requirement, RuleBook, RuleSet, StageRules
from intake import CoverSheet

ALL_STAGES = "all"
"""The ``stage`` choice that asks for the covers of every stage of the case's flow."""


@dataclass(frozen=True)
class CoverPage:
    """One cover sheet as printed: what its QR code says and the text beside it."""

    sheet: CoverSheet
    customer_name: str
    doc_type_zh: str
    requirement_zh: str
    stage_zh: str
    alternatives_zh: tuple[str, ...]
    """The other document types the same requirement accepts (the archivist picks one)."""


def cover_pages(
    case: Case, *, rule_set: RuleSet, book: RuleBook, stage: str | None = None
) -> list[CoverPage]:
    """The covers of the documents ``stage`` requires of ``case`` (default its current stage;
    ``"all"``: every stage of its flow), one per accepted type of each requirement that applies.

    Raises ValidationError for a stage not in the case's flow, or one that requires nothing.
    """
    stages = _chosen_stages(case, rule_set, stage)
    facts = case_facts(case)
    pages: list[CoverPage] = []
    seen: set[tuple[str, str]] = set()
    for rules in stages:
        for requirement in _applying(rules, facts):
            labels = tuple(_doc_type_zh(code, book) for code in requirement.documents)
            for code, label in zip(requirement.documents, labels, strict=True):
                if (requirement.rule, code) in seen:
                    continue
                seen.add((requirement.rule, code))
                page = CoverPage(
                    sheet=CoverSheet(case_no=case.case_no, doc_type=code),
                    customer_name=case.customer.name,
                    doc_type_zh=label,
                    requirement_zh=requirement.label_zh,
                    stage_zh=STAGE_LABELS_ZH[rules.stage],
                    alternatives_zh=tuple(other for other in labels if other != label),
                )
                pages.extend([page] * requirement.count)
    if not pages:
        raise ValidationError(
            f"stage {stage or case.stage} of case {case.case_no} requires no documents, so it "
            f"has no cover sheets; {_choices(case, rule_set)}"
        )
    return pages


def cover_stages(case: Case, rule_set: RuleSet) -> list[Stage]:
    """The stages of the case's flow that require a document of it, so have cover sheets."""
    facts = case_facts(case)
    return [rules.stage for rules in flow_stages(case, rule_set) if _applying(rules, facts)]


def _applying(rules: StageRules, facts: Mapping[str, FactValue]) -> list[Requirement]:
    return [r for r in rules.requires if r.when is None or r.when.holds(facts)]


def _chosen_stages(case: Case, rule_set: RuleSet, stage: str | None) -> list[StageRules]:
    flow = flow_stages(case, rule_set)
    if stage == ALL_STAGES:
        return flow
    wanted = stage or case.stage
    chosen = [rules for rules in flow if rules.stage.value == wanted]
    if not chosen:
        known = wanted in {s.value for s in Stage}
        what = "is not in the flow of" if known else "is not a stage of"
        raise ValidationError(
            f"stage {wanted!r} {what} case {case.case_no}; {_choices(case, rule_set)}"
        )
    return chosen


def _choices(case: Case, rule_set: RuleSet) -> str:
    names = [stage.value for stage in cover_stages(case, rule_set)]
    return f"choose one of {', '.join([*names, repr(ALL_STAGES)])}"


def _doc_type_zh(code: str, book: RuleBook) -> str:
    return DOC_TYPE_LABELS_ZH.get(code) or book.document_types.get(code) or code
