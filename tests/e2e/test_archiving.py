"""Archiving end to end: archive, read-only, 卷内目录, export, 四性检测, a damaged package,
re-opening by a keeper, the stored archive's check. Runs on SQLite and, with
YEKUO_TEST_DATABASE=postgresql, on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import API_PREFIX, create_app
from archive import (
    SYSTEM,
    Document,
    IntakeOutcome,
    Role,
    claim_next,
    create_unit,
    finish_job,
    open_database,
    recheck_case,
)
from core import Settings, today_in_china
from tests.databases import missing_server
from tests.e2e.helpers import VALID_ID, ApiClient, case_body, png_bytes, run_yekuo
from tests.e2e.test_pages import new_case_form, page_csrf, signin

pytestmark = pytest.mark.timeout(300)
OWNER = "王小明"
VERAPDF = Path(__file__).parents[2] / "scripts" / "verapdf.sh"
DOCUMENTS = ("application_form", "id_card", "property_certificate")
FIELDS = {
    "application_form": {"customer_name": OWNER},
    "id_card": {"name": OWNER, "id_number": VALID_ID},
    "property_certificate": {"owner": OWNER},
}
REASON = "装表接电工单纸质原件已归档，电子件后补"


@pytest.fixture
def client(settings: Settings, tokens: dict[Role, str]) -> Iterator[ApiClient]:
    """A client of an app without intake workers: the test finishes intake itself."""
    quiet = settings.model_copy(update={"intake_in_process": False})
    with TestClient(create_app(quiet)) as test_client:
        yield ApiClient(test_client, tokens)


def finish_intake(settings: Settings, types: dict[str, str]) -> None:
    """Finish the queued documents as a worker would, with one OCR line each."""
    with open_database(settings) as database:
        while True:
            with database.transaction() as session:
                claim = claim_next(session, worker="test", lease=dt.timedelta(minutes=5))
                if claim is None:
                    return
                doc_type = types[claim.document_id]
                page = {"number": 1, "width": 64, "height": 48, "rotation": 0, "source": "test"}
                page["lines"] = [
                    {"text": f"{OWNER} 业扩", "box": [4, 4, 60, 20], "confidence": 0.9}
                ]
                outcome = IntakeOutcome(
                    doc_type=doc_type,
                    confidence=0.9,
                    evidence=["test"],
                    fields=FIELDS[doc_type],
                    field_details={},
                    pages=1,
                    text=f"{OWNER} 业扩",
                    ocr_pages=[page],
                    engine="test",
                    seconds=0.1,
                )
                document = finish_job(session, claim, worker="test", outcome=outcome)
                recheck_case(session, document.case)


def case_at_connection(client: ApiClient, settings: Settings, case_no: str, seed: int) -> None:
    """A residential case with its application documents, advanced to 装表接电."""
    assert client.create_case(case_no).status_code == 201
    types = {
        client.upload(case_no, png_bytes(seed * 10 + n)).json()["document_id"]: doc_type
        for n, doc_type in enumerate(DOCUMENTS)
    }
    finish_intake(settings, types)
    moved = client.request(
        "POST", f"/cases/{case_no}/advance", Role.reviewer, json={"to": "connection"}
    )
    assert moved.status_code == 200, moved.text


def archived_id_card_only(
    client: ApiClient, settings: Settings, case_no: str, *, seed: int, **overrides: Any
) -> tuple[str, str, dict[str, Any]]:
    """A case with only an ID card (kept 10 years), advanced to 装表接电 and archived, both by
    override: its 档号, the card's document id and the case as created."""
    created = client.create_case(case_no, **overrides)
    assert created.status_code == 201, created.text
    document_id = client.upload(case_no, png_bytes(seed)).json()["document_id"]
    finish_intake(settings, {document_id: "id_card"})
    moved = client.request(
        "POST",
        f"/cases/{case_no}/advance",
        Role.reviewer,
        json={"to": "connection", "override_reason": REASON},
    )
    assert moved.status_code == 200, moved.text
    return archived(client, case_no)["archive_no"], document_id, created.json()


