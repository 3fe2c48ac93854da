"""Review in the web UI over HTTP: checklist, due date, advance and override, corrections."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from archive import Case, Document, Role, open_database
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_pages import page_csrf, signin
from tests.e2e.test_review import OWNER, residential_case
from tests.intake_jobs import fail_for_good

FLOW = re.compile(r'<ol class="flow".*?</ol>', re.S)


def test_the_case_page_shows_its_own_flow_due_date_checklist_and_findings(
    client: ApiClient, settings: Settings
) -> None:
    documents = residential_case(client, settings, "YK-PG", owner="钱七")
    signin(client, Role.reviewer)
    page = client.http.get("/cases/YK-PG").text
    flow = FLOW.search(page)
    assert flow is not None
    # A residential case goes straight from acceptance to connection: no design review.
    stages = re.findall(r"</span>(\S+)\s*</li>", flow.group())
    assert stages == ["业务受理", "装表接电", "归档"]
    assert "本环节时限 2 个工作日" in page
    assert "进入「装表接电」前的核对" in page
    assert "资料齐全，但有 1 个错误问题未处理" in page
    assert f'href="/documents/{documents["property_certificate"]}"' in page
    # The finding in Chinese, with its field label, the value found and the one expected.
    assert "字段 权利人 · 发现 钱七 · 应为 王小明" in page
    assert "推进到「装表接电」" in page
    assert 'name="override_reason"' in page


def test_the_archivist_sees_no_checklist_and_no_advance(
    client: ApiClient, settings: Settings
) -> None:
    residential_case(client, settings, "YK-AR")
    signin(client, Role.archivist)
    page = client.http.get("/cases/YK-AR").text
    assert "前的核对" not in page
    assert "推进到" not in page
    assert "排除此问题" not in page


def test_a_missing_document_is_listed_with_its_rule(client: ApiClient) -> None:
    assert client.create_case("YK-MISS").status_code == 201
    signin(client, Role.reviewer)
    page = client.http.get("/cases/YK-MISS").text
    assert "缺少 3 项资料" in page
    assert "用电人有效身份证明（身份证或户口簿）" in page
    assert "居民身份证 或 户口簿" in page
    assert "applicant_identity" not in page  # rule ids stay out of pages
    # An auditor reads the case but neither checks nor advances it (README's role table).
    signin(client, Role.auditor)
    page = client.http.get("/cases/YK-MISS").text
    assert "缺少 3 项资料" not in page
    assert "推进到" not in page


def test_a_refused_advance_says_why_and_an_override_moves_the_case(
    client: ApiClient, settings: Settings
) -> None:
    residential_case(client, settings, "YK-OVR", owner="钱七")
    signin(client, Role.reviewer)
    csrf = page_csrf(client, "/cases/YK-OVR")
    form = {"to": "connection", "csrf_token": csrf}
    refused = client.http.post("/cases/YK-OVR/advance", data=form, follow_redirects=False)
    assert refused.status_code == 409
    assert "未能进入下一环节：1 个错误问题尚未处理" in refused.text
    short = client.http.post("/cases/YK-OVR/advance", data={**form, "override_reason": "ok"})
    assert short.status_code == 409
    assert "填写的理由太短" in short.text
    assert client.request("GET", "/cases/YK-OVR", Role.auditor).json()["stage"] == "application"
    reason = "产权人为配偶，已核对结婚证"
    moved = client.http.post(
        "/cases/YK-OVR/advance", data={**form, "override_reason": reason}, follow_redirects=False
    )
    assert moved.status_code == 303
    assert moved.headers["location"] == "/cases/YK-OVR?advanced=1"
    page = client.http.get(moved.headers["location"]).text
    assert "已进入「装表接电」环节" in page
    assert "强制推进记录" in page
    assert reason in page
    events = client.request("GET", "/audit", Role.auditor, params={"action": "case.override"})
    assert events.json()["events"][0]["after"]["override_reason"] == reason


def test_advancing_needs_the_role_and_the_csrf_token(client: ApiClient, settings: Settings) -> None:
    residential_case(client, settings, "YK-ADV")
    signin(client, Role.reviewer)
    no_csrf = client.http.post("/cases/YK-ADV/advance", data={"to": "connection"})
    assert no_csrf.status_code == 403
    signin(client, Role.auditor)
    csrf = page_csrf(client, "/cases/YK-ADV")
    forbidden = client.http.post(
        "/cases/YK-ADV/advance", data={"to": "connection", "csrf_token": csrf}
    )
    assert forbidden.status_code == 403
    assert "无权操作" in forbidden.text
    assert client.request("GET", "/cases/YK-ADV", Role.auditor).json()["stage"] == "application"


def test_correcting_a_field_keeps_the_ocr_value_and_clears_the_finding(
    client: ApiClient, settings: Settings
) -> None:
    deed = residential_case(client, settings, "YK-COR", owner="王晓明")["property_certificate"]
    signin(client, Role.reviewer)
    csrf = page_csrf(client, f"/documents/{deed}")
    saved = client.http.post(
        f"/documents/{deed}/fields",
        data={"name": "owner", "value": OWNER, "reason": "原件为王小明", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.http.get(f"/documents/{deed}").text
    assert f'value="{OWNER}"' in page
    assert "OCR 原值：王晓明" in page
    assert '已更正<span class="by">reviewer-user</span>' in page
    assert "没有问题记录" in page
    assert "资料齐全，没有未处理的错误问题，可以推进" in client.http.get("/cases/YK-COR").text


def test_setting_the_type_and_dismissing_a_finding_from_the_page(
    client: ApiClient, settings: Settings
) -> None:
    documents = residential_case(client, settings, "YK-DIS", owner="钱七")
    signin(client, Role.reviewer)
    csrf = page_csrf(client, "/cases/YK-DIS")
    finding = client.request("GET", "/cases/YK-DIS/check", Role.reviewer).json()["findings"][0]
    empty = client.http.post(
        f"/findings/{finding['id']}/dismiss", data={"reason": " ", "csrf_token": csrf}
    )
    assert empty.status_code == 422
    assert "排除问题需要写明理由" in empty.text
    dismissed = client.http.post(
        f"/findings/{finding['id']}/dismiss",
        data={"reason": "产权人为配偶", "csrf_token": csrf, "back": "/cases/YK-DIS"},
        follow_redirects=False,
    )
    assert dismissed.headers["location"] == "/cases/YK-DIS"
    page = client.http.get("/cases/YK-DIS").text
    assert "已排除" in page
    assert "可以推进" in page
    typed = client.http.post(
        f"/documents/{documents['application_form']}/doc_type",
        data={"doc_type": "other", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert typed.status_code == 303
    assert "缺少 1 项资料" in client.http.get("/cases/YK-DIS").text


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example", "/cases/x?y=1"])
def test_a_dismissal_never_returns_off_its_pages(
    client: ApiClient, settings: Settings, back: str
) -> None:
    residential_case(client, settings, "YK-BACK", owner="钱七")
    signin(client, Role.reviewer)
    csrf = page_csrf(client, "/cases/YK-BACK")
    finding = client.request("GET", "/cases/YK-BACK/check", Role.reviewer).json()["findings"][0]
    response = client.http.post(
        f"/findings/{finding['id']}/dismiss",
        data={"reason": "已核对", "csrf_token": csrf, "back": back},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"/documents/{finding['document_id']}"


def test_a_failed_document_is_retried_from_the_page(client: ApiClient, settings: Settings) -> None:
    assert client.create_case("YK-RETRY").status_code == 201
    document_id = client.upload("YK-RETRY", png_bytes(5), filename="坏.png").json()["document_id"]
    fail_for_good(settings, document_id, error="unreadable scan")
    signin(client, Role.archivist)
    page = client.http.get("/cases/YK-RETRY").text
    assert "重新识别" in page
    document_page = client.http.get(f"/documents/{document_id}").text
    assert 'data-error-code="unreadable_file">文件无法读取</strong></span>' in document_page
    status = client.http.get(f"/documents/{document_id}/status").json()
    assert (status["error_code"], status["error_label"]) == ("unreadable_file", "文件无法读取")
    api_body = client.request("GET", f"/documents/{document_id}", Role.auditor).json()
    assert api_body["error_code"] == "unreadable_file"
    csrf = page_csrf(client, "/cases/YK-RETRY")
    retried = client.http.post(
        f"/documents/{document_id}/retry",
        data={"csrf_token": csrf, "back": "/cases/YK-RETRY"},
        follow_redirects=False,
    )
    assert retried.headers["location"] == "/cases/YK-RETRY"
    retried_body = client.request("GET", f"/documents/{document_id}", Role.auditor).json()
    assert (retried_body["status"], retried_body["error_code"]) == ("queued", None)
    page = client.http.get("/cases/YK-RETRY").text
    assert "本案件有 1 份资料正在等待识别" in page
    assert "识别服务可能没有运行" not in page


def test_a_document_queued_long_with_nothing_processing_hints_at_a_stopped_worker(
    client: ApiClient, settings: Settings
) -> None:
    assert client.create_case("YK-STUCK").status_code == 201
    document_id = client.upload("YK-STUCK", png_bytes(6)).json()["document_id"]
    with open_database(settings) as database, database.transaction() as session:
        document = session.get(Document, document_id)
        assert document is not None
        document.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    signin(client, Role.archivist)
    assert "识别服务可能没有运行" in client.http.get("/cases/YK-STUCK").text


def test_the_overdue_filter_lists_cases_past_their_time_limit(
    client: ApiClient, settings: Settings
) -> None:
    for case_no in ("YK-LATE", "YK-FRESH"):
        assert client.create_case(case_no).status_code == 201
    with open_database(settings) as database, database.transaction() as session:
        late = session.scalar(select(Case).where(Case.case_no == "YK-LATE"))
        assert late is not None
        late.stage_entered_at = dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC)
    signin(client, Role.reviewer)
    page = client.http.get("/cases", params={"overdue": "1"}).text
    assert "共 1 件" in page
    assert "YK-LATE" in page
    assert "YK-FRESH" not in page
    assert '2025-03-05 · <strong class="overdue">超期' in page
    assert "超期" in client.http.get("/cases/YK-LATE").text
    assert "共 2 件" in client.http.get("/cases").text


def test_an_error_page_has_a_chinese_title_and_the_detail_beneath(client: ApiClient) -> None:
    signin(client, Role.reviewer)
    response = client.http.get("/cases/NO-SUCH")
    assert response.status_code == 404
    assert "<h1>未找到</h1>" in response.text
    assert "要找的内容不存在" in response.text
    assert (
        "详细说明：</span>没有编号为 NO-SUCH 的案件：请核对编号，或从案件列表进入" in response.text
    )
    assert "no case NO-SUCH" not in response.text  # the API's English stays in the API
    assert "退出" in response.text  # signed in, the navigation and sign-out stay


def test_an_error_page_links_back_to_the_page_it_came_from_of_this_site(client: ApiClient) -> None:
    signin(client, Role.reviewer)
    reversed_dates = {"date_from": "2024-05-01", "date_to": "2024-01-01"}
    came = client.http.get(
        "/search",
        params=reversed_dates,
        headers={"Referer": "http://testserver/search?q=%E7%8E%8B"},
    )
    assert came.status_code == 422
    assert "检索条件不正确：日期范围的起点晚于终点：请对调两个日期" in came.text
    assert '<a href="/search?q=%E7%8E%8B" id="back">返回上一页</a>' in came.text
    assert "javascript:" not in came.text  # the content policy blocks it
    for referer in ("https://elsewhere.example/search", ""):
        other = client.http.get("/search", params=reversed_dates, headers={"Referer": referer})
        assert 'id="back"' not in other.text
        assert '<a href="/cases">案件列表</a>' in other.text
