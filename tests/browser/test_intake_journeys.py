"""The issue's journeys that need intake running: the archivist's day and the reviewer's gate.

Intake workers run inside the served app here (``intake_in_process``), as in ``yekuo serve``,
so the scans are really read, classified and checked while the browser waits.
"""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import Page, expect

from archive import Role
from core import Settings
from synthetic import jpeg_bytes, render
from tests.browser.helpers import Screenshots, Server, sign_in, three_scans, upload_files
from tests.e2e.helpers import VALID_ID

pytestmark = pytest.mark.browser

STATUS_LABELS = re.compile("排队中|处理中|已完成|失败")
INTAKE_TIMEOUT_MS = 120_000


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The test settings with one intake worker polling quickly inside the app."""
    return settings.model_copy(
        update={"intake_in_process": True, "intake_workers": 1, "intake_poll_seconds": 0.1}
    )


def test_archivist_creates_a_case_and_uploads_three_scans(
    page: Page, server: Server, screenshots: Screenshots
) -> None:
    page.goto(server.url + "/")
    expect(page.get_by_role("heading", name=re.compile("登录"))).to_be_visible()
    screenshots.take(page, "signin")
    sign_in(page, server, Role.archivist)
    expect(page.get_by_text("共 0 件")).to_be_visible()
    screenshots.take(page, "cases-empty")

    page.get_by_role("link", name="新建案件").first.click()
    page.get_by_label("案件编号").fill("YK-WEB-001")
    page.get_by_label("客户类别").select_option(label="低压居民")
    page.get_by_label("申请容量（kVA）").fill("8")
    page.get_by_label("客户名称").fill("王小明")
    id_number = page.get_by_label("身份证号码").first
    id_number.press_sequentially(VALID_ID[:10])
    expect(page.locator("#customer_id_number-check")).to_have_text("已输入 10 / 18 位")
    id_number.press_sequentially(VALID_ID[10:17] + "1")
    expect(page.locator("#customer_id_number-check")).to_contain_text("校验位不符")
    expect(page.locator("#customer_id_number-check")).to_contain_text(f"应为 {VALID_ID[17]}")
    expect(id_number).to_have_attribute("aria-invalid", "true")
    screenshots.take(page, "new-case-wrong-check-digit")
    id_number.press("Backspace")
    id_number.press_sequentially(VALID_ID[17].lower())
    expect(page.locator("#customer_id_number-check")).to_have_text("✓ 校验位正确")
    page.get_by_label("用电地址").fill("北京市朝阳区光华路1号")
    screenshots.take(page, "new-case-valid")
    page.get_by_role("button", name="创建案件").click()

    page.wait_for_url(server.url + "/cases/YK-WEB-001")
    expect(page.get_by_text("当前环节：业务受理")).to_be_visible()
    upload_files(page, three_scans())
    uploads = page.locator("#uploads li")
    expect(uploads).to_have_count(3)
    for index in range(3):
        expect(uploads.nth(index).locator("[data-slot=status]")).to_have_text(STATUS_LABELS)
        expect(uploads.nth(index).locator("progress")).to_have_attribute("value", "100")
    rows = page.locator("#documents tbody tr")
    expect(rows).to_have_count(3)
    screenshots.take(page, "case-after-drop")

    expected = {
        "身份证.png": "居民身份证",
        "用电申请表.pdf": "用电申请表",
        "房产证.jpg": "不动产权证书",
    }
    for name, doc_type in expected.items():
        row = rows.filter(has_text=name)
        expect(row.locator("[data-slot=status]")).to_have_text("已完成", timeout=INTAKE_TIMEOUT_MS)
        expect(row.locator("[data-slot=doc_type]")).to_contain_text(doc_type)
    screenshots.take(page, "case-documents-classified")

    rows.filter(has_text="用电申请表.pdf").get_by_role("link").click()
    expect(page.get_by_role("img", name=re.compile("第 1 页"))).to_be_visible()
    expect(page.get_by_text(re.compile("^[0-9a-f]{64}$"))).to_be_visible()
    page.get_by_role("button", name="放大").click()
    expect(page.locator("#zoom-level")).to_have_text("125%")
    screenshots.take(page, "document-zoomed", full_page=False)


def test_reviewer_sees_what_is_missing_corrects_a_field_and_overrides_the_gate(
    page: Page, server: Server, screenshots: Screenshots
) -> None:
    card = render("id_card", random.Random(8))
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    api = server.url + "/api/v1"
    created = page.request.post(
        api + "/cases",
        headers=archivist,
        data={
            "case_no": "YK-REV-001",
            "category": "residential",
            "business_type": "new",
            "capacity_kva": 8,
            "customer": {"name": card.fields["name"], "id_number": card.fields["id_number"]},
        },
    )
    assert created.status == 201, created.text()
    uploaded = page.request.post(
        f"{api}/cases/YK-REV-001/documents",
        headers=archivist,
        multipart={
            "file": {
                "name": "身份证.jpg",
                "mimeType": "image/jpeg",
                "buffer": jpeg_bytes(card.images[0]),
            }
        },
    )
    assert uploaded.status == 202, uploaded.text()

    sign_in(page, server, Role.reviewer)
    page.get_by_role("link", name="YK-REV-001").click()
    flow = page.get_by_role("list", name=re.compile("业务环节进度"))
    expect(flow.get_by_role("listitem")).to_have_text(
        [re.compile(f"{stage}\\s*$") for stage in ("业务受理", "装表接电", "归档")]
    )
    expect(page.locator("#due")).to_contain_text("本环节时限 2 个工作日")
    row = page.locator("#documents tbody tr").filter(has_text="身份证.jpg")
    expect(row.locator("[data-slot=status]")).to_have_text("已完成", timeout=INTAKE_TIMEOUT_MS)
    page.reload()
    missing = page.get_by_role("list", name="缺少的资料")
    expect(missing).to_contain_text("用电申请表")
    expect(missing).to_contain_text("产权证明")
    expect(page.get_by_role("list", name="已满足的要求")).to_contain_text("身份证")
    screenshots.take(page, "review-missing-list")

    page.get_by_role("link", name="身份证.jpg").first.click()
    expect(page.get_by_role("heading", name="身份证.jpg")).to_be_visible()
    # One form for all fields: the name set as printed (a change needs its reason), confirmed.
    page.get_by_label("姓名", exact=True).fill(card.fields["name"])
    page.get_by_label("姓名核对无误").check()
    reason = page.locator("#reason-name")
    if reason.is_visible():  # OCR misread the name: the value typed is a correction
        reason.fill("按扫描件更正姓名")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存，案件的核对已重新运行")).to_be_visible()
    expect(page.locator("table.fields tbody tr").filter(has_text="姓名")).to_contain_text(
        re.compile("已确认|已更正")
    )
    screenshots.take(page, "review-field-saved", full_page=False)

    page.get_by_role("link", name=re.compile("← 案件 YK-REV-001")).click()
    # The advance button says what blocks it before anyone presses it.
    advance = page.get_by_role("button", name="推进到「装表接电」", exact=True)
    expect(advance).to_be_disabled()
    expect(page.locator("#advance-blockers")).to_contain_text("暂不能推进：缺少「用电申请表")
    screenshots.take(page, "review-advance-blocked")
    page.get_by_label("强制推进理由").fill("申请表与产权证明原件已现场核验，扫描件次日补传")
    page.get_by_role("button", name="强制推进到「装表接电」").click()
    expect(page.get_by_text("已进入「装表接电」环节")).to_be_visible()
    expect(page.get_by_text("当前环节：装表接电")).to_be_visible()
    overrides = page.get_by_role("region", name="强制推进记录")
    expect(overrides).to_contain_text("申请表与产权证明原件已现场核验")
    expect(overrides).to_contain_text("reviewer.user（reviewer 用户）")  # the person, by name
    screenshots.take(page, "review-overridden")