def archived(client: ApiClient, case_no: str, role: Role = Role.keeper) -> dict[str, Any]:
    """Archive the case (by override: its 装表接电 documents are on paper)."""
    response = client.request(
        "POST", f"/cases/{case_no}/archive", role, json={"override_reason": REASON}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_case_is_archived_exported_checked_and_a_damaged_package_fails(
    client: ApiClient, settings: Settings, tmp_path: Path
) -> None:
    year = today_in_china().year
    case_at_connection(client, settings, "YK-A1", seed=1)
    case_at_connection(client, settings, "YK-A2", seed=2)
    refused = client.request("POST", "/cases/YK-A1/archive", Role.reviewer, json={})
    assert refused.status_code == 409
    assert refused.json()["code"] == "stage_gate"
    assert "cannot be archived" in refused.json()["message"]
    first = archived(client, "YK-A1", Role.reviewer)
    second = archived(client, "YK-A2")
    # The deed is kept for ever, so the 件 is: 保管期限代码 Y; 件号 without gaps.
    assert first["archive_no"] == f"0412-YK-{year}-Y-0001"
    assert second["archive_no"] == f"0412-YK-{year}-Y-0002"
    case = client.request("GET", "/cases/YK-A1", Role.keeper).json()
    assert (case["stage"], case["archive_no"]) == ("archived", first["archive_no"])

    upload = client.upload("YK-A1", png_bytes(99))
    facts = client.request(
        "PUT", "/cases/YK-A1/facts", Role.reviewer, json={"facts": {"tenant": True}}
    )
    for response in (upload, facts):
        assert response.status_code == 409
        assert response.json()["code"] == "case_archived"
        assert first["archive_no"] in response.json()["message"]

    entries = client.request("GET", "/cases/YK-A1/catalogue", Role.keeper).json()
    assert [(e["sequence"], e["doc_type"], e["page_range"], e["retention"]) for e in entries] == [
        (1, "application_form", "1-1", "30y"),
        (2, "id_card", "2-2", "10y"),
        (3, "property_certificate", "3-3", "permanent"),
    ]
    assert entries[0]["title"] == f"{OWNER}用电申请表"
    assert signin(client, Role.keeper).status_code == 303
    page = client.http.get("/cases/YK-A1").text
    assert f'<dd class="archive-no">{first["archive_no"]}</dd>' in page
    assert "<caption>卷内目录</caption>" in page
    assert f"<td>3</td><td>{OWNER}不动产权证书/房屋产权证明</td>" in page
    assert "<td>永久</td>" in page

    package = tmp_path / "package"
    exported = run_yekuo(settings, "archive", "export", "YK-A1", "YK-A2", "--out", str(package))
    assert exported.returncode == 0, exported.stderr + exported.stdout
    folder = package / "电子档案" / str(year) / first["archive_no"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "001-application_form-原件.png",
        "001-application_form-长期保存.pdf",
        "002-id_card-原件.png",
        "002-id_card-长期保存.pdf",
        "003-property_certificate-原件.png",
        "003-property_certificate-长期保存.pdf",
    ]
    for name in ("说明文件.txt", "文件目录.xml", "其他/文件目录.xsd", "其他/档号规则.txt",
                 "其他/移交登记表.txt", "其他/四性检测报告.json", "其他/摘要清单.xml"):  # fmt: skip
        assert (package / name).is_file(), name
    catalogue_xml = (package / "文件目录.xml").read_text("utf-8")
    assert catalogue_xml.count("<文件>") == 12
    assert (
        f"<电子档案名称>电子档案/{year}/{first['archive_no']}/002-id_card-原件.png<"
        in catalogue_xml
    )

    validate_copies(sorted(package.rglob("*-长期保存.pdf")))
    report = check(settings, package, expect_exit=0)
    assert report["passed"] is True
    results = {item["id"]: item["result"] for item in report["items"]}
    assert results["S4"] == "manual"  # the carrier: a person's check, never passed for them
    assert results["S3"] in ("manual", "pass")
    assert {item["property"] for item in report["items"]} == {
        "authenticity", "integrity", "usability", "security"
    }  # fmt: skip
    assert all(result == "pass" for id_, result in results.items() if id_ not in ("S3", "S4"))

    changed = folder / "002-id_card-原件.png"
    data = bytearray(changed.read_bytes())
    data[len(data) // 2] ^= 0x01
    changed.write_bytes(bytes(data))
    removed = folder / "003-property_certificate-长期保存.pdf"
    removed.unlink()
    register = package / "其他/移交登记表.txt"
    register.write_text(register.read_text("utf-8").replace("接收人", "接受人"), encoding="utf-8")
    (package / "其他/四性检测报告.json").unlink()
    damaged = check(settings, package, expect_exit=6)
    assert damaged["passed"] is False
    details = {item["id"]: (item["result"], item["detail"]) for item in damaged["items"]}
    assert details["A1"][0] == "fail"
    assert "002-id_card-原件.png" in details["A1"][1]
    assert details["I2"][0] == "fail"
    assert "003-property_certificate-长期保存.pdf: missing" in details["I2"][1]
    assert details["A3"] == (
        "fail", "其他/移交登记表.txt: size or SHA256/SM3 do not match 其他/摘要清单.xml"
    )  # fmt: skip
    assert details["I1"] == ("fail", "其他/四性检测报告.json: missing")

    stored = run_yekuo(settings, "archive", "check", "--stored", "--json")
    assert stored.returncode == 0, stored.stdout + stored.stderr
    assert json.loads(stored.stdout)["passed"] is True


def test_a_keeper_reopens_an_archived_case_and_it_keeps_its_number(
    client: ApiClient, settings: Settings
) -> None:
    case_at_connection(client, settings, "YK-R1", seed=3)
    number = archived(client, "YK-R1")["archive_no"]
    not_a_keeper = client.request(
        "POST", "/cases/YK-R1/reopen", Role.reviewer, json={"reason": "更正户名"}
    )
    assert not_a_keeper.status_code == 403
    reopened = client.request(
        "POST", "/cases/YK-R1/reopen", Role.keeper, json={"reason": "更正户名笔误"}
    )
    assert reopened.status_code == 200, reopened.text
    assert reopened.json() == {"case_no": "YK-R1", "stage": "connection", "archive_no": number}
    facts = client.request(
        "PUT", "/cases/YK-R1/facts", Role.reviewer, json={"facts": {"tenant": False}}
    )
    assert facts.status_code == 200, facts.text
    assert archived(client, "YK-R1")["archive_no"] == number
    events = client.request(
        "GET", "/audit", Role.auditor, params={"action": "case.reopened"}
    ).json()
    assert [e["after"]["reason"] for e in events["events"]] == ["更正户名笔误"]


def test_the_retention_report_lists_what_is_due_for_appraisal(
    client: ApiClient, settings: Settings
) -> None:
    case_at_connection(client, settings, "YK-D1", seed=4)
    archived(client, "YK-D1")
    year = today_in_china().year
    # The 件 holds a deed, kept for ever: never due, however far ahead one looks.
    due = client.request("GET", "/archive/due", Role.keeper, params={"year": year + 100})
    assert (due.status_code, due.json()) == (200, [])
    listed = run_yekuo(settings, "archive", "due", "--year", str(year + 100))
    assert listed.returncode == 0, listed.stderr
    assert "0 cases due for appraisal" in listed.stderr

    # A 件 of ID cards only is kept 10 years from 1 January after its 年度: due in year + 10.
    number, _, _ = archived_id_card_only(client, settings, "YK-D2", seed=8)
    assert number == f"0412-YK-{year}-D10-0002"
    before = client.request("GET", "/archive/due", Role.keeper, params={"year": year + 9})
    assert (before.status_code, before.json()) == (200, [])
    for asked in (year + 10, year + 100):
        due = client.request("GET", "/archive/due", Role.keeper, params={"year": asked})
        assert due.json() == [
            {"archive_no": number, "case_no": "YK-D2", "retention": "10y",
             "archive_year": year, "due_year": year + 10}
        ]  # fmt: skip
    listed = run_yekuo(settings, "archive", "due", "--year", str(year + 10))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == f"{number}\tYK-D2\t10y\t{year + 10}\n"
    assert "1 cases due for appraisal" in listed.stderr


def test_a_failed_check_of_the_stored_archive_shows_on_the_keepers_page_until_one_passes(
    client: ApiClient, settings: Settings
) -> None:
    case_at_connection(client, settings, "YK-H1", seed=5)
    number = archived(client, "YK-H1")["archive_no"]
    assert signin(client, Role.keeper).status_code == 303
    assert 'id="stored-check"' not in client.http.get("/").text
    with open_database(settings) as database, database.transaction() as session:
        copy = session.scalars(select(Document.archival_sha256)).first()
    assert copy is not None
    path = next(settings.resolved_object_store_dir.rglob(copy))
    kept = path.read_bytes()
    path.chmod(0o644)
    path.write_bytes(kept[:-1] + bytes([kept[-1] ^ 0x01]))
    failing = run_yekuo(settings, "archive", "check", "--stored", "--json")
    assert failing.returncode == 6, failing.stdout + failing.stderr
    page = client.http.get("/").text
    assert 'id="stored-check"' in page
    assert "馆藏档案四性检测未通过" in page
    assert f"A1 存储的原件与长期保存版本摘要一致：{number} document" in page
    path.write_bytes(kept)
    passing = run_yekuo(settings, "archive", "check", "--stored")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert 'id="stored-check"' not in client.http.get("/").text


NOT_CHANGES = frozenset(
    {
        "POST /api/v1/cases/{case_no}/loans",
        "POST /cases/{case_no}/loans",
        "POST /api/v1/cases/{case_no}/reopen",
        "POST /cases/{case_no}/reveal",
        "POST /documents/{document_id}/reveal",
    }
)
"""Posts on an archived case that change nothing of it: borrowing it, re-opening it (the
keeper's way to change it), showing its ID numbers in full."""

CHANGES: dict[str, dict[str, Any]] = {
    "POST /api/v1/cases/{case_no}/advance": {"json": {"to": "connection"}},
    "POST /api/v1/cases/{case_no}/archive": {"json": {"override_reason": REASON}},
    "POST /api/v1/cases/{case_no}/documents": {"files": {"file": ("s.png", png_bytes(77))}},
    "POST /api/v1/cases/{case_no}/rebase": {"json": {"version": "2023.12", "reason": "按受理时"}},
    "PUT /api/v1/cases/{case_no}": {"json": case_body("YK-L1", capacity_kva=16)},
    "PUT /api/v1/cases/{case_no}/duty": {"json": {"post": "clerk"}},
    "PUT /api/v1/cases/{case_no}/facts": {"json": {"facts": {"tenant": True}}},
    "PUT /api/v1/cases/{case_no}/unit": {"json": {"unit": "GDS09"}},
    "DELETE /api/v1/documents/{document_id}": {"json": {"reason": "重复扫描"}},
    "POST /api/v1/documents/{document_id}/move": {"json": {"case_no": "YK-L2", "reason": "放错"}},
    "POST /api/v1/documents/{document_id}/release": {"json": {"reason": "卡住了"}},
    "POST /api/v1/documents/{document_id}/restore": {},
    "POST /api/v1/documents/{document_id}/retry": {},
    "POST /api/v1/documents/{document_id}/split": {"json": {"part": 1, "first_page": 2}},
    "PUT /api/v1/documents/{document_id}/doc_type": {"json": {"doc_type": "application_form"}},
    "PUT /api/v1/documents/{document_id}/fields": {
        "json": [{"name": "name", "value": "王小名", "reason": "笔误"}]
    },
    "PUT /api/v1/documents/{document_id}/fields/{name}": {
        "json": {"value": "王小名", "reason": "笔误"}
    },
    "POST /api/v1/findings/{finding_id}/dismiss": {"json": {"reason": "核对无误"}},
    "POST /cases/{case_no}/advance": {"data": {"to": "connection"}},
    "POST /cases/{case_no}/duty": {"data": {"post": "clerk"}},
    "POST /cases/{case_no}/facts": {"data": {"fact": "tenant"}},
    "POST /cases/{case_no}/rebase": {"data": {"version": "2023.12", "reason": "按受理时"}},
    "POST /cases/{case_no}/record": {"data": new_case_form("YK-L1", customer_phone="13800000000")},
    "POST /cases/{case_no}/unit": {"data": {"unit": "GDS09"}},
    "POST /cases/{case_no}/upload": {"files": {"file": ("s.png", png_bytes(78))}},
    "POST /documents/{document_id}/doc_type": {"data": {"doc_type": "application_form"}},
    "POST /documents/{document_id}/fields": {
        "data": {"name": "name", "value": "王小名", "reason": "笔误"}
    },
    "POST /documents/{document_id}/move": {"data": {"case_no": "YK-L2", "reason": "放错"}},
    "POST /documents/{document_id}/release": {"data": {"reason": "卡住了"}},
    "POST /documents/{document_id}/restore": {"data": {}},
    "POST /documents/{document_id}/retry": {"data": {}},
    "POST /documents/{document_id}/split": {"data": {"part": "1", "first_page": "2"}},
    "POST /documents/{document_id}/trash": {"data": {"reason": "重复扫描"}},
    "POST /findings/{finding_id}/dismiss": {"data": {"reason": "核对无误"}},
}
"""A request to each route that changes a case or its documents, one that would succeed on
an open case where the route's other conditions hold."""


def routes_on_a_case() -> list[str]:
    """``METHOD /path`` of every post, put and delete of the app on a case, a document or a
    finding (which are a case's): what must refuse an archived case."""
    app = create_app(Settings(_env_file=None))
    return sorted(
        f"{method} {route.path}"
        for route in iter_route_contexts(app.routes)
        if route.path
        and any(name in route.path for name in ("{case_no}", "{document_id}", "{finding_id}"))
        for method in route.methods or ()
        if method in ("POST", "PUT", "DELETE")
    )


@pytest.fixture
def archived_world(client: ApiClient, settings: Settings) -> dict[str, str]:
    """An archived case with a document and a finding, an open case and a unit to move to."""
    with open_database(settings) as database, database.transaction() as session:
        create_unit(session, code="GDS09", name="城西供电所", actor=SYSTEM)
    assert client.create_case("YK-L2").status_code == 201
    wrong_id = VALID_ID[:17] + "1"
    number, document_id, created = archived_id_card_only(
        client, settings, "YK-L1", seed=7, customer={"name": OWNER, "id_number": wrong_id}
    )
    return {
        "case_no": "YK-L1",
        "document_id": document_id,
        "finding_id": str(created["findings"][0]["id"]),
        "name": "name",
        "archive_no": number,
    }


@pytest.mark.parametrize(
    "route", sorted(set(routes_on_a_case()) - NOT_CHANGES), ids=lambda route: route
)
def test_every_change_to_an_archived_case_is_refused(
    client: ApiClient, archived_world: dict[str, str], route: str
) -> None:
    assert route in CHANGES, f"add a request to {route} to CHANGES (or to NOT_CHANGES)"
    method, path = route.split(" ", 1)
    request = {**CHANGES[route], "method": method, "url": path.format(**archived_world)}
    if path.startswith(API_PREFIX):
        request["headers"] = client.headers(Role.admin)
    else:
        assert signin(client, Role.admin).status_code == 303
        csrf = page_csrf(client)
        if "data" in request:
            request["data"] = {**request["data"], "csrf_token": csrf}
        else:  # the case page's upload script sends its token in a header
            request["headers"] = {"X-CSRF-Token": csrf}
    response = client.http.request(follow_redirects=False, **request)
    assert response.status_code == 409, response.text
    if response.headers["content-type"].startswith("application/json"):
        assert response.json()["code"] == "case_archived"
    assert archived_world["archive_no"] in response.text


def validate_copies(copies: list[Path]) -> None:
    """The archival copies as made by archiving validate as PDF/A-2b with veraPDF."""
    if shutil.which("java") is None or shutil.which("mvn") is None:
        missing_server("veraPDF (Java and Maven)", "PATH")
    done = subprocess.run(
        [str(VERAPDF), *map(str, copies)], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASS ") == len(copies) == 6


def check(settings: Settings, package: Path, *, expect_exit: int) -> dict[str, Any]:
    """``yekuo archive check PACKAGE --json``, its exit status asserted."""
    done = run_yekuo(settings, "archive", "check", str(package), "--json")
    assert done.returncode == expect_exit, done.stdout + done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report
