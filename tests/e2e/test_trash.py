"""The trash through the HTTP API: a wrong upload leaves its case, the checks and search, is
restorable for the trash period, and only then is its original destroyed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select

from archive import AuditEvent, Document, Role, open_database, open_object_store
from cli import main
from core import Settings
from search import index_pending, open_search_index
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_review import OWNER, residential_case


def _trash(client: ApiClient, document_id: str, reason: str = "传错了案件") -> Any:
    return client.request(
        "DELETE", f"/documents/{document_id}", Role.archivist, json={"reason": reason}
    )


def _index(settings: Settings) -> None:
    with (
        open_database(settings) as database,
        database.session() as session,
        open_search_index(settings) as index,
    ):
        index_pending(session, index)


def _hits(client: ApiClient, q: str) -> list[str]:
    found = client.request("GET", "/search", Role.auditor, params={"q": q})
    assert found.status_code == 200, found.text
    return [hit["document_id"] for hit in found.json()["hits"]]


def _age_trash(settings: Settings, document_id: str, *, days: int) -> None:
    with open_database(settings) as database, database.transaction() as session:
        document = session.get(Document, document_id)
        assert document is not None
        assert document.trashed_at is not None
        document.trashed_at -= dt.timedelta(days=days)


def test_a_trashed_document_leaves_case_checks_and_search_and_comes_back(
    quiet_client: ApiClient, settings: Settings
) -> None:
    client = quiet_client
    documents = residential_case(client, settings, "YK-T1")
    _index(settings)
    deed = documents["property_certificate"]
    assert deed in _hits(client, OWNER)
    assert client.request("GET", "/cases/YK-T1/check", Role.reviewer).json()["ready"] is True

    trashed = _trash(client, deed)
    assert trashed.status_code == 200, trashed.text
    assert (trashed.json()["status"], trashed.json()["trash_reason"]) == ("trashed", "传错了案件")
    case = client.request("GET", "/cases/YK-T1", Role.auditor).json()
    assert deed not in [d["document_id"] for d in case["documents"]]
    check = client.request("GET", "/cases/YK-T1/check", Role.reviewer).json()
    assert check["ready"] is False
    assert "property_certificate" in [m["doc_type"] for m in check["missing"]]
    assert all(f["document_id"] != deed for f in check["findings"])
    assert deed not in _hits(client, OWNER)
    assert client.request("GET", f"/documents/{deed}/file", Role.auditor).status_code == 200
    assert _trash(client, deed).status_code == 409

    restored = client.request("POST", f"/documents/{deed}/restore", Role.archivist)
    assert restored.status_code == 200, restored.text
    assert restored.json()["status"] == "done"
    assert client.request("GET", "/cases/YK-T1/check", Role.reviewer).json()["ready"] is True
    assert deed in _hits(client, OWNER)
    events = client.request("GET", "/audit", Role.auditor).json()["events"]
    actions = [e["action"] for e in events]
    assert {"document.trashed", "document.untrashed"} <= set(actions)


def test_trash_needs_a_reason_an_open_case_and_the_upload_role(
    quiet_client: ApiClient, settings: Settings
) -> None:
    client = quiet_client
    assert client.create_case("YK-T2").status_code == 201
    document_id = client.upload("YK-T2", png_bytes(21)).json()["document_id"]
    assert _trash(client, document_id, reason=" ").status_code == 422
    refused = client.request(
        "DELETE", f"/documents/{document_id}", Role.reviewer, json={"reason": "不要了"}
    )
    assert refused.status_code == 403
    assert (
        client.request("POST", f"/documents/{document_id}/restore", Role.archivist).status_code
        == 409
    )


def test_the_same_bytes_uploaded_again_bring_the_trashed_document_back(
    quiet_client: ApiClient,
) -> None:
    client = quiet_client
    assert client.create_case("YK-T3").status_code == 201
    document_id = client.upload("YK-T3", png_bytes(31)).json()["document_id"]
    assert _trash(client, document_id).status_code == 200
    again = client.upload("YK-T3", png_bytes(31))
    assert again.status_code == 202, again.text
    assert (again.json()["document_id"], again.json()["duplicate"]) == (document_id, False)
    case = client.request("GET", "/cases/YK-T3", Role.auditor).json()
    assert [d["document_id"] for d in case["documents"]] == [document_id]


def test_purge_destroys_only_originals_past_the_period_and_verify_stays_clean(
    quiet_client: ApiClient, settings: Settings, cli_settings: Settings
) -> None:
    client = quiet_client
    assert client.create_case("YK-T4").status_code == 201
    assert client.create_case("YK-T5").status_code == 201
    old = client.upload("YK-T4", png_bytes(41), filename="old.png").json()["document_id"]
    recent = client.upload("YK-T4", png_bytes(42)).json()["document_id"]
    shared = client.upload("YK-T4", png_bytes(43)).json()["document_id"]
    client.upload("YK-T5", png_bytes(43))  # the same bytes kept on another case
    for document_id in (old, recent, shared):
        assert _trash(client, document_id).status_code == 200
    _age_trash(settings, old, days=31)
    _age_trash(settings, shared, days=31)
    _age_trash(settings, recent, days=29)

    purged = CliRunner().invoke(main, ["trash", "purge"])
    assert purged.exit_code == 0, purged.output
    assert "purged 2 documents" in purged.output
    with open_database(settings) as database, database.session() as session:
        rows = {d.id: d for d in session.scalars(select(Document))}
        purges = select(AuditEvent.entity_id).where(AuditEvent.action == "document.purged")
        assert set(session.scalars(purges)) == {old, shared}
    store = open_object_store(settings)
    try:
        assert store.head(rows[old].sha256) is None
        assert store.head(rows[shared].sha256) is not None
        assert store.head(rows[recent].sha256) is not None
    finally:
        store.close()
    assert rows[old].purged_at is not None
    assert rows[recent].purged_at is None
    gone = client.request("POST", f"/documents/{old}/restore", Role.archivist)
    assert (gone.status_code, gone.json()["code"]) == (410, "original_purged")
    assert client.request("POST", f"/documents/{recent}/restore", Role.archivist).status_code == 200
    verified = CliRunner().invoke(main, ["verify"])
    assert verified.exit_code == 0, verified.output

    back = client.upload("YK-T4", png_bytes(41), filename="old.png")
    assert (back.status_code, back.json()["document_id"], back.json()["status"]) == (
        202,
        old,
        "queued",
    )
    assert client.request("GET", f"/documents/{old}/file", Role.auditor).content == png_bytes(41)
