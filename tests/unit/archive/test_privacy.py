"""Citizen ID numbers are masked where they must not be read, the audit trail included."""

from __future__ import annotations

from archive import (
    SYSTEM,
    Actor,
    AuditEvent,
    CaseCreate,
    Database,
    Document,
    Role,
    create_case,
    may_open_original,
)
from archive._privacy import mask_citizen_id, mask_payload
from tests.e2e.helpers import VALID_ID, case_body


def test_a_citizen_id_keeps_its_region_and_last_four() -> None:
    assert mask_citizen_id("410105199003076366") == "410105********6366"
    assert mask_citizen_id("身份证号 11010519491231002X 住址") == "身份证号 110105********002X 住址"
    # Not an ID number: longer digit runs, credit codes and phone numbers stay.
    assert mask_citizen_id("4101051990030763661") == "4101051990030763661"
    assert mask_citizen_id("91350100M000100Y43 13800138000") == "91350100M000100Y43 13800138000"


def test_payloads_are_masked_at_any_depth() -> None:
    payload = {"customer": {"id_number": VALID_ID, "ids": [VALID_ID, 3]}, "n": 1}
    masked = mask_payload(payload)
    assert VALID_ID not in str(masked)
    assert masked["n"] == 1
    assert masked["customer"]["ids"][1] == 3


def test_the_audit_trail_stores_masked_numbers(database: Database) -> None:
    with database.transaction() as session:
        create_case(session, data=CaseCreate.model_validate(case_body("YK-PII")), actor=SYSTEM)
        event = session.query(AuditEvent).filter_by(action="case.create").one()
        assert VALID_ID not in str(event.after)
        assert mask_citizen_id(VALID_ID) in str(event.after)


def test_an_all_digit_code_without_a_birth_date_is_not_taken_for_a_citizen_id() -> None:
    # 18 digits, but characters 7–14 are no date: a credit code or a contract number.
    assert mask_citizen_id("913101106660072170") == "913101106660072170"
    assert mask_citizen_id("110105194913310021") == "110105194913310021"  # month 13
    # A number OCR misread (its check digit fails) is still someone's number: masked.
    assert mask_citizen_id("110105194912310021") == "110105********0021"


def test_a_masked_text_keeps_its_length() -> None:
    text = f"甲{VALID_ID}乙 {VALID_ID.lower()}"
    assert len(mask_citizen_id(text)) == len(text)
    assert mask_citizen_id(text).count("********") == 2


def test_a_stack_holding_an_id_card_is_withheld_from_every_part() -> None:
    archivist, reviewer = Actor("a", Role.archivist), Actor("r", Role.reviewer)
    stack = Document(doc_type=None)
    contract, card = Document(doc_type="supply_contract"), Document(doc_type="id_card")
    stack.parts = [contract, card]
    alone = Document(doc_type="supply_contract")
    for document in (stack, contract, card):
        assert not may_open_original(archivist, document)
        assert may_open_original(reviewer, document)
    assert may_open_original(archivist, alone)
    assert not may_open_original(Actor("r", Role.reviewer, view_pii=False), card)
