"""Case records pushed by the marketing system: PUT upsert, record history, checks re-run."""

from __future__ import annotations

import datetime as dt
from typing import Any

from archive import SYSTEM, Role, get_case, open_database
from core import Settings
from synthetic import case_record_export, case_records_csv
from tests.e2e.helpers import VALID_CREDIT_CODE, VALID_ID, ApiClient, case_body
from tests.e2e.test_chinese_pages import english_words
from tests.e2e.test_pages import page_csrf, signin
from tests.e2e.test_review import residential_case

OTHER_ID = "440524198001010013"


def put(client: ApiClient, case_no: str, role: Role = Role.archivist, **overrides: Any) -> Any:
    """PUT the case record ``case_body(case_no, **overrides)`` as ``role``."""
    return client.request("PUT", f"/cases/{case_no}", role, json=case_body(case_no, **overrides))


def history(client: ApiClient, case_no: str) -> list[dict[str, Any]]:
    """The record history of the case, newest first."""
    response = client.request("GET", f"/cases/{case_no}/record-history", Role.auditor)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def audit_actions(client: ApiClient, case_no: str) -> list[str]:
    """The audit actions recorded on the case, oldest first."""
    events = client.request("GET", "/audit", Role.auditor).json()["events"]
    return [e["action"] for e in reversed(events) if e.get("case_no") == case_no]


def test_put_creates_then_updates_and_an_unchanged_record_writes_nothing(
    quiet_client: ApiClient,
) -> None:
    created = put(quiet_client, "YK-P1")
    assert created.status_code == 201, created.text
    assert created.json()["customer"]["name"] == "王小明"
    again = put(quiet_client, "YK-P1")
    assert again.status_code == 200, again.text
    assert history(quiet_client, "YK-P1") == []
    assert audit_actions(quiet_client, "YK-P1") == ["case.create"]

    changed = put(
        quiet_client,
        "YK-P1",
        capacity_kva=16,
        customer={"name": "王小明", "id_number": OTHER_ID, "address": "北京市朝阳区光华路1号"},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["capacity_kva"], changed.json()["customer"]["id_number"]) == (
        16,
        "440524********0013",  # the archivist does not see full ID numbers
    )
    rows = history(quiet_client, "YK-P1")
    assert [(r["field"], r["old"], r["new"], r["source"]) for r in rows] == [
        ("customer.id_number", "110105********002X", "440524********0013", "api"),
        ("capacity_kva", "8", "16", "api"),
    ]
    assert {r["actor"] for r in rows} == {"archivist-user"}
    assert audit_actions(quiet_client, "YK-P1") == ["case.create", "case.record_updated"]


def test_changed_names_re_run_the_checks_of_the_documents(
    quiet_client: ApiClient, settings: Settings
) -> None:
    residential_case(quiet_client, settings, "YK-P2")
    check = quiet_client.request(
        "GET", "/cases/YK-P2/check", Role.reviewer, params={"stage": "application"}
    ).json()
    assert check["findings"] == []
    customer = {"name": "王小红", "id_number": VALID_ID, "address": "北京市朝阳区光华路1号"}
    assert put(quiet_client, "YK-P2", customer=customer).status_code == 200
    check = quiet_client.request(
        "GET", "/cases/YK-P2/check", Role.reviewer, params={"stage": "application"}
    ).json()
    mismatches = sorted((f["code"], f["found"], f["expected"]) for f in check["findings"])
    assert ("name_mismatch", "王小明", "王小红") in mismatches
    assert "case.recheck" in audit_actions(quiet_client, "YK-P2")
    # Back to the name on the paper: the mismatches go away again.
    customer["name"] = "王小明"
    assert put(quiet_client, "YK-P2", customer=customer).status_code == 200
    check = quiet_client.request(
        "GET", "/cases/YK-P2/check", Role.reviewer, params={"stage": "application"}
    ).json()
    assert [f for f in check["findings"] if f["code"] == "name_mismatch"] == []
    assert [r["new"] for r in history(quiet_client, "YK-P2")] == ["王小明", "王小红"]


