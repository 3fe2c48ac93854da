"""The fault suite's servers: a private PostgreSQL and MinIO for the session, stopped after it.

Without the cached binaries (``scripts/services.sh start`` was never run here) the suite is
skipped locally and fails under ``CI=true``, like every test that needs a real server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.databases import missing_server
from tests.faults._servers import CACHE, Minio, Postgres, PrivateServers, ServerStartError


@pytest.fixture(scope="session")
def private_servers() -> Iterator[PrivateServers]:
    """PostgreSQL and MinIO of this session only, on ports of their own."""
    servers = PrivateServers(run_dir=CACHE / "run-faults")
    try:
        servers.services("start", "postgres", "minio")
    except ServerStartError as error:
        missing_server(f"a private PostgreSQL and MinIO ({error})", "YEKUO_SERVICES_CACHE")
    try:
        yield servers
    finally:
        servers.services("stop", "postgres", "minio")


@pytest.fixture(scope="session")
def postgres(private_servers: PrivateServers) -> Postgres:
    """The private PostgreSQL, to crash and start again.

    services.sh turns ``synchronous_commit`` off for speed, which lets a crash take back
    commits already acknowledged; a crash test needs the durability production has.
    """
    url = private_servers.test_environment()["YEKUO_TEST_DATABASE_URL"]
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ALTER SYSTEM SET synchronous_commit = on"))
        connection.execute(text("SELECT pg_reload_conf()"))
    engine.dispose()
    return Postgres(private_servers)


@pytest.fixture(scope="session")
def minio(private_servers: PrivateServers) -> Iterator[Minio]:
    """The private MinIO, to kill and start again."""
    server = Minio(private_servers)
    yield server
    server.stop_restarted()
