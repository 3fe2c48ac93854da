"""Directory sign-in against the real OpenLDAP of scripts/services.sh, through the HTTP app.

The directory holds the synthetic people and groups of scripts/services/ldap/seed.ldif: li.na
(yekuo-reviewers and yekuo-archivists, unit GDS02), zhao.lei (yekuo-archivists), sun.qi
(yekuo-auditors, a posixGroup naming members by uid), chen.jing (only canteen, unmapped) and
local.twin (yekuo-admins), all with ``tests.directory.DIRECTORY_PASSWORD``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import create_app
from archive import (
    SYSTEM,
    ConflictError,
    Role,
    create_token,
    create_user,
    get_user,
    open_database,
    reset_password,
)
from archive.db import Unit
from archive.db._models import User
from cli import main
from core import Settings, get_settings
from tests.directory import DIRECTORY_PASSWORD, changed, with_test_directory
from tests.e2e.helpers import API

LOCAL_PASSWORD = "local password 2026"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def ldap_settings(settings: Settings) -> Settings:
    """This test's settings with the test directory as the directory to sign in through."""
    return with_test_directory(settings)


def _http(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def http(ldap_settings: Settings) -> Iterator[TestClient]:
    """A client of an app that signs people in through the test directory."""
    yield from _http(ldap_settings)


@pytest.fixture
def local_users(ldap_settings: Settings) -> dict[str, str]:
    """The first admin (local) and a local archivist named like a directory entry."""
    with open_database(ldap_settings) as database:
        database.upgrade()
        with database.transaction() as session:
            for name, role in (("admin", Role.admin), ("local.twin", Role.archivist)):
                create_user(
                    session,
                    username=name,
                    password=LOCAL_PASSWORD,
                    role=role,
                    display_name=f"本地{name}",
                    actor=SYSTEM,
                )
            _, admin_token = create_token(
                session, name="admin-script", role=Role.admin, actor=SYSTEM
            )
    return {"admin_token": admin_token}


def login(http: TestClient, username: str, password: str) -> httpx.Response:
    return http.post(f"{API}/auth/login", json={"username": username, "password": password})


def bearer(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def users_by_name(http: TestClient, admin_token: str) -> dict[str, dict[str, Any]]:
    listed = http.get(f"{API}/users", headers={"Authorization": f"Bearer {admin_token}"})
    assert listed.status_code == 200, listed.text
    return {user["username"]: user for user in listed.json()}


def audit_actions(http: TestClient, admin_token: str, entity_id: str) -> list[str]:
    events = http.get(f"{API}/audit", headers={"Authorization": f"Bearer {admin_token}"}).json()
    items = events["events"] if isinstance(events, dict) else events
    return [event["action"] for event in items if event.get("entity_id") == entity_id]


def test_a_directory_user_signs_in_with_the_role_of_their_groups(
    http: TestClient, local_users: dict[str, str], ldap_settings: Settings
) -> None:
    headers = bearer(login(http, "li.na", DIRECTORY_PASSWORD))
    # reviewers come first in the mapping, so li.na (also an archivist) is a reviewer
    assert http.get(f"{API}/cases/YK-none/check", headers=headers).status_code == 404
    assert http.post(f"{API}/cases", json={}, headers=headers).status_code == 403
    li = users_by_name(http, local_users["admin_token"])["li.na"]
    assert (li["display_name"], li["role"], li["unit"], li["source"]) == (
        "李娜",
        "reviewer",
        "GDS02",
        "ldap",
    )
    assert "user.provisioned" in audit_actions(http, local_users["admin_token"], "li.na")
    get_settings.cache_clear()  # the command line reads this test's database
    try:
        listed = CliRunner().invoke(
            main, ["user", "list"], env={"YEKUO_DATABASE_URL": ldap_settings.resolved_database_url}
        )
    finally:
        get_settings.cache_clear()
    assert "li.na\t李娜\treviewer\tGDS02\tactive, directory (ldap)" in listed.output.splitlines()


def test_a_posix_group_names_its_members_by_uid(
    http: TestClient, local_users: dict[str, str]
) -> None:
    bearer(login(http, "sun.qi", DIRECTORY_PASSWORD))
    sun = users_by_name(http, local_users["admin_token"])["sun.qi"]
    assert (sun["role"], sun["display_name"], sun["unit"]) == ("auditor", "孙琪", None)


def test_a_wrong_password_is_401_and_counts_toward_the_lock_out(
    http: TestClient, local_users: dict[str, str], ldap_settings: Settings
) -> None:
    refused = login(http, "zhao.lei", "not the password")
    assert refused.status_code == 401
    assert "wrong user name or password" in refused.json()["message"]
    assert login(http, "nobody.here", DIRECTORY_PASSWORD).status_code == 401
    bearer(login(http, "zhao.lei", DIRECTORY_PASSWORD))  # provisioned: now failures count
    for _ in range(5):
        assert login(http, "zhao.lei", "not the password").status_code == 401
    locked = login(http, "zhao.lei", DIRECTORY_PASSWORD)
    assert locked.status_code == 401
    assert "locked" in locked.json()["message"]
    assert "user.locked" in audit_actions(http, local_users["admin_token"], "zhao.lei")


def test_a_directory_user_in_no_mapped_group_is_refused(
    http: TestClient, local_users: dict[str, str]
) -> None:
    refused = login(http, "chen.jing", DIRECTORY_PASSWORD)
    assert refused.status_code == 401
    assert "none of their groups is mapped" in refused.json()["message"]
    assert "chen.jing" not in users_by_name(http, local_users["admin_token"])


def test_a_directory_entry_does_not_take_over_a_local_user_of_its_name(
    http: TestClient, local_users: dict[str, str]
) -> None:
    # The directory's local.twin is in yekuo-admins; the local one is an archivist.
    assert login(http, "local.twin", DIRECTORY_PASSWORD).status_code == 401
    headers = bearer(login(http, "local.twin", LOCAL_PASSWORD))
    assert http.get(f"{API}/users", headers=headers).status_code == 403
    twin = users_by_name(http, local_users["admin_token"])["local.twin"]
    assert (twin["role"], twin["display_name"], twin["source"]) == (
        "archivist",
        "本地local.twin",
        "local",
    )


def test_the_directory_follows_the_user_at_each_sign_in(
    http: TestClient, local_users: dict[str, str], ldap_settings: Settings
) -> None:
    bearer(login(http, "li.na", DIRECTORY_PASSWORD))
    with open_database(ldap_settings) as database, database.transaction() as session:
        get_user(session, "li.na").role = Role.auditor.value
    bearer(login(http, "li.na", DIRECTORY_PASSWORD))
    assert users_by_name(http, local_users["admin_token"])["li.na"]["role"] == "reviewer"
    actions = audit_actions(http, local_users["admin_token"], "li.na")
    assert actions.count("user.directory_updated") == 1


def test_a_directory_users_password_is_changed_in_the_directory(
    http: TestClient, local_users: dict[str, str], ldap_settings: Settings
) -> None:
    bearer(login(http, "zhao.lei", DIRECTORY_PASSWORD))
    changed = http.post(
        f"{API}/auth/password",
        json={"username": "zhao.lei", "password": DIRECTORY_PASSWORD, "new_password": "x" * 12},
    )
    assert changed.status_code == 409
    assert "change the password there" in changed.json()["message"]
    with (
        open_database(ldap_settings) as database,
        database.transaction() as session,
        pytest.raises(ConflictError, match="directory"),
    ):
        reset_password(session, username="zhao.lei", actor=SYSTEM)


def test_with_the_directory_down_local_users_sign_in_and_directory_users_get_503(
    ldap_settings: Settings, local_users: dict[str, str]
) -> None:
    down = changed(ldap_settings, ldap_url="ldap://127.0.0.1:1")
    for http in _http(down):
        bearer(login(http, "admin", LOCAL_PASSWORD))
        refused = login(http, "li.na", DIRECTORY_PASSWORD)
        assert refused.status_code == 503
        assert refused.json()["code"] == "directory_unavailable"
        assert "ldap://127.0.0.1:1" in refused.json()["message"]


def test_the_sign_in_page_signs_a_directory_user_in(
    http: TestClient, local_users: dict[str, str]
) -> None:
    def submit(password: str) -> httpx.Response:
        form = http.get("/signin")
        csrf = CSRF_INPUT.search(form.text)
        assert csrf is not None
        return http.post(
            "/signin",
            data={"username": "li.na", "password": password, "csrf_token": csrf.group(1)},
            follow_redirects=False,
        )

    wrong = submit("not the password")
    assert wrong.status_code == 401
    assert "用户名或密码错误" in wrong.text
    signed_in = submit(DIRECTORY_PASSWORD)
    assert signed_in.status_code == 303, signed_in.text
    cases = http.get("/cases")
    assert cases.status_code == 200
    assert "李娜" in cases.text


def test_the_users_page_marks_directory_users_and_offers_them_no_reset(
    http: TestClient, local_users: dict[str, str]
) -> None:
    bearer(login(http, "li.na", DIRECTORY_PASSWORD))
    form = http.get("/signin")
    csrf = CSRF_INPUT.search(form.text)
    assert csrf is not None
    signed_in = http.post(
        "/signin",
        data={"username": "admin", "password": LOCAL_PASSWORD, "csrf_token": csrf.group(1)},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    page = http.get("/admin/users").text
    assert "目录账号" in page
    assert 'action="/admin/users/admin/reset"' in page
    assert 'action="/admin/users/li.na/reset"' not in page


def test_a_directory_unit_yekuo_does_not_have_is_refused_not_widened(
    http: TestClient, ldap_settings: Settings
) -> None:
    with open_database(ldap_settings) as database, database.transaction() as session:
        session.delete(session.get(Unit, "GDS02"))
    refused = login(http, "li.na", DIRECTORY_PASSWORD)
    assert refused.status_code == 401
    assert "GDS02" in refused.json()["message"]
    assert "create it first" in refused.json()["message"]
    with open_database(ldap_settings) as database, database.transaction() as session:
        assert session.scalar(select(User).where(User.username == "li.na")) is None
