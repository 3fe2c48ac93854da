"""Issue 15's pages in headless Chromium: 导入营销系统案件 (a bad row refuses the whole file, the
fixed file is imported), 修改登记信息 with its 记录变更, and the 一致性报告 that a changed name
shows up in, filtered by kind in the URL and exported as CSV.

Documents are "read" before the browser arrives (``finish_intake``, as the e2e tests do): these
pages are about records, not OCR, and the intake workers are off.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect

from archive import Role
from core import Settings
from synthetic import case_record_export, case_records_csv
from tests.browser.helpers import Screenshots, Server, read_documents, sign_in
from tests.e2e.helpers import VALID_ID, case_body
from tests.e2e.test_review import OWNER

pytestmark = pytest.mark.browser

RENAMED = "王小红"
READ_CASE = "YK-REC-1"  # three documents read, all naming OWNER
EMPTY_CASE = "YK-REC-2"  # no documents: three missing


def _upload_import(page: Page, content: bytes) -> None:
    page.get_by_label("案件清单文件").set_input_files(
        {"name": "营销导出.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="导入", exact=True).click()


def test_the_import_page_refuses_a_bad_row_then_imports_the_fixed_file(
    page: Page, server: Server, screenshots: Screenshots
) -> None:
    export = case_record_export(3, seed=5, bad_every=3)
    assert export.bad_rows == [4]  # the third record, row 4 under the header: 户名 left empty
    sign_in(page, server, Role.reviewer)
    expect(page.get_by_text("共 0 件")).to_be_visible()
    page.get_by_role("link", name="导入营销系统案件").click()
    expect(page.get_by_role("heading", name="导入营销系统案件")).to_be_visible()

    _upload_import(page, case_records_csv(export.rows, encoding="gb18030"))
    expect(page.locator("#import-outcome")).to_have_text(re.compile("整份清单未导入"))
    expect(page.locator("#count-refused")).to_have_text("1")
    problems = page.locator("#import-problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first.locator("td")).to_have_text(["4", "YK-00003", "「户名」为空"])
    screenshots.take(page, "import-refused")
    page.get_by_role("link", name="案件", exact=True).click()
    expect(page.get_by_text("共 0 件")).to_be_visible()  # nothing written

    export.rows[2]["户名"] = "成都示例电气有限公司"
    page.goto(f"{server.url}/cases/import")
    _upload_import(page, case_records_csv(export.rows))
    expect(page.locator("#import-outcome")).to_have_text("已写入。")
    expect(page.locator("#count-created")).to_have_text("3")
    expect(page.locator("#count-refused")).to_have_text("0")
    expect(page.locator("#import-problems")).to_have_count(0)
    screenshots.take(page, "import-written")
    page.get_by_role("link", name="案件", exact=True).click()
    expect(page.get_by_text("共 3 件")).to_be_visible()
    expect(page.get_by_role("link", name="YK-00003")).to_be_visible()


def _cases_with_documents(page: Page, server: Server, settings: Settings) -> None:
    """READ_CASE with its three application documents read naming OWNER; EMPTY_CASE bare."""
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    api = server.url + "/api/v1"
    for case_no in (READ_CASE, EMPTY_CASE):
        created = page.request.post(api + "/cases", headers=archivist, data=case_body(case_no))
        assert created.status == 201, created.text()
    documents = {
        "application_form": {"customer_name": OWNER},
        "id_card": {"name": OWNER, "id_number": VALID_ID},
        "property_certificate": {"owner": OWNER},
    }
    read_documents(page, server, settings, READ_CASE, documents)


def test_a_changed_name_is_recorded_and_shows_in_the_consistency_report(
    page: Page, server: Server, settings: Settings, screenshots: Screenshots
) -> None:
    _cases_with_documents(page, server, settings)
    sign_in(page, server, Role.archivist)
    page.goto(f"{server.url}/reports/consistency")
    expect(page.locator("#count-mismatch")).to_have_text("0")
    expect(page.locator(f"tbody[data-case={READ_CASE}]")).to_have_count(0)

    page.goto(f"{server.url}/cases/{READ_CASE}")
    expect(page.locator("#record-history")).to_have_count(0)
    page.get_by_text("修改登记信息").click()
    expect(page.get_by_label("客户名称")).to_have_value(OWNER)
    page.get_by_label("客户名称").fill(RENAMED)
    page.get_by_role("button", name="保存登记信息").click()
    expect(page.locator("#record-saved")).to_have_text("登记信息已更新 1 项，资料已重新核对。")
    expect(page.locator("h1")).to_contain_text(RENAMED)
    changes = page.locator("#record-history tbody tr")
    expect(changes).to_have_count(1)
    expect(changes.first.locator("td").nth(1)).to_have_text("客户名称")
    expect(changes.first.locator("td").nth(2)).to_have_text(OWNER)
    expect(changes.first.locator("td").nth(3)).to_have_text(RENAMED)
    expect(changes.first.locator("td").nth(4)).to_have_text("页面修改")
    screenshots.take(page, "record-changed")

    page.get_by_role("link", name="一致性报告").click()
    group = page.locator(f"tbody[data-case={READ_CASE}]")
    expect(group).to_contain_text("资料与系统不一致")
    expect(group.locator("tr")).to_have_count(3)  # the form, the ID card and the deed
    mismatch = group.locator("tr").filter(has_text="id_card.png").locator("td")
    expect(mismatch).to_have_text(
        ["资料与系统不一致", "id_card.png", "—", "姓名", OWNER, RENAMED, re.compile("不一致")]
    )  # the paper's name, then the system's
    expect(page.locator(f"tbody[data-case={EMPTY_CASE}]")).to_contain_text("缺少资料")
    screenshots.take(page, "consistency-all")

    page.get_by_label("类别").select_option(label="资料与系统不一致")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/reports/consistency\?.*kind=mismatch"))
    expect(page.locator("#count-missing")).to_have_text("0")
    expect(page.locator("tbody.case-group")).to_have_count(1)
    expect(page.locator(f"tbody[data-case={READ_CASE}]")).to_be_visible()
    page.goto(f"{server.url}/reports/consistency?kind=missing")
    expect(page.get_by_label("类别")).to_have_value("missing")
    expect(page.locator("#count-mismatch")).to_have_text("0")
    expect(page.locator("tbody.case-group")).to_have_count(1)
    expect(page.locator(f"tbody[data-case={EMPTY_CASE}]")).to_contain_text("缺少资料")

    page.goto(f"{server.url}/reports/consistency?kind=mismatch")
    export = page.get_by_role("link", name="导出 CSV")
    expect(export).to_have_attribute("href", re.compile("kind=mismatch"))
    with page.expect_download() as download:
        export.click()
    assert re.fullmatch(r"consistency-\d{4}-\d{2}-\d{2}\.csv", download.value.suggested_filename)
    rows = list(csv.reader(io.StringIO(download.value.path().read_bytes().decode("utf-8-sig"))))
    assert rows[0][:5] == ["申请编号", "户名", "供电单位", "当前环节", "类别"]
    assert rows[1:], "the export holds no rows"
    assert {(row[0], row[1], row[4]) for row in rows[1:]} == {
        (READ_CASE, RENAMED, "资料与系统不一致")
    }
    assert any(OWNER in row and RENAMED in row for row in rows[1:])
    answered = page.request.get(server.url + str(export.get_attribute("href")))
    assert answered.headers["content-type"].startswith("text/csv")
    assert answered.body() == download.value.path().read_bytes()
