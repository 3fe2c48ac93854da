"""README's role table is the truth: every route of the app, called as every role.

The table of "The HTTP API" in README.md says who may call each JSON endpoint; this module
reads it, so the two cannot drift. Web pages allow the roles of the endpoint they stand for
(``PAGES``), a few routes need no token (``PUBLIC``), and a route of the app in none of these
fails ``test_every_route_is_in_the_table``. Allowed roles get anything but 401/403 (a 404,
409 or 422 still means the role was let in), the others 403, no token 401 (pages: sign-in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.routing import iter_route_contexts

from api import API_PREFIX, create_app
from archive import SYSTEM, Role, create_user, open_database
from core import Settings
from tests.e2e.helpers import VALID_ID, ApiClient, case_body, png_bytes
from tests.e2e.test_pages import page_csrf, signin

README = Path(__file__).resolve().parents[2] / "README.md"
_ENDPOINT = re.compile(r"`(GET|POST|PUT|DELETE) (/[^`\s?\[]*)")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def route_key(method: str, path: str) -> str:
    """``METHOD /path`` with every path parameter written ``{}``."""
    return f"{method} {_PLACEHOLDER.sub('{}', path)}"


def readme_table() -> dict[str, frozenset[Role]]:
    """README's HTTP API table: each endpoint's key and the roles its ``who`` cell allows."""
    section = README.read_text(encoding="utf-8").split("\n## The HTTP API\n", 1)[1]
    table: dict[str, frozenset[Role]] = {}
    for line in section.split("\n## ", 1)[0].splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        who = cells[1]
        roles = frozenset(Role) if who == "all" else frozenset(Role(r) for r in who.split(", "))
        for method, path in _ENDPOINT.findall(cells[0]):
            table[route_key(method, API_PREFIX + path)] = roles
    return table


TABLE = readme_table()

SIGN_IN = "POST /signin"
PASSWORD_FORM = "POST /signin/password"
WORLD_PASSWORD = "a long passphrase"

PUBLIC = frozenset(
    {
        "GET /healthz",
        "GET /openapi.json",
        "GET /docs",
        "GET /docs/static/{}",
        "GET /static/{}",
        "GET /signin",
        SIGN_IN,
        "GET /signin/password",
        PASSWORD_FORM,
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/password",
    }
)
"""Routes anyone may call, without a token."""

SIGNED_IN = "any signed-in role"
VIEW_PII = "roles with view_pii"

PAGES = {
    "GET /": SIGNED_IN,
    "POST /signout": SIGNED_IN,
    "GET /cases": "GET /api/v1/cases",
    "GET /cases/new": "POST /api/v1/cases",
    "POST /cases/new": "POST /api/v1/cases",
    "GET /cases/{}": "GET /api/v1/cases/{}",
    "GET /cases/import": "PUT /api/v1/cases/{}",
    "POST /cases/import": "PUT /api/v1/cases/{}",
    "POST /cases/{}/record": "PUT /api/v1/cases/{}",
    "GET /cases/{}/cover-sheets": "GET /api/v1/cases/{}/cover-sheets",
    "GET /cases/{}/missing-notice": "GET /api/v1/cases/{}/missing-notice",
    "POST /cases/{}/advance": "POST /api/v1/cases/{}/advance",
    "POST /cases/{}/unit": "PUT /api/v1/cases/{}/unit",
    "POST /cases/{}/upload": "POST /api/v1/cases/{}/documents",
    "GET /documents/{}": "GET /api/v1/documents/{}",
    "GET /documents/{}/status": "GET /api/v1/documents/{}",
    "GET /documents/{}/original": "GET /api/v1/documents/{}/file",
    "GET /documents/{}/pages/{}": "GET /api/v1/documents/{}/file",
    "POST /documents/{}/doc_type": "PUT /api/v1/documents/{}/doc_type",
    "POST /documents/{}/fields": "PUT /api/v1/documents/{}/fields",
    "POST /documents/{}/retry": "POST /api/v1/documents/{}/retry",
    "POST /documents/{}/release": "POST /api/v1/documents/{}/release",
    "POST /documents/{}/split": "POST /api/v1/documents/{}/split",
    "POST /documents/{}/trash": "DELETE /api/v1/documents/{}",
    "POST /documents/{}/restore": "POST /api/v1/documents/{}/restore",
    "POST /documents/{}/move": "POST /api/v1/documents/{}/move",
    "GET /trash": "GET /api/v1/trash",
    "POST /cases/{}/rebase": "POST /api/v1/cases/{}/rebase",
    "POST /cases/{}/facts": "PUT /api/v1/cases/{}/facts",
    "POST /findings/{}/dismiss": "POST /api/v1/findings/{}/dismiss",
    "GET /search": "GET /api/v1/search",
    "GET /reports/consistency": "GET /api/v1/reports/consistency",
    "GET /reports/consistency/export": "GET /api/v1/reports/consistency",
    "GET /audit": "GET /api/v1/audit",
    "POST /cases/{}/reveal": VIEW_PII,
    "POST /documents/{}/reveal": VIEW_PII,
    "GET /admin/users": "GET /api/v1/users",
    "POST /admin/users/{}/disable": "GET /api/v1/users",
    "POST /admin/users/{}/enable": "GET /api/v1/users",
    "POST /admin/users/{}/reset": "GET /api/v1/users",
    "POST /admin/users": "GET /api/v1/users",
    "POST /admin/users/{}/update": "GET /api/v1/users",
    "POST /admin/units": "GET /api/v1/users",
    "GET /loans": "GET /api/v1/loans",
    "POST /cases/{}/loans": "POST /api/v1/cases/{}/loans",
    "POST /loans/{}/approve": "POST /api/v1/loans/{}/approve",
    "POST /loans/{}/refuse": "POST /api/v1/loans/{}/refuse",
    "POST /loans/{}/return": "POST /api/v1/loans/{}/return",
    "POST /admin/posts": "GET /api/v1/users",
    "POST /cases/{}/duty": "PUT /api/v1/cases/{}/duty",
    "GET /reports/timeliness": "GET /api/v1/reports/timeliness",
    "GET /reports/timeliness/xlsx": "GET /api/v1/reports/timeliness/xlsx",
}
"""Each web page or page script, and the README endpoint whose roles it allows."""


@dataclass(frozen=True)
class Route:
    """One route of the app: its method and path as declared."""

    method: str
    path: str

    @property
    def key(self) -> str:
        """The route's key in the tables."""
        return route_key(self.method, self.path)


