"""The archivist fixes mistakes in headless Chromium: a batch of ten files (one already on the
case, one refused) with a type chosen for one of them, a document moved to the right case, a
wrong upload removed to the trash and restored."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from archive import Role
from core import Settings
from tests.browser.helpers import Screenshots, Server, console_errors, drop_files, sign_in
from tests.browser.test_layout import OVERFLOW, UNNAMED_CONTROLS
from tests.e2e.helpers import VALID_ID, png_bytes

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("YEKUO_FIXES_SHOTS", "/work/briefs/shots"))
"""Where the screenshots judged for the brief go (when that directory exists)."""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No intake workers: these journeys are about filing, not reading (documents stay queued)."""
    return settings.model_copy(update={"intake_in_process": False})


def _create_case(page: Page, server: Server, case_no: str) -> None:
    created = page.request.post(
        server.url + "/api/v1/cases",
        headers={"Authorization": f"Bearer {server.tokens[Role.archivist]}"},
        data={
            "case_no": case_no,
            "category": "residential",
            "business_type": "new",
            "capacity_kva": 8,
            "customer": {"name": "孙小美", "id_number": VALID_ID},
        },
    )
    assert created.status == 201, created.text()


def _upload(page: Page, server: Server, case_no: str, name: str, content: bytes) -> str:
    uploaded = page.request.post(
        f"{server.url}/api/v1/cases/{case_no}/documents",
        headers={"Authorization": f"Bearer {server.tokens[Role.archivist]}"},
        multipart={"file": {"name": name, "mimeType": "image/png", "buffer": content}},
    )
    assert uploaded.status == 202, uploaded.text()
    document_id: str = uploaded.json()["document_id"]
    return document_id


def _keep(shots: Screenshots, page: Page, name: str) -> None:
    path = shots.take(page, name)
    if SHOTS.is_dir():
        shutil.copy2(path, SHOTS / f"fixes-{name}.png")


def test_a_batch_of_ten_files_ends_with_a_summary_at_desktop_and_phone_width(
    page: Page, browser: Browser, server: Server, screenshots: Screenshots
) -> None:
    errors = console_errors(page)
    _create_case(page, server, "YK-BATCH")
    _upload(page, server, "YK-BATCH", "已有的扫描件.png", png_bytes(90))
    files = [(f"扫描件-{n:02d}.png", "image/png", png_bytes(80 + n)) for n in range(8)]
    files.insert(3, ("重复上传.png", "image/png", png_bytes(90)))
    files.append(("说明.txt", "text/plain", "这不是扫描件".encode()))
    sign_in(page, server, Role.archivist)
    page.goto(server.url + "/cases/YK-BATCH")
    drop_files(page, "#dropzone", files)

    rows = page.locator("#uploads li")
    expect(rows).to_have_count(10)
    expect(page.get_by_role("button", name="开始上传（10 份）")).to_be_visible()
    page.get_by_label("资料类型：扫描件-00.png").select_option(label="居民身份证")
    page.get_by_role("button", name=re.compile("^开始上传")).click()

    summary = page.locator("#upload-summary")
    expect(summary).to_contain_text("本批共 10 份：已上传 8 份，重复 1 份，未接受 1 份。")
    expect(summary).to_contain_text("重复上传.png")
    expect(summary).to_contain_text("说明.txt：不支持的格式：只接受 PDF、JPEG、PNG、TIFF")
    duplicate = rows.filter(has_text="重复上传.png")
    expect(duplicate.locator("[data-slot=status]")).to_have_text("重复")
    expect(duplicate).to_contain_text("本案件已有相同的文件，未重复保存")
    for n in range(8):
        row = rows.filter(has_text=f"扫描件-{n:02d}.png")
        expect(row.locator("progress")).to_have_attribute("value", "100")
        expect(row.locator("[data-slot=status]")).to_have_text(re.compile("排队中|已上传"))
    expect(page.locator("#documents tbody tr[data-document-id]")).to_have_count(9)
    _keep(screenshots, page, "case-after-batch-desktop")

    documents = page.request.get(
        server.url + "/api/v1/cases/YK-BATCH",
        headers={"Authorization": f"Bearer {server.tokens[Role.auditor]}"},
    ).json()["documents"]
    first = next(d for d in documents if d["original_filename"] == "扫描件-00.png")
    detail = page.request.get(
        f"{server.url}/api/v1/documents/{first['document_id']}",
        headers={"Authorization": f"Bearer {server.tokens[Role.auditor]}"},
    ).json()
    assert detail["doc_type_hint"] == "id_card"
    second = next(d for d in documents if d["original_filename"] == "扫描件-01.png")
    other = page.request.get(
        f"{server.url}/api/v1/documents/{second['document_id']}",
        headers={"Authorization": f"Bearer {server.tokens[Role.auditor]}"},
    ).json()
    assert other["doc_type_hint"] is None
    # Chromium logs the refused file's 415 answer; nothing else may go wrong.
    assert [e for e in errors if "status of 415" not in e] == []

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    try:
        sign_in(phone, server, Role.archivist)
        phone.goto(server.url + "/cases/YK-BATCH")
        drop_files(phone, "#dropzone", files[:3] + files[-1:])
        phone.get_by_role("button", name=re.compile("^开始上传")).click()
        expect(phone.locator("#upload-summary")).to_contain_text("重复 3 份，未接受 1 份")
        assert phone.evaluate(OVERFLOW) <= 0, "the case page scrolls sideways at 390 px"
        assert phone.evaluate(UNNAMED_CONTROLS) == []
        _keep(screenshots, phone, "case-after-batch-390")
    finally:
        phone.context.close()


