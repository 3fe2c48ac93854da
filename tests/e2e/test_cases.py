"""Cases through the API: creation, validation of identifiers, listing."""

from __future__ import annotations

from archive import Role
from tests.e2e.helpers import VALID_CREDIT_CODE, ApiClient


def test_create_and_read_a_case(client: ApiClient) -> None:
    response = client.create_case(
        "YK-1",
        customer={
            "name": "王小明",
            "id_number": "１１０１０５ １９４９１２３１００２x",
            "address": "北京市",
        },
    )
    assert response.status_code == 201, response.text
    case = client.request("GET", "/cases/YK-1", Role.auditor).json()
    assert case["stage"] == "application"
    assert case["customer"]["id_number"] == "11010519491231002X"
    assert case["findings"] == []
    assert case["documents"] == []


def test_organisation_case_with_legal_representative(client: ApiClient) -> None:
    response = client.create_case(
        "YK-ORG",
        category="high_voltage",
        capacity_kva=1250,
        customer={"name": "星河精密制造有限公司", "credit_code": VALID_CREDIT_CODE},
        legal_representative={"name": "李华", "id_number": "440524188001010014"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["legal_representative"]["name"] == "李华"


def test_duplicate_case_number_is_409(client: ApiClient) -> None:
    assert client.create_case("YK-DUP").status_code == 201
    again = client.create_case("YK-DUP")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "YK-DUP" in again.json()["message"]


def test_malformed_id_number_is_422(client: ApiClient) -> None:
    response = client.create_case("YK-BAD", customer={"name": "甲", "id_number": "12345"})
    assert response.status_code == 422
    assert "17 digits" in response.json()["message"]


def test_failing_check_digit_is_recorded_for_review_not_refused(client: ApiClient) -> None:
    response = client.create_case(
        "YK-CHK", customer={"name": "甲", "id_number": "110105194912310021"}
    )
    assert response.status_code == 201
    findings = response.json()["findings"]
    assert [f["code"] for f in findings] == ["id_number_invalid_checksum"]
    assert findings[0]["severity"] == "error"
    assert findings[0]["found"] == "110105194912310021"


def test_customer_needs_an_identifier(client: ApiClient) -> None:
    response = client.create_case("YK-NOID", customer={"name": "甲"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert "id_number" in response.json()["message"]


def test_unknown_category_is_422_naming_the_field(client: ApiClient) -> None:
    response = client.create_case("YK-CAT", category="industrial")
    assert response.status_code == 422
    assert "category" in response.json()["message"]


def test_missing_case_is_404(client: ApiClient) -> None:
    response = client.request("GET", "/cases/NOPE", Role.reviewer)
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "no case NOPE; check the number or list cases with GET /cases",
    }


def test_list_filters_by_text_and_category(client: ApiClient) -> None:
    client.create_case("YK-A", customer={"name": "赵一", "id_number": "11010519491231002X"})
    client.create_case(
        "YK-B",
        category="low_voltage",
        customer={"name": "钱二商店", "credit_code": VALID_CREDIT_CODE},
    )
    everything = client.request("GET", "/cases", Role.auditor).json()
    assert everything["total"] == 2
    by_name = client.request("GET", "/cases", Role.auditor, params={"q": "钱二"}).json()
    assert [c["case_no"] for c in by_name["cases"]] == ["YK-B"]
    by_category = client.request(
        "GET", "/cases", Role.auditor, params={"category": "residential"}
    ).json()
    assert [c["case_no"] for c in by_category["cases"]] == ["YK-A"]
