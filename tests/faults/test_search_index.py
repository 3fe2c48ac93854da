"""Elasticsearch stopped while documents are indexed and searched, then started again.

While it is down a search answers 503 ``search_unavailable``, ``/healthz`` is ``degraded`` (200:
uploads are taken) naming the index, and intake goes on: documents are done, their index entries
wait. Started again on its data, it answers searches by itself and the worker's periodic
``retry_index`` indexes what was finished meanwhile, with no ``yekuo reindex``; replaced by a new,
empty node, searches answer ``search_unavailable`` naming ``yekuo reindex`` until it rebuilds the
index. Either way every accepted document is done exactly once and ``yekuo verify`` is clean.

Each test's own run is bounded (``func_only``): the node's start, in the fixture the module
shares, is bounded by ``services.sh``, whichever test comes first.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import LocalObjectStore, Role
from core import Settings
from search import SearchIndex, open_search_index
from tests.databases import missing_server
from tests.e2e.helpers import YEKUO, ApiClient, png_bytes, run_yekuo
from tests.faults._installation import (
    drain,
    fault_settings,
    finished_once,
    role_tokens,
    running_worker,
    until_finished,
)
from tests.faults._servers import Elasticsearch, PrivateServers, ServerStartError

CASE = "YK-ES"


@pytest.fixture(scope="module")
def node(private_servers: PrivateServers) -> Iterator[Elasticsearch]:
    """A private Elasticsearch for this module (it takes 20-60 s to start, so only here)."""
    try:
        private_servers.services("start", "elasticsearch")
    except ServerStartError as error:
        missing_server(f"a private Elasticsearch ({error})", "YEKUO_SERVICES_CACHE")
    url = private_servers.test_environment()["YEKUO_TEST_ELASTICSEARCH_URL"]
    try:
        yield Elasticsearch(private_servers, url)
    finally:
        private_servers.services("stop", "elasticsearch")


@pytest.fixture
def elasticsearch(node: Elasticsearch) -> Iterator[Elasticsearch]:
    """The node, running again after the test even when the test failed in the outage."""
    yield node
    if node.stopped:
        node.start()


@dataclass
class Installation:
    """yekuo on SQLite, a local store and an index of its own on the private node; a case."""

    settings: Settings
    store: LocalObjectStore
    index: SearchIndex
    client: ApiClient

    def upload(self, seed: int) -> str:
        """Upload a scan to the case; the accepted document's id."""
        sent = self.client.upload(CASE, png_bytes(3000 + seed), filename=f"{seed}.png")
        assert sent.status_code == 202, sent.text
        document_id: str = sent.json()["document_id"]
        return document_id

    def found(self) -> int | None:
        """How many documents a search finds; None while it answers 503 ``search_unavailable``."""
        answer = self.client.request("GET", "/search?q=王小明", Role.auditor)
        if answer.status_code == 503:
            assert answer.json()["code"] == "search_unavailable", answer.text
            return None
        assert answer.status_code == 200, answer.text
        total: int = answer.json()["total"]
        return total

    def index_statuses(self, document_ids: list[str]) -> set[str]:
        """The index states of the documents (pending, indexed or failed)."""
        return {
            self.client.request("GET", f"/documents/{d}", Role.auditor).json()["index_status"]
            for d in document_ids
        }

    def health(self) -> dict[str, object]:
        """``/healthz``, which answers 200 whatever the index does."""
        answer = self.client.http.get("/healthz")
        assert answer.status_code == 200, answer.text
        body: dict[str, object] = answer.json()
        return body


@pytest.fixture
def installation(elasticsearch: Elasticsearch, tmp_path: Path) -> Iterator[Installation]:
    """An installation on the private node, serving; its index is its own."""
    settings = fault_settings(
        tmp_path,
        f"sqlite:///{tmp_path / 'yekuo.db'}",
        search_backend="elasticsearch",
        elasticsearch_url=elasticsearch.url,
        elasticsearch_index=f"faults-{uuid.uuid4().hex[:12]}",
        intake_poll_seconds=0.2,
    )
    store = LocalObjectStore(settings.resolved_object_store_dir)
    index = open_search_index(settings)
    try:
        with TestClient(create_app(settings, object_store=store, search_index=index)) as http:
            client = ApiClient(http, role_tokens(settings))
            assert client.create_case(CASE).status_code == 201
            yield Installation(settings, store, index, client)
    finally:
        index.close()


