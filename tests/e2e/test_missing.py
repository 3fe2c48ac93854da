"""What a case still lacks, by stage, through the API and the case page; the 一次性告知单 PDF."""

from __future__ import annotations

import io

import pypdfium2

from archive import Role
from core import Settings
from tests.e2e.helpers import ApiClient
from tests.e2e.test_pages import signin
from tests.e2e.test_review import residential_case

A4_POINTS = (595, 842)


def _missing_rules(body: dict[str, object], stage: str) -> list[str]:
    stages = body["stages"]
    assert isinstance(stages, list)
    (entry,) = [s for s in stages if s["stage"] == stage]
    return [m["rule"] for m in entry["missing"]]


def test_a_new_case_lacks_its_application_documents_now_and_the_connection_ones_later(
    client: ApiClient,
) -> None:
    assert client.create_case("YK-M1").status_code == 201
    response = client.request("GET", "/cases/YK-M1/missing", Role.auditor)
    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "application"
    assert [(s["stage"], s["position"]) for s in body["stages"]] == [
        ("application", "current"),
        ("connection", "later"),
        ("archived", "later"),
    ]
    assert _missing_rules(body, "application") == [
        "application_form",
        "applicant_identity",
        "property_proof",
    ]
    assert _missing_rules(body, "connection") == [
        "site_survey",
        "supply_contract",
        "meter_installation",
    ]
    assert _missing_rules(body, "archived") == []
    assert body["total"] == 6
    (contract,) = [m for m in body["stages"][1]["missing"] if m["rule"] == "supply_contract"]
    assert contract["originals"] is True
    assert contract["count"] - contract["found"] == 1


def test_a_stage_passed_by_an_override_keeps_what_it_let_through(client: ApiClient) -> None:
    assert client.create_case("YK-M3").status_code == 201
    moved = client.request(
        "POST",
        "/cases/YK-M3/advance",
        Role.reviewer,
        json={"to": "connection", "override_reason": "资料原件已现场核验，扫描件次日补传"},
    )
    assert moved.status_code == 200
    body = client.request("GET", "/cases/YK-M3/missing", Role.reviewer).json()
    assert body["stage"] == "connection"
    assert [s["position"] for s in body["stages"]] == ["passed", "current", "later"]
    assert _missing_rules(body, "application") == [
        "application_form",
        "applicant_identity",
        "property_proof",
    ]
    assert body["total"] == 6


def test_documents_on_file_are_not_missing(client: ApiClient, settings: Settings) -> None:
    residential_case(client, settings, "YK-M2")
    body = client.request("GET", "/cases/YK-M2/missing", Role.reviewer).json()
    assert _missing_rules(body, "application") == []
    assert body["total"] == 3


def test_the_notice_is_an_a4_pdf_for_the_archivist_and_not_for_the_auditor(
    client: ApiClient,
) -> None:
    assert client.create_case("YK-M4").status_code == 201
    response = client.request("GET", "/cases/YK-M4/missing-notice", Role.archivist)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="YK-M4-missing-notice.pdf"' in response.headers["content-disposition"]
    pdf = pypdfium2.PdfDocument(io.BytesIO(response.content))
    try:
        assert len(pdf) == 1
        width, height = pdf[0].get_size()
    finally:
        pdf.close()
    assert (round(width), round(height)) == A4_POINTS
    refused = client.request("GET", "/cases/YK-M4/missing-notice", Role.auditor)
    assert refused.status_code == 403
    unknown = client.request("GET", "/cases/NO-SUCH/missing-notice", Role.archivist)
    assert unknown.status_code == 404


def test_the_case_page_lists_what_every_stage_lacks_with_the_notice_to_print(
    client: ApiClient,
) -> None:
    assert client.create_case("YK-M5").status_code == 201
    signin(client, Role.archivist)
    page = client.http.get("/cases/YK-M5").text
    assert "尚缺资料（本环节及后续环节，共 6 项）" in page
    assert "本环节：推进前须补齐" in page
    assert "后续环节" in page
    assert "供用电合同（原件）" in page
    assert "须交验纸质原件" in page
    assert 'href="/cases/YK-M5/missing-notice"' in page
    printed = client.http.get("/cases/YK-M5/missing-notice")
    assert printed.status_code == 200
    assert printed.content.startswith(b"%PDF")
    signin(client, Role.auditor)
    page = client.http.get("/cases/YK-M5").text
    assert "尚缺资料（本环节及后续环节" in page
    assert "missing-notice" not in page


def test_the_advance_button_says_what_blocks_it_before_it_is_pressed(client: ApiClient) -> None:
    assert client.create_case("YK-M6").status_code == 201
    signin(client, Role.reviewer)
    page = client.http.get("/cases/YK-M6").text
    assert 'disabled aria-describedby="advance-blockers">推进到「装表接电」</button>' in page
    assert "暂不能推进：缺少「用电申请表」、「用电人有效身份证明（身份证或户口簿）」" in page
