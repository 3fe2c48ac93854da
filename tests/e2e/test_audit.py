"""Every write is an audit event; the chain shows tampering."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from archive import (
    SYSTEM,
    AuditEvent,
    LocalObjectStore,
    Role,
    load_audit_key,
    open_database,
    write_checkpoint,
)
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_archiving import archived, case_at_connection
from tests.e2e.test_chinese_pages import KNOWN, english_words
from tests.e2e.test_pages import page_csrf, signin
from tests.e2e.test_review import residential_case


def _events(client: ApiClient, **params: str) -> list[dict[str, object]]:
    response = client.request("GET", "/audit", Role.auditor, params=params)
    assert response.status_code == 200
    events: list[dict[str, object]] = response.json()["events"]
    # The fixture's tokens (one per role) are created by the system before each test.
    return [event for event in events if event["actor"] != SYSTEM.name]


def test_each_write_is_an_event_with_who_what_and_after(client: ApiClient) -> None:
    client.create_case("YK-AUD")
    upload = client.upload("YK-AUD", png_bytes(5)).json()
    token = client.request(
        "POST", "/tokens", Role.admin, json={"name": "n", "role": "auditor"}
    ).json()
    client.request("DELETE", f"/tokens/{token['id']}", Role.admin)

    events = _events(client)
    assert [e["action"] for e in events] == [
        "token.revoke",
        "token.create",
        "document.upload",
        "case.create",
    ]
    revoke, _, upload_event, create = events
    assert create["actor"] == "archivist-user"
    assert create["case_no"] == "YK-AUD"
    assert create["after"]["customer"]["name"] == "王小明"  # type: ignore[index]
    assert upload_event["entity_id"] == upload["document_id"]
    assert upload_event["after"]["sha256"] == upload["sha256"]  # type: ignore[index]
    assert revoke["actor"] == "admin-user"
    assert revoke["after"]["revoked_at"] is not None  # type: ignore[index]


def test_reads_and_refusals_are_not_events(client: ApiClient) -> None:
    client.create_case("YK-R")
    client.request("GET", "/cases/YK-R", Role.reviewer)
    client.upload("YK-R", b"PK\x03\x04zip")
    client.upload("YK-R", png_bytes(1))
    client.upload("YK-R", png_bytes(1))
    assert [e["action"] for e in _events(client)] == ["document.upload", "case.create"]


def test_filters(client: ApiClient) -> None:
    client.create_case("YK-F1")
    client.create_case("YK-F2")
    assert [e["case_no"] for e in _events(client, case_no="YK-F2")] == ["YK-F2"]
    assert len(_events(client, user="archivist-user", action="case.create")) == 2
    assert _events(client, user="nobody") == []


def test_chain_verifies_and_detects_tampering(client: ApiClient, settings: Settings) -> None:
    client.create_case("YK-T1")
    client.create_case("YK-T2")
    intact = client.request("GET", "/audit/verify", Role.auditor).json()
    assert intact["intact"] is True
    assert intact["events"] == len(Role) + 2  # the fixture's tokens, then the two cases
    with open_database(settings) as database, database.transaction() as session:
        session.execute(update(AuditEvent).where(AuditEvent.id == 1).values(actor="someone else"))
    broken = client.request("GET", "/audit/verify", Role.auditor).json()
    assert broken["intact"] is False
    assert broken["first_broken_id"] == 1


def test_the_api_reports_deleted_events_once_a_checkpoint_anchored_them(
    client: ApiClient, settings: Settings
) -> None:
    client.create_case("YK-A1")
    client.create_case("YK-A2")
    store = LocalObjectStore(settings.resolved_object_store_dir)
    key = load_audit_key(settings.resolved_audit_key_file)
    with open_database(settings) as database:
        with database.transaction() as session:
            write_checkpoint(session, store=store, key=key)
        anchored = client.request("GET", "/audit/verify", Role.auditor).json()
        assert (anchored["intact"], anchored["anchored_through"]) == (True, len(Role) + 2)
        with database.transaction() as session:
            newest = session.scalar(select(func.max(AuditEvent.id)))
            session.execute(delete(AuditEvent).where(AuditEvent.id == newest))
    truncated = client.request("GET", "/audit/verify", Role.auditor).json()
    assert truncated["intact"] is False
    assert truncated["first_broken_id"] == newest
    assert f"audit event {newest} was removed" in truncated["message"]


@pytest.mark.parametrize("name", ["   ", "\t", ""])
def test_a_blank_token_name_is_refused_with_422_not_500(client: ApiClient, name: str) -> None:
    response = client.request("POST", "/tokens", Role.admin, json={"name": name, "role": "auditor"})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid"
    assert _events(client) == []  # nothing was created, so nothing was audited


def test_the_audit_page_names_findings_loans_and_units(
    quiet_client: ApiClient, settings: Settings
) -> None:
    client = quiet_client
    residential_case(client, settings, "YK-NAMED", owner="钱七")  # the deed: someone else's
    finding = next(
        f
        for f in client.request("GET", "/cases/YK-NAMED/check", Role.reviewer).json()["findings"]
        if f["code"] == "owner_mismatch"
    )
    dismissed = client.request(
        "POST", f"/findings/{finding['id']}/dismiss", Role.reviewer, json={"reason": "已核实"}
    )
    assert dismissed.status_code == 200, dismissed.text
    case_at_connection(client, settings, "YK-LENT", seed=4)
    archived(client, "YK-LENT")
    asked = client.request("POST", "/cases/YK-LENT/loans", Role.reviewer, json={"purpose": "复核"})
    assert asked.status_code == 201, asked.text
    signin(client, Role.admin)
    unit = client.http.post(
        "/admin/units", data={"code": "GDS7", "name": "城关供电所", "csrf_token": page_csrf(client)}
    )
    assert unit.status_code == 200, unit.text

    signin(client, Role.auditor)
    page = client.http.get("/audit").text
    assert "问题 产权人与用电人不一致（案件 YK-NAMED）" in page
    loan_id = asked.json()["id"]
    assert f"借阅 第 {loan_id} 号（案件 YK-LENT，借阅人 reviewer-user）" in page
    assert "单位 城关供电所（GDS7）" in page
    assert "对象 " not in page  # every object is of a kind with a name
    assert english_words(page, known=KNOWN | {"GDS7"}) == []