def app_routes() -> list[Route]:
    """Every route the app serves (HEAD, which Starlette adds to GET routes, left out)."""
    app = create_app(Settings(_env_file=None))
    return sorted(
        (
            Route(method, route.path)
            for route in iter_route_contexts(app.routes)
            if route.path
            for method in route.methods or ()
            if method != "HEAD"
        ),
        key=lambda route: route.key,
    )


ROUTES = app_routes()


def allowed_roles(key: str) -> frozenset[Role]:
    """Who may call the route with this key, by README's table."""
    if key in PUBLIC or PAGES.get(key) == SIGNED_IN:
        return frozenset(Role)
    if PAGES.get(key) == VIEW_PII:
        return frozenset(Role(name) for name in Settings(_env_file=None).pii_role_set)
    return TABLE[PAGES.get(key, key)]


def test_every_route_is_in_the_table() -> None:
    routes = {route.key for route in ROUTES}
    unlisted = sorted(routes - set(TABLE) - PUBLIC - set(PAGES))
    assert unlisted == [], "add these routes to README's HTTP API table (or PAGES/PUBLIC)"
    assert sorted(set(TABLE) - routes) == [], "README's table names routes the app lacks"
    assert sorted(set(PAGES) - routes) == []
    assert sorted(set(PAGES.values()) - set(TABLE) - {SIGNED_IN, VIEW_PII}) == []
    assert TABLE["GET /api/v1/cases/{}/check"] == {Role.reviewer, Role.admin}


