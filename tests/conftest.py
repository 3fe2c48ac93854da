"""Fixtures shared by every test: each test gets its own data directory and database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import Settings
from tests.databases import database_url_for_test


def pytest_configure() -> None:
    """Keep the environment of the developer's shell out of the tests' settings."""
    for name in list(os.environ):
        if name.startswith("YEKUO_") and not name.startswith("YEKUO_TEST_"):
            del os.environ[name]


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for this test (SQLite, or PostgreSQL when configured)."""
    with database_url_for_test(tmp_path) as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings on embedded backends in this test's own directory."""
    return Settings(data_dir=tmp_path / "data", database_url=database_url, _env_file=None)
