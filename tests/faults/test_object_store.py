"""MinIO killed during uploads and during intake, then started again on its data.

While it is down an upload answers 503 ``object_store_unavailable`` and ``/healthz`` names the
store; a worker that cannot read an original puts the job back (it is not marked damaged, the
original is not lost). Once MinIO is back everything recovers by itself: every accepted upload is
done exactly once and ``yekuo verify`` finds every original intact.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import Document, Role, open_database, open_object_store
from core import Settings
from tests.e2e.helpers import YEKUO, ApiClient, png_bytes
from tests.faults._installation import drain, fault_settings, finished_once, role_tokens
from tests.faults._servers import Minio, PrivateServers
from tests.intake_jobs import intake_outcome
from worker import IntakeWorker, WorkerParts


@pytest.fixture
def installation(private_servers: PrivateServers, tmp_path: Path) -> Settings:
    """An installation on SQLite and a new bucket of the private MinIO."""
    found = private_servers.test_environment()
    return fault_settings(
        tmp_path,
        f"sqlite:///{tmp_path / 'yekuo.db'}",
        object_store="s3",
        s3_endpoint=found["YEKUO_TEST_S3_ENDPOINT"],
        s3_access_key=found["YEKUO_TEST_S3_ACCESS_KEY"],
        s3_secret_key=found["YEKUO_TEST_S3_SECRET_KEY"],
        s3_secure=False,
        s3_bucket=f"faults-{uuid.uuid4().hex[:12]}",
    )


def _verify(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    env |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
        "YEKUO_OBJECT_STORE": "s3",
        "YEKUO_S3_ENDPOINT": settings.s3_endpoint,
        "YEKUO_S3_BUCKET": settings.s3_bucket,
        "YEKUO_S3_ACCESS_KEY": settings.s3_access_key,
        "YEKUO_S3_SECRET_KEY": settings.s3_secret_key.get_secret_value(),
        "YEKUO_S3_SECURE": "false",
    }
    return subprocess.run(
        [YEKUO, "verify"], env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.timeout(200)
def test_minio_killed_during_uploads_and_intake_answers_503_then_loses_nothing(
    installation: Settings, minio: Minio
) -> None:
    settings = installation
    store = open_object_store(settings)
    with TestClient(create_app(settings, object_store=store)) as http:
        client = ApiClient(http, role_tokens(settings))
        assert client.create_case("YK-S3").status_code == 201
        accepted = [
            client.upload("YK-S3", png_bytes(2000 + seed), filename=f"{seed}.png").json()[
                "document_id"
            ]
            for seed in range(5)
        ]

        minio.kill()
        refused = client.upload("YK-S3", png_bytes(2100), filename="late.png")
        assert refused.status_code == 503, refused.text
        assert refused.json()["code"] == "object_store_unavailable"
        health = http.get("/healthz")
        assert health.status_code == 503
        assert health.json()["checks"]["database"] == "ok"
        assert health.json()["checks"]["object_store"] != "ok"
        with open_database(settings) as database:
            parts = WorkerParts(
                database=database,
                store=store,
                settings=settings,
                analyse=lambda path, *, media_type, hint: intake_outcome(),
            )
            attempt = IntakeWorker(parts, name="during-outage").run(accepted[0])
            assert attempt.claimed
            assert attempt.retry_at is not None, "put back for a later try, not failed"
            with database.transaction() as session:
                document = session.get_one(Document, accepted[0])
                assert (document.status, document.error_code) == ("queued", None)

        minio.start()
        assert http.get("/healthz").status_code == 200, "the store recovered by itself"
        late = client.upload("YK-S3", png_bytes(2100), filename="late.png")
        assert late.status_code == 202, late.text
        accepted.append(late.json()["document_id"])
        drain(settings, store, accepted, seconds=90)
        for document_id in accepted:
            shown = client.request("GET", f"/documents/{document_id}", Role.auditor).json()
            assert shown["status"] == "done"
            assert not [f for f in shown["findings"] if f["code"] == "original_damaged"]
    assert finished_once(settings, accepted) == dict.fromkeys(accepted, 1)
    verified = _verify(settings)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "all originals intact" in verified.stdout
