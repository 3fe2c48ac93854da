"""The web UI over HTTP: sign-in cookie, CSRF, what each role sees, forms and uploads."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import httpx2 as httpx
import pytest
from PIL import Image
from sqlalchemy import update

from api.web.search import safe_highlight
from archive import Role, open_database
from archive.db import WebSession
from core import Settings
from search import IndexedDocument, open_search_index
from tests.e2e.helpers import VALID_CREDIT_CODE, VALID_ID, ApiClient, pdf_bytes, png_bytes

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]*)"')


def signin(client: ApiClient, role: Role, *, next_url: str = "/cases") -> httpx.Response:
    """Sign in through the form as ``role``; the response is the redirect."""
    form = client.http.get("/signin")
    csrf = CSRF_INPUT.search(form.text)
    assert csrf is not None
    return client.http.post(
        "/signin",
        data={"token": client.tokens[role], "csrf_token": csrf.group(1), "next": next_url},
        follow_redirects=False,
    )


def page_csrf(client: ApiClient, path: str = "/cases") -> str:
    """The CSRF token the signed-in browser's pages carry."""
    match = re.search(r'data-csrf="([^"]+)"', client.http.get(path).text)
    assert match is not None
    return match.group(1)


def new_case_form(case_no: str, **overrides: str) -> dict[str, str]:
    """A filled-in new-case form for a person."""
    form = {
        "case_no": case_no,
        "category": "residential",
        "business_type": "new",
        "capacity_kva": "8",
        "customer_kind": "person",
        "customer_name": "王小明",
        "customer_id_number": VALID_ID,
        "customer_address": "北京市朝阳区光华路1号",
    }
    form.update(overrides)
    return form


def post_new_case(client: ApiClient, form: dict[str, str], csrf: str) -> httpx.Response:
    return client.http.post("/cases/new", data={**form, "csrf_token": csrf}, follow_redirects=False)


# Sign-in ------------------------------------------------------------------------------------


def _session_cookie(response: httpx.Response) -> str:
    return next(
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith("yekuo_session=")
    )


def test_signin_keeps_a_session_not_the_token_in_a_strict_httponly_cookie(
    client: ApiClient,
) -> None:
    response = signin(client, Role.archivist, next_url="/cases/new")
    assert response.status_code == 303
    assert response.headers["location"] == "/cases/new"
    cookie = _session_cookie(response)
    assert client.tokens[Role.archivist] not in cookie
    assert "Max-Age=43200" in cookie  # YEKUO_SESSION_HOURS
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/" in cookie
    # Over plain HTTP the cookie cannot be Secure, or the browser would drop it.
    assert "Secure" not in cookie
    page = client.http.get("/cases")
    assert page.status_code == 200
    assert "archivist-user（档案员）" in page.text
    # The token itself never appears in a page.
    assert client.tokens[Role.archivist] not in page.text


def test_a_wrong_token_is_refused_with_a_message(client: ApiClient) -> None:
    form = client.http.get("/signin")
    csrf = CSRF_INPUT.search(form.text)
    assert csrf is not None
    response = client.http.post(
        "/signin", data={"token": "yk_wrong", "csrf_token": csrf.group(1)}, follow_redirects=False
    )
    assert response.status_code == 401
    assert "令牌无效或已被吊销" in response.text
    assert "yekuo_session=" not in response.headers.get("set-cookie", "")


def test_signin_without_its_csrf_token_is_refused(client: ApiClient) -> None:
    client.http.get("/signin")
    response = client.http.post(
        "/signin",
        data={"token": client.tokens[Role.admin], "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "登录页已过期，请刷新登录页后重新登录" in response.text
    assert "yekuo_session=" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "\\\\evil"])
def test_signin_never_redirects_off_site(client: ApiClient, target: str) -> None:
    assert signin(client, Role.auditor, next_url=target).headers["location"] == "/"


@pytest.mark.parametrize("path", ["/", "/cases", "/cases/new", "/audit", "/documents/x"])
def test_pages_send_a_stranger_to_signin(client: ApiClient, path: str) -> None:
    response = client.http.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin?next=")


