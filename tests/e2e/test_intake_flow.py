"""Uploads run through the real intake workers: OCR, classification, fields, checks, index."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import Role
from core import Settings
from synthetic import jpeg_bytes, render
from synthetic._pdf import encrypted_pdf
from tests.e2e.helpers import VALID_ID, ApiClient

pytestmark = pytest.mark.slow


@pytest.fixture
def live(settings: Settings, tokens: dict[Role, str]) -> Iterator[ApiClient]:
    """A client of an app whose intake workers run in-process, as `yekuo serve` has them."""
    running = settings.model_copy(
        update={"intake_in_process": True, "intake_workers": 1, "intake_poll_seconds": 0.1}
    )
    with TestClient(create_app(running)) as http:
        yield ApiClient(http, tokens)


def _wait(client: ApiClient, document_id: str, timeout: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.request(
            "GET", f"/documents/{document_id}", Role.reviewer
        ).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"document {document_id} still {body['status']} after {timeout} s")


def test_an_id_card_is_read_checked_against_the_case_and_found_by_name(live: ApiClient) -> None:
    card = render("id_card", random.Random(7))
    truth = card.fields
    live.create_case(
        "YK-I",
        customer={
            "name": truth["name"],
            "id_number": truth["id_number"],
            "address": truth["address"],
        },
    )
    live.create_case(
        "YK-J", customer={"name": truth["name"], "id_number": VALID_ID, "address": "别处"}
    )
    scan = jpeg_bytes(card.images[0])
    first = live.upload("YK-I", scan, filename="身份证.jpg")
    second = live.upload("YK-J", scan, filename="身份证.jpg")
    mine = _wait(live, first.json()["document_id"])
    stranger = _wait(live, second.json()["document_id"])

    assert mine["status"] == "done", mine["error"]
    assert mine["error_code"] is None
    assert mine["doc_type"] == "id_card"
    assert mine["fields"]["id_number"] == truth["id_number"]
    assert mine["fields"]["name"] == truth["name"]
    assert mine["field_details"]["id_number"]["page"] == 1
    assert mine["pages"] == 1
    assert not [f for f in mine["findings"] if f["code"].endswith("_mismatch")]

    mismatch = [f for f in stranger["findings"] if f["code"] == "id_number_mismatch"]
    assert [(f["found"], f["expected"]) for f in mismatch] == [(truth["id_number"], VALID_ID)]

    hits = live.request("GET", "/search", Role.auditor, params={"q": truth["name"]}).json()
    found = {hit["document_id"]: hit["case_no"] for hit in hits["hits"]}
    assert found == {mine["document_id"]: "YK-I", stranger["document_id"]: "YK-J"}


def test_a_broken_pdf_fails_at_once_with_the_reason_and_is_kept(live: ApiClient) -> None:
    live.create_case("YK-B")
    broken = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"\x00" * 64
    document_id = live.upload("YK-B", broken, filename="合同.pdf").json()["document_id"]
    body = _wait(live, document_id)
    assert (body["status"], body["error_code"], body["attempts"]) == ("failed", "corrupt_file", 1)
    assert "PDF" in body["error"]
    assert [f["code"] for f in body["findings"]] == ["unreadable_scan"]
    original = live.request("GET", f"/documents/{document_id}/file", Role.auditor)
    assert original.content == broken


def test_an_encrypted_pdf_fails_at_once_as_encrypted_pdf(live: ApiClient) -> None:
    live.create_case("YK-E")
    locked = live.upload("YK-E", encrypted_pdf(), filename="加密.pdf").json()["document_id"]
    body = _wait(live, locked)
    assert (body["status"], body["error_code"], body["attempts"]) == ("failed", "encrypted_pdf", 1)
    assert "password" in body["error"]
    retried = live.request("POST", f"/documents/{locked}/retry", Role.archivist)
    assert retried.status_code == 200, retried.text
    again = _wait(live, locked)
    assert (again["status"], again["error_code"], again["attempts"]) == (
        "failed",
        "encrypted_pdf",
        1,
    )
