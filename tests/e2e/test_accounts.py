"""Accounts through the API, the pages and the command line: sign in as yourself.

``POST /auth/login`` gives a session token used as Bearer until ``/auth/logout``; every
refusal of a sign-in is 401 with a message saying why (a wrong password, a locked or disabled
account, a password to change first); the audit trail names the person.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest
from click.testing import CliRunner

from api._session import SESSION_COOKIE
from archive import (
    SYSTEM,
    Role,
    create_token,
    create_unit,
    create_user,
    get_user,
    open_database,
)
from cli import main
from core import Settings
from tests.e2e.helpers import API, ApiClient, case_body
from tests.e2e.test_pages import page_csrf, signin

PASSWORD = "correct horse battery"
PYTHON_CLI = (sys.executable, "-c", "from cli import main; main()")
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def wang(settings: Settings, client: ApiClient) -> str:
    """An archivist, 王小明, of unit GDS01 (the client's app is already running)."""
    with open_database(settings) as database, database.transaction() as session:
        create_unit(session, code="GDS01", name="城关供电所", actor=SYSTEM)
        create_user(
            session,
            username="wang.xm",
            password=PASSWORD,
            role=Role.archivist,
            display_name="王小明",
            unit="GDS01",
            actor=SYSTEM,
        )
    return "wang.xm"


def login(client: ApiClient, username: str, password: str) -> tuple[int, dict[str, str]]:
    response = client.http.post(
        f"{API}/auth/login", json={"username": username, "password": password}
    )
    return response.status_code, response.json()


def test_login_gives_a_bearer_token_until_logout(client: ApiClient, wang: str) -> None:
    status, body = login(client, wang, PASSWORD)
    assert status == 200, body
    assert set(body) == {"token", "expires_at"}
    bearer = {"Authorization": f"Bearer {body['token']}"}
    created = client.http.post(f"{API}/cases", json=case_body("YK-9"), headers=bearer)
    assert created.status_code == 201, created.text
    assert client.http.get(f"{API}/cases/YK-9/check", headers=bearer).status_code == 403
    out = client.http.post(f"{API}/auth/logout", headers=bearer)
    assert (out.status_code, out.json()) == (200, {"ended": True})
    after = client.http.get(f"{API}/cases", headers=bearer)
    assert after.status_code == 401
    assert "POST /api/v1/auth/login" in after.json()["message"]


def test_the_audit_trail_names_the_person(client: ApiClient, wang: str) -> None:
    _status, body = login(client, wang, PASSWORD)
    bearer = {"Authorization": f"Bearer {body['token']}"}
    client.http.post(f"{API}/cases", json=case_body("YK-9"), headers=bearer)
    events = client.request("GET", "/audit", Role.auditor, params={"case_no": "YK-9"}).json()
    assert [(e["action"], e["actor"]) for e in events["events"]] == [
        ("case.create", "wang.xm（王小明）")
    ]
    mine = client.request("GET", "/audit", Role.auditor, params={"user": "wang.xm（王小明）"})
    assert {e["action"] for e in mine.json()["events"]} == {"case.create"}


def test_a_wrong_password_is_401_and_the_fifth_locks_the_account(
    client: ApiClient, wang: str
) -> None:
    for _ in range(4):
        status, body = login(client, wang, "wrong password")
        assert (status, body["code"]) == (401, "unauthenticated")
        assert "wrong user name or password" in body["message"]
    assert login(client, wang, "wrong password")[0] == 401
    status, body = login(client, wang, PASSWORD)
    assert status == 401
    assert "账号已锁定" in body["message"]
    assert "locked after 5 wrong passwords" in body["message"]
    locked = client.request("GET", "/audit", Role.auditor, params={"action": "user.locked"})
    assert [e["entity_id"] for e in locked.json()["events"]] == [wang]
    users = {u["username"]: u for u in client.request("GET", "/users", Role.admin).json()}
    assert users[wang]["locked_until"] is not None


def test_a_reset_password_must_be_changed_before_it_signs_in(
    client: ApiClient, settings: Settings, wang: str, cli_settings: Settings
) -> None:
    _status, before = login(client, wang, PASSWORD)
    reset = CliRunner().invoke(main, ["user", "reset-password", wang])
    assert reset.exit_code == 0, reset.output
    temporary = reset.output.strip()
    ended = {"Authorization": f"Bearer {before['token']}"}
    assert client.http.get(f"{API}/cases", headers=ended).status_code == 401
    status, body = login(client, wang, temporary)
    assert status == 401
    assert "change it first" in body["message"]
    weak = client.http.post(
        f"{API}/auth/password",
        json={"username": wang, "password": temporary, "new_password": "wang.xm-2026"},
    )
    assert weak.status_code == 422
    assert "must not contain the user name" in weak.json()["message"]
    changed = client.http.post(
        f"{API}/auth/password",
        json={"username": wang, "password": temporary, "new_password": "a new passphrase"},
    )
    assert changed.status_code == 200, changed.text
    bearer = {"Authorization": f"Bearer {changed.json()['token']}"}
    assert client.http.get(f"{API}/cases", headers=bearer).status_code == 200
    assert login(client, wang, "a new passphrase")[0] == 200


def test_disabling_a_user_ends_their_sessions_and_tokens(
    client: ApiClient, settings: Settings, wang: str, cli_settings: Settings
) -> None:
    _status, body = login(client, wang, PASSWORD)
    session_token = {"Authorization": f"Bearer {body['token']}"}
    with open_database(settings) as database, database.transaction() as session:
        _row, secret = create_token(
            session,
            name="scanner-1",
            role=Role.archivist,
            actor=SYSTEM,
            owner=get_user(session, wang),
        )
    api_token = {"Authorization": f"Bearer {secret}"}
    assert client.http.get(f"{API}/cases", headers=api_token).status_code == 200
    (listed,) = [t for t in client.request("GET", "/tokens", Role.admin).json() if t["user"]]
    assert (listed["name"], listed["user"]) == ("scanner-1", wang)
    assert listed["last_used_at"] is not None
    disabled = CliRunner().invoke(main, ["user", "disable", wang])
    assert disabled.exit_code == 0, disabled.output
    assert client.http.get(f"{API}/cases", headers=session_token).status_code == 401
    assert client.http.get(f"{API}/cases", headers=api_token).status_code == 401
    status, body = login(client, wang, PASSWORD)
    assert (status, "disabled" in body["message"]) == (401, True)


def test_an_api_token_is_not_ended_by_logout(client: ApiClient) -> None:
    out = client.request("POST", "/auth/logout", Role.archivist)
    assert (out.status_code, out.json()) == (200, {"ended": False})
    assert client.request("GET", "/cases", Role.archivist).status_code == 200


def test_a_session_token_is_no_cookie_and_a_cookie_no_bearer(client: ApiClient, wang: str) -> None:
    _status, body = login(client, wang, PASSWORD)
    client.http.cookies.set(SESSION_COOKIE, body["token"])
    assert client.http.get("/cases", follow_redirects=False).status_code in (303, 401)
    client.http.cookies.clear()
    signin_page(client, wang, PASSWORD)
    cookie = client.http.cookies.get(SESSION_COOKIE)
    assert cookie is not None
    client.http.cookies.clear()
    bearer = {"Authorization": f"Bearer {cookie}"}
    assert client.http.get(f"{API}/cases", headers=bearer).status_code == 401


def signin_page(client: ApiClient, username: str, password: str) -> httpx.Response:
    form = client.http.get("/signin")
    csrf = CSRF_INPUT.search(form.text)
    assert csrf is not None
    return client.http.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": csrf.group(1)},
        follow_redirects=False,
    )


