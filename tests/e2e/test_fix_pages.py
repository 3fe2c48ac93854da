"""Fixing mistakes in the web UI: a failed document's page for every failure code, the trash
and restore forms and the trash page, moving a document, re-basing a case."""

from __future__ import annotations

from archive import FailureCode, Role
from archive._vocabulary import LABELS_ZH
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_pages import page_csrf, signin
from tests.intake_jobs import fail_for_good

NOT_A_PDF_INSIDE = b"%PDF-1.7\n" + bytes(range(256)) * 8
"""Sniffed as a PDF, but no reader can open it: a page must still open for it."""


def test_a_failed_document_opens_with_its_reason_retry_and_download(
    quiet_client: ApiClient, settings: Settings
) -> None:
    client = quiet_client
    assert client.create_case("YK-FAIL").status_code == 201
    signin(client, Role.archivist)
    for code in FailureCode:
        content = NOT_A_PDF_INSIDE + code.value.encode()
        uploaded = client.upload("YK-FAIL", content, filename="坏文件.pdf")
        assert uploaded.status_code == 202, uploaded.text
        document_id = uploaded.json()["document_id"]
        fail_for_good(settings, document_id, error="the file cannot be read", code=code)

        page = client.http.get(f"/documents/{document_id}")
        assert page.status_code == 200, (code, page.text)
        assert LABELS_ZH[code] in page.text
        assert f'action="/documents/{document_id}/retry"' in page.text
        assert f"/documents/{document_id}/original?download=true" in page.text
        assert "the file cannot be read" not in page.text
        download = client.http.get(f"/documents/{document_id}/original?download=true")
        assert download.content == content


def test_trash_restore_move_and_rebase_from_the_pages(quiet_client: ApiClient) -> None:
    client = quiet_client
    for case_no in ("YK-P1", "YK-P2"):
        assert client.create_case(case_no).status_code == 201
    document_id = client.upload("YK-P1", png_bytes(61), filename="错放.png").json()["document_id"]
    signin(client, Role.archivist)
    csrf = page_csrf(client)

    moved = client.http.post(
        f"/documents/{document_id}/move",
        data={"case_no": "YK-P2", "reason": "放错案件", "csrf_token": csrf},
    )
    assert moved.status_code == 200
    assert "资料已移到案件 YK-P2" in moved.text
    assert "错放.png" in client.http.get("/cases/YK-P2").text
    refused = client.http.post(
        f"/documents/{document_id}/move",
        data={"case_no": "YK-P2", "reason": "", "csrf_token": csrf},
    )
    assert refused.status_code == 422
    assert "请写明移到其他案件的理由" in refused.text

    trashed = client.http.post(
        f"/documents/{document_id}/trash", data={"reason": "重复扫描", "csrf_token": csrf}
    )
    assert trashed.status_code == 200
    assert "资料已移入回收站" in trashed.text
    assert "错放.png" not in trashed.text
    listing = client.http.get("/trash")
    assert listing.status_code == 200
    assert "错放.png" in listing.text
    assert "重复扫描" in listing.text
    restored = client.http.post(f"/documents/{document_id}/restore", data={"csrf_token": csrf})
    assert "资料已从回收站恢复" in restored.text
    assert "错放.png" not in client.http.get("/trash").text

    signin(client, Role.reviewer)
    rebased = client.http.post(
        "/cases/YK-P2/rebase",
        data={"version": "2023.12", "reason": "按受理时规则", "csrf_token": page_csrf(client)},
    )
    assert rebased.status_code == 200
    assert "已更换为规则版本 2023.12" in rebased.text
    events = client.request("GET", "/audit", Role.auditor).json()["events"]
    assert {"document.moved", "document.trashed", "document.untrashed", "case.rebase"} <= {
        e["action"] for e in events
    }
