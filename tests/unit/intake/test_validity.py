"""Findings about a document's own fields: check digits, ID consistency, expiry, dates."""

from __future__ import annotations

from datetime import date

import pytest

from intake import FieldFinding, validity_findings

TODAY = date(2024, 6, 1)
# 11010519491231002X: born 1949-12-31, digit 17 = 2 (even) → 女.
CARD = {
    "name": "何丽",
    "gender": "女",
    "birth_date": "1949-12-31",
    "id_number": "11010519491231002X",
    "valid_from": "2010-01-01",
    "valid_to": "long_term",
}


def codes(findings: list[FieldFinding]) -> list[str]:
    return [finding.code for finding in findings]


def test_a_consistent_valid_id_card_gives_nothing() -> None:
    assert validity_findings("id_card", CARD, today=TODAY) == []


def test_wrong_check_digit() -> None:
    findings = validity_findings(
        "id_card", {**CARD, "id_number": "110105194912310021"}, today=TODAY
    )
    assert codes(findings) == ["id_number_invalid_checksum"]
    (finding,) = findings
    assert (finding.severity, finding.field, finding.found) == (
        "error",
        "id_number",
        "110105194912310021",
    )
    assert "110105194912310021" in finding.message_zh
    assert "check digit" in finding.message_en


def test_birth_date_and_gender_must_match_the_number() -> None:
    fields = {**CARD, "birth_date": "1949-12-30", "gender": "男"}
    findings = validity_findings("id_card", fields, today=TODAY)
    assert codes(findings) == ["birth_date_mismatch", "gender_mismatch"]
    birth, gender = findings
    assert (birth.found, birth.expected) == ("1949-12-30", "1949-12-31")
    assert (gender.found, gender.expected) == ("男", "女")


def test_expired_id_card() -> None:
    fields = {**CARD, "valid_from": "2004-05-01", "valid_to": "2024-05-01"}
    findings = validity_findings("id_card", fields, today=TODAY)
    assert codes(findings) == ["id_card_expired"]
    assert findings[0].found == "2024-05-01"
    assert "2024-05-01" in findings[0].message_zh


def test_card_valid_until_today_has_not_expired() -> None:
    fields = {**CARD, "valid_to": TODAY.isoformat()}
    assert validity_findings("id_card", fields, today=TODAY) == []


@pytest.mark.parametrize(
    ("doc_type", "code", "severity"),
    [
        ("business_license", "license_expired", "error"),
        ("supply_plan", "supply_plan_expired", "warning"),
    ],
)
def test_expired_license_and_supply_plan(doc_type: str, code: str, severity: str) -> None:
    findings = validity_findings(doc_type, {"valid_to": "2024-05-31"}, today=TODAY)
    assert [(f.code, f.severity) for f in findings] == [(code, severity)]


def test_long_term_license_never_expires() -> None:
    fields = {"credit_code": "91310110666007217T", "valid_to": "long_term"}
    assert validity_findings("business_license", fields, today=TODAY) == []


def test_bad_credit_code_is_a_warning_for_a_reviewer() -> None:
    # Some early pilot codes fail the check (DOMAIN.md §4), so it is not an error.
    findings = validity_findings(
        "business_license", {"credit_code": "91350100M0001TGQXM"}, today=TODAY
    )
    assert [(f.code, f.severity) for f in findings] == [("credit_code_invalid_checksum", "warning")]


def test_identifiers_are_checked_on_every_document_type() -> None:
    fields = {"id_number": "110105194912310021", "credit_code": "91310110666007217A"}
    findings = validity_findings("application_form", fields, today=TODAY)
    assert codes(findings) == ["id_number_invalid_checksum", "credit_code_invalid_checksum"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"signed_date": "2023-02-30"}, "signed_date"),
        ({"date": "not a date"}, "date"),
        ({"valid_from": "2020-01-01", "valid_to": "2019-01-01"}, "valid_to"),
        ({"established_date": "2030-01-01"}, "established_date"),
    ],
)
def test_invalid_dates(fields: dict[str, str], field: str) -> None:
    findings = validity_findings("other", fields, today=TODAY)
    assert [(f.code, f.field) for f in findings] == [("date_invalid", field)]


def test_absent_fields_give_no_findings() -> None:
    assert validity_findings("id_card", {}, today=TODAY) == []
