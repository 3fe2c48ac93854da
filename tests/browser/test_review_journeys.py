"""The reviewer's and the auditor's days in headless Chromium: worklist → document → every
field reviewed with 全部确认 (one correction with its reason) → findings resolved → the next
document by keyboard → advance; and search → case → 历史 → CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from archive import IntakeOutcome, Role, claim_next, finish_job, open_database, recheck_case
from core import Settings
from search import index_pending, open_search_index
from synthetic import SyntheticDoc, png_bytes, render
from tests.browser.helpers import Screenshots, Server, console_errors, sign_in
from tests.browser.test_layout import OVERFLOW, UNNAMED_CONTROLS

pytestmark = pytest.mark.browser

CASE_NO = "YK-REV-1"
OWNER = "崔刚强"  # seed 20 draws the same person on all three documents
MISREAD = "崖刚强"
REASON = "对照原件，权利人为崔刚强，首字识别有误"
WIDER_THAN_SCREEN = """() => Array.from(document.querySelectorAll('body *')).filter(
    el => el.getBoundingClientRect().right > window.innerWidth + 0.5
).slice(0, 5).map(el => el.tagName + '.' + el.className + '#' + el.id)"""


def _box(doc: SyntheticDoc, value: str) -> list[int] | None:
    line = next((line for line in doc.page_lines[0] if value and value in line.text), None)
    return list(line.box) if line else None


def _outcome(doc: SyntheticDoc, fields: dict[str, str], **doubts: str) -> IntakeOutcome:
    """What intake would have read: ``fields``, each with the box its printed value covers."""
    width, height = doc.images[0].size
    details: dict[str, Any] = {
        name: {
            "ocr_value": value,
            "confidence": 0.6 if name in doubts else 0.96,
            "page": 1,
            "box": _box(doc, doc.fields.get(name, value)),
            **({"doubt": doubts[name]} if name in doubts else {}),
        }
        for name, value in fields.items()
    }
    return IntakeOutcome(
        doc_type=doc.doc_type,
        confidence=0.95,
        evidence=["test"],
        fields=fields,
        field_details=details,
        pages=1,
        text=doc.text,
        ocr_pages=[{"number": 1, "width": width, "height": height, "rotation": 0, "lines": []}],
        engine="test",
        seconds=0.2,
    )


def _filed_case(page: Page, server: Server, settings: Settings) -> None:
    """A residential case with its three application documents read (the deed's owner
    misread and doubted, the form asking for 10 kVA where the case records the 8 kVA agreed
    on site), indexed for search."""
    docs = {t: render(t, random.Random(20)) for t in ("property_certificate", "application_form")}
    docs["id_card"] = render("id_card", random.Random(20))
    card = docs["id_card"].fields
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    api = server.url + "/api/v1"
    created = page.request.post(
        api + "/cases",
        headers=archivist,
        data={
            "case_no": CASE_NO,
            "category": "residential",
            "business_type": "new",
            "capacity_kva": 8,
            "customer": {
                "name": OWNER,
                "id_number": card["id_number"],
                "address": docs["property_certificate"].fields["location"],
            },
        },
    )
    assert created.status == 201, created.text()
    outcomes = {}
    names = {"property_certificate": "房产证.png", "application_form": "用电申请表.png"}
    names["id_card"] = "身份证.png"
    for doc_type, doc in docs.items():
        uploaded = page.request.post(
            f"{api}/cases/{CASE_NO}/documents",
            headers=archivist,
            multipart={
                "file": {
                    "name": names[doc_type],
                    "mimeType": "image/png",
                    "buffer": png_bytes(doc.images[0]),
                }
            },
        )
        assert uploaded.status == 202, uploaded.text()
        outcomes[uploaded.json()["document_id"]] = doc_type
    read = {
        "property_certificate": _outcome(
            docs["property_certificate"],
            {"owner": MISREAD, "location": docs["property_certificate"].fields["location"]},
            owner="fallback",
        ),
        "application_form": _outcome(
            docs["application_form"],
            {
                k: docs["application_form"].fields[k]
                for k in ("customer_name", "address", "phone", "capacity_kva")
            },
        ),
        "id_card": _outcome(
            docs["id_card"], {k: card[k] for k in ("name", "gender", "id_number", "address")}
        ),
    }
    with open_database(settings) as database:
        for _ in outcomes:
            with database.transaction() as session:
                claim = claim_next(session, worker="test", lease=dt.timedelta(minutes=5))
                assert claim is not None
                outcome = read[outcomes[claim.document_id]]
                document = finish_job(session, claim, worker="test", outcome=outcome)
                recheck_case(session, document.case)
        with database.session() as session, open_search_index(settings) as index:
            assert index_pending(session, index) == 3


def test_reviewer_reviews_every_field_resolves_findings_and_advances(
    browser: Browser, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = console_errors(page)
    _filed_case(page, server, settings)
    sign_in(page, server, Role.reviewer)
    page.get_by_role("link", name=CASE_NO).first.click()
    page.locator("#documents").get_by_role("link", name="房产证.png").click()
    expect(page.get_by_role("heading", name="房产证.png")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("快捷键")
    expect(page.locator(".finding")).to_have_count(1)
    expect(page.locator(".finding")).to_contain_text("请核对")
    # Selecting a field draws its box on the scan, and the box follows the zoom.
    page.get_by_label("权利人", exact=True).click()
    box = page.locator(".page .field-box")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("data-field", "owner")
    before = box.bounding_box()
    page.get_by_role("button", name="放大").click()
    after = box.bounding_box()
    assert before is not None
    assert after is not None
    assert after["width"] == pytest.approx(before["width"] * 1.25, rel=0.05)
    page.get_by_role("tab", name="识别全文").click()
    expect(page.locator("#ocr-text")).to_contain_text("不动产权证书")
    page.get_by_role("tab", name="提取字段").click()
    page.get_by_role("button", name="适合宽度").click()
    # 全部确认, one correction with its reason, one save by Ctrl+Enter.
    page.get_by_role("button", name="全部确认").click()
    expect(page.get_by_label("坐落核对无误")).to_be_checked()
    page.get_by_label("权利人", exact=True).fill(OWNER)
    reason = page.get_by_label("更正理由").first
    expect(reason).to_be_visible()
    page.get_by_label("权利人", exact=True).press("Control+Enter")
    expect(page.get_by_label("权利人", exact=True)).to_have_value(OWNER)  # refused: no reason
    assert "saved=" not in page.url
    reason.fill(REASON)
    screenshots.take(page, "review-document-desktop")
    reason.press("Control+Enter")
    page.wait_for_url(re.compile(r"saved=fields"))
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()
    fields = page.locator("table.fields")
    expect(fields).to_contain_text("已更正reviewer.user（reviewer 用户）")
    expect(fields).to_contain_text("理由：" + REASON)
    expect(fields).to_contain_text("已确认")
    expect(page.locator("#dfindings-h ~ *")).to_contain_text("没有问题记录")
    # The next document by keyboard: the application form, whose capacity is the one asked
    # for before the survey: the reviewer dismisses that finding with the reason.
    page.locator("body").press("j")
    expect(page.get_by_role("heading", name="用电申请表.png")).to_be_visible()
    page.get_by_text("排除此问题…").click()
    page.get_by_label("排除理由（记入审计）").fill("申请容量以现场勘查核定的 8 kVA 为准")
    page.get_by_role("button", name="排除", exact=True).click()
    expect(page.locator(".resolution")).to_contain_text(
        "已排除，理由：申请容量以现场勘查核定的 8 kVA 为准"
    )
    page.get_by_role("button", name="全部确认").click()
    page.get_by_role("button", name="保存", exact=True).click()
    # Loaded, not only parsed: the shortcuts' script runs at the end of the page.
    page.wait_for_url(re.compile(r"saved=fields"))
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()
    page.keyboard.press("Alt+ArrowRight")
    expect(page.get_by_role("heading", name="身份证.png")).to_be_visible()
    page.get_by_role("button", name="全部确认").click()
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_url(re.compile(r"saved=fields"))
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()
    page.keyboard.press("k")
    expect(page.get_by_role("heading", name="用电申请表.png")).to_be_visible()
    page.get_by_role("link", name=f"← 案件 {CASE_NO}").click()
    page.get_by_role("button", name="推进到「装表接电」", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="已进入「装表接电」环节")).to_be_visible()
    assert errors == []
    context.close()


def test_the_document_page_at_390_px(
    browser: Browser, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    errors = console_errors(page)
    _filed_case(page, server, settings)
    sign_in(page, server, Role.reviewer)
    page.goto(server.url + f"/cases/{CASE_NO}")
    page.locator("#documents").get_by_role("link", name="房产证.png").click()
    page.get_by_label("权利人", exact=True).click()
    expect(page.locator(".page .field-box")).to_be_visible()
    screenshots.take(page, "review-document-phone", full_page=True)
    wide = page.evaluate(WIDER_THAN_SCREEN)
    assert page.evaluate(OVERFLOW) <= 0, f"the document page scrolls sideways at 390 px: {wide}"
    assert page.evaluate(UNNAMED_CONTROLS) == []
    assert errors == []
    context.close()


def test_auditor_searches_opens_the_case_history_and_exports_it(
    page: Page, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    _filed_case(page, server, settings)
    reviewer = {"Authorization": f"Bearer {server.tokens[Role.reviewer]}"}
    case = page.request.get(f"{server.url}/api/v1/cases/{CASE_NO}", headers=reviewer).json()
    deed = next(d for d in case["documents"] if d["original_filename"] == "房产证.png")
    corrected = page.request.put(
        f"{server.url}/api/v1/documents/{deed['document_id']}/fields",
        headers=reviewer,
        data=[{"name": "owner", "value": OWNER, "reason": REASON}],
    )
    assert corrected.status == 200, corrected.text()
    sign_in(page, server, Role.auditor)
    page.get_by_role("link", name="检索").click()
    page.get_by_role("searchbox", name=re.compile("姓名")).fill(OWNER)
    page.get_by_role("button", name="检索", exact=True).click()
    page.locator("ol.hits").get_by_role("link", name=re.compile("不动产权证书")).first.click()
    page.get_by_role("link", name=f"← 案件 {CASE_NO}").click()
    history = page.get_by_role("region", name="历史")
    expect(history).to_contain_text("更正字段")
    expect(history).to_contain_text("资料 房产证.png（案件 YK-REV-1）")
    correction = history.locator("tbody tr").filter(has_text="更正字段").first
    correction.get_by_text("查看（").click()
    expect(correction.locator("table.changes")).to_contain_text(REASON)
    screenshots.take(page, "review-case-history", full_page=False)
    with page.expect_download() as download_info:
        history.get_by_role("link", name="导出 CSV").click()
    data = Path(download_info.value.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["编号", "时间", "操作人", "角色", "操作"]
    assert any(r[4] == "更正字段" and REASON in r[7] for r in rows[1:])
    page.get_by_role("link", name="审计", exact=True).click()
    page.get_by_label("操作", exact=True).select_option(label="导出审计记录")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("p.count")).to_contain_text("共 1 条")
    expect(page.locator("table.audit > tbody > tr")).to_contain_text("导出审计记录")
