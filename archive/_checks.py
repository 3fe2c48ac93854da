"""Cross-checks of extracted fields against the case record and each other, and recheck_case.

Every check gives findings with stable codes (DESIGN.md "What a finding looks like"). Names
and identifiers are compared after normalisation (full/half width, spaces, case); addresses
by a fuzzy similarity and only ever as a warning. ``recheck_case`` recomputes every
automatic finding of a case: intake's validity findings (check digits, dates, expiry) and
the cross-checks here. It keeps a finding that is still true (same id), removes one that no
longer is, and never brings back one a reviewer dismissed.

A field intake read with doubt (``ExtractedField.doubt``: label residue, a failed check digit,
low OCR confidence …) is not trusted until a reviewer confirms or corrects it: where it would
give a mismatch or validity finding, it gives one ``field_uncertain`` warning (请核对) instead,
so a misreading never shows as an error on the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._audit import record_event
from archive._auth import SYSTEM
from archive._findings import FindingDraft, add_finding, intake_finding
from archive._jobs import REVIEWED
from archive._vocabulary import FIELD_LABELS_ZH, DocumentStatus, Severity
from archive.db._models import Case, Document, Finding
from core import today_in_china
from intake import address_similarity, normalize_identifier, normalize_name, validity_findings

ADDRESS_SIMILARITY = 0.8
"""Below this similarity an address on a document is reported as a possible mismatch."""

VALIDITY_CODES = frozenset(
    {
        "id_number_invalid_checksum",
        "credit_code_invalid_checksum",
        "birth_date_mismatch",
        "gender_mismatch",
        "id_card_expired",
        "license_expired",
        "supply_plan_expired",
        "date_invalid",
    }
)
CROSS_CHECK_CODES = frozenset(
    {
        "id_number_mismatch",
        "name_mismatch",
        "credit_code_mismatch",
        "address_mismatch",
        "capacity_mismatch",
        "owner_mismatch",
        "legal_representative_mismatch",
        "date_order",
    }
)
UNCERTAIN_CODE = "field_uncertain"
AUTOMATIC_CODES = VALIDITY_CODES | CROSS_CHECK_CODES | {UNCERTAIN_CODE}
"""Codes ``recheck_case`` owns on documents (case-record findings are not touched)."""

LEASE_TYPES = frozenset({"lease_contract"})

_WHOSE = {
    "customer": ("用电人", "the customer"),
    "legal_representative": ("法定代表人", "the legal representative"),
    "agent": ("经办人", "the agent"),
}
_MESSAGES: dict[str, tuple[str, str]] = {
    "id_number_mismatch": (
        "{whose_zh}的公民身份号码与案件登记不一致：文件为 {found}，登记为 {expected}。",
        "The ID number of {whose_en} on the document ({found}) differs from the case record "
        "({expected}); check the original and correct the record or the field.",
    ),
    "name_mismatch": (
        "{whose_zh}名称与案件登记不一致：文件为「{found}」，登记为「{expected}」。",
        "The name of {whose_en} on the document ({found}) differs from the case record "
        "({expected}); check which is right.",
    ),
    "credit_code_mismatch": (
        "统一社会信用代码与案件登记不一致：文件为 {found}，登记为 {expected}。",
        "The credit code on the document ({found}) differs from the case record ({expected}).",
    ),
    "address_mismatch": (
        "地址与登记的用电地址差异较大：文件为「{found}」，登记为「{expected}」，请核实。",
        "The address on the document ({found}) differs from the supply address on record "
        "({expected}); confirm it is the same place.",
    ),
    "capacity_mismatch": (
        "申请容量与案件登记不一致：文件为 {found} kVA，登记为 {expected} kVA。",
        "The capacity on the document ({found} kVA) differs from the case record ({expected} kVA).",
    ),
    "owner_mismatch": (
        "产权证权利人「{found}」与用电人「{expected}」不一致，且未提供租赁协议。",
        "The owner on the property certificate ({found}) is not the customer ({expected}) and "
        "there is no lease; add the lease or the customer's own certificate.",
    ),
    "legal_representative_mismatch": (
        "营业执照上的法定代表人「{found}」与登记的法定代表人「{expected}」不一致。",
        "The legal representative on the business licence ({found}) differs from the one on "
        "record ({expected}).",
    ),
    "date_order": (
        "日期顺序不对：{found}，应当 {expected}。",
        "The dates are out of order: {found}; expected {expected}.",
    ),
}

_DOUBTS_ZH = {
    "label_residue": "值前带有其他栏目的文字，已去除",
    "trimmed": "值后粘连的号码或字母已截去",
    "check_digit": "号码的校验位不符，可能有字识别错了",
    "unparsed": "号码的长度或格式不符",
    "fallback": "未找到栏目名称，是按格式在页面上找到的",
    "low_confidence": "文字识别的把握不大",
    "signature": "取自签字处，多为手写，识别不可靠",
}
_DOUBTS_EN = {
    "label_residue": "another label's text before the value was removed",
    "trimmed": "a number or letters glued to the value were cut off",
    "check_digit": "the check digit fails, a character may be misread",
    "unparsed": "the number has the wrong length or shape",
    "fallback": "found by its shape, without its label",
    "low_confidence": "the OCR engine was unsure of the text",
    "signature": "read from a signature line, usually handwritten",
}

# Per document type: document field -> (finding code, the case value it must match).
_RecordValue = Callable[[Case], str | None]


def _customer_name(case: Case) -> str:
    return case.customer.name


_FIELD_CHECKS: dict[str, dict[str, tuple[str, _RecordValue]]] = {
    "application_form": {
        "customer_name": ("name_mismatch", _customer_name),
        "id_number": ("id_number_mismatch", lambda case: case.customer.id_number),
        "credit_code": ("credit_code_mismatch", lambda case: case.customer.credit_code),
        "address": ("address_mismatch", lambda case: case.customer.address),
        "capacity_kva": ("capacity_mismatch", lambda case: _number_text(case.capacity_kva)),
    },
    "business_license": {
        "company_name": ("name_mismatch", _customer_name),
        "credit_code": ("credit_code_mismatch", lambda case: case.customer.credit_code),
        "address": ("address_mismatch", lambda case: case.customer.address),
        "legal_representative": (
            "legal_representative_mismatch",
            lambda case: case.legal_representative.name if case.legal_representative else None,
        ),
    },
    "supply_plan": {
        "customer_name": ("name_mismatch", _customer_name),
        "address": ("address_mismatch", lambda case: case.customer.address),
        "capacity_kva": ("capacity_mismatch", lambda case: _number_text(case.capacity_kva)),
    },
    "property_certificate": {
        "owner": ("owner_mismatch", _customer_name),
        "location": ("address_mismatch", lambda case: case.customer.address),
    },
}
_DEFAULT_CHECKS: dict[str, tuple[str, _RecordValue]] = {
    "customer_name": ("name_mismatch", _customer_name)
}

# Pairs (earlier document type and date field, later document type and date field).
_DATE_ORDER = (
    (("supply_contract", "signed_date"), ("meter_installation", "date"), "合同签订", "装表接电"),
    (("inspection_record", "date"), ("acceptance_record", "date"), "中间检查", "竣工检验"),
    (("acceptance_record", "date"), ("meter_installation", "date"), "竣工检验", "装表接电"),
)


@dataclass(frozen=True)
class _Person:
    whose: str
    name: str
    id_number: str


def _number_text(value: float) -> str:
    return f"{value:g}"


def _draft(
    code: str,
    document: Document,
    *,
    field: str,
    found: str,
    expected: str,
    whose: str = "customer",
    severity: Severity = Severity.error,
) -> FindingDraft:
    zh, en = _MESSAGES[code]
    whose_zh, whose_en = _WHOSE[whose]
    values = {
        "found": found,
        "expected": expected,
        "whose_zh": whose_zh,
        "whose_en": whose_en,
    }
    return FindingDraft(
        code=code,
        severity=severity,
        message_zh=zh.format(**values),
        message_en=en.format(**values),
        field=field,
        found=found,
        expected=expected,
        document_id=document.id,
    )


def _text(fields: Mapping[str, Any], name: str) -> str:
    value = fields.get(name)
    return value.strip() if isinstance(value, str) else ""


def _differs(code: str, found: str, expected: str) -> bool:
    if code == "address_mismatch":
        return address_similarity(found, expected) < ADDRESS_SIMILARITY
    if code == "capacity_mismatch":
        number = _parse_number(found)
        return number is None or abs(number - float(expected)) > 1e-6
    if code in ("id_number_mismatch", "credit_code_mismatch"):
        return normalize_identifier(found) != normalize_identifier(expected)
    return normalize_name(found) != normalize_name(expected)


def _parse_number(text: str) -> float | None:
    cleaned = normalize_identifier(text).removesuffix("KVA").removesuffix("KW")
    try:
        return float(cleaned)
    except ValueError:
        return None


def _field_findings(case: Case, document: Document, *, has_lease: bool) -> list[FindingDraft]:
    checks = _FIELD_CHECKS.get(document.doc_type or "", _DEFAULT_CHECKS)
    drafts = []
    for field, (code, record_value) in checks.items():
        found, expected = _text(document.fields, field), record_value(case)
        if not found or not expected or (code == "owner_mismatch" and has_lease):
            continue
        if _differs(code, found, expected):
            severity = Severity.warning if code == "address_mismatch" else Severity.error
            drafts.append(
                _draft(
                    code, document, field=field, found=found, expected=expected, severity=severity
                )
            )
    return drafts


def _people(case: Case, documents: Sequence[Document]) -> list[_Person]:
    people = []
    if case.customer.id_number:
        people.append(_Person("customer", case.customer.name, case.customer.id_number))
    if case.legal_representative is not None:
        rep = case.legal_representative
        people.append(_Person("legal_representative", rep.name, rep.id_number))
    for letter in documents:
        if letter.doc_type == "authorization_letter":
            name, number = (
                _text(letter.fields, "agent_name"),
                _text(letter.fields, "agent_id_number"),
            )
            if name and number:
                people.append(_Person("agent", name, number))
    return people


def _id_card_findings(document: Document, people: Sequence[_Person]) -> list[FindingDraft]:
    """An ID card matching a person by number must carry their name, and by name their number."""
    name, number = _text(document.fields, "name"), _text(document.fields, "id_number")
    for person in people:
        same_number = bool(number) and normalize_identifier(number) == person.id_number
        same_name = bool(name) and normalize_name(name) == normalize_name(person.name)
        if same_number and name and not same_name:
            code, field, found, expected = "name_mismatch", "name", name, person.name
        elif same_name and number and not same_number:
            code, field, found, expected = (
                "id_number_mismatch",
                "id_number",
                number,
                person.id_number,
            )
        else:
            continue
        return [
            _draft(code, document, field=field, found=found, expected=expected, whose=person.whose)
        ]
    return []


def _license_rep_findings(
    document: Document, id_cards: Sequence[Document], case: Case
) -> list[FindingDraft]:
    """The licence's legal representative against the legal representative's own ID card."""
    rep = case.legal_representative
    on_license = _text(document.fields, "legal_representative")
    if rep is None or not on_license:
        return []
    for card in id_cards:
        if normalize_identifier(_text(card.fields, "id_number")) != rep.id_number:
            continue
        on_card = _text(card.fields, "name")
        if (
            on_card
            and normalize_name(on_card) != normalize_name(on_license)
            and (normalize_name(rep.name) == normalize_name(on_license))
        ):
            return [
                _draft(
                    "legal_representative_mismatch",
                    document,
                    field="legal_representative",
                    found=on_license,
                    expected=on_card,
                )
            ]
    return []


def _date_order_findings(documents: Sequence[Document]) -> list[FindingDraft]:
    drafts = []
    for (first_type, first_field), (then_type, then_field), first_zh, then_zh in _DATE_ORDER:
        for first in (d for d in documents if d.doc_type == first_type):
            first_date = _date(first.fields, first_field)
            for then in (d for d in documents if d.doc_type == then_type):
                then_date = _date(then.fields, then_field)
                if first_date and then_date and then_date < first_date:
                    found = f"{first_zh} {first_date} 晚于 {then_zh} {then_date}"
                    expected = f"{first_zh}不晚于{then_zh}（{then_date}）"
                    drafts.append(
                        _draft(
                            "date_order", first, field=first_field, found=found, expected=expected
                        )
                    )
    return drafts


def _date(fields: Mapping[str, Any], name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(_text(fields, name))
    except ValueError:
        return None


def cross_check_findings(case: Case, documents: Sequence[Document]) -> list[FindingDraft]:
    """Every cross-check finding of the finished documents of a case."""
    usable = [d for d in documents if d.status == DocumentStatus.done and d.doc_type]
    has_lease = any(d.doc_type in LEASE_TYPES for d in usable)
    people = _people(case, usable)
    id_cards = [d for d in usable if d.doc_type == "id_card"]
    drafts: list[FindingDraft] = []
    for document in usable:
        if document.doc_type == "id_card":
            drafts += _id_card_findings(document, people)
            continue
        drafts += _field_findings(case, document, has_lease=has_lease)
        if document.doc_type == "business_license":
            drafts += _license_rep_findings(document, id_cards, case)
    return drafts + _date_order_findings(usable)


def validity_drafts(documents: Sequence[Document], *, today: dt.date) -> list[FindingDraft]:
    """Intake's validity findings (no case needed) for the finished documents."""
    drafts: list[FindingDraft] = []
    for document in documents:
        if document.status != DocumentStatus.done or not document.doc_type:
            continue
        fields = {k: v for k, v in document.fields.items() if isinstance(v, str)}
        drafts += [
            intake_finding(item, document_id=document.id)
            for item in validity_findings(document.doc_type, fields, today=today)
        ]
    return drafts


