"""Originals are served only whole, and every view or download of one is in the audit trail."""

from __future__ import annotations

import os

import pytest

from archive import Role
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_pages import signin
from tests.e2e.test_viewer import _pdf


def _object_path(settings: Settings, sha256: str) -> str:
    return str(settings.resolved_object_store_dir / sha256[:2] / sha256[2:4] / sha256)


def _damage(path: str, how: str) -> None:
    if how == "delete":
        os.remove(path)
        return
    with open(path, "r+b") as handle:
        if how == "truncate":
            handle.truncate(100)
            return
        handle.seek(20)
        byte = handle.read(1)
        handle.seek(20)
        handle.write(bytes([byte[0] ^ 0xFF]))


def _actions(client: ApiClient) -> list[str]:
    events = client.request("GET", "/audit", Role.auditor).json()["events"]
    return [event["action"] for event in events]


def test_a_download_and_a_view_are_audited_repeated_views_once(client: ApiClient) -> None:
    client.create_case("YK-O")
    document_id = client.upload("YK-O", png_bytes(3)).json()["document_id"]
    download = client.request("GET", f"/documents/{document_id}/file", Role.auditor)
    assert download.status_code == 200
    assert download.content == png_bytes(3)
    signin(client, Role.reviewer)
    for _ in range(3):
        assert client.http.get(f"/documents/{document_id}/original").status_code == 200
    saved = client.http.get(f"/documents/{document_id}/original", params={"download": "true"})
    assert saved.headers["content-disposition"].startswith("attachment;")
    actions = _actions(client)
    assert actions.count("document.downloaded") == 2
    assert actions.count("document.viewed") == 1


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete"])
def test_a_damaged_original_is_refused_everywhere_and_audited(
    client: ApiClient, settings: Settings, damage: str
) -> None:
    client.create_case("YK-D")
    uploaded = client.upload("YK-D", _pdf(2), filename="two.pdf").json()
    _damage(_object_path(settings, uploaded["sha256"]), damage)
    refused = client.request("GET", f"/documents/{uploaded['document_id']}/file", Role.auditor)
    assert refused.status_code == 410, refused.text
    assert refused.json()["code"] == "original_damaged"
    assert uploaded["sha256"] in refused.json()["message"]
    assert "Restore it from a backup" in refused.json()["message"]
    signin(client, Role.reviewer)
    for path_ in ("original", "pages/1"):
        page = client.http.get(f"/documents/{uploaded['document_id']}/{path_}")
        assert page.status_code == 410, path_
    assert "document.damaged" in _actions(client)
    assert "document.downloaded" not in _actions(client)
