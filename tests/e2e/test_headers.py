"""Every response carries the security headers; the API documentation needs no other host."""

from __future__ import annotations

import re

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import Role
from core import Settings
from search import SearchQuery, SearchResult, SqliteSearchIndex
from tests.e2e.helpers import ApiClient
from tests.e2e.test_pages import signin

STRICT_POLICY = (
    "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)


def assert_secured(response: httpx.Response) -> None:
    """The headers of a response that may not be framed, sniffed or leak its address."""
    assert response.headers["content-security-policy"].startswith(STRICT_POLICY), response.url
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/cases", 200),  # a page
        ("/cases/NO-SUCH-CASE", 404),  # an error page
        ("/signin", 200),  # a page before sign-in
        ("/static/web.css", 200),
        ("/api/v1/cases", 200),  # JSON
        ("/api/v1/cases/NO-SUCH-CASE", 404),  # a JSON error
        ("/api/v1/no-such-route", 404),
        ("/healthz", 200),
        ("/openapi.json", 200),
        ("/docs", 200),
    ],
)
def test_every_kind_of_response_carries_the_headers(
    client: ApiClient, path: str, status: int
) -> None:
    signin(client, Role.admin)
    response = client.http.get(path, headers=client.headers(Role.admin))
    assert response.status_code == status, response.text
    assert_secured(response)
    if path != "/docs":
        assert response.headers["content-security-policy"] == STRICT_POLICY


def test_the_pages_policy_is_strict_and_pages_have_no_inline_script_or_style(
    client: ApiClient,
) -> None:
    signin(client, Role.admin)
    assert client.create_case("YK-001").status_code == 201
    for path in ("/cases", "/cases/new", "/cases/YK-001", "/search?q=x", "/audit", "/signin"):
        page = client.http.get(path).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == [], path
        assert "<style" not in page, path
        assert " style=" not in page, path
        assert re.findall(r"\son[a-z]+=", page) == [], path


def test_api_docs_load_swagger_ui_from_this_server_only(client: ApiClient) -> None:
    docs = client.http.get("/docs")
    assert docs.status_code == 200
    references = re.findall(r'(?:src|href)="([^"]*)"', docs.text)
    assert references
    assert all(ref.startswith("/") and not ref.startswith("//") for ref in references)
    assert "http://" not in docs.text
    assert "https://" not in docs.text
    for ref in references:
        served = client.http.get(ref)
        assert served.status_code == 200, ref
        assert_secured(served)
    policy = docs.headers["content-security-policy"]
    # The inline start-up script is allowed by its hash, not by allowing every inline script.
    assert re.search(r"script-src 'self' 'sha256-[A-Za-z0-9+/=]+'", policy), policy
    assert "unsafe-inline" not in policy
    assert client.http.get("/redoc").status_code == 404


class CrashingIndex(SqliteSearchIndex):
    """An embedded index whose searches fail with an error nobody expected."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Fail as a bug would."""
        raise RuntimeError("simulated bug in the search index")


def test_an_unexpected_500_carries_the_headers(settings: Settings, tokens: dict[Role, str]) -> None:
    app = create_app(settings, search_index=CrashingIndex(settings.data_dir / "search.db"))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get(
            "/api/v1/search?q=x", headers={"Authorization": f"Bearer {tokens[Role.auditor]}"}
        )
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert_secured(response)