def test_put_refuses_an_archived_case_a_wrong_number_and_a_move_by_non_admin(
    quiet_client: ApiClient, settings: Settings
) -> None:
    organisation: dict[str, Any] = {
        "category": "low_voltage",
        "customer": {"name": "某公司", "credit_code": VALID_CREDIT_CODE},
        "legal_representative": {"name": "李四", "id_number": VALID_ID},
    }
    assert put(quiet_client, "YK-P3", **organisation).status_code == 201
    other_number = quiet_client.request(
        "PUT", "/cases/YK-P3", Role.archivist, json=case_body("YK-OTHER", **organisation)
    )
    assert other_number.status_code == 422, other_number.text
    assert put(quiet_client, "YK-P3", Role.auditor, **organisation).status_code == 403
    moved = put(quiet_client, "YK-P3", Role.archivist, unit="TOP2", **organisation)
    assert moved.status_code == 403, moved.text
    no_rep = put(
        quiet_client, "YK-P3", Role.reviewer, **{**organisation, "legal_representative": None}
    )
    assert no_rep.status_code == 200, no_rep.text
    assert [r["field"] for r in history(quiet_client, "YK-P3")] == [
        "legal_representative.name",
        "legal_representative.id_number",
    ]
    with open_database(settings) as database, database.transaction() as session:
        get_case(session, case_no="YK-P3", actor=SYSTEM).archived_at = dt.datetime.now(dt.UTC)
    refused = put(quiet_client, "YK-P3", capacity_kva=99, **organisation)
    assert (refused.status_code, refused.json()["code"]) == (409, "case_archived")
    assert (
        put(quiet_client, "YK-P3", **{**organisation, "legal_representative": None}).status_code
        == 200
    )


def test_the_case_page_edits_the_record_and_lists_its_history(quiet_client: ApiClient) -> None:
    assert put(quiet_client, "YK-P4").status_code == 201
    signin(quiet_client, Role.reviewer)
    page = quiet_client.http.get("/cases/YK-P4")
    assert 'id="record-form"' in page.text
    assert "110105********002X" in page.text  # the form shows the number masked
    form = {
        "csrf_token": page_csrf(quiet_client, "/cases/YK-P4"),
        "customer_kind": "person",
        "category": "residential",
        "business_type": "capacity_increase",
        "capacity_kva": "12",
        "accepted_on": case_of(quiet_client, "YK-P4")["accepted_on"],
        "customer_name": "王小明",
        "customer_id_number": "110105********002X",  # sent back masked: the same number
        "customer_address": "北京市朝阳区光华路1号",
        "customer_phone": "13800000000",
    }
    saved = quiet_client.http.post("/cases/YK-P4/record", data=form, follow_redirects=False)
    assert (saved.status_code, saved.headers["location"]) == (303, "/cases/YK-P4?record=3")
    assert [(r["field"], r["new"], r["source"]) for r in history(quiet_client, "YK-P4")] == [
        ("customer.phone", "13800000000", "web"),
        ("capacity_kva", "12", "web"),
        ("business_type", "capacity_increase", "web"),
    ]
    page = quiet_client.http.get("/cases/YK-P4?record=3")
    assert "登记信息已更新 3 项" in page.text
    history_table = page.text.split('id="record-history"', 1)[1].split("</section>", 1)[0]
    assert "页面修改" in history_table
    assert "增容" in history_table
    bad = quiet_client.http.post(
        "/cases/YK-P4/record", data={**form, "capacity_kva": "很多"}, follow_redirects=False
    )
    assert bad.status_code == 422
    assert "登记信息未保存。申请容量：须为数字" in bad.text


def case_of(client: ApiClient, case_no: str) -> dict[str, Any]:
    """The case as the API gives it to a reviewer."""
    response = client.request("GET", f"/cases/{case_no}", Role.reviewer)
    assert response.status_code == 200, response.text
    case: dict[str, Any] = response.json()
    return case


def test_the_import_page_reports_bad_rows_and_writes_nothing_unless_told(
    quiet_client: ApiClient,
) -> None:
    export = case_record_export(4, seed=5, bad_every=3)
    content = case_records_csv(export.rows, encoding="gb18030")
    signin(quiet_client, Role.reviewer)
    csrf = page_csrf(quiet_client, "/cases/import")

    def upload(**options: str) -> Any:
        return quiet_client.http.post(
            "/cases/import",
            data={"csrf_token": csrf, **options},
            files={"file": ("营销导出.csv", content, "text/csv")},
        )

    refused = upload()
    assert refused.status_code == 200, refused.text
    assert "整份清单未导入" in refused.text
    assert "<td>4</td><td>YK-00003</td><td>「户名」为空</td>" in refused.text
    assert english_words(refused.text) == []
    assert quiet_client.request("GET", "/cases", Role.reviewer).json()["total"] == 0
    written = upload(skip_bad="1")
    assert 'id="count-created">3<' in written.text
    assert quiet_client.request("GET", "/cases", Role.reviewer).json()["total"] == 3
    assert (
        "请选择要导入的文件"
        in quiet_client.http.post("/cases/import", data={"csrf_token": csrf}).text
    )
