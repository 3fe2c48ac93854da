"""借阅 in headless Chromium: a reviewer asks to read an archived case, the keeper approves it
on the 借阅登记 page, and the reviewer sees the case and its page watermarked."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Page, expect

from api import create_app
from archive import SYSTEM, Role, create_token, open_database
from core import Settings
from tests.browser.helpers import Screenshots, Server, sign_in
from tests.e2e.helpers import ApiClient, red_pixels
from tests.e2e.test_archiving import DOCUMENTS, archived, finish_intake

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
CASE = "YK-LEND-1"


def _scan(seed: int) -> bytes:
    """A page-sized grey scan, big enough for the watermark to be read on screen."""
    image = Image.new("RGB", (900, 640), (235, 235, 228))
    ImageDraw.Draw(image).rectangle((60, 60 + seed * 10, 840, 200), outline=(40, 40, 40), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def archived_case(settings: Settings) -> str:
    """An archived residential case, made before the server starts (its intake done here)."""
    with open_database(settings) as database:
        database.upgrade()
        with database.transaction() as session:
            tokens = {
                role: create_token(session, name=f"setup-{role.value}", role=role, actor=SYSTEM)[1]
                for role in Role
            }
    quiet = settings.model_copy(update={"intake_in_process": False})
    with TestClient(create_app(quiet)) as test_client:
        client = ApiClient(test_client, tokens)
        assert client.create_case(CASE).status_code == 201
        types = {
            client.upload(CASE, _scan(n)).json()["document_id"]: doc_type
            for n, doc_type in enumerate(DOCUMENTS)
        }
        finish_intake(quiet, types)
        moved = client.request(
            "POST", f"/cases/{CASE}/advance", Role.reviewer, json={"to": "connection"}
        )
        assert moved.status_code == 200, moved.text
        archived(client, CASE)
    return CASE


def test_a_reviewer_borrows_an_archived_case_and_sees_it_watermarked(
    archived_case: str, server: Server, page: Page, browser: Browser, screenshots: Screenshots
) -> None:
    sign_in(page, server, Role.reviewer)
    page.goto(f"{server.url}/cases/{archived_case}")
    expect(page.locator("#loan-required")).to_contain_text("须先借阅")
    page.get_by_label("借阅目的").fill("核对客户产权证明")
    page.get_by_role("button", name="申请借阅").click()
    expect(page.get_by_role("status").first).to_contain_text("等待档案管理员审批")
    screenshots.take(page, "requested")

    keeper_context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    keeper = keeper_context.new_page()
    sign_in(keeper, server, Role.keeper)
    keeper.get_by_role("link", name="借阅登记").click()
    row = keeper.locator("table.loans tbody tr").first
    expect(row).to_contain_text("核对客户产权证明")
    expect(row.locator(".loan-status")).to_have_text(re.compile("待审批"))
    screenshots.take(keeper, "to-decide")
    row.get_by_role("button", name="批准").click()
    expect(keeper.get_by_role("status")).to_contain_text("已批准借阅")
    expect(keeper.locator("table.loans tbody tr .loan-status").first).to_contain_text("借阅中")
    keeper_context.close()

    page.goto(f"{server.url}/cases/{archived_case}")
    expect(page.locator("#on-loan")).to_contain_text("借阅中")
    page.locator("a[href^='/documents/']").first.click()
    image = page.locator("#pages img").first
    expect(image).to_be_visible()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle())
    screenshots.take(page, "watermarked")
    source = image.get_attribute("src")
    assert source is not None
    shown = page.request.get(server.url + source)
    assert shown.status == 200
    with Image.open(io.BytesIO(shown.body())) as marked:
        assert red_pixels(marked) > 2000  # 借阅专用 across the page, in red
