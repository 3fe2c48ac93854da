"""Stage duties in headless Chromium: an admin gives the post 业扩员 to a person (岗位人员 on
the page 用户管理), that person finds the stage due soon on the start page, and on the case
page reads the stage history and gives the current stage to someone.

Cases are created and advanced through the API before the browser arrives: these pages are
about who answers for a stage, not about the stage gate.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from archive import SYSTEM, Role, create_user, open_database
from core import Settings
from tests.browser.helpers import BROWSER_PASSWORD, Screenshots, Server, console_errors, sign_in
from tests.e2e.helpers import case_body

pytestmark = pytest.mark.browser

DUE_SOON = "YK-DP1"  # at 业务受理: due in 2 working days
ADVANCED = "YK-DP2"  # 业务受理 done, now at 装表接电 (计量中心, nobody holds it)


def _sign_in_as(page: Page, server: Server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server.url}/signin")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{server.url}/")


def _two_cases(page: Page, server: Server) -> None:
    api = server.url + "/api/v1"
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    for case_no in (DUE_SOON, ADVANCED):
        created = page.request.post(api + "/cases", headers=archivist, data=case_body(case_no))
        assert created.status == 201, created.text()


def _advance(page: Page, server: Server) -> None:
    advanced = page.request.post(
        f"{server.url}/api/v1/cases/{ADVANCED}/advance",
        headers={"Authorization": f"Bearer {server.tokens[Role.reviewer]}"},
        data={"to": "connection", "override_reason": "资料原件已核对"},
    )
    assert advanced.status == 200, advanced.text()


def test_a_post_holder_is_reminded_and_reads_and_changes_who_answers_for_a_stage(
    page: Page, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    with open_database(settings) as database, database.transaction() as session:
        for username, name in (("li.yk", "李业扩"), ("zhao.jl", "赵计量")):
            create_user(
                session,
                username=username,
                password=BROWSER_PASSWORD,
                role=Role.reviewer,
                display_name=name,
                actor=SYSTEM,
            )
    _two_cases(page, server)
    errors = console_errors(page)

    sign_in(page, server, Role.admin)
    page.goto(f"{server.url}/admin/users")
    form = page.get_by_role("form", name="设置岗位人员")
    form.get_by_label("单位").select_option("TOP")
    form.get_by_label("岗位").select_option(label="业扩员")
    form.get_by_label("用户").select_option("li.yk")
    form.get_by_role("button", name="设置").click()
    top = settings.top_unit_name
    expect(page.get_by_role("status")).to_contain_text(f"已设置 {top} 的业扩员为 李业扩")
    held = page.locator("table.posts tbody tr")
    expect(held).to_have_count(1)
    expect(held.first.locator("td").nth(0)).to_have_text(top)  # the unit's name, not TOP
    _apart_and_one_line(page.locator("table.posts"), form)
    expect(held.first.locator("td").nth(1)).to_have_text("业扩员")
    expect(held.first.locator("td").nth(2)).to_have_text("李业扩（li.yk）")
    screenshots.take(page, "posts")
    _advance(page, server)

    _sign_in_as(page, server, "li.yk")
    mine = page.locator("#my-duties")
    expect(mine.get_by_role("heading")).to_have_text("我负责的即将到期环节（1）")
    expect(mine.locator("li")).to_have_count(1)  # ADVANCED left 业务受理; 装表接电 is not li.yk's
    expect(mine.locator("li").first).to_contain_text(DUE_SOON)
    expect(mine.locator("li").first).to_contain_text("业务受理")
    expect(mine.locator("li").first).to_contain_text("剩 2 个工作日")
    screenshots.take(page, "start-page")

    page.goto(f"{server.url}/cases/{ADVANCED}")
    overrides = page.get_by_role("region", name="强制推进记录")
    expect(overrides).to_contain_text("访问令牌 reviewer-user")
    expect(overrides).to_contain_text("当时缺少 用电申请表、")
    expect(overrides).not_to_contain_text("application_form")
    stays = page.locator("table.stays tbody tr")
    expect(stays).to_have_count(2)
    expect(stays.nth(0).locator("td").nth(0)).to_have_text("业务受理")
    expect(stays.nth(0).locator("td").nth(2)).to_have_text("李业扩")
    expect(stays.nth(0).locator("td").nth(9)).to_have_text("按时")
    expect(stays.nth(1).locator("td").nth(0)).to_have_text("装表接电")
    expect(stays.nth(1).locator("td").nth(1)).to_have_text("计量中心")
    expect(stays.nth(1).locator("td").nth(2)).to_have_text("（无人，岗位待定）")
    expect(stays.nth(1).locator("td").nth(3)).to_have_text(settings.top_unit_name)
    expect(stays.nth(1).locator("td").nth(5)).to_have_text("进行中")
    expect(stays.nth(1).locator("td").nth(6)).to_have_text("3 个工作日")

    change = page.get_by_role("form", name="更改本环节责任人")
    _apart_and_one_line(page.locator("table.stays"), change)
    expect(change.get_by_label("岗位", exact=True)).to_have_value("metering")
    change.get_by_label("责任人用户名").fill("zhao.jl")
    change.get_by_role("button", name="更改本环节责任人").click()
    expect(page.locator("#duty-saved")).to_have_text("本环节责任人已改为「赵计量」。")
    expect(stays.nth(1).locator("td").nth(2)).to_have_text("赵计量")
    expect(stays.nth(1).locator("td").nth(1)).to_have_text("计量中心")
    expect(stays).to_have_count(2)  # the same stay, another person: no new row
    page.locator("#stays-h").scroll_into_view_if_needed()
    screenshots.take(page, "case-stays")
    page.set_viewport_size({"width": 390, "height": 844})
    _apart_and_one_line(page.locator("table.stays"), change)
    page.locator("#stays-h").scroll_into_view_if_needed()
    screenshots.take(page, "case-stays-390", full_page=False)
    assert errors == []


def _apart_and_one_line(table: Locator, form: Locator) -> None:
    """``form`` stands apart from the ``table`` above it, each of its labels on one line."""
    above, box = table.bounding_box(), form.bounding_box()
    assert above is not None
    assert box is not None
    assert box["y"] - (above["y"] + above["height"]) >= 8
    for label in form.locator("label").all():
        height = label.evaluate("e => e.getBoundingClientRect().height")
        line = label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert height < 1.5 * line, label.inner_text()