def test_the_archivist_moves_a_document_and_trashes_and_restores_another(
    page: Page, server: Server, screenshots: Screenshots
) -> None:
    for case_no in ("YK-FIX-1", "YK-FIX-2"):
        _create_case(page, server, case_no)
    misfiled = _upload(page, server, "YK-FIX-1", "放错案件.png", png_bytes(95))
    _upload(page, server, "YK-FIX-1", "多余的扫描件.png", png_bytes(96))
    sign_in(page, server, Role.archivist)

    page.goto(f"{server.url}/documents/{misfiled}")
    page.get_by_label("移到案件").fill("YK-FIX-2")
    page.get_by_label("理由", exact=True).fill("扫描时放错了案件")
    page.get_by_role("button", name="移到该案件").click()
    expect(page.locator("p.ok[role=status]")).to_contain_text("资料已移到案件 YK-FIX-2")
    expect(page.get_by_role("link", name="← 案件 YK-FIX-2")).to_be_visible()
    _keep(screenshots, page, "document-moved")

    page.goto(server.url + "/cases/YK-FIX-1")
    expect(page.locator("#documents tbody tr[data-document-id]")).to_have_count(1)
    page.get_by_role("link", name="多余的扫描件.png").click()
    page.get_by_label("移入回收站的理由").fill("重复扫描")
    page.get_by_role("button", name="移入回收站").click()
    page.wait_for_url(re.compile(r"/cases/YK-FIX-1\?trashed=1$"))
    expect(page.locator("p.ok[role=status]")).to_contain_text("资料已移入回收站")
    expect(page.locator("#documents tbody tr[data-document-id]")).to_have_count(0)

    page.get_by_role("link", name="回收站").first.click()
    entry = page.locator("#trash tbody tr").filter(has_text="多余的扫描件.png")
    expect(entry).to_contain_text("重复扫描")
    _keep(screenshots, page, "trash-page")
    entry.get_by_role("button", name="恢复 多余的扫描件.png").click()
    expect(page.locator("p.ok[role=status]")).to_contain_text("资料已从回收站恢复")
    page.goto(server.url + "/cases/YK-FIX-1")
    expect(page.locator("#documents tbody tr[data-document-id]")).to_have_count(1)
