"""Fast review of a document's fields (the API's list, the page's one form), its history, and
the CSV export of a filtered audit view."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from archive import IntakeOutcome, Role, claim_next, finish_job, open_database, recheck_case
from core import Settings
from tests.e2e.helpers import VALID_ID, ApiClient, png_bytes
from tests.e2e.test_pages import page_csrf, signin
from tests.e2e.test_review import OWNER, residential_case

OCR_TEXT = "不动产权证书\n权利人 王晓明\n坐落 北京市朝阳区光华路1号"


def _deed_case(client: ApiClient, settings: Settings, case_no: str) -> str:
    """A case whose property certificate was read with a box per field, the owner doubted."""
    assert client.create_case(case_no).status_code == 201
    deed = client.upload(case_no, png_bytes(5), filename="房产证.png").json()["document_id"]
    card = client.upload(case_no, png_bytes(6), filename="身份证.png").json()["document_id"]
    outcomes = {
        deed: IntakeOutcome(
            doc_type="property_certificate",
            confidence=0.9,
            evidence=["test"],
            fields={"owner": "王晓明", "location": "北京市朝阳区光华路1号"},
            field_details={
                "owner": {
                    "ocr_value": "王晓明",
                    "confidence": 0.62,
                    "page": 1,
                    "box": [100, 50, 300, 90],
                    "doubt": "fallback",
                },
                "location": {"ocr_value": "北京市朝阳区光华路1号", "confidence": 0.95},
            },
            pages=1,
            text=OCR_TEXT,
            ocr_pages=[{"number": 1, "width": 1000, "height": 500, "rotation": 0, "lines": []}],
            engine="test",
            seconds=0.1,
        ),
        card: IntakeOutcome(
            doc_type="id_card",
            confidence=0.9,
            evidence=["test"],
            fields={"name": OWNER, "id_number": VALID_ID},
            field_details={},
            pages=1,
            text="",
            ocr_pages=[],
            engine="test",
            seconds=0.1,
        ),
    }
    with open_database(settings) as database:
        for _ in outcomes:
            with database.transaction() as session:
                claim = claim_next(session, worker="test", lease=dt.timedelta(minutes=5))
                assert claim is not None
                document = finish_job(
                    session, claim, worker="test", outcome=outcomes[claim.document_id]
                )
                recheck_case(session, document.case)
    return str(deed)


def _actions(client: ApiClient, case_no: str) -> list[str]:
    events = client.request("GET", "/audit", Role.auditor, params={"case_no": case_no}).json()
    return [e["action"] for e in events["events"]]


def test_the_fields_of_a_document_are_reviewed_in_one_call_and_checked_once(
    quiet_client: ApiClient, settings: Settings
) -> None:
    deed = _deed_case(quiet_client, settings, "YK-FR1")
    before = quiet_client.request("GET", f"/documents/{deed}", Role.reviewer).json()
    assert [f["code"] for f in before["findings"]] == ["field_uncertain"]
    path = f"/documents/{deed}/fields"
    items: list[dict[str, Any]] = [
        {"name": "location", "value": "北京市朝阳区光华路1号"},
        {"name": "owner", "value": OWNER},
    ]
    # A correction without its reason refuses the whole list: nothing is applied.
    refused = quiet_client.request("PUT", path, Role.reviewer, json=items)
    assert refused.status_code == 422
    assert "owner" in refused.json()["message"]
    twice = quiet_client.request("PUT", path, Role.reviewer, json=[items[0], items[0]])
    assert twice.status_code == 422
    assert quiet_client.request("PUT", path, Role.archivist, json=items).status_code == 403
    assert quiet_client.request("GET", f"/documents/{deed}", Role.reviewer).json() == before
    items[1]["reason"] = "原件上权利人为王小明"
    saved = quiet_client.request("PUT", path, Role.reviewer, json=items)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["fields"]["owner"] == OWNER
    assert body["field_details"]["location"]["status"] == "confirmed"
    owner = body["field_details"]["owner"]
    assert (owner["status"], owner["reason"], owner["ocr_value"]) == (
        "corrected",
        "原件上权利人为王小明",
        "王晓明",
    )
    # The doubt is resolved by the review: no 请核对 remains, and no mismatch appears.
    assert body["findings"] == []
    actions = _actions(quiet_client, "YK-FR1")
    # One check after both fields (a call per field would check between them).
    assert actions[:3] == ["case.recheck", "document.field_corrected", "document.field_confirmed"]


def test_the_document_page_reviews_every_field_in_one_form(
    quiet_client: ApiClient, settings: Settings
) -> None:
    deed = _deed_case(quiet_client, settings, "YK-FR2")
    signin(quiet_client, Role.reviewer)
    page = quiet_client.http.get(f"/documents/{deed}").text
    assert 'action="/documents/' + deed + '/fields"' in page
    assert "全部确认" in page
    # The owner's box as percentages of its page (1000×500 pixels), on page 1 of the scan.
    assert 'data-field="owner" data-page="1" data-box="10.00 10.00 20.00 8.00"' in page
    assert 'class="page" data-page="1"' in page
    assert "请核对" in page
    assert OCR_TEXT.splitlines()[1] in page  # the OCR text, in its tab
    assert 'rel="next"' in page
    assert "上一份" not in page.split('id="shortcuts"')[0].split("doc-nav")[1]
    assert "快捷键" in page
    csrf = page_csrf(quiet_client, f"/documents/{deed}")
    form = {
        "csrf_token": csrf,
        "name": ["owner", "location"],
        "value": [OWNER, "北京市朝阳区光华路1号"],
        "reason": ["", ""],
        "confirm": ["owner", "location"],
    }
    refused = quiet_client.http.post(f"/documents/{deed}/fields", data=form)
    assert refused.status_code == 422
    assert "更正「权利人」需要写明理由" in refused.text
    form["reason"] = ["原件上权利人为王小明", ""]
    saved = quiet_client.http.post(f"/documents/{deed}/fields", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert saved.headers["location"].endswith("?saved=fields&n=2#fields-h")
    page = quiet_client.http.get(saved.headers["location"]).text
    assert '已更正<span class="by">reviewer-user</span>' in page
    assert "理由：原件上权利人为王小明" in page
    assert '已确认<span class="by">reviewer-user</span>' in page
    assert "没有问题记录" in page
    # Saving again with nothing changed records nothing more.
    again = quiet_client.http.post(f"/documents/{deed}/fields", data=form)
    assert "没有改动需要保存" in again.text
    assert _actions(quiet_client, "YK-FR2").count("document.field_confirmed") == 1


def test_who_dismissed_a_finding_and_why_is_shown(
    quiet_client: ApiClient, settings: Settings
) -> None:
    documents = residential_case(quiet_client, settings, "YK-FR3", owner="钱七")
    finding = quiet_client.request("GET", "/cases/YK-FR3/check", Role.reviewer).json()["findings"]
    dismissed = quiet_client.request(
        "POST", f"/findings/{finding[0]['id']}/dismiss", Role.reviewer, json={"reason": "配偶产权"}
    )
    assert dismissed.status_code == 200
    signin(quiet_client, Role.reviewer)
    for path in ("/cases/YK-FR3", f"/documents/{documents['property_certificate']}"):
        page = quiet_client.http.get(path).text
        assert re.search(r"reviewer-user 于 [\d-]+ [\d:]+ 已排除，理由：配偶产权", page), path


def test_case_and_document_history_and_the_csv_export(
    quiet_client: ApiClient, settings: Settings
) -> None:
    deed = _deed_case(quiet_client, settings, "YK-FR4")
    reviewed = quiet_client.request(
        "PUT",
        f"/documents/{deed}/fields",
        Role.reviewer,
        json=[{"name": "owner", "value": "=HYPERLINK(1)", "reason": "试验"}],
    )
    assert reviewed.status_code == 200
    signin(quiet_client, Role.reviewer)
    assert 'id="history"' not in quiet_client.http.get("/cases/YK-FR4").text
    signin(quiet_client, Role.auditor)
    case_page = quiet_client.http.get("/cases/YK-FR4").text
    history = case_page.split('id="history"')[1]
    assert "更正字段" in history
    assert "上传资料" in history
    assert "资料 房产证.png（案件 YK-FR4）" in history
    assert "识别完成" not in history  # the system's own events stay in the audit page
    assert 'href="/audit?case_no=YK-FR4&amp;format=csv"' in history
    document_page = quiet_client.http.get(f"/documents/{deed}").text
    assert "更正字段" in document_page.split('id="history"')[1]
    exported = quiet_client.http.get("/audit", params={"case_no": "YK-FR4", "format": "csv"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    assert exported.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["编号", "时间", "操作人", "角色", "操作", "对象", "案件编号", "变更内容"]
    corrected = next(r for r in rows[1:] if r[4] == "更正字段")
    assert corrected[2:4] == ["访问令牌 reviewer-user", "审核员"]
    assert "理由： → 试验" in corrected[7]
    assert VALID_ID not in exported.text  # masked, as every answer is
    by_document = quiet_client.http.get("/audit", params={"document": deed, "format": "csv"})
    assert {r[4] for r in csv.reader(io.StringIO(by_document.text))} >= {"更正字段"}
    audited = quiet_client.request(
        "GET", "/audit", Role.auditor, params={"action": "audit.exported"}
    ).json()["events"]
    assert [e["after"].get("case_no") for e in audited] == [None, "YK-FR4"]
    assert audited[1]["after"]["events"] == len(rows) - 1


def test_a_field_intake_missed_is_offered_empty_and_filled_with_a_reason(
    quiet_client: ApiClient, settings: Settings
) -> None:
    deed = _deed_case(quiet_client, settings, "YK-FR3")  # owner and location read
    signin(quiet_client, Role.reviewer)
    page = quiet_client.http.get(f"/documents/{deed}").text
    rows = re.findall(r'<tr class="field-row( missing-field)?" data-field="(\w+)"', page)
    assert rows == [
        ("", "owner"),
        ("", "location"),
        (" missing-field", "unit_no"),
        (" missing-field", "certificate_no"),
    ]  # the property certificate's other fields, empty
    assert '<label for="field-certificate_no">证书编号</label>' in page
    assert 'id="confirm-certificate_no"' not in page  # nothing to confirm
    csrf = page_csrf(quiet_client, f"/documents/{deed}")
    form = {
        "csrf_token": csrf,
        "name": ["owner", "location", "unit_no", "certificate_no"],
        "value": ["王晓明", "北京市朝阳区光华路1号", "", "京(2024)朝阳区不动产权第0012345号"],
        "reason": ["", "", "", ""],
    }
    refused = quiet_client.http.post(f"/documents/{deed}/fields", data=form)
    assert refused.status_code == 422
    assert "更正「证书编号」需要写明理由" in refused.text
    form["reason"] = ["", "", "", "扫描件上证号被印章遮挡，按原件填写"]
    saved = quiet_client.http.post(f"/documents/{deed}/fields", data=form)
    assert saved.status_code == 200
    document = quiet_client.request("GET", f"/documents/{deed}", Role.reviewer).json()
    assert document["fields"]["certificate_no"] == "京(2024)朝阳区不动产权第0012345号"
    assert "unit_no" not in document["fields"]  # left empty: nothing recorded
    detail = document["field_details"]["certificate_no"]
    assert (detail["status"], detail["ocr_value"]) == ("corrected", None)
    assert detail["reason"] == "扫描件上证号被印章遮挡，按原件填写"
    assert "理由：扫描件上证号被印章遮挡，按原件填写" in saved.text
    assert re.findall(r'missing-field" data-field="(\w+)"', saved.text) == ["unit_no"]
    filled = saved.text.split('data-field="certificate_no"')[1].split("</tr>")[0]
    assert "OCR 未识别出，由人工对照扫描件填写" in filled
    assert "OCR 原值" not in filled
    assert _actions(quiet_client, "YK-FR3").count("document.field_corrected") == 1
