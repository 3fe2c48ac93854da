"""The intake queue through the API: its messages, its counts, and retrying a document."""

from __future__ import annotations

from archive import Document, DocumentStatus, Role, open_database
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.intake_jobs import fail_for_good
from worker import IntakeQueue


def test_the_queue_counts_uploads_and_a_retry_requeues_a_document(
    client: ApiClient, settings: Settings
) -> None:
    client.create_case("YK-Q")
    document_id = client.upload("YK-Q", png_bytes(1)).json()["document_id"]
    other_id = client.upload("YK-Q", png_bytes(2)).json()["document_id"]
    again = client.upload("YK-Q", png_bytes(2))
    assert (again.status_code, again.json()["document_id"]) == (200, other_id)
    messages_of = IntakeQueue(settings)
    try:
        with messages_of.database.connection_context():
            messages = [task.args for task in messages_of.huey.pending()]
    finally:
        messages_of.close()
    assert messages == [(document_id,), (other_id,)], "one message per new document"
    queue = client.request("GET", "/intake", Role.auditor)
    assert queue.status_code == 200
    assert queue.json() == {
        "queued": 2,
        "processing": 0,
        "done": 0,
        "failed": 0,
        "index_pending": 0,
    }
    fail_for_good(settings, document_id)
    retried = client.request("POST", f"/documents/{document_id}/retry", Role.archivist)
    assert retried.status_code == 200
    body = retried.json()
    assert (body["status"], body["attempts"], body["stage"]) == ("queued", 0, "application")
    assert body["index_status"] == "pending"
    events = client.request("GET", "/audit", Role.auditor, params={"action": "document.retry"})
    assert [e["entity_id"] for e in events.json()["events"]] == [document_id]


def test_only_uploaders_may_retry(client: ApiClient) -> None:
    client.create_case("YK-R")
    document_id = client.upload("YK-R", png_bytes(3)).json()["document_id"]
    for role, status in ((Role.auditor, 403), (Role.reviewer, 403), (None, 401)):
        response = client.request("POST", f"/documents/{document_id}/retry", role)
        assert response.status_code == status, role
        assert response.json()["code"]
    missing = client.request("POST", "/documents/nope/retry", Role.admin)
    assert missing.status_code == 404


def test_only_a_failed_document_is_retried(client: ApiClient, settings: Settings) -> None:
    client.create_case("YK-S")
    queued = client.upload("YK-S", png_bytes(4)).json()["document_id"]
    done = client.upload("YK-S", png_bytes(5)).json()["document_id"]
    with open_database(settings) as database, database.transaction() as session:
        session.get_one(Document, done).status = DocumentStatus.done.value
    for document_id, status in ((queued, "queued"), (done, "done")):
        response = client.request("POST", f"/documents/{document_id}/retry", Role.archivist)
        assert response.status_code == 409, response.text
        assert response.json()["code"] == "conflict"
        assert f"is {status}, not failed" in response.json()["message"]
        after = client.request("GET", f"/documents/{document_id}", Role.auditor).json()
        assert after["status"] == status
    events = client.request("GET", "/audit", Role.auditor, params={"action": "document.retry"})
    assert events.json()["events"] == []