def test_the_api_token_itself_is_not_a_session(client: ApiClient) -> None:
    client.http.cookies.set("yekuo_session", client.tokens[Role.admin])
    assert client.http.get("/cases", follow_redirects=False).status_code == 303


def test_signout_needs_csrf_and_ends_the_session_on_the_server(client: ApiClient) -> None:
    kept = _session_cookie(signin(client, Role.reviewer)).split(";")[0].split("=", 1)[1]
    csrf = page_csrf(client)
    assert client.http.post("/signout", data={"csrf_token": "x"}).status_code == 403
    assert client.http.get("/cases").status_code == 200
    response = client.http.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert 'yekuo_session=""' in response.headers["set-cookie"]
    assert client.http.get("/cases", follow_redirects=False).status_code == 303
    # A copy of the cookie taken before sign-out is worth nothing after it.
    client.http.cookies.set("yekuo_session", kept)
    assert client.http.get("/cases", follow_redirects=False).status_code == 303


def test_each_signin_is_a_new_session_with_a_new_csrf_token(client: ApiClient) -> None:
    first = _session_cookie(signin(client, Role.archivist))
    first_csrf = page_csrf(client)
    second = _session_cookie(signin(client, Role.archivist))
    assert first.split(";")[0] != second.split(";")[0]
    assert page_csrf(client) != first_csrf
    assert post_new_case(client, new_case_form("YK-OLD"), first_csrf).status_code == 403