def test_the_sign_in_page_takes_a_user_name_and_password(client: ApiClient, wang: str) -> None:
    page = client.http.get("/signin")
    assert 'name="username"' in page.text
    assert 'name="password"' in page.text
    wrong = signin_page(client, wang, "wrong password")
    assert wrong.status_code == 401
    assert "用户名或密码错误" in wrong.text
    assert signin_page(client, wang, PASSWORD).status_code == 303
    cases = client.http.get("/cases")
    assert cases.status_code == 200
    assert "wang.xm（王小明）" in cases.text
    assert 'href="/admin/users"' not in cases.text


def test_a_reset_password_leads_to_the_change_page(
    client: ApiClient, wang: str, cli_settings: Settings
) -> None:
    temporary = CliRunner().invoke(main, ["user", "reset-password", wang]).output.strip()
    change = signin_page(client, wang, temporary)
    assert change.status_code == 200
    text = change.text
    assert "管理员已重置您的密码" in text
    csrf = CSRF_INPUT.search(text)
    assert csrf is not None
    form = {
        "username": wang,
        "password": temporary,
        "new_password": "a new passphrase",
        "csrf_token": csrf.group(1),
    }
    differ = client.http.post("/signin/password", data={**form, "new_password_again": "other"})
    assert differ.status_code == 422
    assert "两次输入的新密码不一致" in differ.text
    csrf = CSRF_INPUT.search(differ.text)
    assert csrf is not None
    done = client.http.post(
        "/signin/password",
        data={**form, "new_password_again": "a new passphrase", "csrf_token": csrf.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert "wang.xm（王小明）" in client.http.get("/cases").text


def test_changing_ones_password_ends_ones_other_sessions_but_keeps_the_new_one(
    client: ApiClient, wang: str, settings: Settings
) -> None:
    first, second = (login(client, wang, PASSWORD)[1]["token"] for _ in range(2))
    assert signin_page(client, wang, PASSWORD).status_code == 303
    with open_database(settings) as database, database.transaction() as session:
        _row, api_token = create_token(
            session,
            name="scanner-2",
            role=Role.archivist,
            actor=SYSTEM,
            owner=get_user(session, wang),
        )
    changed = client.http.post(
        f"{API}/auth/password",
        json={"username": wang, "password": PASSWORD, "new_password": "a new passphrase"},
    )
    assert changed.status_code == 200, changed.text
    for ended in (first, second):
        headers = {"Authorization": f"Bearer {ended}"}
        assert client.http.get(f"{API}/cases", headers=headers).status_code == 401
    assert client.http.get("/cases", follow_redirects=False).status_code == 303  # the cookie's
    kept = {"Authorization": f"Bearer {changed.json()['token']}"}
    assert client.http.get(f"{API}/cases", headers=kept).status_code == 200
    machine = {"Authorization": f"Bearer {api_token}"}
    assert client.http.get(f"{API}/cases", headers=machine).status_code == 200  # not a session


def test_changing_the_password_on_the_page_keeps_that_browser_signed_in(
    client: ApiClient, wang: str
) -> None:
    earlier = {"Authorization": f"Bearer {login(client, wang, PASSWORD)[1]['token']}"}
    form = client.http.get("/signin/password")
    csrf = CSRF_INPUT.search(form.text)
    assert csrf is not None
    done = client.http.post(
        "/signin/password",
        data={
            "username": wang,
            "password": PASSWORD,
            "new_password": "a new passphrase",
            "new_password_again": "a new passphrase",
            "csrf_token": csrf.group(1),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert client.http.get("/cases").status_code == 200
    assert client.http.get(f"{API}/cases", headers=earlier).status_code == 401


def test_the_admin_page_lists_disables_and_resets_users(client: ApiClient, wang: str) -> None:
    signin(client, Role.admin)
    page = client.http.get("/admin/users")
    assert page.status_code == 200
    assert "王小明" in page.text
    assert "GDS01" in page.text
    csrf = page_csrf(client, "/admin/users")
    disabled = client.http.post(f"/admin/users/{wang}/disable", data={"csrf_token": csrf})
    assert "已停用用户 wang.xm" in disabled.text
    assert login(client, wang, PASSWORD)[0] == 401
    client.http.post(f"/admin/users/{wang}/enable", data={"csrf_token": csrf})
    assert login(client, wang, PASSWORD)[0] == 200
    reset = client.http.post(f"/admin/users/{wang}/reset", data={"csrf_token": csrf})
    temporary = re.search(r'class="temporary-password">([^<]+)<', reset.text)
    assert temporary is not None
    assert "change it first" in login(client, wang, temporary.group(1))[1]["message"]


def test_the_first_admin_is_created_on_the_command_line(
    client: ApiClient, settings: Settings
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    env |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    created = subprocess.run(
        [*PYTHON_CLI, "user", "create", "admin", "--role", "admin", "--password-stdin"],
        input="the first passphrase\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    status, body = login(client, "admin", "the first passphrase")
    assert status == 200, body
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert client.http.get(f"{API}/users", headers=bearer).status_code == 200


def test_the_command_line_refuses_a_weak_password_and_lists_users(
    client: ApiClient, cli_settings: Settings
) -> None:
    runner = CliRunner()
    create = ["user", "create", "li.si", "--role", "auditor", "--password-stdin"]
    weak = runner.invoke(main, create, input="li.si123456\n")
    assert weak.exit_code != 0
    assert "must not contain the user name" in weak.output
    unknown_unit = [*create[:5], "--unit", "XGS02", "--password-stdin"]
    refused = runner.invoke(main, unknown_unit, input="a long passphrase\n")
    assert refused.exit_code == 2
    assert "there is no unit 'XGS02'" in refused.output
    made_unit = runner.invoke(main, ["unit", "create", "XGS02", "--name", "西关县公司"])
    assert made_unit.exit_code == 0, made_unit.output
    made = runner.invoke(
        main,
        [
            "user",
            "create",
            "li.si",
            "--role",
            "auditor",
            "--unit",
            "XGS02",
            "--display-name",
            "李四",
            "--password-stdin",
        ],
        input="a long passphrase\n",
    )
    assert made.exit_code == 0, made.output
    listed = runner.invoke(main, ["user", "list"])
    assert listed.output.splitlines() == ["li.si\t李四\tauditor\tXGS02\tactive"]
    taken = runner.invoke(main, create, input="x" * 12)
    assert taken.exit_code == 4, taken.output


def test_the_admin_page_creates_users_and_changes_role_and_unit(
    client: ApiClient, wang: str
) -> None:
    signin(client, Role.admin)
    csrf = page_csrf(client, "/admin/users")
    client.http.post(
        "/admin/units",
        data={"csrf_token": csrf, "code": "XGS02", "name": "西关县公司", "parent": ""},
    )
    created = client.http.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "li.si",
            "display_name": "李四",
            "role": "reviewer",
            "unit": "XGS02",
        },
    )
    temporary = re.search(r'class="temporary-password">([^<]+)<', created.text)
    assert temporary is not None
    assert "change it first" in login(client, "li.si", temporary.group(1))[1]["message"]
    bad = client.http.post(
        f"/admin/users/{wang}/update", data={"csrf_token": csrf, "role": "boss", "unit": ""}
    )
    assert bad.status_code == 422
    client.http.post(
        f"/admin/users/{wang}/update", data={"csrf_token": csrf, "role": "reviewer", "unit": ""}
    )
    users = {u["username"]: u for u in client.request("GET", "/users", Role.admin).json()}
    assert (users[wang]["role"], users[wang]["unit"]) == ("reviewer", None)
    assert (users["li.si"]["role"], users["li.si"]["unit"]) == ("reviewer", "XGS02")
    _status, body = login(client, wang, PASSWORD)
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert client.http.get(f"{API}/search", params={"q": "x"}, headers=bearer).status_code == 200


def test_an_admin_gives_a_token_an_owner(client: ApiClient, wang: str) -> None:
    body = {"name": "scanner-2", "role": "archivist", "user": wang}
    created = client.request("POST", "/tokens", Role.admin, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["user"] == wang
    unknown = client.request("POST", "/tokens", Role.admin, json={**body, "user": "nobody"})
    assert unknown.status_code == 422
    assert "no user 'nobody'" in unknown.json()["message"]
