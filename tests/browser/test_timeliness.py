"""The 考核 page in headless Chromium: a bar per person, the monthly trend, the late steps and
the workbook, for October 2025 (国庆 holiday and a make-up Saturday)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from archive import Role, open_database
from core import Settings
from tests.browser.helpers import Screenshots, Server, sign_in
from tests.unit.archive.test_duties import duty_world, seed_october

pytestmark = pytest.mark.browser


def test_the_auditor_reads_the_timeliness_report_with_its_charts(
    page: Page, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    with open_database(settings) as database, database.transaction() as session:
        duty_world(session)
        seed_october(session, "YK-B")
    sign_in(page, server, Role.auditor)
    page.get_by_role("link", name="考核").click()
    page.get_by_label("月份").fill("2025-10")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#timeliness-totals")).to_contain_text("按时 2 个，超时 2 个")
    bars = page.locator("svg.people g")
    expect(bars).to_have_count(2)
    expect(bars.first).to_contain_text("1 / 1")
    expect(page.locator("svg.trend circle")).to_have_count(2)  # September and October
    late = page.locator("table.late-steps tbody tr")
    expect(late).to_have_count(2)
    expect(late.first).to_contain_text("YK-B2")
    expect(late.first).to_contain_text("李业扩")
    screenshots.take(page, "timeliness")
    with page.expect_download() as download:
        page.locator("#timeliness-xlsx").click()
    assert download.value.suggested_filename == "timeliness-2025-10.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert [row[0] for row in workbook["超时环节"].iter_rows(min_row=2, values_only=True)] == [
        "YK-B2",
        "YK-B1",
    ]
