"""When the object store fails, uploads get a clear 503 and nothing already stored is lost."""

from __future__ import annotations

from typing import BinaryIO

from fastapi.testclient import TestClient

from api import create_app
from archive import LocalObjectStore, ObjectInfo, ObjectStoreError, Role
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes


class FlakyStore(LocalObjectStore):
    """A real local store whose ``put`` and ``check`` fail while ``down`` is set."""

    down = False

    def put(self, stream: BinaryIO, *, sha256: str, size: int, content_type: str) -> ObjectInfo:
        if self.down:
            raise ObjectStoreError("the object store at /mnt/objects is not reachable")
        return super().put(stream, sha256=sha256, size=size, content_type=content_type)

    def check(self) -> None:
        if self.down:
            raise ObjectStoreError("the object store at /mnt/objects is not reachable")
        super().check()


def test_an_object_store_outage_refuses_uploads_with_503_and_loses_nothing(
    settings: Settings, tokens: dict[Role, str]
) -> None:
    store = FlakyStore(settings.resolved_object_store_dir)
    with TestClient(create_app(settings, object_store=store)) as http:
        client = ApiClient(http, tokens)
        client.create_case("YK-F")
        kept = client.upload("YK-F", png_bytes(1)).json()["document_id"]

        store.down = True
        refused = client.upload("YK-F", png_bytes(2))
        assert refused.status_code == 503
        assert refused.json()["code"] == "object_store_unavailable"
        assert "not reachable" in refused.json()["message"]
        health = http.get("/healthz")
        assert health.status_code == 503
        assert health.json()["checks"]["database"] == "ok"
        assert "not reachable" in health.json()["checks"]["object_store"]
        case = client.request("GET", "/cases/YK-F", Role.auditor).json()
        assert [d["document_id"] for d in case["documents"]] == [kept]
        assert list(settings.resolved_tmp_dir.iterdir()) == []

        store.down = False
        assert http.get("/healthz").status_code == 200
        assert client.upload("YK-F", png_bytes(2)).status_code == 202
        original = client.request("GET", f"/documents/{kept}/file", Role.auditor)
        assert original.content == png_bytes(1)


def test_an_unwritable_local_store_answers_503_naming_the_store(
    settings: Settings, tokens: dict[Role, str]
) -> None:
    store = LocalObjectStore(settings.resolved_object_store_dir)
    with TestClient(create_app(settings, object_store=store)) as http:
        client = ApiClient(http, tokens)
        client.create_case("YK-RO")
        kept = client.upload("YK-RO", png_bytes(1)).json()["document_id"]
        # What a read-only mount does to a put (tests run as root, so chmod would not stop it):
        # the store's temporary directory cannot take a file.
        temporary = settings.resolved_object_store_dir / ".tmp"
        temporary.rmdir()
        temporary.write_bytes(b"")
        refused = client.upload("YK-RO", png_bytes(2))
        assert refused.status_code == 503, refused.text
        assert refused.json()["code"] == "object_store_unavailable"
        assert str(settings.resolved_object_store_dir) in refused.json()["message"]
        assert "read-only" in refused.json()["message"]
        case = client.request("GET", "/cases/YK-RO", Role.auditor).json()
        assert [d["document_id"] for d in case["documents"]] == [kept]
