"""Fixing mistakes in the web UI: a failed document's page for every failure code, the trash
and restore forms and the trash page, moving a document, re-basing a case, correcting its
facts."""

from __future__ import annotations

from archive import FailureCode, Role
from archive._vocabulary import LABELS_ZH
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_pages import new_case_form, page_csrf, post_new_case, signin
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


def _lease_missing(client: ApiClient, case_no: str) -> bool:
    check = client.request("GET", f"/cases/{case_no}/check", Role.reviewer).json()
    return "lease" in {m["rule"] for m in check["missing"]}


def test_a_reviewer_corrects_the_facts_on_the_case_page_and_the_checks_follow(
    quiet_client: ApiClient,
) -> None:
    client = quiet_client
    assert client.create_case("YK-FACT").status_code == 201
    assert not _lease_missing(client, "YK-FACT")
    signin(client, Role.reviewer)
    page = client.http.get("/cases/YK-FACT").text
    assert 'action="/cases/YK-FACT/facts"' in page
    assert '<input type="checkbox" name="fact" value="tenant"> 租赁用电' in page
    assert '<dd id="case-facts">无特殊情形</dd>' in page
    csrf = page_csrf(client)

    saved = client.http.post("/cases/YK-FACT/facts", data={"fact": ["tenant"], "csrf_token": csrf})
    assert saved.status_code == 200
    assert "案件情形已保存，核对已按新的情形重新运行" in saved.text
    assert '<dd id="case-facts">租赁用电</dd>' in saved.text
    assert "租赁协议" in saved.text  # now missing, on the checklist
    facts = client.request("GET", "/cases/YK-FACT", Role.reviewer).json()["facts"]
    assert facts["tenant"] is True
    assert facts["applicant_is_agent"] is False  # every declared fact: a box left empty is no
    assert _lease_missing(client, "YK-FACT")

    again = client.http.post("/cases/YK-FACT/facts", data={"fact": ["tenant"], "csrf_token": csrf})
    assert "案件情形没有变化" in again.text
    cleared = client.http.post("/cases/YK-FACT/facts", data={"csrf_token": csrf})
    assert "案件情形已保存" in cleared.text
    assert not _lease_missing(client, "YK-FACT")
    events = client.request("GET", "/audit?action=case.facts", Role.auditor).json()["events"]
    assert [
        (e["before"]["facts"].get("tenant"), e["after"]["facts"]["tenant"]) for e in events
    ] == [
        (True, False),
        (None, True),
    ]

    unknown = client.http.post("/cases/YK-FACT/facts", data={"fact": "renter", "csrf_token": csrf})
    assert unknown.status_code == 422
    assert "规则文件没有定义所选的案件情形" in unknown.text
    signin(client, Role.archivist)
    assert 'action="/cases/YK-FACT/facts"' not in client.http.get("/cases/YK-FACT").text
    refused = client.http.post(
        "/cases/YK-FACT/facts", data={"fact": "tenant", "csrf_token": page_csrf(client)}
    )
    assert refused.status_code == 403


def test_the_new_case_form_records_the_facts_ticked(quiet_client: ApiClient) -> None:
    client = quiet_client
    signin(client, Role.archivist)
    form = client.http.get("/cases/new").text
    assert '<input type="checkbox" name="fact" value="tenant"> 租赁用电' in form
    csrf = page_csrf(client, "/cases/new")
    bad = post_new_case(
        client, {**new_case_form("YK-NEWF", capacity_kva="0"), "fact": "tenant"}, csrf
    )
    assert bad.status_code == 422
    assert 'value="tenant" checked> 租赁用电' in bad.text  # the ticks are kept
    made = post_new_case(client, {**new_case_form("YK-NEWF"), "fact": "tenant"}, csrf)
    assert made.status_code == 303
    assert client.request("GET", "/cases/YK-NEWF", Role.reviewer).json()["facts"] == {
        "tenant": True
    }
    assert _lease_missing(client, "YK-NEWF")
