"""The consistency report against hand-computed expectations: JSON, filters, scope, CSV, XLSX,
the page and ``yekuo report consistency``.

The cases (residential, at 业务受理, which asks for 用电申请表, 身份证明 and 产权证明):
YK-C1 has all three, read, the deed naming 李四 for the customer 王小明 (one owner mismatch,
on page 2); YK-C2 has none and one scan still queued (3 missing, 1 unread); YK-C3, of unit
GDS01, has none and one scan whose intake failed (3 missing, 1 unread); YK-C4 has all three
and nothing to report.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from archive import SYSTEM, Role, create_token, create_unit, open_database
from cli import main
from core import Settings
from tests.e2e.helpers import VALID_ID, ApiClient, png_bytes
from tests.e2e.test_chinese_pages import english_words
from tests.e2e.test_pages import signin
from tests.e2e.test_review import OWNER, finish_intake, residential_case
from tests.intake_jobs import fail_for_good


@pytest.fixture
def world(quiet_client: ApiClient, settings: Settings) -> dict[str, str]:
    """The four cases above, and a token of unit GDS01."""
    with open_database(settings) as database, database.transaction() as session:
        create_unit(session, code="GDS01", name="城东供电所", actor=SYSTEM)
        gds01 = create_token(
            session, name="gds01-reviewer", role=Role.reviewer, actor=SYSTEM, unit="GDS01"
        )[1]
    assert quiet_client.create_case("YK-C1").status_code == 201
    ids = {
        t: quiet_client.upload("YK-C1", png_bytes(seed)).json()["document_id"]
        for seed, t in enumerate(("application_form", "id_card", "property_certificate"))
    }
    finish_intake(
        settings,
        {
            ids["application_form"]: ("application_form", {"customer_name": OWNER}),
            ids["id_card"]: ("id_card", {"name": OWNER, "id_number": VALID_ID}),
            ids["property_certificate"]: ("property_certificate", {"owner": "李四"}),
        },
        page=2,
    )
    residential_case(quiet_client, settings, "YK-C4")
    assert quiet_client.create_case("YK-C3", unit="GDS01").status_code == 201
    failed = quiet_client.upload("YK-C3", png_bytes(30), filename="坏.png").json()["document_id"]
    fail_for_good(settings, failed)
    assert quiet_client.create_case("YK-C2").status_code == 201
    queued = quiet_client.upload("YK-C2", png_bytes(20), filename="待识别.png").json()
    return {
        "deed": ids["property_certificate"],
        "queued": queued["document_id"],
        "failed": failed,
        "gds01": gds01,
    }


def report(client: ApiClient, role: Role = Role.auditor, **params: str) -> dict[str, Any]:
    """The JSON report as ``role`` with these filters."""
    response = client.request("GET", "/reports/consistency", role, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def summary(body: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """Per case: (mismatch, missing, unread)."""
    return {
        c["case_no"]: (c["counts"]["mismatch"], c["counts"]["missing"], c["counts"]["unread"])
        for c in body["cases"]
    }


def test_the_report_lists_each_case_with_what_it_lacks(
    quiet_client: ApiClient, world: dict[str, str]
) -> None:
    body = report(quiet_client)
    assert summary(body) == {"YK-C1": (1, 0, 0), "YK-C2": (0, 3, 1), "YK-C3": (0, 3, 1)}
    assert body["counts"] == {"cases": 3, "mismatch": 1, "missing": 6, "unread": 2}
    (mismatch,) = body["cases"][0]["items"]
    assert mismatch == {
        "kind": "mismatch",
        "code": "owner_mismatch",
        "field": "owner",
        "document_id": world["deed"],
        "document": "scan.png",
        "doc_type": "property_certificate",
        "page": 2,
        "paper": "李四",
        "system": OWNER,
        "for_stage": None,
        "detail": mismatch["detail"],
    }
    assert "李四" in mismatch["detail"]
    c2 = body["cases"][1]["items"]
    assert [(i["kind"], i["code"]) for i in c2] == [
        ("missing", "application_form"),
        ("missing", "applicant_identity"),
        ("missing", "property_proof"),
        ("unread", "queued"),
    ]
    assert c2[-1]["document_id"] == world["queued"]
    assert body["cases"][2]["items"][-1]["code"] == "failed"


def test_filters_and_scope_keep_what_they_say(
    quiet_client: ApiClient, world: dict[str, str]
) -> None:
    assert summary(report(quiet_client, unit="GDS01")) == {"YK-C3": (0, 3, 1)}
    assert summary(report(quiet_client, kind="unread")) == {"YK-C2": (0, 0, 1), "YK-C3": (0, 0, 1)}
    assert report(quiet_client, kind="mismatch")["counts"]["cases"] == 1
    assert report(quiet_client, stage="site_survey")["cases"] == []
    scoped = quiet_client.http.get(
        "/api/v1/reports/consistency", headers={"Authorization": f"Bearer {world['gds01']}"}
    )
    assert summary(scoped.json()) == {"YK-C3": (0, 3, 1)}
    outside = quiet_client.http.get(
        "/api/v1/reports/consistency",
        params={"unit": "TOP"},
        headers={"Authorization": f"Bearer {world['gds01']}"},
    )
    assert outside.status_code == 403


def test_csv_and_xlsx_hold_one_row_per_item(quiet_client: ApiClient, world: dict[str, str]) -> None:
    response = quiet_client.request(
        "GET", "/reports/consistency", Role.auditor, params={"format": "csv"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["申请编号", "户名", "供电单位", "当前环节", "类别"]
    assert len(rows) == 1 + 9
    assert rows[1][:11] == [
        "YK-C1",
        OWNER,
        "TOP",
        "业务受理",
        "资料与系统不一致",
        "scan.png",
        "不动产权证书/房屋产权证明",
        "2",
        "权利人",
        "李四",
        OWNER,
    ]
    workbook = quiet_client.request(
        "GET", "/reports/consistency", Role.auditor, params={"format": "xlsx", "kind": "missing"}
    )
    sheet = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + 6
    assert {row[0] for row in values[1:]} == {"YK-C2", "YK-C3"}


def test_the_page_and_the_command_give_the_same_report(
    quiet_client: ApiClient, world: dict[str, str], cli_settings: Settings, tmp_path: Path
) -> None:
    signin(quiet_client, Role.archivist)
    page = quiet_client.http.get("/reports/consistency?kind=missing")
    assert page.status_code == 200
    assert 'id="count-missing">6<' in page.text
    assert english_words(page.text) == []
    export = quiet_client.http.get("/reports/consistency/export?format=csv&unit=GDS01")
    assert export.status_code == 200
    assert export.content.decode("utf-8-sig").count("YK-C3") == 4
    out = tmp_path / "一致性.csv"
    command = ["report", "consistency", "--format", "csv", "--unit", "GDS01", "--out", str(out)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == export.content
    workbook = tmp_path / "一致性.xlsx"
    command = ["report", "consistency", "--format", "xlsx", "--out", str(workbook)]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    counts = load_workbook(workbook).worksheets[1]
    assert [list(r) for r in counts.iter_rows(values_only=True)] == [
        ["项目", "数量"],
        ["有问题的案件", 3],
        ["资料与系统不一致", 1],
        ["缺少资料", 6],
        ["资料未识别", 2],
    ]
