"""Hostile input answers 422 naming what is wrong, never a 500, on SQLite and PostgreSQL.

Integers past 2**63 overflow SQLite, NUL cannot be stored in PostgreSQL text, numbers are not
dates, and ``%`` or ``_`` typed in a search box are those characters, not wildcards.
"""

from __future__ import annotations

from typing import Any

import pytest

from archive import Role
from tests.e2e.helpers import VALID_ID, ApiClient, case_body
from tests.e2e.test_pages import CSRF_INPUT, page_csrf, signin

HUGE = str(2**63)


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("DELETE", f"/tokens/{HUGE}", {}),
        ("DELETE", "/tokens/0", {}),
        ("DELETE", f"/tokens/{2**31}", {}),  # past PostgreSQL's INTEGER
        ("POST", f"/findings/{2**31}/dismiss", {"json": {"reason": "duplicate"}}),
        ("POST", f"/findings/{HUGE}/dismiss", {"json": {"reason": "duplicate"}}),
        ("GET", f"/audit?offset={HUGE}", {}),
        ("GET", f"/audit?limit={HUGE}", {}),
        ("GET", f"/cases?offset={HUGE}", {}),
        ("GET", f"/cases?limit={HUGE}", {}),
        ("GET", f"/search?offset={HUGE}", {}),
    ],
)
def test_huge_integers_in_the_api_are_refused(
    client: ApiClient, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    response = client.request(method, path, Role.admin, **kwargs)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/cases?offset={HUGE}"),
        ("GET", f"/audit?offset={HUGE}"),
        ("POST", f"/findings/{HUGE}/dismiss"),
    ],
)
def test_huge_integers_on_pages_are_refused(client: ApiClient, method: str, path: str) -> None:
    signin(client, Role.admin)
    form = {"reason": "duplicate", "csrf_token": page_csrf(client)}
    response = client.http.request(method, path, data=form)
    assert response.status_code == 422, response.text
    assert "内容不正确" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/cases/%00",
        "/cases/YK-001%00",
        "/documents/%00",
        "/documents/%00/file",
        "/cases/%01/check",
        "/cases?q=%00",
        "/search?q=%00",
        "/search?case_no=a%00",
        "/audit?user=%00",
        "/audit?case_no=%1b",
    ],
)
def test_control_characters_in_a_url_are_refused(client: ApiClient, path: str) -> None:
    assert client.create_case("YK-001").status_code == 201
    response = client.request("GET", path, Role.admin)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid"
    assert "control character" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (case_body("YK-NUL", customer={"name": "王\x00", "id_number": VALID_ID}), "customer.name"),
        (
            case_body("YK-NUL", customer={"name": "王", "id_number": VALID_ID, "address": "\x00"}),
            "customer.address",
        ),
        (case_body("YK-NUL", customer={"name": "王", "id_number": "\x00" * 18}), "customer"),
        (case_body("YK-NUL", facts={"tenant\x00": True}), "facts"),
        (case_body("YK-\x00"), "case_no"),
        (case_body("YK-NUL", accepted_on=0), "accepted_on"),
        (case_body("YK-NUL", accepted_on="1700000000"), "accepted_on"),
    ],
)
def test_a_case_body_with_a_control_character_or_a_number_for_a_date_is_refused(
    client: ApiClient, body: dict[str, Any], field: str
) -> None:
    response = client.request("POST", "/cases", Role.archivist, json=body)
    assert response.status_code == 422, response.text
    assert field in response.json()["message"]
    assert client.request("GET", "/cases", Role.admin).json()["total"] == 0


def test_other_bodies_refuse_control_characters_but_text_keeps_line_breaks(
    client: ApiClient,
) -> None:
    token = client.request("POST", "/tokens", Role.admin, json={"name": "a\x00", "role": "auditor"})
    assert token.status_code == 422, token.text
    assert "name" in token.json()["message"]
    wrong = VALID_ID[:17] + "1"
    created = client.create_case("YK-001", customer={"name": "王", "id_number": wrong})
    finding_id = created.json()["findings"][0]["id"]
    nul = client.request(
        "POST", f"/findings/{finding_id}/dismiss", Role.reviewer, json={"reason": "a\x00b"}
    )
    assert nul.status_code == 422, nul.text
    assert "reason" in nul.json()["message"]
    dismissed = client.request(
        "POST",
        f"/findings/{finding_id}/dismiss",
        Role.reviewer,
        json={"reason": "checked\tby phone\r\nwith the customer"},
    )
    assert dismissed.status_code == 200, dismissed.text


def test_control_characters_in_a_page_form_or_query_are_refused(client: ApiClient) -> None:
    form = client.http.get("/signin")
    csrf = CSRF_INPUT.search(form.text)
    assert csrf is not None
    response = client.http.post(
        "/signin", data={"token": "\x00", "csrf_token": csrf.group(1), "next": "/cases"}
    )
    assert response.status_code == 422, response.text
    signin(client, Role.admin)
    for path in ("/cases?q=%00", "/audit?user=%00", "/search?q=%00", "/cases/%00"):
        page = client.http.get(path)
        assert page.status_code == 422, (path, page.text)
        assert "填写的内容含有控制字符 U+0000" in page.text


@pytest.mark.parametrize(
    "query",
    [
        "/audit?until=0.5",
        "/audit?since=1",
        "/audit?since=1700000000",
        "/audit?until=2026-13-01",
        "/search?date_to=0",
        "/search?date_from=20260101",
        "/search?date_from=1700000000",
    ],
)
def test_dates_must_be_iso(client: ApiClient, query: str) -> None:
    response = client.request("GET", query, Role.admin)
    assert response.status_code == 422, response.text
    assert query.split("?")[1].split("=")[0] in response.json()["message"]


@pytest.mark.parametrize(
    "query",
    [
        "/audit?since=2026-01-01&until=2026-02-01T08:30:00%2B08:00",
        "/audit?until=2026-02-01T08:30:00Z",
        "/audit?until=2026-02-01 08:30",
        "/search?date_from=2026-01-01&date_to=2026-12-31",
    ],
)
def test_iso_dates_are_accepted(client: ApiClient, query: str) -> None:
    response = client.request("GET", query, Role.admin)
    assert response.status_code == 200, response.text


def test_wildcards_in_the_case_search_are_plain_characters(client: ApiClient) -> None:
    client.create_case("YK-001")
    client.create_case("YK_002", customer={"name": "百分%电器", "id_number": VALID_ID})
    client.create_case("YK-003", customer={"name": "反斜\\杠", "id_number": VALID_ID})

    def found(q: str) -> list[str]:
        response = client.request("GET", "/cases", Role.admin, params={"q": q})
        assert response.status_code == 200, response.text
        return sorted(case["case_no"] for case in response.json()["cases"])

    assert found("%") == ["YK_002"]
    assert found("_") == ["YK_002"]
    assert found("\\") == ["YK-003"]
    assert found("YK-00") == ["YK-001", "YK-003"]
    assert found("百分%") == ["YK_002"]
    assert found("%电") == ["YK_002"]
    assert found("yk_0") == ["YK_002"]  # still case-insensitive
    signin(client, Role.admin)
    page = client.http.get("/cases", params={"q": "%"}).text
    assert "共 1 件" in page
