"""The start page (工作台): each role sees the work waiting for it."""

from __future__ import annotations

import re

import pytest

from api.web.home import SHOWN
from archive import Role
from tests.e2e.helpers import VALID_CREDIT_CODE, ApiClient, case_body
from tests.e2e.test_pages import signin
from tests.e2e.test_worklist import four_cases  # noqa: F401 - a fixture

PANEL = r'<h2 id="panel-\d+">{title}（(\d+)）</h2>'


def _panel_count(page: str, title: str) -> int | None:
    found = re.search(PANEL.format(title=re.escape(title)), page)
    return int(found.group(1)) if found else None


@pytest.mark.usefixtures("four_cases")
def test_signing_in_lands_on_the_start_page_of_the_role(quiet_client: ApiClient) -> None:
    assert signin(quiet_client, Role.archivist, next_url="").headers["location"] == "/"
    page = quiet_client.http.get("/").text
    assert "<h1>工作台" in page
    assert _panel_count(page, "缺资料的案件") == 2
    assert _panel_count(page, "识别失败的资料") == 1
    assert _panel_count(page, "资料已齐待核对") is None  # a reviewer's panel
    assert "最近操作" not in page


@pytest.mark.usefixtures("four_cases")
def test_the_reviewer_sees_cases_to_check_findings_and_due_dates(quiet_client: ApiClient) -> None:
    quiet_client.request(
        "POST",
        "/cases/YK-W-MISS/advance",
        Role.reviewer,
        json={"to": "connection", "override_reason": "资料原件已现场核验，扫描件次日补传"},
    )
    signin(quiet_client, Role.reviewer)
    page = quiet_client.http.get("/").text
    assert _panel_count(page, "资料已齐待核对") == 2
    assert _panel_count(page, "有问题待处理") == 1
    assert 'href="/cases/YK-W-ERR"' in page
    assert _panel_count(page, "缺资料的案件") is None
    assert _panel_count(page, "即将到期或已超期") is not None


@pytest.mark.usefixtures("four_cases")
def test_the_auditor_sees_recent_actions_by_people_and_the_overrides(
    quiet_client: ApiClient,
) -> None:
    quiet_client.request(
        "POST",
        "/cases/YK-W-MISS/advance",
        Role.reviewer,
        json={"to": "connection", "override_reason": "资料原件已现场核验，扫描件次日补传"},
    )
    signin(quiet_client, Role.auditor)
    page = quiet_client.http.get("/").text
    assert "最近操作" in page
    assert "reviewer-user 越限推进" in page
    assert "system " not in page  # workers are not people acting
    overrides = page[page.index("强制推进</h2>") :]
    assert "理由：资料原件已现场核验，扫描件次日补传" in overrides
    assert _panel_count(page, "缺资料的案件") is None


def test_the_due_soon_panel_counts_every_case_due_soon_not_only_those_shown(
    quiet_client: ApiClient,
) -> None:
    for n in range(SHOWN + 2):  # the application stage of 2 working days: all due soon
        assert quiet_client.create_case(f"YK-D{n:02}").status_code == 201
    organisation = {"name": "光华商贸有限公司", "credit_code": VALID_CREDIT_CODE}
    later = case_body("YK-D-LATER", category="high_voltage", customer=organisation)
    assert quiet_client.request("POST", "/cases", Role.archivist, json=later).status_code == 201
    advanced = quiet_client.request(
        "POST",
        "/cases/YK-D-LATER/advance",
        Role.reviewer,
        json={"to": "supply_plan", "override_reason": "受理资料已现场核验，扫描件后补"},
    )
    assert advanced.status_code == 200, advanced.text  # 10 working days: not due soon
    signin(quiet_client, Role.reviewer)
    page = quiet_client.http.get("/").text
    assert _panel_count(page, "即将到期或已超期") == SHOWN + 2
    link = re.search(rf'<a href="([^"]+)">查看全部 {SHOWN + 2} 件</a>', page)
    assert link is not None
    assert link.group(1) == "/cases?sort=due&amp;due_within=2"
    whole = quiet_client.http.get("/cases?sort=due&due_within=2").text
    assert f"共 {SHOWN + 2} 件" in whole
    assert "只显示 2 个工作日内到期或已超期的案件" in whole
    assert "YK-D-LATER" not in whole
    api = quiet_client.request("GET", "/cases", Role.reviewer, params={"due_within": 2}).json()
    assert api["total"] == SHOWN + 2
