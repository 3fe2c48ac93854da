"""Issue 13's daily work in headless Chromium: a reviewer corrects a case's facts and the
checklist follows; fills in a field intake missed; an error page's 返回上一页 works under the
content policy; the worklist filters by unit; the audit trail names its objects; the new-case
form says what is wrong in Chinese and ticks facts. Desktop and 390 px screenshots.

Documents are "read" before the browser arrives (``finish_intake``): the intake workers are
off.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from archive import SYSTEM, Role, create_unit, open_database
from core import Settings
from tests.browser.helpers import Screenshots, Server, console_errors, read_documents, sign_in
from tests.browser.test_layout import OVERFLOW
from tests.e2e.helpers import VALID_ID, case_body
from tests.e2e.test_review import OWNER

pytestmark = pytest.mark.browser

CASE = "YK-DAY-1"


def _case_with_a_deed(page: Page, server: Server, settings: Settings) -> None:
    """CASE with its three application documents read; the deed's certificate number unread."""
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    api = server.url + "/api/v1"
    created = page.request.post(api + "/cases", headers=archivist, data=case_body(CASE))
    assert created.status == 201, created.text()
    read = {
        "application_form": {"customer_name": OWNER},
        "id_card": {"name": OWNER, "id_number": VALID_ID},
        "property_certificate": {"owner": OWNER},
    }
    read_documents(page, server, settings, CASE, read)


def _narrow(page: Page, screenshots: Screenshots, name: str) -> None:
    """The page at 390 px: no sideways scrolling; a screenshot; back to the desktop width."""
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate(OVERFLOW) <= 0, name
    screenshots.take(page, f"{name}-390")
    page.set_viewport_size({"width": 1366, "height": 768})


def test_a_reviewer_corrects_facts_fills_a_missed_field_and_goes_back_from_an_error(
    page: Page, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    errors = console_errors(page)
    _case_with_a_deed(page, server, settings)
    sign_in(page, server, Role.reviewer)
    page.goto(f"{server.url}/cases/{CASE}")
    expect(page.locator("#case-facts")).to_have_text("无特殊情形")
    expect(page.locator("#check-h")).to_be_visible()
    expect(page.get_by_label("缺少的资料")).to_have_count(0)
    page.get_by_text("更正案件情形").click()
    page.get_by_label("租赁用电").check()
    screenshots.take(page, "facts-form")
    page.get_by_role("button", name="保存案件情形").click()
    expect(page.locator("#facts-saved")).to_have_text("案件情形已保存，核对已按新的情形重新运行。")
    expect(page.locator("#case-facts")).to_have_text("租赁用电")
    expect(page.get_by_label("缺少的资料")).to_contain_text("租赁协议")
    screenshots.take(page, "facts-saved")
    _narrow(page, screenshots, "facts-saved")

    page.get_by_role("link", name="property_certificate.png").first.click()
    row = page.locator('tr[data-field="certificate_no"]')
    expect(row).to_have_class(re.compile("missing-field"))
    expect(row).to_contain_text("未识别出：如扫描件上有，请对照填写")
    page.get_by_label("证书编号").fill("京(2024)朝阳区不动产权第0012345号")
    page.locator("#reason-certificate_no").fill("证号被印章遮挡，按原件填写")
    screenshots.take(page, "missed-field-filled")
    page.get_by_role("button", name="保存", exact=True).click()
    found = page.locator('tr[data-field="certificate_no"]')
    expect(found).not_to_have_class(re.compile("missing-field"))
    expect(found).to_contain_text("理由：证号被印章遮挡，按原件填写")
    screenshots.take(page, "missed-field-saved")
    _narrow(page, screenshots, "missed-field-saved")

    page.goto(f"{server.url}/search")
    page.get_by_label("资料日期从").fill("2024-05-01")
    page.get_by_label("至", exact=True).fill("2024-01-01")
    page.get_by_role("button", name="检索").click()
    expect(page.get_by_role("alert")).to_contain_text("日期范围的起点晚于终点")
    screenshots.take(page, "search-error")
    page.get_by_role("link", name="返回上一页").click()
    page.wait_for_url(f"{server.url}/search")
    expect(page.get_by_label("资料日期从")).to_be_visible()
    refused = "the server responded with a status of 422"  # the error page itself
    assert [error for error in errors if refused not in error] == []  # no CSP refusal


def test_the_worklist_filters_by_unit_and_the_audit_trail_names_its_objects(
    page: Page, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    with open_database(settings) as database, database.transaction() as session:
        create_unit(session, code="GDS1", name="城关供电所", actor=SYSTEM)
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    for case_no, unit in (("YK-DAY-TOP", None), ("YK-DAY-GDS", "GDS1")):
        body = case_body(case_no, unit=unit)
        created = page.request.post(f"{server.url}/api/v1/cases", headers=archivist, data=body)
        assert created.status == 201, created.text()
    sign_in(page, server, Role.reviewer)
    page.get_by_label("所属单位").select_option(label="　城关供电所")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/cases\?.*unit=GDS1"))
    expect(page.locator("#worklist tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="YK-DAY-GDS")).to_be_visible()
    screenshots.take(page, "worklist-unit")
    _narrow(page, screenshots, "worklist-unit")
    page.goto(f"{server.url}/")
    screenshots.take(page, "home-reviewer")

    sign_in(page, server, Role.auditor)
    page.goto(f"{server.url}/audit?system=1")
    expect(page.get_by_text("单位 城关供电所（GDS1）").first).to_be_visible()
    expect(page.get_by_text(re.compile(r"^对象 "))).to_have_count(0)
    screenshots.take(page, "audit-named")


def test_the_new_case_form_says_what_is_wrong_in_chinese(
    page: Page, server: Server, screenshots: Screenshots
) -> None:
    sign_in(page, server, Role.archivist)
    page.goto(f"{server.url}/cases/new")
    page.get_by_label("经办人代办").check()
    page.get_by_label("申请容量（kVA）").fill("0")
    page.get_by_role("button", name="创建案件").click()
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("案件编号：必须填写")
    expect(problems.get_by_text("申请容量：须大于 0", exact=True)).to_be_visible()
    expect(problems).to_contain_text("客户名称：必须填写")
    expect(problems).not_to_contain_text("should")
    expect(page.get_by_label("经办人代办")).to_be_checked()  # the ticks are kept
    screenshots.take(page, "new-case-errors")
    _narrow(page, screenshots, "new-case-errors")
    page.goto(f"{server.url}/signin")
    screenshots.take(page, "signin")
