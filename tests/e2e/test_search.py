"""Search through the HTTP API: finished documents indexed, found by name and ID, per role."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import create_app
from archive import Case, Document, Role, mask_citizen_id, open_database
from core import Settings
from search import ElasticsearchSearchIndex, index_pending, open_search_index
from tests.e2e.helpers import VALID_ID, ApiClient
from tests.e2e.test_pages import signin

OTHER_ID = "110102198506120035"


def _finished(
    case_id: int, document_id: str, doc_type: str, text: str, fields: dict[str, str]
) -> Document:
    """A document as intake leaves it: done, classified, its text and fields extracted."""
    return Document(
        id=document_id,
        case_id=case_id,
        sha256=document_id.ljust(64, "0"),
        size_bytes=1000,
        media_type="image/png",
        status="done",
        doc_type=doc_type,
        uploaded_by="archivist-user",
        text=text,
        fields=fields,
    )


@pytest.fixture
def indexed(client: ApiClient, settings: Settings) -> ApiClient:
    """Two cases, 王小明's and 李小明's, with finished documents put into the index."""
    assert client.create_case("YK-101").status_code == 201
    li = {"name": "李小明", "id_number": OTHER_ID, "address": "北京市西城区金融街1号"}
    assert client.create_case("YK-102", customer=li).status_code == 201
    with open_database(settings) as database, database.transaction() as session:
        wang = session.scalars(select(Case.id).where(Case.case_no == "YK-101")).one()
        other = session.scalars(select(Case.id).where(Case.case_no == "YK-102")).one()
        wang_fields = {"name": "王小明", "id_number": VALID_ID, "valid_from": "2020-01-15"}
        contract_fields = {"contract_no": "GD-HT-2026-0101", "signed_date": "2026-04-10"}
        session.add_all(
            [
                _finished(wang, "w-id", "id_card", f"姓名 王小明 身份号码 {VALID_ID}", wang_fields),
                _finished(
                    wang,
                    "w-form",
                    "application_form",
                    "用电申请表 客户名称 王小明",
                    {"customer_name": "王小明", "id_number": VALID_ID},
                ),
                _finished(
                    wang,
                    "w-contract",
                    "supply_contract",
                    f"供用电合同 用电人 王小明 身份证号 {VALID_ID}",
                    contract_fields,
                ),
                _finished(
                    other,
                    "l-id",
                    "id_card",
                    f"姓名 李小明 公民身份号码 {OTHER_ID}",
                    {"name": "李小明", "id_number": OTHER_ID},
                ),
            ]
        )
    with (
        open_database(settings) as database,
        database.session() as session,
        open_search_index(settings) as index,
    ):
        assert index_pending(session, index) == 4
    return client


def _search(client: ApiClient, role: Role | None = Role.auditor, **params: Any) -> Any:
    response = client.request("GET", "/search", role, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_name_finds_the_id_card_form_and_contract_of_its_case(indexed: ApiClient) -> None:
    body = _search(indexed, q="王小明")
    assert body["total"] == 3
    assert {hit["document_id"] for hit in body["hits"]} == {"w-id", "w-form", "w-contract"}
    assert {hit["case_no"] for hit in body["hits"]} == {"YK-101"}
    assert all(
        any("<mark>王小明</mark>" in passage for passage in hit["highlights"])
        for hit in body["hits"]
    )
    assert body["facets"]["doc_type"] == {"id_card": 1, "application_form": 1, "supply_contract": 1}


def test_an_id_number_typed_loosely_finds_its_documents(indexed: ApiClient) -> None:
    spaced = " ".join(VALID_ID[i : i + 4] for i in range(0, 18, 4)).lower()
    body = _search(indexed, q=spaced)
    # in a field and the text, in a field only, in the text only
    assert [hit["document_id"] for hit in body["hits"]] == ["w-id", "w-form", "w-contract"]
    assert [hit["score"] for hit in body["hits"]] == sorted(
        (hit["score"] for hit in body["hits"]), reverse=True
    )


def test_highlights_show_citizen_ids_in_full_only_to_view_pii_roles(indexed: ApiClient) -> None:
    masked = mask_citizen_id(VALID_ID)
    for role, shown in ((Role.auditor, masked), (Role.reviewer, VALID_ID)):
        body = _search(indexed, role, q=VALID_ID)
        passages = " ".join(" ".join(hit["highlights"]) for hit in body["hits"])
        assert shown in passages, (role, passages)
        assert (VALID_ID in passages) is (role is Role.reviewer)


def test_filters_and_pages(indexed: ApiClient) -> None:
    assert _search(indexed, q="小明", doc_type="id_card")["total"] == 2
    assert [h["document_id"] for h in _search(indexed, q="小明", case_no="yk-102")["hits"]] == [
        "l-id"
    ]
    dated = _search(indexed, date_from="2026-01-01", date_to="2026-12-31")
    assert [hit["document_id"] for hit in dated["hits"]] == ["w-contract"]
    first, second = (_search(indexed, q="小明", limit=2, offset=n)["hits"] for n in (0, 2))
    assert [len(first), len(second)] == [2, 2]
    assert not {h["document_id"] for h in first} & {h["document_id"] for h in second}


@pytest.mark.parametrize("role", [Role.auditor, Role.reviewer, Role.admin])
def test_auditors_reviewers_and_admins_may_search(indexed: ApiClient, role: Role) -> None:
    assert _search(indexed, role, q="李小明")["total"] == 1


def test_archivists_and_anonymous_may_not(indexed: ApiClient) -> None:
    forbidden = indexed.request("GET", "/search", Role.archivist, params={"q": "王小明"})
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "forbidden"
    assert indexed.request("GET", "/search", None, params={"q": "王小明"}).status_code == 401


def test_an_invalid_search_is_422(indexed: ApiClient) -> None:
    params = {"q": "王小明", "date_from": "2026-05-01", "date_to": "2026-01-01"}
    response = indexed.request("GET", "/search", Role.auditor, params=params)
    assert response.status_code == 422
    assert "date_from is after date_to" in response.json()["message"]


def test_a_search_backend_outage_is_503(settings: Settings, tokens: dict[Role, str]) -> None:
    down = ElasticsearchSearchIndex("http://127.0.0.1:9", "yekuo-nowhere")
    with TestClient(create_app(settings, search_index=down)) as http:
        client = ApiClient(http, tokens)
        response = client.request("GET", "/search", Role.auditor, params={"q": "王小明"})
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "search_unavailable"
    assert "cannot reach the Elasticsearch index" in body["message"]
    assert "YEKUO_ELASTICSEARCH_URL" in body["message"]


def test_beyond_the_count_cap_the_total_is_a_lower_bound_in_the_api_and_the_page(
    indexed: ApiClient, settings: Settings
) -> None:
    capped = settings.model_copy(update={"search_count_cap": 2})
    with TestClient(create_app(capped)) as http:
        client = ApiClient(http, indexed.tokens)
        body = _search(client, q="小明")
        assert (body["total"], body["total_is_lower_bound"]) == (2, True)
        assert len(body["hits"]) == 4
        exact = _search(client, q="李小明")
        assert (exact["total"], exact["total_is_lower_bound"]) == (1, False)
        signin(client, Role.auditor)
        page = http.get("/search", params={"q": "小明"}).text
        exact_page = http.get("/search", params={"q": "李小明"}).text
    assert "共 2+ 条资料" in page
    assert "共 1 份资料" in exact_page
