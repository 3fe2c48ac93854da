"""Every endpoint's role matrix: allowed roles get through, others 403, no token 401."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from archive import Role
from tests.e2e.helpers import ApiClient, case_body, png_bytes

ALL = frozenset(Role)
ARCHIVE_WRITERS = frozenset({Role.archivist, Role.admin})
ADMIN = frozenset({Role.admin})
AUDITORS = frozenset({Role.auditor, Role.admin})


@dataclass(frozen=True)
class Endpoint:
    """One endpoint, how to call it, and who may."""

    method: str
    path: str
    allowed: frozenset[Role]
    kwargs: Callable[[int], dict[str, Any]] = lambda _n: {}


ENDPOINTS = [
    Endpoint("POST", "/cases", ARCHIVE_WRITERS, lambda n: {"json": case_body(f"NEW-{n}")}),
    Endpoint("GET", "/cases", ALL),
    Endpoint("GET", "/cases/YK-001", ALL),
    Endpoint(
        "POST",
        "/cases/YK-001/documents",
        ARCHIVE_WRITERS,
        lambda n: {"files": {"file": ("s.png", png_bytes(100 + n))}},
    ),
    Endpoint("GET", "/documents/{document_id}", ALL),
    Endpoint("GET", "/documents/{document_id}/file", ALL),
    Endpoint("POST", "/tokens", ADMIN, lambda n: {"json": {"name": f"t{n}", "role": "auditor"}}),
    Endpoint("GET", "/tokens", ADMIN),
    Endpoint("DELETE", "/tokens/{token_id}", ADMIN),
    Endpoint("GET", "/audit", AUDITORS),
    Endpoint("GET", "/audit/verify", AUDITORS),
    Endpoint("GET", "/search", frozenset({Role.reviewer, Role.auditor, Role.admin})),
    Endpoint("GET", "/intake", ALL),
    Endpoint("POST", "/documents/{document_id}/retry", ARCHIVE_WRITERS),
]


@pytest.fixture
def world(client: ApiClient) -> dict[str, str]:
    """A case with one document, and a spare token to revoke."""
    assert client.create_case("YK-001").status_code == 201
    document = client.upload("YK-001", png_bytes(1)).json()
    spare = client.request(
        "POST", "/tokens", Role.admin, json={"name": "spare", "role": "archivist"}
    )
    return {"document_id": document["document_id"], "token_id": str(spare.json()["id"])}


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_role_matrix(client: ApiClient, world: dict[str, str], endpoint: Endpoint) -> None:
    path = endpoint.path.format(**world)
    for n, role in enumerate(Role):
        response = client.request(endpoint.method, path, role, **endpoint.kwargs(n))
        if role in endpoint.allowed:
            assert response.status_code < 400, (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["code"] == "forbidden"
            assert role.value in response.json()["message"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.path}")
def test_no_or_bad_token_is_401(
    client: ApiClient, world: dict[str, str], endpoint: Endpoint
) -> None:
    path = "/api/v1" + endpoint.path.format(**world)
    missing = client.http.request(endpoint.method, path, **endpoint.kwargs(0))
    wrong = client.http.request(
        endpoint.method,
        path,
        headers={"Authorization": "Bearer yk_not-a-token"},
        **endpoint.kwargs(1),
    )
    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "unauthenticated"


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
