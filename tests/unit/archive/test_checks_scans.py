"""Cases built from synthetic scans read by the real intake: exact missing lists and findings.

Each document is drawn by the synthetic corpus for invented people and companies, written as
a PDF with a text layer (so no OCR model is needed and the test stays fast), read, classified
and extracted by ``intake.analyse``, stored as intake stores it, and then the case is rechecked
and checked against the shipped rules.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from archive import SYSTEM, Case, CaseCheck, CaseCreate, Stage, create_case, recheck_case
from core import Settings
from intake._analyse import analyse
from synthetic import SyntheticDoc, text_pdf_bytes
from synthetic._identity import (
    REFERENCE_DATE,
    Company,
    Party,
    Person,
    make_company,
    make_person,
)
from synthetic._render_forms import render_application_form, render_authorization_letter
from synthetic._render_ids import (
    render_business_license,
    render_id_card,
    render_property_certificate,
)
from tests.unit.archive.rules.test_rules_cases import add_document, open_session, run_check

TODAY = REFERENCE_DATE
"""The corpus makes documents valid or expired as of this date."""


class Scanner:
    """Turns synthetic documents into documents of a case, through the real intake steps."""

    def __init__(self, session: Session, case: Case, tmp_path: Path) -> None:
        self.session, self.case, self.tmp_path = session, case, tmp_path
        self.settings = Settings(data_dir=tmp_path / "data", _env_file=None)

    def scan(self, doc: SyntheticDoc) -> str:
        path = self.tmp_path / f"scan-{len(self.case.documents)}.pdf"
        path.write_bytes(text_pdf_bytes(doc.page_texts))
        analysis = analyse(path, media_type="application/pdf", settings=self.settings, today=TODAY)
        assert analysis.doc_type == doc.doc_type
        return add_document(self.session, self.case, analysis.doc_type, analysis.values).id

    def check(self, stage: Stage = Stage.application) -> CaseCheck:
        recheck_case(self.session, self.case, today=TODAY)
        return run_check(self.session, self.case, stage)


def make_case_for(
    session: Session, party: Party, *, category: str, business_type: str = "new", **facts: bool
) -> Case:
    """A case whose record is the party's own data (an organisation with its legal rep)."""
    customer: dict[str, str] = {"name": party.name, "address": party.address}
    legal_rep = None
    if isinstance(party, Company):
        customer["credit_code"] = party.credit_code
        rep = party.legal_representative
        legal_rep = {"name": rep.name, "id_number": rep.id_number}
    else:
        customer["id_number"] = party.id_number
    case = create_case(
        session,
        data=CaseCreate.model_validate(
            {
                "case_no": f"SCAN-{category}-{business_type}",
                "category": category,
                "business_type": business_type,
                "capacity_kva": 12,
                "customer": customer,
                "legal_representative": legal_rep,
                "accepted_on": dt.date(2024, 5, 6),
            }
        ),
        actor=SYSTEM,
    )
    case.facts = facts
    session.flush()
    return case


def findings(check: CaseCheck) -> list[tuple[str, str | None]]:
    return sorted((f.code, f.field) for f in check.findings if f.status == "open")


def application_scans(rng: random.Random, party: Party) -> list[SyntheticDoc]:
    """The application documents of a party, every one naming it."""
    if isinstance(party, Person):
        return [
            render_application_form(rng, customer=party),
            render_id_card(rng, person=party),
            render_property_certificate(rng, owner=party),
        ]
    return [
        render_application_form(rng, customer=party),
        render_business_license(rng, company=party),
        render_id_card(rng, person=party.legal_representative),
        render_property_certificate(rng, owner=party),
    ]


def _form_capacity(case: Case) -> None:
    # The synthetic form asks for a random capacity; the record follows the form.
    form = next(d for d in case.documents if d.doc_type == "application_form")
    case.capacity_kva = float(form.fields["capacity_kva"])