@pytest.mark.parametrize("column", ["expires_at", "last_seen_at"])
def test_an_expired_or_idle_session_signs_the_browser_out(
    client: ApiClient, settings: Settings, column: str
) -> None:
    signin(client, Role.archivist)
    assert client.http.get("/cases").status_code == 200
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=settings.session_hours + 1)
    with open_database(settings) as database, database.transaction() as session:
        session.execute(update(WebSession).values({column: long_ago}))
    response = client.http.get("/cases", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fcases"


def test_a_revoked_token_signs_the_browser_out(client: ApiClient) -> None:
    signin(client, Role.archivist)
    tokens = client.request("GET", "/tokens", Role.admin).json()
    archivist = next(t for t in tokens if t["name"] == "archivist-user")
    client.request("DELETE", f"/tokens/{archivist['id']}", Role.admin)
    response = client.http.get("/cases", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fcases"


# What each role sees -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "new_case", "audit", "dropzone"),
    [
        (Role.archivist, True, False, True),
        (Role.reviewer, False, False, False),
        (Role.auditor, False, True, False),
        (Role.admin, True, True, True),
    ],
)
def test_each_role_sees_what_it_may_do(
    client: ApiClient, role: Role, new_case: bool, audit: bool, dropzone: bool
) -> None:
    assert client.create_case("YK-ROLE").status_code == 201
    signin(client, role)
    cases = client.http.get("/cases").text
    assert ('href="/cases/new"' in cases) is new_case
    assert ('href="/audit"' in cases) is audit
    assert ('id="dropzone"' in client.http.get("/cases/YK-ROLE").text) is dropzone
    assert client.http.get("/cases/new").status_code == (200 if new_case else 403)
    assert client.http.get("/audit").status_code == (200 if audit else 403)


def test_a_forbidden_upload_is_refused_even_with_csrf(client: ApiClient) -> None:
    assert client.create_case("YK-NOUP").status_code == 201
    signin(client, Role.reviewer)
    csrf = page_csrf(client)
    response = client.http.post(
        "/cases/YK-NOUP/upload",
        files={"file": ("a.png", png_bytes(1))},
        headers={"X-CSRF-Token": csrf},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


# Cases ----------------------------------------------------------------------------------------


def test_the_case_list_filters_by_stage_category_and_text(client: ApiClient) -> None:
    client.create_case("YK-A1")
    client.create_case(
        "YK-B2",
        category="low_voltage",
        customer={"name": "光华商贸有限公司", "credit_code": VALID_CREDIT_CODE},
    )
    signin(client, Role.auditor)
    everything = client.http.get("/cases", params={"stage": "", "category": "", "q": ""}).text
    assert "共 2 件" in everything
    assert "低压居民" in everything
    assert "业务受理" in everything
    shops = client.http.get("/cases", params={"category": "low_voltage"}).text
    assert "YK-B2" in shops
    assert "YK-A1" not in shops
    by_name = client.http.get("/cases", params={"q": "王小明"}).text
    assert "YK-A1" in by_name
    assert "YK-B2" not in by_name
    assert "共 0 件" in client.http.get("/cases", params={"stage": "connection"}).text
    wrong = client.http.get("/cases", params={"stage": "nowhere"})
    assert wrong.status_code == 422
    assert "环节" in wrong.text


def test_the_new_case_form_creates_the_case_with_the_api_service(client: ApiClient) -> None:
    signin(client, Role.archivist)
    csrf = page_csrf(client, "/cases/new")
    response = post_new_case(client, new_case_form("YK-FORM-1"), csrf)
    assert response.status_code == 303
    assert response.headers["location"] == "/cases/YK-FORM-1"
    case = client.request("GET", "/cases/YK-FORM-1", Role.reviewer).json()
    assert case["customer"] == {
        "name": "王小明",
        "id_number": VALID_ID,
        "credit_code": None,
        "address": "北京市朝阳区光华路1号",
        "phone": "",
    }
    assert case["stage"] == "application"
    page = client.http.get("/cases/YK-FORM-1").text
    assert "当前环节：业务受理" in page
    events = client.request("GET", "/audit", Role.auditor, params={"case_no": "YK-FORM-1"})
    assert events.json()["events"][0]["actor"] == "archivist-user"


def test_an_organisation_case_takes_the_credit_code_and_legal_representative(
    client: ApiClient,
) -> None:
    signin(client, Role.archivist)
    csrf = page_csrf(client, "/cases/new")
    form = new_case_form(
        "YK-ORG",
        category="high_voltage",
        customer_kind="organisation",
        customer_name="光华商贸有限公司",
        customer_credit_code=VALID_CREDIT_CODE.lower(),
        legal_name="李四",
        legal_id_number=VALID_ID,
        capacity_kva="630",
    )
    assert post_new_case(client, form, csrf).status_code == 303
    case = client.request("GET", "/cases/YK-ORG", Role.reviewer).json()
    assert case["customer"]["credit_code"] == VALID_CREDIT_CODE
    assert case["customer"]["id_number"] is None
    assert case["legal_representative"] == {"name": "李四", "id_number": VALID_ID}


def test_a_wrong_check_digit_is_kept_as_a_finding_shown_on_the_case(client: ApiClient) -> None:
    signin(client, Role.archivist)
    csrf = page_csrf(client, "/cases/new")
    wrong = VALID_ID[:17] + "1"
    assert post_new_case(client, new_case_form("YK-CHK", customer_id_number=wrong), csrf)
    page = client.http.get("/cases/YK-CHK").text
    assert "校验位不正确" in page
    assert "id_number_invalid_checksum" not in page  # the code is the API's


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"case_no": "", "capacity_kva": "-1"}, ["案件编号：必须填写", "申请容量：须大于 0<"]),
        ({"capacity_kva": "八"}, ["申请容量：须为数字"]),
        ({"customer_id_number": "123"}, ["身份证号码「123」格式不正确"]),
        (
            {"customer_id_number": ""},
            ["客户：请填写身份证号码（自然人）或统一社会信用代码（单位）"],
        ),
        (
            {"accepted_on": "2024-13-01", "category": ""},
            ["受理日期：不是日期", "客户类别：不是可选的值"],
        ),
    ],
)
def test_an_invalid_form_is_shown_again_with_what_is_wrong(
    client: ApiClient, overrides: dict[str, str], expected: list[str]
) -> None:
    signin(client, Role.archivist)
    csrf = page_csrf(client, "/cases/new")
    response = post_new_case(client, {**new_case_form("YK-BAD"), **overrides}, csrf)
    assert response.status_code == 422
    assert "案件未创建" in response.text
    for text in expected:
        assert text in response.text
    assert 'value="北京市朝阳区光华路1号"' in response.text
    assert client.request("GET", "/cases", Role.auditor).json()["total"] == 0