def _doubt(document: Document, field: str) -> str | None:
    """Why intake doubted the reading of ``field``, unless a reviewer has confirmed it since."""
    details = document.ocr.get("fields", {}) if isinstance(document.ocr, dict) else {}
    detail = details.get(field)
    if not isinstance(detail, dict) or detail.get("status") in REVIEWED:
        return None
    doubt = detail.get("doubt")
    return doubt if isinstance(doubt, str) and doubt else None


def _uncertain_draft(document: Document, draft: FindingDraft, doubt: str) -> FindingDraft:
    field = draft.field or ""
    label = FIELD_LABELS_ZH.get(field, field)
    found = _text(document.fields, field) or draft.found or ""
    why_zh = _DOUBTS_ZH.get(doubt, "识别结果不确定")
    why_en = _DOUBTS_EN.get(doubt, "the reading is uncertain")
    return FindingDraft(
        code=UNCERTAIN_CODE,
        severity=Severity.warning,
        message_zh=f"请核对：{label}读作「{found}」，{why_zh}。请对照原件确认或更正后再与登记比对。",
        message_en=f"Check {field}: read as {found!r}, but {why_en}; confirm or correct it "
        "against the original before it is compared with the case record.",
        field=field,
        found=found,
        expected=draft.expected,
        document_id=document.id,
    )


