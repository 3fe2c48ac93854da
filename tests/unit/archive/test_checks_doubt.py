"""A field intake read with doubt asks the reviewer to confirm it (field_uncertain), never errs."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive import Case, Document, recheck_case
from tests.unit.archive.rules.test_rules_cases import (
    PERSON,
    TODAY,
    add_document,
    make_case,
    open_session,
)
from tests.unit.archive.test_checks import findings_of


def doubt_on(
    document: Document, field: str, doubt: str | None, *, status: str = "extracted"
) -> None:
    """Mark one field of ``document`` as intake (or a reviewer) left it."""
    details: dict[str, Any] = dict(document.ocr.get("fields", {}))
    details[field] = {"ocr_value": document.fields[field], "doubt": doubt, "status": status}
    document.ocr = {**document.ocr, "fields": details}


def rechecked(session: Session, case: Case) -> list[tuple[str, str, str | None, str | None]]:
    recheck_case(session, case, today=TODAY)
    return findings_of(session, case)


def test_a_doubted_name_that_differs_is_a_warning_to_check_not_a_mismatch(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        form = add_document(session, case, "application_form", {"customer_name": "业务编号王小明"})
        doubt_on(form, "customer_name", "label_residue")
        assert rechecked(session, case) == [
            ("field_uncertain", "warning", "customer_name", PERSON["name"])
        ]
        finding = form.findings[0]
        assert finding.message_zh.startswith("请核对：客户名称读作「业务编号王小明」")
        assert "其他栏目" in finding.message_zh


def test_once_a_reviewer_confirms_the_field_the_mismatch_is_an_error_again(
    database_url: str,
) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        form = add_document(session, case, "application_form", {"customer_name": "王大明"})
        doubt_on(form, "customer_name", "low_confidence")
        assert [code for code, *_ in rechecked(session, case)] == ["field_uncertain"]
        doubt_on(form, "customer_name", "low_confidence", status="confirmed")
        assert rechecked(session, case) == [
            ("name_mismatch", "error", "customer_name", PERSON["name"])
        ]


def test_a_doubted_field_that_agrees_with_the_record_gives_nothing(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        form = add_document(session, case, "application_form", {"customer_name": PERSON["name"]})
        doubt_on(form, "customer_name", "fallback")
        assert rechecked(session, case) == []


def test_a_failed_check_digit_read_with_doubt_is_one_warning_not_two_errors(
    database_url: str,
) -> None:
    misread = PERSON["id_number"][:-1] + "1"
    with open_session(database_url) as session:
        case = make_case(session)
        card = add_document(
            session, case, "id_card", {"name": PERSON["name"], "id_number": misread}
        )
        assert sorted(code for code, *_ in rechecked(session, case)) == [
            "id_number_invalid_checksum",
            "id_number_mismatch",
        ]
        doubt_on(card, "id_number", "check_digit")
        assert rechecked(session, case) == [
            ("field_uncertain", "warning", "id_number", PERSON["id_number"])
        ]
        assert "校验位" in card.findings[0].message_zh


def test_a_certain_field_still_gives_its_mismatch(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        form = add_document(session, case, "application_form", {"customer_name": "王大明"})
        doubt_on(form, "customer_name", None)
        assert [code for code, *_ in rechecked(session, case)] == ["name_mismatch"]
