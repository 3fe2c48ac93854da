"""The strict Content-Security-Policy breaks nothing: no page reports a refusal or an error."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from archive import Role
from tests.browser.helpers import Server, console_errors, sign_in, three_scans
from tests.e2e.helpers import VALID_ID

pytestmark = pytest.mark.browser


def test_pages_and_api_docs_run_under_the_policy(page: Page, server: Server) -> None:
    errors = console_errors(page)
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    api = server.url + "/api/v1"
    created = page.request.post(
        api + "/cases",
        headers=archivist,
        data={
            "case_no": "YK-CSP-1",
            "category": "residential",
            "business_type": "new",
            "capacity_kva": 8,
            "customer": {"name": "钱多多", "id_number": VALID_ID},
        },
    )
    assert created.status == 201, created.text()
    name, media_type, content = three_scans()[0]
    uploaded = page.request.post(
        f"{api}/cases/YK-CSP-1/documents",
        headers=archivist,
        multipart={"file": {"name": name, "mimeType": media_type, "buffer": content}},
    )
    assert uploaded.status == 202, uploaded.text()
    document_id = uploaded.json()["document_id"]

    sign_in(page, server, Role.admin)
    for path in (
        "/cases",
        "/cases/new",
        "/cases/YK-CSP-1",
        f"/documents/{document_id}",
        "/search?q=钱多多",
        "/audit?verify=true",
    ):
        page.goto(server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("main h1").count() >= 1, path
        assert errors == [], f"{path}: {errors}"
    page.goto(server.url + f"/documents/{document_id}")
    expect(page.locator("#pages img").first).to_be_visible()
    page.get_by_role("button", name="放大").click()

    page.goto(server.url + "/docs")
    expect(page.get_by_text("/api/v1/cases/{case_no}/check").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert errors == [], f"/docs: {errors}"
