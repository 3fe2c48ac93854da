"""Moving a document filed on the wrong case through the HTTP API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from archive import Case, Role, open_database
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_review import residential_case
from tests.e2e.test_trash import _hits, _index


def _move(client: ApiClient, document_id: str, case_no: str, role: Role = Role.archivist) -> Any:
    return client.request(
        "POST",
        f"/documents/{document_id}/move",
        role,
        json={"case_no": case_no, "reason": "扫描时放错了案件"},
    )


def test_a_moved_document_counts_on_its_new_case_and_both_are_checked_again(
    quiet_client: ApiClient, settings: Settings
) -> None:
    client = quiet_client
    documents = residential_case(client, settings, "YK-M1")
    assert client.create_case("YK-M2").status_code == 201
    _index(settings)
    deed = documents["property_certificate"]

    moved = _move(client, deed, "YK-M2")
    assert moved.status_code == 200, moved.text
    assert moved.json()["case_no"] == "YK-M2"
    source = client.request("GET", "/cases/YK-M1/check", Role.reviewer).json()
    target = client.request("GET", "/cases/YK-M2/check", Role.reviewer).json()
    assert "property_certificate" in [m["doc_type"] for m in source["missing"]]
    assert "property_certificate" not in [m["doc_type"] for m in target["missing"]]
    assert deed in [
        d["document_id"]
        for d in client.request("GET", "/cases/YK-M2", Role.auditor).json()["documents"]
    ]
    found = client.request(
        "GET", "/search", Role.auditor, params={"q": "王小明", "case_no": "YK-M2"}
    )
    assert [h["document_id"] for h in found.json()["hits"]] == [deed]
    assert deed in _hits(client, "王小明")
    events = client.request("GET", "/audit", Role.auditor).json()["events"]
    moves = [e for e in events if e["action"] == "document.moved"]
    assert sorted(e["case_no"] for e in moves) == ["YK-M1", "YK-M2"]
    assert all(
        (e["before"]["from_case_no"], e["after"]["to_case_no"]) == ("YK-M1", "YK-M2") for e in moves
    )


def test_a_move_is_refused_to_the_same_bytes_an_unknown_case_and_other_roles(
    quiet_client: ApiClient, settings: Settings
) -> None:
    client = quiet_client
    for case_no in ("YK-M3", "YK-M4"):
        assert client.create_case(case_no).status_code == 201
    document_id = client.upload("YK-M3", png_bytes(51)).json()["document_id"]
    client.upload("YK-M4", png_bytes(51))
    twice = _move(client, document_id, "YK-M4")
    assert twice.status_code == 409
    assert "YK-M4" in twice.json()["message"]
    assert _move(client, document_id, "YK-NONE").status_code == 404
    assert _move(client, document_id, "YK-M3").status_code == 422
    assert _move(client, document_id, "YK-M4", role=Role.auditor).status_code == 403
    assert client.create_case("YK-M5").status_code == 201
    with open_database(settings) as database, database.transaction() as session:
        archived = session.scalars(select(Case).where(Case.case_no == "YK-M5")).one()
        archived.archived_at, archived.archive_no = dt.datetime.now(dt.UTC), "YK-2026-D10-0001"
    refused = _move(client, document_id, "YK-M5")
    assert (refused.status_code, refused.json()["code"]) == (409, "case_archived")
