"""PostgreSQL crashes in the middle of a 50-document batch, then comes back.

While it is down the API answers 503 ``database_unavailable`` and ``/healthz`` names the
database; once it is back both recover by themselves. Every upload accepted (before or after
the outage) reaches done exactly once, no original is missing or changed (``yekuo verify``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import LocalObjectStore, Role
from core import Settings
from tests.databases import fresh_postgres_database
from tests.e2e.helpers import ApiClient, png_bytes, run_yekuo
from tests.faults._installation import drain, fault_settings, finished_once, role_tokens
from tests.faults._servers import Postgres, PrivateServers

BATCH = 50


@pytest.fixture
def installation(private_servers: PrivateServers, tmp_path: Path) -> Iterator[Settings]:
    """An installation on a fresh database of the private PostgreSQL."""
    server = private_servers.test_environment()["YEKUO_TEST_DATABASE_URL"]
    with fresh_postgres_database(server) as url:
        yield fault_settings(tmp_path, url)


def _until_answering(client: ApiClient, seconds: float) -> float:
    """Seconds until ``/healthz`` answers 200 again (the app's own recovery, nothing reset)."""
    started = time.monotonic()
    while client.http.get("/healthz").status_code != 200:
        assert time.monotonic() - started < seconds, "the API did not recover by itself"
        time.sleep(0.5)
    return time.monotonic() - started


@pytest.mark.timeout(200)
def test_a_postgres_crash_mid_batch_answers_503_then_every_upload_is_done_once(
    installation: Settings, postgres: Postgres
) -> None:
    settings = installation
    store = LocalObjectStore(settings.resolved_object_store_dir)
    with TestClient(create_app(settings, object_store=store)) as http:
        client = ApiClient(http, role_tokens(settings))
        assert client.create_case("YK-PG").status_code == 201
        accepted: list[str] = []
        for seed in range(BATCH):
            if seed == BATCH // 2:
                postgres.crash()
                refused = client.upload("YK-PG", png_bytes(1000 + seed), filename="x.png")
                assert refused.status_code == 503, refused.text
                assert refused.json()["code"] == "database_unavailable"
                assert "database" in refused.json()["message"]
                health = http.get("/healthz")
                assert health.status_code == 503
                assert health.json()["checks"]["database"] != "ok"
                postgres.start()
                _until_answering(client, seconds=30)
            uploaded = client.upload("YK-PG", png_bytes(1000 + seed), filename=f"{seed}.png")
            assert uploaded.status_code == 202, uploaded.text
            accepted.append(uploaded.json()["document_id"])

        def crash_once(attempts: int) -> None:
            if attempts == 10:  # the database goes away under a running worker
                postgres.crash()
                time.sleep(1)
                postgres.start()

        drain(settings, store, accepted, seconds=120, between=crash_once)
        statuses = {
            client.request("GET", f"/documents/{d}", Role.auditor).json()["status"]
            for d in accepted
        }
        assert statuses == {"done"}
    assert finished_once(settings, accepted) == dict.fromkeys(accepted, 1)
    verified = run_yekuo(settings, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
