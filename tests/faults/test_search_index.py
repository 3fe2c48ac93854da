"""Elasticsearch stopped while documents are indexed and searched, then started again empty.

While it is down a search answers 503 ``search_unavailable`` and intake goes on: documents are
done, their index entries pending. Once it is back (a new node: nothing of the old index is
left), `yekuo reindex` rebuilds the index from the database and every document is found again.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import LocalObjectStore, Role
from core import Settings
from search import open_search_index
from tests.databases import missing_server
from tests.e2e.helpers import YEKUO, ApiClient, png_bytes
from tests.faults._installation import drain, fault_settings, role_tokens
from tests.faults._servers import PrivateServers, ServerStartError


@pytest.fixture(scope="module")
def elasticsearch_url(private_servers: PrivateServers) -> Iterator[str]:
    """A private Elasticsearch for this module (it takes 20-60 s to start, so only here)."""
    try:
        private_servers.services("start", "elasticsearch")
    except ServerStartError as error:
        missing_server(f"a private Elasticsearch ({error})", "YEKUO_SERVICES_CACHE")
    try:
        yield private_servers.test_environment()["YEKUO_TEST_ELASTICSEARCH_URL"]
    finally:
        private_servers.services("stop", "elasticsearch")


def _reindex(settings: Settings) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    env |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
        "YEKUO_SEARCH_BACKEND": "elasticsearch",
        "YEKUO_ELASTICSEARCH_URL": settings.elasticsearch_url,
        "YEKUO_ELASTICSEARCH_INDEX": settings.elasticsearch_index,
    }
    return subprocess.run(
        [YEKUO, "reindex"], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _found(client: ApiClient) -> int:
    answer = client.request("GET", "/search?q=王小明", Role.auditor)
    assert answer.status_code == 200, answer.text
    total: int = answer.json()["total"]
    return total


@pytest.mark.timeout(280)
def test_elasticsearch_stopped_answers_503_intake_goes_on_and_reindex_rebuilds(
    private_servers: PrivateServers, elasticsearch_url: str, tmp_path: Path
) -> None:
    settings = fault_settings(
        tmp_path,
        f"sqlite:///{tmp_path / 'yekuo.db'}",
        search_backend="elasticsearch",
        elasticsearch_url=elasticsearch_url,
        elasticsearch_index=f"faults-{uuid.uuid4().hex[:12]}",
    )
    store = LocalObjectStore(settings.resolved_object_store_dir)
    index = open_search_index(settings)
    try:
        with TestClient(create_app(settings, object_store=store, search_index=index)) as http:
            client = ApiClient(http, role_tokens(settings))
            assert client.create_case("YK-ES").status_code == 201

            def upload(seed: int) -> str:
                sent = client.upload("YK-ES", png_bytes(3000 + seed), filename=f"{seed}.png")
                assert sent.status_code == 202, sent.text
                document_id: str = sent.json()["document_id"]
                return document_id

            before = [upload(seed) for seed in range(3)]
            drain(settings, store, before, seconds=60, index=index)
            assert _found(client) == 3

            private_servers.services("stop", "elasticsearch")
            refused = client.request("GET", "/search?q=王小明", Role.auditor)
            assert refused.status_code == 503, refused.text
            assert refused.json()["code"] in {"search_unavailable", "search_failed"}
            during = [upload(seed) for seed in range(3, 6)]
            drain(settings, store, during, seconds=60, index=index)
            for document_id in during:
                shown = client.request("GET", f"/documents/{document_id}", Role.auditor).json()
                assert shown["status"] == "done", "intake does not wait for the index"

            private_servers.services("start", "elasticsearch")
            rebuilt = _reindex(settings)
            assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
            assert _found(client) == 6, "every document found again after the rebuild"
    finally:
        index.close()
