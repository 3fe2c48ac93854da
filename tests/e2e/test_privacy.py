"""Citizen ID numbers in the API and the pages: masked unless view_pii, revealed on purpose."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import AuditEvent, Role, mask_citizen_id, open_database
from core import Settings
from tests.e2e.helpers import VALID_ID, ApiClient, png_bytes
from tests.e2e.test_pages import page_csrf, signin
from tests.e2e.test_review import finish_intake

MASKED = mask_citizen_id(VALID_ID)
LEGAL_ID = "110101198001010010"


@pytest.fixture
def client(settings: Settings, tokens: dict[Role, str]) -> Iterator[ApiClient]:
    """A client of an app without intake workers: the tests finish intake themselves."""
    quiet = settings.model_copy(update={"intake_in_process": False})
    with TestClient(create_app(quiet)) as test_client:
        yield ApiClient(test_client, tokens)


def card_case(client: ApiClient, settings: Settings) -> str:
    """A case whose customer's ID card is read, its check digit wrong; the card's document id."""
    wrong = VALID_ID[:17] + "1"
    created = client.create_case(
        "YK-P",
        customer={"name": "王小明", "id_number": VALID_ID, "address": "北京市"},
        legal_representative={"name": "李建国", "id_number": LEGAL_ID},
    )
    assert created.status_code == 201, created.text
    card = client.upload("YK-P", png_bytes(5)).json()["document_id"]
    finish_intake(settings, {card: ("id_card", {"name": "王小明", "id_number": wrong})})
    return str(card)


def test_roles_without_view_pii_get_every_number_masked(
    client: ApiClient, settings: Settings
) -> None:
    card = card_case(client, settings)
    for role in (Role.archivist, Role.auditor):
        case = client.request("GET", "/cases/YK-P", role)
        document = client.request("GET", f"/documents/{card}", role)
        text = case.text + document.text
        assert VALID_ID not in text
        assert LEGAL_ID not in text
        assert VALID_ID[:17] not in text
        assert case.json()["customer"]["id_number"] == MASKED
        assert document.json()["fields"]["id_number"] == mask_citizen_id(VALID_ID[:17] + "1")
        messages = [f["message"] for f in document.json()["findings"]]
        assert messages
        assert all("********" in message for message in messages)
    for role in (Role.reviewer, Role.admin):
        case = client.request("GET", "/cases/YK-P", role).json()
        assert case["customer"]["id_number"] == VALID_ID
        assert case["legal_representative"]["id_number"] == LEGAL_ID


def test_view_pii_roles_are_a_setting(settings: Settings, tokens: dict[Role, str]) -> None:
    auditors = settings.model_copy(update={"intake_in_process": False, "pii_roles": "auditor"})
    with TestClient(create_app(auditors)) as http:
        client = ApiClient(http, tokens)
        assert client.create_case("YK-S").status_code == 201
        shown = {
            role: client.request("GET", "/cases/YK-S", role).json()["customer"]["id_number"]
            for role in Role
        }
    assert shown == {
        Role.archivist: MASKED,
        Role.reviewer: MASKED,
        Role.auditor: VALID_ID,
        Role.keeper: MASKED,
        Role.admin: MASKED,
    }


def test_an_id_cards_original_opens_only_for_view_pii_roles(
    client: ApiClient, settings: Settings
) -> None:
    card = card_case(client, settings)
    for role in (Role.archivist, Role.auditor):
        refused = client.request("GET", f"/documents/{card}/file", role)
        assert refused.status_code == 403
        assert "view_pii" in refused.json()["message"]
    assert client.request("GET", f"/documents/{card}/file", Role.reviewer).content == png_bytes(5)
    signin(client, Role.archivist)
    page = client.http.get(f"/documents/{card}")
    assert "身份证原件含完整的公民身份号码" in page.text
    assert f"/documents/{card}/original" not in page.text
    assert client.http.get(f"/documents/{card}/original").status_code == 403


def _reveals(settings: Settings) -> list[AuditEvent]:
    with open_database(settings) as database, database.session() as session:
        return list(session.query(AuditEvent).filter_by(action="pii.revealed"))


def test_a_page_shows_numbers_masked_until_a_view_pii_role_reveals_them(
    client: ApiClient, settings: Settings
) -> None:
    card = card_case(client, settings)
    signin(client, Role.reviewer)
    page = client.http.get("/cases/YK-P")
    assert MASKED in page.text
    assert VALID_ID not in page.text
    assert "显示完整身份号码" in page.text
    assert _reveals(settings) == []
    csrf = page_csrf(client, "/cases/YK-P")
    revealed = client.http.post("/cases/YK-P/reveal", data={"csrf_token": csrf})
    assert revealed.status_code == 200
    assert VALID_ID in revealed.text
    assert LEGAL_ID in revealed.text
    assert "已记入审计日志" in revealed.text
    document = client.http.post(f"/documents/{card}/reveal", data={"csrf_token": csrf})
    assert VALID_ID[:17] + "1" in document.text
    events = _reveals(settings)
    assert [(e.entity_type, e.entity_id, e.actor) for e in events] == [
        ("case", "YK-P", "reviewer-user"),
        ("document", card, "reviewer-user"),
    ]
    assert VALID_ID not in client.http.get("/cases/YK-P").text  # masked again


def test_roles_without_view_pii_see_no_reveal_and_may_not_reveal(
    client: ApiClient, settings: Settings
) -> None:
    card_case(client, settings)
    signin(client, Role.archivist)
    page = client.http.get("/cases/YK-P")
    assert MASKED in page.text
    assert "显示完整身份号码" not in page.text
    assert "无权查看完整号码" in page.text
    csrf = page_csrf(client, "/cases/YK-P")
    refused = client.http.post("/cases/YK-P/reveal", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert VALID_ID not in refused.text
    assert _reveals(settings) == []


def test_confirming_a_field_shown_masked_keeps_the_number(
    client: ApiClient, settings: Settings
) -> None:
    card = card_case(client, settings)
    wrong = VALID_ID[:17] + "1"
    signin(client, Role.reviewer)
    csrf = page_csrf(client, f"/documents/{card}")
    saved = client.http.post(
        f"/documents/{card}/fields",
        data={
            "csrf_token": csrf,
            "name": "id_number",
            "value": mask_citizen_id(wrong),
            "reason": "",
            "confirm": "id_number",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    document = client.request("GET", f"/documents/{card}", Role.reviewer).json()
    assert document["fields"]["id_number"] == wrong
    assert document["field_details"]["id_number"]["status"] == "confirmed"
