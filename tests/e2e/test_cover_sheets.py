"""资料封面 through the HTTP API and the case page: a PDF whose every page's QR code decodes."""

from __future__ import annotations

import pypdfium2
import pytest

from archive import Role
from intake import CoverSheet, read_cover
from tests.e2e.helpers import ApiClient
from tests.e2e.test_pages import signin


def _decoded(pdf_bytes: bytes) -> list[CoverSheet | None]:
    """Each page rendered at 200 dpi, as a scanner would see it, and read with ``read_cover``."""
    pdf = pypdfium2.PdfDocument(pdf_bytes)
    try:
        return [read_cover(pdf[i].render(scale=200 / 72).to_pil()) for i in range(len(pdf))]
    finally:
        pdf.close()


def test_one_page_per_required_document_of_the_current_stage(client: ApiClient) -> None:
    assert client.create_case("YK-COVER-1").status_code == 201
    response = client.request("GET", "/cases/YK-COVER-1/cover-sheets", Role.archivist)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert 'filename="YK-COVER-1-cover-sheets.pdf"' in response.headers["content-disposition"]
    assert response.content.startswith(b"%PDF-")
    # The residential application stage: form, ID card or household register, property proof.
    types = ["application_form", "id_card", "household_register", "property_certificate"]
    assert _decoded(response.content) == [CoverSheet("YK-COVER-1", t) for t in types]


def test_all_stages_as_the_reviewer(client: ApiClient) -> None:
    client.create_case("YK-COVER-2")
    response = client.request("GET", "/cases/YK-COVER-2/cover-sheets?stage=all", Role.reviewer)
    assert response.status_code == 200, response.text
    sheets = _decoded(response.content)
    assert len(sheets) == 7
    assert sheets[-1] == CoverSheet("YK-COVER-2", "meter_installation")


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("?stage=archived", 422, "requires no documents"),
        ("?stage=nonsense", 422, "choose one of application, connection, 'all'"),
    ],
)
def test_a_stage_without_covers_is_a_422_naming_the_choices(
    client: ApiClient, query: str, status: int, says: str
) -> None:
    client.create_case("YK-COVER-3")
    response = client.request("GET", f"/cases/YK-COVER-3/cover-sheets{query}", Role.admin)
    assert response.status_code == status
    assert response.json()["code"] == "invalid"
    assert says in response.json()["message"]


def test_an_unknown_case_is_404(client: ApiClient) -> None:
    response = client.request("GET", "/cases/NO-SUCH/cover-sheets", Role.archivist)
    assert response.status_code == 404


def test_the_case_page_offers_the_covers_and_serves_them(client: ApiClient) -> None:
    client.create_case("YK-COVER-4")
    signin(client, Role.archivist)
    page = client.http.get("/cases/YK-COVER-4")
    assert "打印资料封面" in page.text
    assert '<option value="application" selected>业务受理环节所需资料</option>' in page.text
    assert '<option value="all">全部环节所需资料</option>' in page.text
    pdf = client.http.get("/cases/YK-COVER-4/cover-sheets", params={"stage": "connection"})
    assert pdf.headers["content-type"] == "application/pdf"
    assert _decoded(pdf.content) == [
        CoverSheet("YK-COVER-4", t)
        for t in ("site_survey_record", "supply_contract", "meter_installation")
    ]
    client.http.cookies.clear()
    signin(client, Role.auditor)
    assert "打印资料封面" not in client.http.get("/cases/YK-COVER-4").text
