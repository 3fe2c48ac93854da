"""Cross-checks of document fields against the case record, and recheck_case's bookkeeping."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import AuditEvent, Case, Finding, Stage, cross_check_findings, recheck_case
from tests.unit.archive.rules.test_rules_cases import (
    ADDRESS,
    AGENT,
    COMPANY,
    LEGAL_REP,
    PERSON,
    TODAY,
    add_document,
    make_case,
    open_session,
    run_check,
)


def findings_of(session: Session, case: Case) -> list[tuple[str, str, str | None, str | None]]:
    """(code, severity, field, expected) of the open document findings, in order."""
    rows = session.scalars(
        select(Finding)
        .where(Finding.case_id == case.id, Finding.document_id.is_not(None))
        .order_by(Finding.id)
    )
    return [(f.code, f.severity, f.field, f.expected) for f in rows if f.status == "open"]


def codes(case: Case) -> list[str]:
    return [d.code for d in cross_check_findings(case, case.documents)]


def test_matching_documents_give_no_findings_despite_width_spaces_and_case(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_document(
            session, case, "id_card", {"name": "王 小明", "id_number": "11010519491231002x"}
        )
        add_document(
            session,
            case,
            "application_form",
            {
                "customer_name": "王小明",
                "id_number": "１１０１０５１９４９１２３１００２Ｘ",
                "address": "朝阳区光华路1号",
                "capacity_kva": "8",
            },
        )
        add_document(
            session, case, "property_certificate", {"owner": "王小明", "location": ADDRESS}
        )
        assert codes(case) == []


def test_an_id_card_of_the_customer_with_another_number_is_id_number_mismatch(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        card = add_document(
            session, case, "id_card", {"name": PERSON["name"], "id_number": AGENT["id_number"]}
        )
        recheck_case(session, case, today=TODAY)
        assert findings_of(session, case) == [
            ("id_number_mismatch", "error", "id_number", PERSON["id_number"])
        ]
        finding = session.scalars(select(Finding).where(Finding.document_id == card.id)).one()
        assert finding.found == AGENT["id_number"]
        assert "用电人" in finding.message_zh
        assert "the customer" in finding.message_en


def test_an_id_card_with_the_customers_number_and_another_name_is_name_mismatch(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_document(session, case, "id_card", {"name": "王晓明", "id_number": PERSON["id_number"]})
        assert [(d.code, d.expected) for d in cross_check_findings(case, case.documents)] == [
            ("name_mismatch", PERSON["name"])
        ]


def test_the_legal_representatives_and_the_agents_id_cards_are_checked(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="low_voltage")
        add_document(
            session, case, "id_card", {"name": LEGAL_REP["name"], "id_number": PERSON["id_number"]}
        )
        add_document(
            session,
            case,
            "authorization_letter",
            {
                "customer_name": COMPANY["name"],
                "agent_name": AGENT["name"],
                "agent_id_number": AGENT["id_number"],
            },
        )
        add_document(session, case, "id_card", {"name": AGENT["name"], "id_number": "X" * 18})
        drafts = cross_check_findings(case, case.documents)
        assert [(d.code, d.expected) for d in drafts] == [
            ("id_number_mismatch", LEGAL_REP["id_number"]),
            ("id_number_mismatch", AGENT["id_number"]),
        ]
        assert "法定代表人" in drafts[0].message_zh
        assert "经办人" in drafts[1].message_zh


def test_someone_elses_id_card_is_not_a_mismatch(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_document(session, case, "id_card", {"name": "钱七", "id_number": "440305199003030039"})
        assert codes(case) == []


def test_business_license_against_the_case_record(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="high_voltage")
        add_document(
            session,
            case,
            "business_license",
            {
                "company_name": "示例电子有限公司",
                "credit_code": "91350100M000100Y43",
                "legal_representative": "李建民",
                "address": "上海市浦东新区张江路999号",
            },
        )
        drafts = cross_check_findings(case, case.documents)
        assert [(d.code, d.severity.value, d.field) for d in drafts] == [
            ("name_mismatch", "error", "company_name"),
            ("credit_code_mismatch", "error", "credit_code"),
            ("address_mismatch", "warning", "address"),
            ("legal_representative_mismatch", "error", "legal_representative"),
        ]


def test_the_licence_legal_representative_against_their_own_id_card(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="low_voltage")
        # The record agrees with the licence, but the legal representative's ID card does not.
        add_document(
            session,
            case,
            "id_card",
            {"name": "李建民", "id_number": LEGAL_REP["id_number"]},
        )
        add_document(
            session,
            case,
            "business_license",
            {"company_name": COMPANY["name"], "legal_representative": LEGAL_REP["name"]},
        )
        drafts = cross_check_findings(case, case.documents)
        assert [(d.code, d.found, d.expected) for d in drafts] == [
            ("name_mismatch", "李建民", LEGAL_REP["name"]),
            ("legal_representative_mismatch", LEGAL_REP["name"], "李建民"),
        ]


def test_capacity_on_the_form_and_the_supply_plan(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="low_voltage", capacity_kva=160)
        add_document(session, case, "application_form", {"capacity_kva": "160kVA"})
        add_document(session, case, "supply_plan", {"capacity_kva": "200"})
        add_document(session, case, "application_form", {"capacity_kva": "一百六十"})
        drafts = cross_check_findings(case, case.documents)
        assert [(d.code, d.found, d.expected) for d in drafts] == [
            ("capacity_mismatch", "200", "160"),
            ("capacity_mismatch", "一百六十", "160"),
        ]


def test_owner_mismatch_unless_there_is_a_lease(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_document(session, case, "property_certificate", {"owner": "钱七", "location": ADDRESS})
        assert codes(case) == ["owner_mismatch"]
        add_document(session, case, "lease_contract", {"customer_name": PERSON["name"]})
        assert codes(case) == []


def test_address_mismatch_is_a_warning_and_tolerates_missing_divisions(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_document(session, case, "property_certificate", {"location": "光华路1号"})
        assert codes(case) == []
        add_document(session, case, "property_certificate", {"location": "海淀区中关村大街27号"})
        drafts = cross_check_findings(case, case.documents)
        assert [(d.code, d.severity.value) for d in drafts] == [("address_mismatch", "warning")]


def test_other_documents_name_the_customer(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_document(session, case, "supply_contract", {"customer_name": "张三"})
        add_document(session, case, "meter_installation", {"customer_name": "王小明"})
        assert codes(case) == ["name_mismatch"]


def test_date_order_contract_before_connection_inspection_before_acceptance(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="high_voltage")
        contract = add_document(session, case, "supply_contract", {"signed_date": "2025-05-10"})
        add_document(session, case, "meter_installation", {"date": "2025-05-08"})
        inspection = add_document(session, case, "inspection_record", {"date": "2025-04-20"})
        add_document(session, case, "acceptance_record", {"date": "2025-04-18"})
        drafts = cross_check_findings(case, case.documents)
        assert [(d.code, d.document_id, d.field) for d in drafts] == [
            ("date_order", contract.id, "signed_date"),
            ("date_order", inspection.id, "date"),
        ]
        assert drafts[0].found == "合同签订 2025-05-10 晚于 装表接电 2025-05-08"


def test_unfinished_documents_and_unreadable_dates_are_not_checked(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_document(session, case, "supply_contract", {"customer_name": "张三"}, status="queued")
        add_document(session, case, "supply_contract", {"signed_date": "五月"})
        add_document(session, case, "meter_installation", {"date": "2025-05-08"})
        assert codes(case) == []


def _rows(session: Session, case: Case) -> list[tuple[str, str | None, int]]:
    rows = session.scalars(select(Finding).where(Finding.case_id == case.id).order_by(Finding.id))
    return [(f.code, f.document_id, f.id) for f in rows]


def test_recheck_keeps_true_findings_removes_fixed_ones_and_audits(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        card = add_document(
            session, case, "id_card", {"name": "王晓明", "id_number": PERSON["id_number"]}
        )
        contract = add_document(session, case, "supply_contract", {"customer_name": "张三"})
        recheck_case(session, case, today=TODAY)
        first = _rows(session, case)
        recheck_case(session, case, today=TODAY)
        assert _rows(session, case) == first
        assert [(code, document_id) for code, document_id, _ in first] == [
            ("name_mismatch", card.id),
            ("name_mismatch", contract.id),
        ]
        contract.fields = {"customer_name": PERSON["name"]}
        recheck_case(session, case, today=TODAY)
        left = session.scalars(select(Finding).where(Finding.case_id == case.id)).all()
        assert [(f.code, f.document_id) for f in left] == [("name_mismatch", card.id)]
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.recheck").order_by(AuditEvent.id)
        ).all()
        assert len(events) == 2  # the second recheck changed nothing and recorded nothing
        assert events[1].before == {"removed": [f"name_mismatch {contract.id} customer_name"]}


def test_a_dismissed_finding_is_never_brought_back(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        add_document(session, case, "supply_contract", {"customer_name": "张三"})
        recheck_case(session, case, today=TODAY)
        finding = session.scalars(select(Finding).where(Finding.case_id == case.id)).one()
        finding.status = "dismissed"
        recheck_case(session, case, today=TODAY)
        rows = session.scalars(select(Finding).where(Finding.case_id == case.id)).all()
        assert [(f.id, f.status) for f in rows] == [(finding.id, "dismissed")]


def test_case_record_findings_are_left_alone(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        session.add(
            Finding(
                case_id=case.id,
                code="id_number_invalid_checksum",
                severity="error",
                field="customer.id_number",
                message_zh="案件登记的号码校验位不正确",
                message_en="the case record's ID fails its check digit",
            )
        )
        session.flush()
        recheck_case(session, case, today=TODAY)
        assert session.scalars(select(Finding.code).where(Finding.case_id == case.id)).all() == [
            "id_number_invalid_checksum"
        ]


def test_validity_findings_come_from_intake_and_an_expired_licence_does_not_count(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session, category="low_voltage")
        licence = add_document(
            session,
            case,
            "business_license",
            {
                "company_name": COMPANY["name"],
                "credit_code": "91310110666007217A",
                "legal_representative": LEGAL_REP["name"],
                "valid_to": "2025-01-31",
            },
        )
        card = add_document(
            session, case, "id_card", {"name": LEGAL_REP["name"], "id_number": "110101198001010011"}
        )
        recheck_case(session, case, today=TODAY)
        rows = session.scalars(select(Finding).where(Finding.case_id == case.id)).all()
        assert sorted((f.code, f.document_id) for f in rows) == sorted(
            [
                ("credit_code_invalid_checksum", licence.id),
                ("credit_code_mismatch", licence.id),
                ("license_expired", licence.id),
                ("id_number_invalid_checksum", card.id),
                ("id_number_mismatch", card.id),
            ]
        )
        check = run_check(session, case, Stage.application)
        assert "business_license" in [m.rule for m in check.missing]
        assert [n.reason.split(";")[0] for n in check.not_counting] == ["expired (license_expired)"]
        # Once the licence is renewed (a corrected valid_to), its expiry finding goes.
        licence.fields = {**licence.fields, "valid_to": "long_term"}
        recheck_case(session, case, today=TODAY)
        codes_left = session.scalars(select(Finding.code).where(Finding.document_id == licence.id))
        assert "license_expired" not in list(codes_left)
