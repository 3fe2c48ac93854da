"""Every page fits a 1366×768 screen, a tablet and a 390 px phone without scrolling sideways,
and every control has an accessible name."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import Browser, expect

from archive import Role
from synthetic import png_bytes, render
from tests.browser.helpers import Screenshots, Server, sign_in, upload_files
from tests.e2e.helpers import VALID_ID

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1366, 768), "tablet": (820, 1180), "phone": (390, 844)}

# A control without a name is announced as "edit text" or "button" and nothing else.
UNNAMED_CONTROLS = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button')).filter(el => {
        if (el.labels && el.labels.length) return false;
        if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
        return !(el.tagName === 'BUTTON' && el.textContent.trim());
    }).map(el => el.outerHTML)"""

OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_pages_fit_and_label_every_control(
    browser: Browser, server: Server, screenshots: Screenshots, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(server.url + "/signin")
        pages = {"signin": page.url}
        sign_in(page, server, Role.admin)
        page.goto(server.url + "/cases/new")
        page.get_by_label("案件编号").fill("YK-LAYOUT-1")
        page.get_by_label("客户类别").select_option("residential")
        page.get_by_label("申请容量（kVA）").fill("8")
        page.get_by_label("客户名称").fill("赵一")
        page.get_by_label("身份证号码").first.fill(VALID_ID)
        page.get_by_role("button", name="创建案件").click()
        page.wait_for_url("**/cases/YK-LAYOUT-1")
        scan = png_bytes(render("id_card", random.Random(3)).images[0])
        upload_files(page, [("身份证正反面扫描件-长文件名-2024.png", "image/png", scan)])
        link = page.locator("#documents tbody a")
        expect(link).to_have_count(1)
        pages |= {
            "home": server.url + "/",
            "cases": server.url + "/cases",
            "new-case": server.url + "/cases/new",
            "case": server.url + "/cases/YK-LAYOUT-1",
            "document": server.url + (link.get_attribute("href") or ""),
            "audit": server.url + "/audit?verify=true",
            "search": server.url + "/search?q=赵一",
        }
        for name, url in pages.items():
            if name == "signin":
                continue
            page.goto(url)
            assert page.evaluate(UNNAMED_CONTROLS) == [], name
            assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways at {width}px"
            screenshots.take(page, f"{viewport}-{name}", full_page=False)
        signed_out = browser.new_context(viewport={"width": width, "height": height}).new_page()
        signed_out.goto(pages["signin"])
        assert signed_out.evaluate(UNNAMED_CONTROLS) == []
        assert signed_out.evaluate(OVERFLOW) <= 0
        screenshots.take(signed_out, f"{viewport}-signin", full_page=False)
        signed_out.context.close()
    finally:
        context.close()
