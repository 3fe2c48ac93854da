"""Completeness per stage: conditional rules, alternatives, holders, counts, what does not count."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from archive import Finding, Stage, ValidationError, parse_rule_book, recheck_case
from tests.unit.archive.rules.test_rules_cases import (
    AGENT,
    CONNECTION,
    LANDLORD,
    ORGANISATION_APPLICATION,
    PERSON,
    PERSON_APPLICATION,
    add_document,
    add_documents,
    make_case,
    missing_rules,
    open_session,
    run_check,
)

AGENT_CARD = ("id_card", {"name": AGENT["name"], "id_number": AGENT["id_number"]})
LETTER = ("authorization_letter", {"customer_name": PERSON["name"]})


def test_an_agent_without_an_authorization_letter(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, facts={"applicant_is_agent": True})
        add_documents(session, case, [*PERSON_APPLICATION, AGENT_CARD])
        check = run_check(session, case, Stage.application)
        assert missing_rules(check) == ["authorization"]
        assert check.missing[0].doc_type == "authorization_letter"
        add_documents(session, case, [LETTER])
        check = run_check(session, case, Stage.application)
        assert check.complete
        authorization = next(s for s in check.satisfied if s.rule == "authorization")
        assert authorization.originals is True


def test_the_agents_id_card_must_be_someone_elses(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, facts={"applicant_is_agent": True})
        add_documents(session, case, [*PERSON_APPLICATION, LETTER])
        # The customer's own card satisfies the customer's rule, not the agent's.
        assert missing_rules(run_check(session, case, Stage.application)) == ["agent_identity"]
        add_document(session, case, "id_card", {})  # nobody can tell whose it is
        assert missing_rules(run_check(session, case, Stage.application)) == ["agent_identity"]


def test_a_tenant_without_the_owners_certificate(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, facts={"tenant": True})
        add_documents(session, case, [*PERSON_APPLICATION[:2], ("lease_contract", {})])
        assert missing_rules(run_check(session, case, Stage.application)) == [
            "landlord_property_proof"
        ]
        add_document(session, case, "property_certificate", {"owner": LANDLORD["name"]})
        check = run_check(session, case, Stage.application)
        assert check.complete


def test_one_certificate_acceptance_defers_the_property_proof(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, facts={"one_certificate_acceptance": True})
        add_documents(session, case, PERSON_APPLICATION[:2])
        assert missing_rules(run_check(session, case, Stage.application)) == ["customer_commitment"]
        add_document(session, case, "commitment_letter", {"customer_name": PERSON["name"]})
        assert run_check(session, case, Stage.application).complete
        add_documents(session, case, [("site_survey_record", {}), *CONNECTION])
        assert missing_rules(run_check(session, case, Stage.connection)) == [
            "deferred_property_proof"
        ]
        add_document(session, case, "property_certificate", {"owner": PERSON["name"]})
        assert run_check(session, case, Stage.connection).complete


def test_a_household_register_is_an_accepted_alternative_to_the_id_card(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_documents(session, case, [PERSON_APPLICATION[0], PERSON_APPLICATION[2]])
        missing = run_check(session, case, Stage.application).missing
        assert [(m.rule, m.alternatives) for m in missing] == [
            ("applicant_identity", ["id_card", "household_register"])
        ]
        add_document(
            session, case, "household_register", {"member_1_id_number": PERSON["id_number"]}
        )
        assert run_check(session, case, Stage.application).complete


def test_checks_are_cumulative_over_the_flow(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="low_voltage")
        add_documents(session, case, CONNECTION)
        check = run_check(session, case, Stage.connection)
        assert [(m.rule, m.stage) for m in check.missing][-3:] == [
            ("property_proof", Stage.application),
            ("site_survey", Stage.supply_plan),
            ("supply_plan", Stage.supply_plan),
        ]
        assert [s.rule for s in check.satisfied] == ["supply_contract", "meter_installation"]


def test_a_stage_outside_the_flow_is_refused(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        with pytest.raises(ValidationError, match="stage design_review is not in the flow"):
            run_check(session, case, Stage.design_review)
        special = make_case(
            session, case_no="HV", category="high_voltage", facts={"special_customer": True}
        )
        assert run_check(session, special, Stage.design_review).missing[-2].rule == (
            "design_drawing"
        )


def _expired(session: Session, document_id: str, case_id: int, status: str = "open") -> None:
    session.add(
        Finding(
            case_id=case_id,
            document_id=document_id,
            code="license_expired",
            severity="error",
            field="valid_to",
            message_zh="营业执照已过期",
            message_en="the business licence has expired",
            status=status,
        )
    )
    session.flush()


def test_documents_that_do_not_count_and_why(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="low_voltage")
        documents = add_documents(session, case, ORGANISATION_APPLICATION)
        license_id = documents[1].id
        _expired(session, license_id, case.id)
        queued = add_document(session, case, "supply_plan", status="processing")
        failed = add_document(session, case, None, status="failed", error="encrypted PDF")
        unknown = add_document(session, case, None)
        add_document(session, case, "other")  # counts for no rule here, and is not listed
        check = run_check(session, case, Stage.application)
        assert missing_rules(check) == ["business_license"]
        assert [(n.document_id, n.reason.split(";")[0]) for n in check.not_counting] == [
            (license_id, "expired (license_expired)"),
            (queued.id, "still being processed (processing)"),
            (failed.id, "intake failed: encrypted PDF"),
            (unknown.id, "its document type is unknown"),
        ]
        assert check.ready is False


def test_a_dismissed_expiry_lets_the_document_count(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="low_voltage")
        documents = add_documents(session, case, ORGANISATION_APPLICATION)
        _expired(session, documents[1].id, case.id, status="dismissed")
        check = run_check(session, case, Stage.application)
        assert (check.complete, check.ready) == (True, True)
        assert [f.status for f in check.findings] == ["dismissed"]


def test_open_errors_make_a_complete_case_not_ready(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_documents(session, case, PERSON_APPLICATION)
        add_document(session, case, "supply_contract", {"customer_name": "张三"})
        recheck_case(session, case)
        check = run_check(session, case, Stage.application)
        assert (check.complete, check.ready) == (True, False)
        assert [(f.code, f.severity.value) for f in check.findings] == [("name_mismatch", "error")]


COUNTED = """\
facts: {}
versions:
  - version: "1"
    effective_from: 2020-01-01
    flows:
      - category: residential
        business_types: [new, capacity_increase, temporary]
        stages:
          - stage: application
            requires:
              - rule: two_photos
                label_zh: 现场照片两张
                documents: [other, site_survey_record]
                count: 2
              - rule: big
                label_zh: 大容量设备清单
                documents: [design_drawing]
                when: capacity_kva >= 100
          - stage: archived
      - category: low_voltage
        business_types: [new, capacity_increase, temporary]
        stages: [{stage: application}, {stage: archived}]
      - category: high_voltage
        business_types: [new, capacity_increase, temporary]
        stages: [{stage: application}, {stage: archived}]
"""


def test_count_and_capacity_conditions(database_url: str) -> None:
    book = parse_rule_book(COUNTED, source="counted.yaml")
    with open_session(database_url) as session:
        small = make_case(session, capacity_kva=8)
        add_document(session, small, "other")
        missing = run_check(session, small, Stage.application, book).missing
        assert [(m.rule, m.count, m.found) for m in missing] == [("two_photos", 2, 1)]
        add_document(session, small, "site_survey_record")
        assert run_check(session, small, Stage.application, book).complete
        big = make_case(session, case_no="BIG", capacity_kva=100)
        add_documents(session, big, [("site_survey_record", {}), ("site_survey_record", {})])
        assert missing_rules(run_check(session, big, Stage.application, book)) == ["big"]