def test_a_taken_case_number_is_a_conflict_on_the_form(client: ApiClient) -> None:
    client.create_case("YK-DUP")
    signin(client, Role.archivist)
    response = post_new_case(client, new_case_form("YK-DUP"), page_csrf(client, "/cases/new"))
    assert response.status_code == 409
    assert "案件编号 YK-DUP 已存在" in response.text


@pytest.mark.parametrize("csrf", ["", "forged"])
def test_forms_without_the_csrf_token_change_nothing(client: ApiClient, csrf: str) -> None:
    signin(client, Role.archivist)
    response = post_new_case(client, new_case_form("YK-CSRF"), csrf)
    assert response.status_code == 403
    assert "页面已过期，请刷新页面后重新提交" in response.text
    assert "CSRF" not in response.text  # the user is told what to do, not the mechanism
    assert client.request("GET", "/cases", Role.auditor).json()["total"] == 0


def test_another_browsers_csrf_token_does_not_work(client: ApiClient) -> None:
    signin(client, Role.admin)
    admin_csrf = page_csrf(client)
    signin(client, Role.archivist)
    assert post_new_case(client, new_case_form("YK-X"), admin_csrf).status_code == 403


# Documents ------------------------------------------------------------------------------------


@pytest.fixture
def signed_in_archivist(client: ApiClient) -> str:
    """A case YK-DOC and an archivist signed in; returns the page CSRF token."""
    assert client.create_case("YK-DOC").status_code == 201
    signin(client, Role.archivist)
    return page_csrf(client)


def test_upload_from_the_page_needs_the_csrf_header(
    client: ApiClient, signed_in_archivist: str
) -> None:
    response = client.http.post("/cases/YK-DOC/upload", files={"file": ("a.png", png_bytes(2))})
    assert response.status_code == 403
    assert client.request("GET", "/cases/YK-DOC", Role.auditor).json()["documents"] == []


def test_upload_from_the_page_stores_it_like_the_api(
    client: ApiClient, signed_in_archivist: str
) -> None:
    content = png_bytes(3)
    headers = {"X-CSRF-Token": signed_in_archivist}
    response = client.http.post(
        "/cases/YK-DOC/upload",
        files={"file": ("身份证.png", content)},
        data={"doc_type": "id_card"},
        headers=headers,
    )
    assert response.status_code == 202
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    again = client.http.post(
        "/cases/YK-DOC/upload", files={"file": ("again.png", content)}, headers=headers
    )
    assert again.status_code == 200
    assert again.json()["duplicate"] is True

    status = client.http.get(f"/documents/{body['document_id']}/status").json()
    assert status["status"] in {"queued", "processing", "done", "failed"}
    assert status["status_label"] in {"排队中", "处理中", "已完成", "失败"}
    assert status["final"] is (status["status"] in {"done", "failed"})

    case_page = client.http.get("/cases/YK-DOC").text
    assert f'data-document-id="{body["document_id"]}"' in case_page
    document_page = client.http.get(f"/documents/{body['document_id']}").text
    assert body["sha256"] in document_page
    assert f'src="/documents/{body["document_id"]}/original"' in document_page
    original = client.http.get(f"/documents/{body['document_id']}/original")
    assert original.content == content


def test_a_refused_upload_says_why(client: ApiClient, signed_in_archivist: str) -> None:
    response = client.http.post(
        "/cases/YK-DOC/upload",
        files={"file": ("notes.txt", b"just text")},
        headers={"X-CSRF-Token": signed_in_archivist},
    )
    assert response.status_code == 415
    assert response.json()["message"]


def test_pdf_pages_are_rendered_for_the_browser(
    client: ApiClient, signed_in_archivist: str
) -> None:
    response = client.http.post(
        "/cases/YK-DOC/upload",
        files={"file": ("form.pdf", pdf_bytes())},
        headers={"X-CSRF-Token": signed_in_archivist},
    )
    document_id = response.json()["document_id"]
    page = client.http.get(f"/documents/{document_id}").text
    assert f'src="/documents/{document_id}/pages/1"' in page
    image = client.http.get(f"/documents/{document_id}/pages/1")
    assert image.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(image.content)).size[0] > 100
    assert client.http.get(f"/documents/{document_id}/pages/2").status_code == 422


