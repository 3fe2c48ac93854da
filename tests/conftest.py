"""Fixtures shared by every test: each test gets its own data directory and database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from archive import Database, LocalObjectStore
from core import Settings
from tests.databases import (
    DATABASE_FIXTURES,
    NOT_ABOUT_THE_DATABASE,
    database_url_for_test,
    selected_database,
)


def pytest_configure() -> None:
    """Keep the environment of the developer's shell out of the tests' settings."""
    for name in list(os.environ):
        if name.startswith("YEKUO_") and not name.startswith("YEKUO_TEST_"):
            del os.environ[name]


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its cheapest parameters: a test's sign-ins cost milliseconds, not 50 ms each
    (hashes carry their parameters, so checking them is as cheap)."""
    monkeypatch.setattr(
        "archive._users._HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def pytest_report_header() -> str:
    """Say which database the run uses, so a PostgreSQL run cannot pass for a SQLite one."""
    return f"yekuo test database: {selected_database()}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL, run only the tests that reach a database and are about what it keeps
    (``NOT_ABOUT_THE_DATABASE`` says which are not); the rest ran on SQLite."""
    if selected_database() != "postgresql":
        return
    kept: list[pytest.Item] = []
    deselected: list[pytest.Item] = []
    for item in items:
        touches_database = DATABASE_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        elsewhere = item.nodeid.startswith(tuple(NOT_ABOUT_THE_DATABASE))
        (kept if touches_database and not elsewhere else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for this test (SQLite, or PostgreSQL when configured)."""
    with database_url_for_test(tmp_path) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings on embedded backends in this test's own directory.

    Intake workers do not run inside the app unless a test turns them on
    (``intake_in_process=True``), so what a test sees after an upload does not race them.
    """
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        intake_in_process=False,
        _env_file=None,
    )


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """This test's database, migrated."""
    with Database(settings.resolved_database_url) as database:
        database.upgrade()
        yield database


@pytest.fixture
def store(settings: Settings) -> LocalObjectStore:
    """A local object store in this test's directory."""
    return LocalObjectStore(settings.resolved_object_store_dir)
