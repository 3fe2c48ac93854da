"""Synthetic cases built straight in the database, and the shipped rules checked against them.

The builders here are shared by the rule, check, completeness and stage tests: a case of any
category and business type with synthetic people, and documents as intake would leave them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy.orm import Session

from archive import (
    SYSTEM,
    BusinessType,
    Case,
    CaseCheck,
    CaseCreate,
    Category,
    Database,
    Document,
    RuleBook,
    Stage,
    ValidationError,
    check_case,
    create_case,
    list_cases,
    load_rule_book,
    rule_set_for,
)

ACCEPTED = dt.date(2025, 3, 3)
TODAY = dt.date(2025, 3, 10)

PERSON = {"name": "王小明", "id_number": "11010519491231002X"}
LEGAL_REP = {"name": "李建国", "id_number": "110101198001010010"}
AGENT = {"name": "赵六", "id_number": "310115198506150022"}
LANDLORD = {"name": "钱七", "id_number": "440305199003030039"}
COMPANY = {"name": "示例电子科技有限公司", "credit_code": "91310110666007217T"}
ADDRESS = "北京市朝阳区光华路1号"

# The documents of a complete case, per category, by the stage that asks for them.
PERSON_APPLICATION: list[tuple[str, dict[str, str]]] = [
    ("application_form", {"customer_name": PERSON["name"], "id_number": PERSON["id_number"]}),
    ("id_card", {"name": PERSON["name"], "id_number": PERSON["id_number"]}),
    ("property_certificate", {"owner": PERSON["name"], "location": ADDRESS}),
]
ORGANISATION_APPLICATION: list[tuple[str, dict[str, str]]] = [
    ("application_form", {"customer_name": COMPANY["name"]}),
    (
        "business_license",
        {
            "company_name": COMPANY["name"],
            "credit_code": COMPANY["credit_code"],
            "legal_representative": LEGAL_REP["name"],
            "valid_to": "long_term",
        },
    ),
    ("id_card", {"name": LEGAL_REP["name"], "id_number": LEGAL_REP["id_number"]}),
    ("equipment_list", {"customer_name": COMPANY["name"]}),
    ("property_certificate", {"owner": COMPANY["name"], "location": ADDRESS}),
]
SUPPLY_PLAN: list[tuple[str, dict[str, str]]] = [
    ("site_survey_record", {}),
    ("supply_plan", {"customer_name": COMPANY["name"]}),
]
CONNECTION: list[tuple[str, dict[str, str]]] = [
    ("supply_contract", {"signed_date": "2025-03-05"}),
    ("meter_installation", {"date": "2025-03-07"}),
]


@contextmanager
def open_session(database_url: str) -> Iterator[Session]:
    """A session on a freshly migrated database, closed afterwards."""
    with Database(database_url) as database:
        database.upgrade()
        session = database.session()
        try:
            yield session
        finally:
            session.close()


def make_case(
    session: Session,
    *,
    case_no: str = "YK-1",
    category: str = "residential",
    business_type: str = "new",
    capacity_kva: float = 8,
    facts: Mapping[str, bool] | None = None,
    accepted_on: dt.date = ACCEPTED,
) -> Case:
    """A case of a person (residential) or a company with its legal representative."""
    organisation = category != "residential"
    customer: dict[str, Any] = dict(COMPANY if organisation else PERSON, address=ADDRESS)
    case = create_case(
        session,
        data=CaseCreate.model_validate(
            {
                "case_no": case_no,
                "category": category,
                "business_type": business_type,
                "capacity_kva": capacity_kva,
                "customer": customer,
                "legal_representative": LEGAL_REP if organisation else None,
                "accepted_on": accepted_on,
                "facts": dict(facts or {}),
            }
        ),
        actor=SYSTEM,
        rules=load_rule_book(),
    )
    session.flush()
    return case


def add_document(
    session: Session,
    case: Case,
    doc_type: str | None,
    fields: Mapping[str, str] | None = None,
    *,
    status: str = "done",
    error: str | None = None,
) -> Document:
    """A document as intake leaves it: a type, fields, a status."""
    number = len(case.documents)
    document = Document(
        case_id=case.id,
        sha256=hashlib.sha256(f"{case.case_no}-{number}".encode()).hexdigest(),
        size_bytes=100,
        media_type="image/png",
        original_filename=f"{doc_type}-{number}.png",
        status=status,
        doc_type=doc_type,
        fields=dict(fields or {}),
        uploaded_by="test",
        error=error,
    )
    session.add(document)
    session.flush()
    session.refresh(case)
    return document


def add_documents(
    session: Session, case: Case, documents: list[tuple[str, dict[str, str]]]
) -> list[Document]:
    """Several documents at once."""
    return [add_document(session, case, doc_type, fields) for doc_type, fields in documents]


def run_check(
    session: Session, case: Case, stage: Stage, book: RuleBook | None = None
) -> CaseCheck:
    """The check of ``case`` for ``stage`` under the shipped rules (or ``book``)."""
    rules = book or load_rule_book()
    return check_case(session, case, stage, rule_set=rule_set_for(rules, case))


def missing_rules(check: CaseCheck) -> list[str]:
    """The rule ids of what is missing."""
    return [m.rule for m in check.missing]


def complete_documents(category: str) -> list[tuple[str, dict[str, str]]]:
    """Every document a case of this category needs in the default flow (no conditions)."""
    if category == "residential":
        return [*PERSON_APPLICATION, ("site_survey_record", {}), *CONNECTION]
    documents = [*ORGANISATION_APPLICATION, *SUPPLY_PLAN, *CONNECTION]
    if category == "high_voltage":
        documents += [("completion_report", {}), ("acceptance_record", {"date": "2025-03-06"})]
    return documents


def test_facts_at_creation_are_ones_the_rule_book_declares(database_url: str) -> None:
    with open_session(database_url) as session:
        assert make_case(session, facts={"tenant": True}).facts == {"tenant": True}
        with pytest.raises(
            ValidationError, match=r"^unknown fact\(s\) renter; the rule file declares appl"
        ):
            make_case(session, case_no="YK-2", facts={"renter": True})
        body = CaseCreate.model_validate(
            {
                "case_no": "YK-3",
                "category": "residential",
                "business_type": "new",
                "capacity_kva": 8,
                "customer": PERSON,
                "facts": {"tenant": True},
            }
        )
        with pytest.raises(ValueError, match="checked against the rule book: pass rules"):
            create_case(session, data=body, actor=SYSTEM)
        with pytest.raises(ValueError, match="found with the rule book: pass rules"):
            list_cases(session, actor=SYSTEM, overdue=True)


@pytest.mark.parametrize("category", list(Category))
@pytest.mark.parametrize("business_type", [BusinessType.new, BusinessType.capacity_increase])
def test_a_complete_case_of_each_category_is_ready_for_every_stage(
    database_url: str, category: Category, business_type: BusinessType
) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category=category.value, business_type=business_type.value)
        add_documents(session, case, complete_documents(category.value))
        check = run_check(session, case, Stage.connection)
        assert check.missing == []
        assert (check.complete, check.ready) == (True, True), check.findings
        assert check.rules_version == "2023.12"
        assert check.not_counting == []


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("residential", ["application_form", "applicant_identity", "property_proof"]),
        (
            "low_voltage",
            [
                "application_form",
                "business_license",
                "legal_representative_identity",
                "equipment_list",
                "property_proof",
            ],
        ),
        (
            "high_voltage",
            [
                "application_form",
                "business_license",
                "legal_representative_identity",
                "equipment_list",
                "property_proof",
            ],
        ),
    ],
)
def test_an_empty_case_misses_exactly_the_mandatory_application_documents(
    database_url: str, category: str, expected: list[str]
) -> None:
    with open_session(database_url) as session:
        check = run_check(session, make_case(session, category=category), Stage.application)
        assert missing_rules(check) == expected
        assert check.complete is False


def test_a_temporary_case_needs_a_construction_permit(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, business_type="temporary")
        add_documents(session, case, PERSON_APPLICATION)
        assert missing_rules(run_check(session, case, Stage.application)) == ["construction_permit"]
        add_document(session, case, "planning_permit", {"builder": PERSON["name"]})
        assert run_check(session, case, Stage.application).complete


def test_the_check_lists_what_satisfies_each_rule(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        form, card, deed = add_documents(session, case, PERSON_APPLICATION)
        check = run_check(session, case, Stage.application)
        assert [(s.rule, s.document_ids, s.stage) for s in check.satisfied] == [
            ("application_form", [form.id], Stage.application),
            ("applicant_identity", [card.id], Stage.application),
            ("property_proof", [deed.id], Stage.application),
        ]