def _until(done: Callable[[], bool], *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.5)


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


def _nothing_lost(site: Installation, accepted: list[str]) -> None:
    """Every accepted document done exactly once, every original intact."""
    assert finished_once(site.settings, accepted) == dict.fromkeys(accepted, 1)
    verified = run_yekuo(site.settings, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "all originals intact" in verified.stdout


@pytest.mark.timeout(30, func_only=True)
def test_healthz_reports_the_search_index_ok_while_elasticsearch_answers(
    installation: Installation,
) -> None:
    assert installation.health() == {
        "status": "ok",
        "checks": {"database": "ok", "object_store": "ok", "search": "ok", "originals": "ok"},
        "damaged_originals": 0,
    }


@pytest.mark.timeout(90, func_only=True)
def test_healthz_is_degraded_not_unavailable_while_elasticsearch_is_stopped(
    installation: Installation, elasticsearch: Elasticsearch
) -> None:
    site = installation
    elasticsearch.stop()
    health = site.health()
    assert health["status"] == "degraded", "uploads go on: the service is not unavailable"
    checks = health["checks"]
    assert isinstance(checks, dict)
    assert (checks["database"], checks["object_store"], checks["originals"]) == ("ok",) * 3
    assert "cannot reach the Elasticsearch index" in checks["search"]
    site.upload(0)

    elasticsearch.start()
    _until(lambda: site.health()["status"] == "ok", seconds=30, what="/healthz recovers")


@pytest.mark.timeout(150, func_only=True)
def test_elasticsearch_stopped_while_indexing_catches_up_by_itself_back_on_its_data(
    installation: Installation, elasticsearch: Elasticsearch
) -> None:
    site = installation
    with running_worker(site.settings, site.store, site.index):  # retry_index now, each minute
        before = [site.upload(seed) for seed in range(3)]
        _until(lambda: site.found() == 3, seconds=60, what="the worker indexes what it finishes")

        elasticsearch.stop()
        assert site.found() is None
        during = [site.upload(seed) for seed in range(3, 6)]
        until_finished(site.settings, during, seconds=60)
        _until(
            lambda: site.index_statuses(during) == {"failed"},
            seconds=30,
            what="the worker tries to index the documents it finished in the outage",
        )

        elasticsearch.start()
        _until(
            lambda: (site.found() or 0) >= 3,
            seconds=30,
            what="search answers by itself, finding what was indexed before",
        )
        _until(lambda: site.found() == 6, seconds=75, what="the next retry_index catches up")
    assert site.index_statuses(before + during) == {"indexed"}
    _nothing_lost(site, before + during)


@pytest.mark.timeout(150, func_only=True)
def test_elasticsearch_replaced_by_an_empty_node_answers_503_until_reindex_rebuilds(
    installation: Installation, elasticsearch: Elasticsearch
) -> None:
    site = installation
    before = [site.upload(seed) for seed in range(3)]
    drain(site.settings, site.store, before, seconds=60, index=site.index)
    assert site.found() == 3

    elasticsearch.stop()
    refused = site.client.request("GET", "/search?q=王小明", Role.auditor)
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "search_unavailable"
    assert "cannot reach the Elasticsearch index" in refused.json()["message"]
    during = [site.upload(seed) for seed in range(3, 6)]
    drain(site.settings, site.store, during, seconds=60, index=site.index)
    for document_id in during:
        shown = site.client.request("GET", f"/documents/{document_id}", Role.auditor).json()
        assert shown["status"] == "done", "intake does not wait for the index"

    elasticsearch.start_empty()
    lost = site.client.request("GET", "/search?q=王小明", Role.auditor)
    assert lost.status_code == 503, lost.text
    assert lost.json()["code"] == "search_unavailable"
    assert "run `yekuo reindex`" in lost.json()["message"]
    rebuilt = _reindex(site.settings)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert site.found() == 6, "every document found again after the rebuild"
    assert site.health()["status"] == "ok"
    _nothing_lost(site, before + during)
