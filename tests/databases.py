"""Where the tests' databases live: a SQLite file, or a fresh PostgreSQL database per test.

``YEKUO_TEST_DATABASE_URL`` (set by ``scripts/services.sh env``) points at a PostgreSQL
server; with ``YEKUO_TEST_DATABASE=postgresql`` every test that touches the database runs
there in a database of its own, created and dropped around it, and the tests that do not
touch it are deselected (they ran already on SQLite).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, NoReturn

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

TestDatabase = Literal["sqlite", "postgresql"]

# The fixtures through which a test reaches a database (see tests/conftest.py).
DATABASE_FIXTURES = frozenset({"database_url", "settings"})

# Tests that reach a database without being about it: the PostgreSQL pass leaves them out (they
# ran on SQLite), keeping it to the tests whose outcome the database can change.
NOT_ABOUT_THE_DATABASE = {
    "tests/browser/": "pages in Chromium; the services behind them run on PostgreSQL in tests/e2e",
    "tests/unit/intake/": "reading files, OCR and extraction; the database only holds settings",
    "tests/e2e/test_roles.py": "which role may call which route, decided before any query",
}


def selected_database() -> TestDatabase:
    """The database the tests run on, from ``YEKUO_TEST_DATABASE`` (default sqlite)."""
    value = os.environ.get("YEKUO_TEST_DATABASE", "sqlite") or "sqlite"
    if value == "sqlite":
        return "sqlite"
    if value == "postgresql":
        return "postgresql"
    raise pytest.UsageError(
        f"YEKUO_TEST_DATABASE={value!r} is not a test database: use sqlite or postgresql"
    )


def postgres_server_url() -> str | None:
    """The PostgreSQL URL of the test server, or None."""
    return os.environ.get("YEKUO_TEST_DATABASE_URL") or None


def missing_server(what: str, variable: str) -> NoReturn:
    """Skip the test locally; fail it in CI, where every server must be there."""
    message = f"{what} is not available: set {variable} (run scripts/services.sh start)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; CI must run against the real server", pytrace=False)
    pytest.skip(message)


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """Create an empty database on the server, yield its URL, drop it afterwards."""
    name = f"yekuo_test_{uuid.uuid4().hex[:12]}"
    # pre-ping: the fault tests restart the server while the database exists.
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database_url_for_test(tmp_path: Path) -> Iterator[str]:
    """The database of one test, chosen by ``YEKUO_TEST_DATABASE``."""
    if selected_database() == "postgresql":
        server = postgres_server_url()
        if server is None:
            missing_server("PostgreSQL", "YEKUO_TEST_DATABASE_URL")
        with fresh_postgres_database(server) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'yekuo.db'}"