@pytest.mark.parametrize("category", ["residential", "low_voltage", "high_voltage"])
@pytest.mark.parametrize("business_type", ["new", "capacity_increase", "temporary"])
def test_a_complete_application_from_scans(
    database_url: str, tmp_path: Path, category: str, business_type: str
) -> None:
    rng = random.Random(f"{category}-{business_type}")
    party: Party = (
        make_person(rng) if category == "residential" else make_company(rng, expired=False)
    )
    with open_session(database_url) as session:
        case = make_case_for(session, party, category=category, business_type=business_type)
        scanner = Scanner(session, case, tmp_path)
        for doc in application_scans(rng, party):
            scanner.scan(doc)
        _form_capacity(case)
        if category != "residential":
            add_document(session, case, "equipment_list", {"customer_name": party.name})
        check = scanner.check()
        expected = ["construction_permit"] if business_type == "temporary" else []
        assert [m.rule for m in check.missing] == expected
        assert findings(check) == []


def test_planted_mismatches_of_a_person_are_each_found(database_url: str, tmp_path: Path) -> None:
    rng = random.Random(11)
    customer, stranger = make_person(rng), make_person(rng)
    with open_session(database_url) as session:
        case = make_case_for(session, customer, category="residential")
        scanner = Scanner(session, case, tmp_path)
        scanner.scan(render_application_form(rng, customer=stranger))
        scanner.scan(render_id_card(rng, person=customer))
        scanner.scan(render_property_certificate(rng, owner=stranger))
        check = scanner.check()
        assert check.missing == []
        assert findings(check) == [
            ("address_mismatch", "address"),
            ("address_mismatch", "location"),
            ("capacity_mismatch", "capacity_kva"),
            ("id_number_mismatch", "id_number"),
            ("name_mismatch", "customer_name"),
            ("owner_mismatch", "owner"),
        ]
        assert check.ready is False


def test_planted_mismatches_of_a_company_are_each_found(database_url: str, tmp_path: Path) -> None:
    rng = random.Random(12)
    company = make_company(rng)
    other = make_company(rng, expired=True)
    with open_session(database_url) as session:
        case = make_case_for(session, company, category="high_voltage")
        scanner = Scanner(session, case, tmp_path)
        scanner.scan(render_business_license(rng, company=other))
        scanner.scan(render_id_card(rng, person=company.legal_representative))
        check = scanner.check()
        assert [m.rule for m in check.missing] == [
            "application_form",
            "business_license",
            "equipment_list",
            "property_proof",
        ]
        assert [n.reason.split(" ")[0] for n in check.not_counting] == ["expired"]
        assert findings(check) == [
            ("address_mismatch", "address"),
            ("credit_code_mismatch", "credit_code"),
            ("legal_representative_mismatch", "legal_representative"),
            ("license_expired", "valid_to"),
            ("name_mismatch", "company_name"),
        ]


def test_invalid_check_digits_and_an_expired_id_card_from_scans(
    database_url: str, tmp_path: Path
) -> None:
    rng = random.Random(13)
    customer = make_person(rng)
    with open_session(database_url) as session:
        case = make_case_for(session, customer, category="residential")
        scanner = Scanner(session, case, tmp_path)
        broken = make_person(rng, valid_id=False, id_expired=True)
        scanner.scan(render_id_card(rng, person=broken))
        check = scanner.check()
        assert ("id_number_invalid_checksum", "id_number") in findings(check)
        assert ("id_card_expired", "valid_to") in findings(check)
        assert [m.rule for m in check.missing] == [
            "application_form",
            "applicant_identity",
            "property_proof",
        ]


def test_an_agent_from_scans_needs_the_letter_and_their_own_card(
    database_url: str, tmp_path: Path
) -> None:
    rng = random.Random(14)
    customer, agent = make_person(rng), make_person(rng)
    with open_session(database_url) as session:
        case = make_case_for(session, customer, category="residential", applicant_is_agent=True)
        scanner = Scanner(session, case, tmp_path)
        for doc in application_scans(rng, customer):
            scanner.scan(doc)
        _form_capacity(case)
        assert [m.rule for m in scanner.check().missing] == ["authorization", "agent_identity"]
        scanner.scan(render_authorization_letter(rng, customer=customer, agent=agent))
        scanner.scan(render_id_card(rng, person=agent))
        check = scanner.check()
        assert check.missing == []
        assert findings(check) == []