def test_static_files_are_only_the_shipped_ones(client: ApiClient) -> None:
    assert client.http.get("/static/web.css").headers["content-type"].startswith("text/css")
    assert client.http.get("/static/case.js").status_code == 200
    assert client.http.get("/static/..%2f_web_auth.py").status_code == 404
    assert client.http.get("/static/missing.js").status_code == 404


# Audit ----------------------------------------------------------------------------------------


def test_the_audit_page_filters_by_case_user_action_and_date(client: ApiClient) -> None:
    client.create_case("YK-AUD1")
    client.create_case("YK-AUD2")
    client.upload("YK-AUD1", png_bytes(9))
    signin(client, Role.auditor)
    everything = client.http.get("/audit").text
    assert "共 3 条" in everything  # 2 cases, 1 upload: the system's 5 tokens hidden
    assert "共 8 条" in client.http.get("/audit", params={"system": "1"}).text
    one_case = client.http.get("/audit", params={"case_no": "YK-AUD1"}).text
    assert "共 2 条" in one_case
    assert "上传资料" in one_case
    uploads = client.http.get("/audit", params={"action": "document.upload"}).text
    assert "共 1 条" in uploads
    assert "共 0 条" in client.http.get("/audit", params={"user": "nobody"}).text
    assert "共 3 条" in client.http.get("/audit", params={"user": "archivist-user"}).text
    assert "共 0 条" in client.http.get("/audit", params={"until": "2000-01-01"}).text
    assert "共 3 条" in client.http.get("/audit", params={"since": "2000-01-01"}).text
    assert "共 0 条" in client.http.get("/audit", params={"since": "2999-01-01"}).text
    today = dt.date.today().isoformat()
    assert "共 3 条" in client.http.get("/audit", params={"since": today, "until": today}).text
    assert "审计链完整" in client.http.get("/audit", params={"verify": "true"}).text
    assert client.http.get("/audit", params={"since": "yesterday"}).status_code == 422


# Search ---------------------------------------------------------------------------------------


def test_search_finds_a_name_with_highlights_facets_and_the_case(
    client: ApiClient, settings: Settings
) -> None:
    client.create_case("YK-S1")
    document_id = client.upload("YK-S1", png_bytes(21), filename="身份证.png").json()["document_id"]
    with open_search_index(settings) as index:
        index.index(
            IndexedDocument(
                document_id=document_id,
                case_no="YK-S1",
                doc_type="id_card",
                stage="application",
                category="residential",
                customer_name="王小明",
                text="姓名 王小明 <script>alert(1)</script> 住址 北京市朝阳区",
                fields={"name": "王小明", "id_number": VALID_ID},
            )
        )
    signin(client, Role.archivist)
    assert client.http.get("/search").status_code == 403
    signin(client, Role.auditor)
    page = client.http.get("/search", params={"q": "王小明"}).text
    assert "共 1 份资料" in page
    assert "<mark>" in page
    assert "<script>alert" not in page
    assert f'href="/documents/{document_id}"' in page
    assert 'href="/cases/YK-S1"' in page
    assert "居民身份证 · 身份证.png" in page
    assert "doc_type=id_card" in page
    assert "名称中含有检索词的" in page  # how hits are ordered, told to the auditor
    assert "共 0 份资料" in client.http.get("/search", params={"q": "李小明"}).text
    browse = client.http.get("/search", params={"stage": "connection"}).text
    assert "共 0 份资料" in browse
    assert "按资料日期从新到旧" in browse
    assert client.http.get("/search", params={"doc_type": "novel"}).status_code == 422


@pytest.mark.parametrize(
    ("passage", "html"),
    [
        ("a <mark>王</mark> b", "a <mark>王</mark> b"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)>"),
        ("<mark onclick=x>", "&lt;mark onclick=x>"),
        ("&lt;b&gt; <mark>x</mark>", "&lt;b&gt; <mark>x</mark>"),
    ],
)
def test_only_marks_survive_in_highlights(passage: str, html: str) -> None:
    assert str(safe_highlight(passage)) == html
