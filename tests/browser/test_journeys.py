"""The auditor's journey of the issue in headless Chromium: search a name, follow the trail."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from archive import Role
from core import Settings
from search import IndexedDocument, open_search_index
from tests.browser.helpers import Screenshots, Server, sign_in, three_scans
from tests.e2e.helpers import VALID_ID

pytestmark = pytest.mark.browser


def test_auditor_searches_a_name_and_follows_the_trail(
    page: Page, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    api = server.url + "/api/v1"
    for case_no in ("YK-AUD-1", "YK-AUD-2"):
        created = page.request.post(
            api + "/cases",
            headers=archivist,
            data={
                "case_no": case_no,
                "category": "residential",
                "business_type": "new",
                "capacity_kva": 8,
                "customer": {"name": "李小红", "id_number": VALID_ID},
            },
        )
        assert created.status == 201, created.text()
    scan = three_scans()[0]
    uploaded = page.request.post(
        f"{api}/cases/YK-AUD-1/documents",
        headers=archivist,
        multipart={"file": {"name": scan[0], "mimeType": scan[1], "buffer": scan[2]}},
    )
    assert uploaded.status == 202, uploaded.text()
    with open_search_index(settings) as index:
        index.index(
            IndexedDocument(
                document_id=uploaded.json()["document_id"],
                case_no="YK-AUD-1",
                doc_type="id_card",
                stage="application",
                category="residential",
                customer_name="李小红",
                text="姓名 李小红 性别 女 民族 汉 公民身份号码 " + VALID_ID,
                fields={"name": "李小红", "id_number": VALID_ID},
            )
        )

    sign_in(page, server, Role.auditor)
    expect(page.get_by_role("link", name="新建案件")).to_have_count(0)
    page.get_by_role("link", name="检索").click()
    page.get_by_role("searchbox", name=re.compile("姓名")).fill("李小红")
    page.get_by_role("button", name="检索", exact=True).click()
    expect(page.get_by_text("共 1 份资料")).to_be_visible()
    expect(page.locator("ol.hits mark").first).to_have_text("李小红")
    screenshots.take(page, "search-name")
    page.locator("ol.hits").get_by_role("link", name=re.compile("居民身份证")).click()
    expect(page.get_by_role("heading", name="身份证.png")).to_be_visible()
    screenshots.take(page, "search-hit-document", full_page=False)
    page.get_by_role("link", name="审计", exact=True).click()
    # People's actions only: the case, the upload, the auditor (by name) viewing the scan
    expect(page.get_by_text("共 4 条")).to_be_visible()
    # With the system's own: a token and a user for each of the 5 roles set up for the test
    page.get_by_label("含系统事件").check()
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("共 14 条")).to_be_visible()
    page.get_by_label("案件编号").fill("YK-AUD-1")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("共 3 条")).to_be_visible()
    table = page.locator("table.audit tbody")
    expect(table.get_by_text("上传资料")).to_be_visible()
    expect(table.get_by_text("新建案件")).to_be_visible()
    expect(table.get_by_text("auditor.user（auditor 用户）").first).to_be_visible()
    table.locator("summary", has_text="查看").first.click()
    expect(table.get_by_text("身份证.png").first).to_be_visible()
    screenshots.take(page, "audit-filtered")
    page.get_by_role("link", name="校验审计链").click()
    expect(page.get_by_text("审计链完整：共 14 条记录")).to_be_visible()
    screenshots.take(page, "audit-chain-verified")

    page.goto(server.url + "/audit")
    page.get_by_label("操作", exact=True).select_option(label="上传资料")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("共 1 条")).to_be_visible()
    page.locator("table.audit tbody").get_by_role("link", name=re.compile("资料")).click()
    expect(page.get_by_role("heading", name="身份证.png")).to_be_visible()
    expect(page.get_by_role("link", name="下载原件")).to_be_visible()
    screenshots.take(page, "auditor-document")
