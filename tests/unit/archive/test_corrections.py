"""A field is corrected only when its value really changed: what a page showed sends back as
a confirmation (a masked ID number, a number's text, an empty value), and a correction needs
its reason."""

from __future__ import annotations

import pytest

from archive import SYSTEM, FieldReview, ValidationError, field_changed, review_fields
from tests.unit.archive.rules.test_rules_cases import (
    PERSON,
    TODAY,
    add_document,
    make_case,
    open_session,
)


def test_what_a_page_showed_confirms_and_a_new_value_needs_its_reason(database_url: str) -> None:
    with open_session(database_url) as session:
        case = make_case(session)
        card = add_document(session, case, "id_card", {"id_number": PERSON["id_number"]})
        card.fields = {**card.fields, "pages": 2, "note": None}
        masked = PERSON["id_number"][:6] + "********" + PERSON["id_number"][14:]
        assert not field_changed(card, name="id_number", value=masked)
        assert not field_changed(card, name="pages", value="2")
        assert not field_changed(card, name="note", value=" ")
        assert field_changed(card, name="pages", value="3")
        with pytest.raises(ValidationError) as refused:
            review_fields(
                session,
                card,
                reviews=[FieldReview(name="note", value=""), FieldReview(name="pages", value="3")],
                actor=SYSTEM,
                today=TODAY,
            )
        assert refused.value.message_zh == "更正「pages」需要写明理由（记入审计）"
        review_fields(
            session,
            card,
            reviews=[FieldReview(name="pages", value="3", reason="背面另有一页")],
            actor=SYSTEM,
            today=TODAY,
        )
        assert card.fields["pages"] == "3"
        assert card.ocr["fields"]["pages"]["reason"] == "背面另有一页"