def doubted(drafts: Sequence[FindingDraft], documents: Sequence[Document]) -> list[FindingDraft]:
    """``drafts`` with each finding on a doubted field replaced by one ``field_uncertain``."""
    by_id = {document.id: document for document in documents}
    kept: list[FindingDraft] = []
    uncertain: dict[tuple[str, str], FindingDraft] = {}
    for draft in drafts:
        document = by_id.get(draft.document_id or "")
        doubt = _doubt(document, draft.field) if document is not None and draft.field else None
        if document is None or doubt is None or draft.field is None:
            kept.append(draft)
            continue
        key = (document.id, draft.field)
        # The record's value, where a cross-check has one, is what the reviewer compares with.
        if key not in uncertain or uncertain[key].expected is None:
            uncertain[key] = _uncertain_draft(document, draft, doubt)
    return kept + list(uncertain.values())


def _key(
    code: str, document_id: str | None, field: str | None, found: str | None
) -> tuple[Any, ...]:
    return (code, document_id, field, found)


def recheck_case(session: Session, case: Case, *, today: dt.date | None = None) -> None:
    """Recompute every automatic finding of ``case``; the caller commits.

    Open automatic findings that still hold keep their id; those that no longer hold are
    removed; new ones are added unless a reviewer dismissed the same finding (same code,
    document, field and value) before. A change is recorded in the audit trail. Expiry is
    judged on ``today`` (default: today in China).
    """
    documents = list(case.documents)
    drafts = doubted(
        validity_drafts(documents, today=today or today_in_china())
        + cross_check_findings(case, documents),
        documents,
    )
    existing = list(
        session.scalars(
            select(Finding).where(
                Finding.case_id == case.id,
                Finding.document_id.is_not(None),
                Finding.code.in_(AUTOMATIC_CODES),
            )
        )
    )
    dismissed = {
        _key(f.code, f.document_id, f.field, f.found) for f in existing if f.status != "open"
    }
    open_by_key = {
        _key(f.code, f.document_id, f.field, f.found): f for f in existing if f.status == "open"
    }
    wanted: dict[tuple[Any, ...], FindingDraft] = {}
    for draft in drafts:
        key = _key(draft.code, draft.document_id, draft.field, draft.found)
        if key not in dismissed:
            wanted.setdefault(key, draft)
    removed = [f for key, f in open_by_key.items() if key not in wanted]
    added = [draft for key, draft in wanted.items() if key not in open_by_key]
    for finding in removed:
        session.delete(finding)
    for draft in added:
        add_finding(session, case=case, draft=draft)
    for key, finding in open_by_key.items():
        if key in wanted:
            _refresh(finding, wanted[key])
    if removed or added:
        session.flush()
        record_event(
            session,
            actor=SYSTEM,
            action="case.recheck",
            entity_type="case",
            entity_id=case.case_no,
            case_no=case.case_no,
            before={"removed": sorted(_summary(f.code, f.document_id, f.field) for f in removed)},
            after={"added": sorted(_summary(d.code, d.document_id, d.field) for d in added)},
        )


def _refresh(finding: Finding, draft: FindingDraft) -> None:
    finding.severity = draft.severity.value
    finding.expected = draft.expected
    finding.message_zh = draft.message_zh
    finding.message_en = draft.message_en


def _summary(code: str, document_id: str | None, field: str | None) -> str:
    return f"{code} {document_id} {field or ''}".strip()
