"""A scanned stack through the API: stored once, split into documents, routed, corrected.

The upload goes through the real API and the real intake worker; only the OCR engine is a
stand-in that reads each page's ground truth (``tests.unit.intake.test_stack``), and the
cover reader takes the black pages for cover sheets of case YK-7's business licence.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select

from archive import Case, Role, open_database, open_object_store
from archive.db._models import utcnow
from core import Settings
from search import open_search_index
from synthetic import SyntheticStack, build_stack, render
from tests.e2e.helpers import ApiClient
from tests.e2e.test_pages import page_csrf, signin
from tests.unit.intake.test_stack import SMALL, TruthEngine, black_is_cover, scanned
from worker import IntakeWorker, worker_parts
from worker._steps import IntakeAnalyser


def run_intake(settings: Settings, stack: SyntheticStack, document_id: str) -> None:
    """Run the intake job of ``document_id`` as a worker would, OCR by ground truth."""
    analyser = IntakeAnalyser(settings, engine=TruthEngine(stack), read_cover=black_is_cover)
    with (
        open_database(settings) as database,
        open_search_index(settings) as index,
    ):
        store = open_object_store(settings)
        parts = worker_parts(
            settings, database=database, store=store, index=index, analyser=analyser
        )
        assert IntakeWorker(parts, name="test").run(document_id).claimed


def upload_stack(client: ApiClient, tmp_path: Path, stack: SyntheticStack) -> str:
    response = client.upload("YK-1", scanned(tmp_path, stack).read_bytes(), filename="卷宗.tif")
    assert response.status_code == 202, response.text
    document_id: str = response.json()["document_id"]
    return document_id


def document(client: ApiClient, document_id: str) -> dict[str, Any]:
    response = client.request("GET", f"/documents/{document_id}", Role.reviewer)  # view_pii
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def docs() -> list[Any]:
    rng = random.Random("e2e-stack")
    return [render("id_card", rng), render("supply_contract", rng), render("business_license", rng)]


def test_a_stack_becomes_one_document_per_part_routed_by_its_cover(
    client: ApiClient, settings: Settings, tmp_path: Path, docs: list[Any]
) -> None:
    client.create_case("YK-1")
    client.create_case("YK-7")
    stack = build_stack(docs, covers=[None, None, Image.new("RGB", SMALL, "black")])
    stack_id = upload_stack(client, tmp_path, stack)
    run_intake(settings, stack, stack_id)

    original = document(client, stack_id)
    assert (original["status"], original["pages"], original["page_range"]) == ("stack", 6, [1, 6])
    assert (original["doc_type"], original["fields"], original["part"]) == (None, {}, None)
    parts = [document(client, part_id) for part_id in original["parts"]]
    assert [(p["part"], p["page_range"], p["doc_type"], p["case_no"]) for p in parts] == [
        (1, [1, 1], "id_card", "YK-1"),
        (2, [2, 4], "supply_contract", "YK-1"),
        (3, [6, 6], "business_license", "YK-7"),
    ]
    assert {p["parent_id"] for p in parts} == {stack_id}
    assert {p["sha256"] for p in parts} == {original["sha256"]}
    assert parts[0]["fields"] == docs[0].fields
    assert parts[2]["fields"] == docs[2].fields
    assert parts[2]["doc_type_hint"] == "business_license"

    check = client.request("GET", "/cases/YK-1/check", Role.reviewer).json()
    not_counting = {item["document_id"]: item["reason"] for item in check["not_counting"]}
    assert "stack split into documents" in not_counting[stack_id]
    assert parts[0]["document_id"] not in not_counting
    hits = client.request(
        "GET", "/search", Role.auditor, params={"q": docs[2].fields["credit_code"]}
    )
    assert [hit["document_id"] for hit in hits.json()["hits"]] == [parts[2]["document_id"]]
    events = client.request("GET", "/audit", Role.auditor, params={"action": "document.split"})
    (split,) = events.json()["events"]
    assert [p["page_range"] for p in split["after"]["parts"]] == [[1, 1], [2, 4], [6, 6]]
    assert client.request("GET", "/audit/verify", Role.auditor).json()["intact"] is True


def test_a_single_document_stays_one_document(
    client: ApiClient, settings: Settings, tmp_path: Path, docs: list[Any]
) -> None:
    client.create_case("YK-1")
    stack = build_stack(docs[1:2])
    document_id = upload_stack(client, tmp_path, stack)
    run_intake(settings, stack, document_id)
    body = document(client, document_id)
    assert (body["status"], body["doc_type"], body["part"], body["page_range"]) == (
        "done",
        "supply_contract",
        1,
        [1, 3],
    )
    assert (body["parent_id"], body["parts"]) == (None, [])


def test_a_document_behind_its_cover_sheet_stays_one_document(
    client: ApiClient, settings: Settings, tmp_path: Path, docs: list[Any]
) -> None:
    client.create_case("YK-1")
    stack = build_stack(docs[2:], covers=[Image.new("RGB", SMALL, "black")])
    document_id = upload_stack(client, tmp_path, stack)
    run_intake(settings, stack, document_id)
    body = document(client, document_id)
    assert (body["status"], body["doc_type"], body["pages"], body["parts"]) == (
        "done",
        "business_license",
        2,
        [],
    )
    assert body["fields"] == docs[2].fields


def test_a_reviewer_moves_a_boundary_and_both_parts_are_read_again(
    client: ApiClient, settings: Settings, tmp_path: Path, docs: list[Any]
) -> None:
    client.create_case("YK-1")
    stack = build_stack(docs)
    stack_id = upload_stack(client, tmp_path, stack)
    run_intake(settings, stack, stack_id)
    card_id, contract_id, _ = document(client, stack_id)["parts"]
    contract_before = document(client, contract_id)

    moved = client.request(
        "POST", f"/documents/{stack_id}/split", Role.reviewer, json={"part": 1, "first_page": 3}
    )
    assert moved.status_code == 200, moved.text
    assert [(p["document_id"], p["page_range"]) for p in moved.json()] == [
        (card_id, [1, 2]),
        (contract_id, [3, 4]),
    ]
    contract = document(client, contract_id)
    assert (document(client, card_id)["pages"], contract["pages"]) == (2, 2)
    assert contract_before["fields"] == docs[1].fields
    assert contract["fields"] != contract_before["fields"], "read again from pages 3-4 only"
    back = {"part": 1, "first_page": 2}
    again = client.request("POST", f"/documents/{stack_id}/split", Role.reviewer, json=back)
    assert [p["page_range"] for p in again.json()] == [[1, 1], [2, 4]]
    card, contract = document(client, card_id), document(client, contract_id)
    assert (card["doc_type"], card["fields"]) == ("id_card", docs[0].fields)
    assert (contract["doc_type"], contract["fields"]) == ("supply_contract", docs[1].fields)
    events = client.request(
        "GET", "/audit", Role.auditor, params={"action": "document.split_moved"}
    )
    event = events.json()["events"][-1]  # newest first: the first move is the last
    assert [p["page_range"] for p in event["before"]["parts"]] == [[1, 1], [2, 4]]
    assert [p["page_range"] for p in event["after"]["parts"]] == [[1, 2], [3, 4]]
    assert {p["document_id"] for p in event["after"]["parts"]} == {card_id, contract_id}

    for body, code in (
        ({"part": 1, "first_page": 5}, 422),  # part 2 would have no page
        ({"part": 3, "first_page": 5}, 422),  # there is no part 4
        ({"part": 1}, 422),
    ):
        response = client.request("POST", f"/documents/{stack_id}/split", Role.admin, json=body)
        assert response.status_code == code, (body, response.text)
        assert response.json()["message"]
    not_a_stack = client.request(
        "POST", f"/documents/{card_id}/split", Role.admin, json={"part": 1, "first_page": 2}
    )
    assert not_a_stack.status_code == 409
    assert "not a split stack" in not_a_stack.json()["message"]
    archivist = client.request(
        "POST", f"/documents/{stack_id}/split", Role.archivist, json={"part": 1, "first_page": 2}
    )
    assert archivist.status_code == 403


def test_a_cover_naming_no_known_case_keeps_the_part_with_a_warning(
    client: ApiClient, settings: Settings, tmp_path: Path, docs: list[Any]
) -> None:
    client.create_case("YK-1")
    stack = build_stack([docs[0], docs[2]], covers=[None, Image.new("RGB", SMALL, "black")])
    stack_id = upload_stack(client, tmp_path, stack)
    run_intake(settings, stack, stack_id)
    _, licence_id = document(client, stack_id)["parts"]
    licence = document(client, licence_id)
    assert (licence["case_no"], licence["page_range"]) == ("YK-1", [3, 3])
    (warning,) = [f for f in licence["findings"] if f["code"] == "cover_case_unknown"]
    assert (warning["severity"], warning["found"]) == ("warning", "YK-7")
    assert "YK-7" in warning["message"]


def test_a_cover_naming_an_archived_case_keeps_the_part_with_a_warning(
    client: ApiClient, settings: Settings, tmp_path: Path, docs: list[Any]
) -> None:
    client.create_case("YK-1")
    client.create_case("YK-7")
    with open_database(settings) as database, database.transaction() as session:
        archived = session.scalars(select(Case).where(Case.case_no == "YK-7")).one()
        archived.archive_no, archived.archived_at = "0412-YK-2026-Y-0001", utcnow()
    stack = build_stack([docs[0], docs[2]], covers=[None, Image.new("RGB", SMALL, "black")])
    stack_id = upload_stack(client, tmp_path, stack)
    run_intake(settings, stack, stack_id)
    _, licence_id = document(client, stack_id)["parts"]
    licence = document(client, licence_id)
    assert licence["case_no"] == "YK-1"
    (warning,) = [f for f in licence["findings"] if f["code"] == "cover_case_archived"]
    assert (warning["severity"], warning["found"]) == ("warning", "YK-7")
    assert "已归档" in warning["message"]


def test_the_document_page_lists_the_parts_and_moves_a_boundary(
    client: ApiClient, settings: Settings, tmp_path: Path, docs: list[Any]
) -> None:
    client.create_case("YK-1")
    stack = build_stack(docs)
    stack_id = upload_stack(client, tmp_path, stack)
    run_intake(settings, stack, stack_id)
    card_id, contract_id, _ = document(client, stack_id)["parts"]
    signin(client, Role.reviewer)
    page = client.http.get(f"/documents/{stack_id}")
    assert page.status_code == 200
    assert "原件拆分" in page.text
    assert f'href="/documents/{contract_id}">第 2 部分' in page.text
    assert 'action="/documents/' + stack_id + '/split"' in page.text
    case_page = client.http.get("/cases/YK-1")
    assert "第 2 部分 · 原件第 2–4 页" in case_page.text
    part_page = client.http.get(f"/documents/{contract_id}")
    assert "原件第 2–4 页" in part_page.text
    assert f'src="/documents/{contract_id}/pages/2"' in part_page.text
    assert f'src="/documents/{contract_id}/pages/4"' in part_page.text
    csrf = page_csrf(client, f"/documents/{stack_id}")
    moved = client.http.post(
        f"/documents/{stack_id}/split",
        data={"part": "1", "first_page": "3", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    assert document(client, card_id)["page_range"] == [1, 2]
    refused = client.http.post(
        f"/documents/{stack_id}/split",
        data={"part": "1", "first_page": "", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "起始页" in refused.text
