"""An app on embedded backends, a client, and a token of every role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import SYSTEM, Role, create_token, open_database
from core import Settings, get_settings
from tests.e2e.helpers import ApiClient


@pytest.fixture
def tokens(settings: Settings) -> dict[Role, str]:
    """A token for each role, created in this test's database."""
    with open_database(settings) as database:
        database.upgrade()
        with database.transaction() as session:
            return {
                role: create_token(session, name=f"{role.value}-user", role=role, actor=SYSTEM)[1]
                for role in Role
            }


@pytest.fixture
def client(settings: Settings, tokens: dict[Role, str]) -> Iterator[ApiClient]:
    """A client of a running app, able to act as any role."""
    with TestClient(create_app(settings)) as test_client:
        yield ApiClient(test_client, tokens)


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The command line in this process reads the settings of this test."""
    monkeypatch.setenv("YEKUO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("YEKUO_DATABASE_URL", settings.resolved_database_url)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.fixture
def quiet_client(settings: Settings, tokens: dict[Role, str]) -> Iterator[ApiClient]:
    """A client of an app without intake workers: its tests finish intake themselves."""
    quiet = settings.model_copy(update={"intake_in_process": False})
    with TestClient(create_app(quiet)) as test_client:
        yield ApiClient(test_client, tokens)
