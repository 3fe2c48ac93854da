"""Uploads: stored with their checksum, deduplicated, refused clearly when wrong."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import Role
from core import Settings
from tests.e2e.helpers import ApiClient, pdf_bytes, png_bytes


@pytest.fixture
def case(client: ApiClient) -> str:
    assert client.create_case("YK-UP").status_code == 201
    return "YK-UP"


def test_upload_is_queued_and_keeps_its_bytes(client: ApiClient, case: str) -> None:
    content = png_bytes(7)
    response = client.upload(case, content, filename="身份证.png", doc_type="id_card")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    document = client.request("GET", f"/documents/{body['document_id']}", Role.reviewer).json()
    assert document["case_no"] == case
    assert document["status"] == "queued"
    assert document["doc_type_hint"] == "id_card"
    assert document["original_filename"] == "身份证.png"
    assert document["media_type"] == "image/png"
    original = client.request("GET", f"/documents/{body['document_id']}/file", Role.auditor)
    assert original.content == content
    assert original.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (pdf_bytes(), "application/pdf"),
        (b"\xff\xd8\xff\xe0" + os.urandom(100), "image/jpeg"),
        (b"II*\x00" + os.urandom(100), "image/tiff"),
        (b"MM\x00*" + os.urandom(100), "image/tiff"),
    ],
)
def test_accepted_types_are_sniffed_from_bytes(
    client: ApiClient, case: str, content: bytes, media_type: str
) -> None:
    response = client.upload(case, content, filename="scan.bin")
    assert response.status_code == 202, response.text
    document = client.request("GET", f"/documents/{response.json()['document_id']}", Role.archivist)
    assert document.json()["media_type"] == media_type


def test_same_bytes_twice_give_back_the_same_document(client: ApiClient, case: str) -> None:
    first = client.upload(case, png_bytes(3), filename="a.png")
    second = client.upload(case, png_bytes(3), filename="b.png")
    assert first.status_code == 202
    assert second.status_code == 200
    assert second.json()["duplicate"] is True
    assert second.json()["document_id"] == first.json()["document_id"]
    assert len(client.request("GET", f"/cases/{case}", Role.archivist).json()["documents"]) == 1


def test_same_bytes_on_another_case_is_another_document(client: ApiClient, case: str) -> None:
    assert client.create_case("YK-OTHER").status_code == 201
    first = client.upload(case, png_bytes(4))
    other = client.upload("YK-OTHER", png_bytes(4))
    assert other.status_code == 202
    assert other.json()["document_id"] != first.json()["document_id"]


@pytest.mark.parametrize(
    ("content", "described"),
    [
        (b"PK\x03\x04" + os.urandom(200), "ZIP archive"),
        # Seeded, and led by a control byte: random bytes opening with "<" read as markup.
        (b"\x00" + random.Random(7).randbytes(300).replace(b"%PDF-", b"xxxxx"), "unrecognised"),
        (b"<html><body>hi</body></html>", "text document"),
        (b"GIF89a" + os.urandom(50), "GIF"),
    ],
)
def test_other_types_are_refused_with_415(
    client: ApiClient, case: str, content: bytes, described: str
) -> None:
    response = client.upload(case, content, filename="photo.jpg")
    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "unsupported_media_type"
    assert described in body["message"]
    assert "PDF, JPEG, PNG or TIFF" in body["message"]
    assert client.request("GET", f"/cases/{case}", Role.archivist).json()["documents"] == []


def test_empty_file_is_refused(client: ApiClient, case: str) -> None:
    response = client.upload(case, b"", filename="empty.png")
    assert response.status_code == 400
    assert response.json()["code"] == "empty_upload"
    assert "empty" in response.json()["message"]


def test_request_without_file_part_is_refused(client: ApiClient, case: str) -> None:
    response = client.request(
        "POST", f"/cases/{case}/documents", Role.archivist, data={"doc_type": "id_card"}
    )
    assert response.status_code == 400
    assert "part named 'file'" in response.json()["message"]


def test_unknown_doc_type_hint_is_refused(client: ApiClient, case: str) -> None:
    response = client.upload(case, png_bytes(9), doc_type="passport")
    assert response.status_code == 422
    assert "id_card" in response.json()["message"]


def test_upload_to_missing_case_is_404(client: ApiClient) -> None:
    response = client.upload("NO-SUCH", png_bytes(1))
    assert response.status_code == 404
    assert "NO-SUCH" in response.json()["message"]


def test_path_in_filename_is_metadata_only(
    client: ApiClient, case: str, settings: Settings
) -> None:
    response = client.upload(case, png_bytes(11), filename="../../../etc/passwd.png")
    assert response.status_code == 202
    document = client.request("GET", f"/documents/{response.json()['document_id']}", Role.archivist)
    assert document.json()["original_filename"] == "passwd.png"
    stored = [p.name for p in settings.data_dir.rglob("*") if p.is_file()]
    assert "passwd.png" not in stored
    assert not (settings.data_dir.parent.parent / "etc").exists()


def _limited_client(settings: Settings, limit: int) -> TestClient:
    limited = settings.model_copy(update={"max_upload_bytes": limit})
    return TestClient(create_app(limited))


def test_upload_over_the_limit_is_413_and_leaves_nothing(
    settings: Settings, tokens: dict[Role, str]
) -> None:
    with _limited_client(settings, 200_000) as http:
        api = ApiClient(http, tokens)
        assert api.create_case("YK-BIG").status_code == 201
        big = b"\x89PNG\r\n\x1a\n" + os.urandom(300_000)
        response = api.upload("YK-BIG", big, filename="huge.png")
        assert response.status_code == 413
        assert response.json()["code"] == "upload_too_large"
        assert "0 MiB" in response.json()["message"] or "MiB" in response.json()["message"]
        assert api.request("GET", "/cases/YK-BIG", Role.archivist).json()["documents"] == []
    assert not [p for p in settings.resolved_tmp_dir.glob("*") if p.is_file()]
    assert not [p for p in settings.resolved_object_store_dir.rglob("*") if p.is_file()]


def test_streamed_body_without_length_is_cut_at_the_limit(
    settings: Settings, tokens: dict[Role, str]
) -> None:
    boundary = "yekuo-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    sent = {"bytes": 0}

    def body() -> object:
        yield head + b"\x89PNG\r\n\x1a\n"
        for _ in range(100):
            sent["bytes"] += 65536
            yield os.urandom(65536)
        yield f"\r\n--{boundary}--\r\n".encode()

    with _limited_client(settings, 500_000) as http:
        api = ApiClient(http, tokens)
        assert api.create_case("YK-STREAM").status_code == 201
        response = http.post(
            "/api/v1/cases/YK-STREAM/documents",
            headers={
                **api.headers(Role.archivist),
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
            content=body(),  # type: ignore[arg-type]
        )
    assert response.status_code == 413
    assert not [p for p in settings.resolved_tmp_dir.glob("*") if p.is_file()]


def test_nothing_stored_before_is_touched_by_a_refused_upload(
    client: ApiClient, case: str, settings: Settings
) -> None:
    kept = client.upload(case, png_bytes(21)).json()
    objects_before = sorted(
        (p, p.read_bytes())
        for p in Path(settings.resolved_object_store_dir).rglob("*")
        if p.is_file()
    )
    client.upload(case, b"PK\x03\x04" + os.urandom(100))
    client.upload(case, b"")
    objects_after = sorted(
        (p, p.read_bytes())
        for p in Path(settings.resolved_object_store_dir).rglob("*")
        if p.is_file()
    )
    assert objects_after == objects_before
    original = client.request("GET", f"/documents/{kept['document_id']}/file", Role.archivist)
    assert original.content == png_bytes(21)