@pytest.fixture
def world(client: ApiClient, settings: Settings) -> dict[str, str]:
    """A case with a finding and a document, a spare token to revoke, a user to manage."""
    with open_database(settings) as database, database.transaction() as session:
        create_user(
            session, username="world.user", password=WORLD_PASSWORD, role=Role.auditor, actor=SYSTEM
        )
    wrong = VALID_ID[:17] + "1"
    case = client.create_case("YK-001", customer={"name": "王小明", "id_number": wrong})
    assert case.status_code == 201, case.text
    document = client.upload("YK-001", png_bytes(1)).json()
    spare = client.request(
        "POST", "/tokens", Role.admin, json={"name": "spare", "role": "archivist"}
    )
    return {
        "case_no": "YK-001",
        "document_id": document["document_id"],
        "token_id": str(spare.json()["id"]),
        "finding_id": str(case.json()["findings"][0]["id"]),
        "page": "1",
        "username": "world.user",
        "loan_id": "999",
    }


_NAMES = {"/static/{name}": "web.css", "/docs/static/{name}": "swagger-ui.css"}
_BODIES: dict[str, Any] = {
    "POST /api/v1/tokens": {"name": "t", "role": "auditor"},
    "POST /api/v1/cases/{}/advance": {"to": "survey"},
    "POST /api/v1/cases/{}/archive": {},
    "POST /api/v1/cases/{}/reopen": {"reason": "test"},
    "POST /api/v1/cases/{}/loans": {"purpose": "test"},
    "POST /api/v1/loans/{}/refuse": {"reason": "test"},
    "PUT /api/v1/cases/{}/facts": {"facts": {}},
    "PUT /api/v1/cases/{}": case_body("YK-001"),
    "PUT /api/v1/cases/{}/unit": {"unit": "NO-SUCH-UNIT"},
    "PUT /api/v1/cases/{}/duty": {"post": "clerk"},
    "POST /api/v1/cases/{}/rebase": {"version": "v0", "reason": "test"},
    "PUT /api/v1/documents/{}/doc_type": {"doc_type": "id_card"},
    "PUT /api/v1/documents/{}/fields/{}": {"value": "王小明"},
    "PUT /api/v1/documents/{}/fields": [{"name": "name", "value": "王小明"}],
    "POST /api/v1/findings/{}/dismiss": {"reason": "test"},
    "POST /api/v1/documents/{}/release": {"reason": "test"},
    "POST /api/v1/documents/{}/split": {"part": 1, "first_page": 2},
    "DELETE /api/v1/documents/{}": {"reason": "test"},
    "POST /api/v1/documents/{}/move": {"case_no": "NO-SUCH-CASE", "reason": "test"},
    "POST /api/v1/auth/login": {"username": "world.user", "password": WORLD_PASSWORD},
    "POST /api/v1/auth/password": {
        "username": "world.user",
        "password": WORLD_PASSWORD,
        "new_password": "short",  # refused (422) after the password was checked
    },
}
FORMS = {
    "POST /cases/{}/advance": {"to": "survey"},
    "POST /documents/{}/doc_type": {"doc_type": "id_card"},
    "POST /documents/{}/fields": {"name": "name", "value": "王小明", "reason": ""},
    "POST /findings/{}/dismiss": {"reason": "test"},
    "POST /documents/{}/release": {"reason": "test"},
    "POST /documents/{}/split": {"part": "1", "first_page": "2"},
    "POST /documents/{}/trash": {"reason": "test"},
    "POST /documents/{}/move": {"case_no": "NO-SUCH-CASE", "reason": "test"},
    "POST /cases/{}/rebase": {"version": "v0", "reason": "test"},
    "POST /cases/{}/facts": {"fact": "tenant"},
    "POST /admin/users": {"username": "page.user", "role": "auditor"},
    "POST /admin/users/{}/update": {"role": "reviewer", "unit": "GDS02"},
    "POST /admin/units": {"code": "PAGE-UNIT", "name": "页面单位"},
    "POST /cases/{}/unit": {"unit": "NO-SUCH-UNIT"},
    "POST /cases/{}/loans": {"purpose": "test"},
    "POST /loans/{}/refuse": {"reason": "test"},
    "POST /cases/{}/record": {"customer_name": "王小明", "capacity_kva": "x"},
    "POST /admin/posts": {"unit": "TOP", "post": "clerk", "username": "world.user"},
    "POST /cases/{}/duty": {"post": "clerk"},
}


