"""Field extraction: the DESIGN.md fields of a document of a known type, from its OCR pages."""

from __future__ import annotations

from intake._classify import DOC_TYPES
from intake._extract_forms import (
    APPLICATION_FORM,
    AUTHORIZATION_LETTER,
    COMMITMENT_LETTER,
    EQUIPMENT_LIST,
    LEASE_CONTRACT,
    PROJECT_APPROVAL,
    SITE_SURVEY_RECORD,
    SUPPLY_PLAN,
)
from intake._extract_ids import (
    BUSINESS_LICENSE,
    HOUSEHOLD_REGISTER,
    ID_CARD,
    PROPERTY_CERTIFICATE,
)
from intake._extract_labels import DocumentRules, read_document
from intake._extract_layout import layout_rows
from intake._extract_works import (
    ACCEPTANCE_RECORD,
    COMPLETION_REPORT,
    CONTRACTOR_QUALIFICATION,
    DESIGN_DRAWING,
    DESIGN_REVIEW_OPINION,
    INSPECTION_RECORD,
    METER_INSTALLATION,
    OTHER,
    PLANNING_PERMIT,
    SUPPLY_CONTRACT,
)
from intake._fields import ExtractedField
from intake._ocr import OcrPage

RULES: dict[str, DocumentRules] = {
    "id_card": ID_CARD,
    "household_register": HOUSEHOLD_REGISTER,
    "property_certificate": PROPERTY_CERTIFICATE,
    "business_license": BUSINESS_LICENSE,
    "authorization_letter": AUTHORIZATION_LETTER,
    "application_form": APPLICATION_FORM,
    "project_approval": PROJECT_APPROVAL,
    "planning_permit": PLANNING_PERMIT,
    "site_survey_record": SITE_SURVEY_RECORD,
    "supply_plan": SUPPLY_PLAN,
    "design_drawing": DESIGN_DRAWING,
    "design_review_opinion": DESIGN_REVIEW_OPINION,
    "contractor_qualification": CONTRACTOR_QUALIFICATION,
    "inspection_record": INSPECTION_RECORD,
    "completion_report": COMPLETION_REPORT,
    "acceptance_record": ACCEPTANCE_RECORD,
    "supply_contract": SUPPLY_CONTRACT,
    "meter_installation": METER_INSTALLATION,
    "commitment_letter": COMMITMENT_LETTER,
    "lease_contract": LEASE_CONTRACT,
    "equipment_list": EQUIPMENT_LIST,
    "other": OTHER,
}


def extract_fields(doc_type: str, pages: list[OcrPage]) -> dict[str, ExtractedField]:
    """The fields (DESIGN.md names) that the pages of a document of doc_type show.

    Fields the pages do not show are absent. An unknown doc_type raises ValueError.
    """
    if doc_type not in RULES:
        known = ", ".join(DOC_TYPES)
        raise ValueError(f"unknown document type {doc_type!r}; expected one of {known}")
    rules = RULES[doc_type]
    return read_document(layout_rows(pages), rules)


def expected_fields(doc_type: str) -> tuple[str, ...]:
    """The fields (DESIGN.md names) extraction looks for on a document of ``doc_type``, in the
    order it reads them; none for a type it has no rules for (one a rule file added)."""
    rules = RULES.get(doc_type)
    if rules is None:
        return ()
    names = [rule.name for rule in rules.rules] + [name for name, _finder in rules.finders]
    return tuple(dict.fromkeys(names))
