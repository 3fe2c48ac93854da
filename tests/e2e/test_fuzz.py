"""Schemathesis fuzzes every operation of the OpenAPI schema: no 5xx, answers as the schema says.

Each operation gets a bounded number of generated requests (``EXAMPLES``), valid and invalid,
as an admin against a case with a document, so the run stays within seconds per operation. Every
answer must be a status the operation documents (401/403/404/409/413/415/422 … included, see
``api._openapi``), of the documented content type and body schema, and never a server error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app
from archive import Role
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes

EXAMPLES = 12
"""Generated requests per operation: enough to reach every parameter, bounded in time."""

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(settings: Settings, tokens: dict[Role, str]) -> Iterator[schemathesis.BaseSchema]:
    """The running app's schema, the app holding a case (YK-F1) with one uploaded document."""
    app = create_app(settings)
    with TestClient(app) as http:
        client = ApiClient(http, tokens)
        assert client.create_case("YK-F1").status_code == 201
        assert client.upload("YK-F1", png_bytes(3)).status_code == 202
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


def _operations() -> list[tuple[str, str]]:
    """(method, path) of every operation in the app's schema, for the test ids."""
    paths = create_app(Settings(_env_file=None)).openapi()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items() for method in ops)


@pytest.mark.parametrize(("method", "path"), _operations(), ids=str)
def test_every_operation_answers_as_its_schema_says(
    api_schema: schemathesis.BaseSchema, tokens: dict[Role, str], method: str, path: str
) -> None:
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {tokens[Role.admin]}"}

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def answers_as_documented(case: schemathesis.Case[Any]) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    answers_as_documented()