def call(route: Route, world: dict[str, str], n: int) -> dict[str, Any]:
    """The path and keyword arguments of a request to ``route``; ``n`` makes bodies unique."""
    path = route.path.replace("{name}", _NAMES.get(route.path, "name")).format(**world)
    kwargs: dict[str, Any] = {}
    if route.key == "POST /api/v1/cases":
        kwargs["json"] = case_body(f"NEW-{n}")
    elif route.key == "POST /api/v1/tokens":
        kwargs["json"] = {**_BODIES[route.key], "name": f"t{n}"}
    elif route.key in _BODIES:
        kwargs["json"] = _BODIES[route.key]
    elif route.key in ("POST /api/v1/cases/{}/documents", "POST /cases/{}/upload"):
        kwargs["files"] = {"file": ("s.png", png_bytes(100 + n))}
    return {"method": route.method, "url": path, **kwargs}


def as_role(client: ApiClient, route: Route, role: Role, request: dict[str, Any]) -> int:
    """The status of the request made as ``role``: by token, or signed in for pages."""
    if route.key == SIGN_IN:
        return signin(client, role).status_code
    if route.key == PASSWORD_FORM:
        return password_form(client).status_code
    if route.path.startswith(API_PREFIX) or route.key in PUBLIC:
        return client.http.request(headers=client.headers(role), **request).status_code
    client.http.cookies.clear()
    signin(client, role)
    csrf = page_csrf(client)
    if route.key == "POST /cases/{}/upload":
        request = {**request, "headers": {"X-CSRF-Token": csrf}}
    elif route.method == "POST":
        request = {**request, "data": {**FORMS.get(route.key, {}), "csrf_token": csrf}}
    return client.http.request(follow_redirects=False, **request).status_code


def password_form(client: ApiClient) -> httpx.Response:
    """The password change form posted with the right password and two new ones that differ."""
    form = client.http.get("/signin/password")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert csrf is not None
    return client.http.post(
        "/signin/password",
        data={
            "username": "world.user",
            "password": WORLD_PASSWORD,
            "new_password": "one new passphrase",
            "new_password_again": "another new passphrase",
            "csrf_token": csrf.group(1),
        },
        follow_redirects=False,
    )


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.key)
def test_each_role_gets_what_readme_says(
    client: ApiClient, world: dict[str, str], route: Route
) -> None:
    allowed = allowed_roles(route.key)
    for n, role in enumerate(Role):
        status = as_role(client, route, role, call(route, world, n))
        if role in allowed:
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)
    client.http.cookies.clear()
    if route.key in (SIGN_IN, PASSWORD_FORM):
        return  # signing in is how a browser gets a token (tests/e2e/test_pages.py)
    anonymous = client.http.request(follow_redirects=False, **call(route, world, 9))
    if route.key in PUBLIC:
        assert anonymous.status_code not in (401, 403)
    elif route.path.startswith(API_PREFIX):
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"] == "Bearer"
        assert anonymous.json()["code"] == "unauthenticated"
    else:
        assert anonymous.status_code in (303, 401), anonymous.text
        if anonymous.status_code == 303:
            assert anonymous.headers["location"].startswith("/signin")


def test_forbidden_names_the_role_and_who_may(client: ApiClient) -> None:
    response = client.request("GET", "/cases/YK-001/check", Role.auditor)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "auditor" in response.json()["message"]
    assert "admin, reviewer" in response.json()["message"]


def test_a_wrong_token_is_401(client: ApiClient) -> None:
    wrong = client.http.get("/api/v1/cases", headers={"Authorization": "Bearer yk_not-a-token"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert wrong.json()["code"] == "unauthenticated"


def test_revoked_token_stops_working(client: ApiClient) -> None:
    created = client.request(
        "POST", "/tokens", Role.admin, json={"name": "temp", "role": "auditor"}
    )
    secret, token_id = created.json()["token"], created.json()["id"]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.http.get("/api/v1/cases", headers=headers).status_code == 200
    assert client.request("DELETE", f"/tokens/{token_id}", Role.admin).status_code == 200
    assert client.http.get("/api/v1/cases", headers=headers).status_code == 401


def test_token_secrets_are_never_listed(client: ApiClient) -> None:
    created = client.request("POST", "/tokens", Role.admin, json={"name": "x", "role": "reviewer"})
    listing = client.request("GET", "/tokens", Role.admin)
    assert created.json()["token"] not in listing.text
    assert all("token" not in row for row in listing.json())
