"""Findings about one document's own fields, which need no case record.

Check characters of identifiers, the birth date and gender an ID number encodes against
those printed on the card, expiry of ID cards, licenses and supply plans, and dates that
are not dates. The checks against a case (name or number mismatches) build on these in the
archive's rules, which call ``validity_findings`` too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from intake._dates import LONG_TERM
from intake._identifiers import (
    citizen_id_birth_date,
    citizen_id_gender,
    is_citizen_id_format,
    is_valid_citizen_id,
    is_valid_credit_code,
)

DATE_FIELDS = (
    "birth_date",
    "valid_from",
    "valid_to",
    "established_date",
    "signed_date",
    "date",
)
"""The fields whose values are ISO dates (``valid_to`` may also be ``long_term``)."""

_EXPIRY_CODES = {
    "id_card": ("id_card_expired", "error", "身份证", "ID card"),
    "business_license": ("license_expired", "error", "营业执照", "business license"),
    "supply_plan": ("supply_plan_expired", "warning", "供电方案", "supply plan"),
}


@dataclass(frozen=True)
class FieldFinding:
    """A problem with one field of a document, found without a case record.

    ``code`` is stable (``id_number_invalid_checksum`` …); ``severity`` is ``error``,
    ``warning`` or ``info``; ``found`` and ``expected`` are the values compared, when any.
    """

    code: str
    severity: str
    field: str | None
    found: str | None
    expected: str | None
    message_zh: str
    message_en: str


def _iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _checksums(fields: Mapping[str, str]) -> list[FieldFinding]:
    findings: list[FieldFinding] = []
    id_number = fields.get("id_number")
    if id_number and not is_valid_citizen_id(id_number):
        findings.append(
            FieldFinding(
                "id_number_invalid_checksum",
                "error",
                "id_number",
                id_number,
                None,
                f"公民身份号码 {id_number} 校验位不正确或位数不对，请核对原件",
                f"citizen ID {id_number} fails its check digit or is not 18 characters; "
                "check it against the original",
            )
        )
    credit_code = fields.get("credit_code")
    if credit_code and not is_valid_credit_code(credit_code):
        # Some early pilot codes fail the check (DOMAIN.md §4): a reviewer decides.
        findings.append(
            FieldFinding(
                "credit_code_invalid_checksum",
                "warning",
                "credit_code",
                credit_code,
                None,
                f"统一社会信用代码 {credit_code} 校验位不正确，请人工核对",
                f"credit code {credit_code} fails its check character; "
                "a reviewer must check it (early pilot codes may fail)",
            )
        )
    return findings


def _id_card_consistency(fields: Mapping[str, str]) -> list[FieldFinding]:
    """出生 and 性别 as printed against what the ID number encodes (GB 11643)."""
    id_number = fields.get("id_number", "")
    if not is_citizen_id_format(id_number):
        return []
    findings: list[FieldFinding] = []
    encoded_birth = citizen_id_birth_date(id_number)
    printed_birth = fields.get("birth_date")
    if encoded_birth and printed_birth and _iso(printed_birth) != encoded_birth:
        findings.append(
            FieldFinding(
                "birth_date_mismatch",
                "error",
                "birth_date",
                printed_birth,
                encoded_birth.isoformat(),
                f"出生日期 {printed_birth} 与身份号码中的 {encoded_birth.isoformat()} 不一致",
                f"birth date {printed_birth} differs from {encoded_birth.isoformat()} "
                "encoded in the ID number",
            )
        )
    encoded_gender = citizen_id_gender(id_number)
    printed_gender = fields.get("gender")
    if printed_gender and printed_gender != encoded_gender:
        findings.append(
            FieldFinding(
                "gender_mismatch",
                "error",
                "gender",
                printed_gender,
                encoded_gender,
                f"性别 {printed_gender} 与身份号码第17位所示的 {encoded_gender} 不一致",
                f"gender {printed_gender} differs from {encoded_gender} that digit 17 of "
                "the ID number encodes",
            )
        )
    return findings


def _expiry(doc_type: str, fields: Mapping[str, str], today: date) -> list[FieldFinding]:
    if doc_type not in _EXPIRY_CODES:
        return []
    valid_to = _iso(fields.get("valid_to"))
    if valid_to is None or valid_to >= today:
        return []
    code, severity, name_zh, name_en = _EXPIRY_CODES[doc_type]
    return [
        FieldFinding(
            code,
            severity,
            "valid_to",
            valid_to.isoformat(),
            f">= {today.isoformat()}",
            f"{name_zh}已于 {valid_to.isoformat()} 过期",
            f"the {name_en} expired on {valid_to.isoformat()}",
        )
    ]


def _invalid_date(field: str, value: str, why_zh: str, why_en: str) -> FieldFinding:
    return FieldFinding(
        "date_invalid",
        "error",
        field,
        value,
        None,
        f"{field} 的日期 {value} {why_zh}",
        f"{field} {value} {why_en}",
    )


def _dates(fields: Mapping[str, str], today: date) -> list[FieldFinding]:
    findings: list[FieldFinding] = []
    for name in DATE_FIELDS:
        value = fields.get(name)
        if not value or (name == "valid_to" and value == LONG_TERM):
            continue
        if _iso(value) is None:
            findings.append(_invalid_date(name, value, "不是有效日期", "is not a valid date"))
    valid_from, valid_to = _iso(fields.get("valid_from")), _iso(fields.get("valid_to"))
    if valid_from and valid_to and valid_from > valid_to:
        findings.append(
            _invalid_date(
                "valid_to",
                valid_to.isoformat(),
                f"早于起始日期 {valid_from.isoformat()}",
                f"is before the start {valid_from.isoformat()}",
            )
        )
    for name in ("birth_date", "established_date", "valid_from"):
        day = _iso(fields.get(name))
        if day and day > today:
            findings.append(_invalid_date(name, day.isoformat(), "晚于今天", "is in the future"))
    return findings


_CHECKS: tuple[Callable[[str, Mapping[str, str], date], list[FieldFinding]], ...] = (
    lambda _doc_type, fields, _today: _checksums(fields),
    lambda doc_type, fields, _today: _id_card_consistency(fields) if doc_type == "id_card" else [],
    _expiry,
    lambda _doc_type, fields, today: _dates(fields, today),
)


def validity_findings(
    doc_type: str, fields: Mapping[str, str], *, today: date
) -> list[FieldFinding]:
    """The findings a document's fields give on their own, as of today.

    ``fields`` maps DESIGN.md field names to normalised values (ISO dates, ``long_term``).
    A field that is absent gives no finding: missing fields are the rules' business.
    """
    return [finding for check in _CHECKS for finding in check(doc_type, fields, today)]
