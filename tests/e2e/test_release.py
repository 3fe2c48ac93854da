"""An admin frees a stuck intake job: through the API, the document page and `yekuo release`."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from archive import Role, claim_next, open_database
from cli import main
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_pages import page_csrf, signin
from worker import IntakeQueue

HUNG = "hung-host:0-1:Worker-1"
"""A worker that still holds its lease (its host is not this one, so no start-up frees it)."""


def _stuck(client: ApiClient, settings: Settings, case_no: str, seed: int) -> str:
    """A document whose intake job a hung worker holds; its id."""
    client.create_case(case_no)
    document_id = str(client.upload(case_no, png_bytes(seed)).json()["document_id"])
    with open_database(settings) as database, database.transaction() as session:
        claim = claim_next(
            session, worker=HUNG, lease=dt.timedelta(minutes=15), document_id=document_id
        )
    assert claim is not None
    return document_id


def _messages(settings: Settings) -> list[str]:
    queue = IntakeQueue(settings)
    try:
        with queue.database.connection_context():
            return [str(task.args[0]) for task in queue.huey.pending()]
    finally:
        queue.close()


def test_an_admin_releases_a_stuck_job_with_a_reason_once(
    client: ApiClient, settings: Settings
) -> None:
    document_id = _stuck(client, settings, "YK-L", 1)
    path = f"/documents/{document_id}/release"
    assert client.request("GET", f"/documents/{document_id}", Role.admin).json()["status"] == (
        "processing"
    )
    blank = client.request("POST", path, Role.admin, json={"reason": "  "})
    assert blank.status_code == 422
    assert "reason" in blank.json()["message"]
    forbidden = client.request("POST", path, Role.archivist, json={"reason": "stuck"})
    assert forbidden.status_code == 403
    released = client.request("POST", path, Role.admin, json={"reason": "worker hangs on OCR"})
    assert released.status_code == 200, released.text
    assert (released.json()["status"], released.json()["attempts"]) == ("queued", 1)
    assert _messages(settings).count(document_id) == 2, "the upload's, and the release's"
    again = client.request("POST", path, Role.admin, json={"reason": "again"})
    assert again.status_code == 409
    assert "queued, not processing" in again.json()["message"]
    events = client.request(
        "GET", "/audit", Role.auditor, params={"action": "document.lease_released"}
    ).json()["events"]
    assert len(events) == 1
    assert events[0]["actor"] == "admin-user"
    assert events[0]["after"] == {"status": "queued", "reason": "worker hangs on OCR"}
    assert events[0]["before"]["leased_by"] == HUNG


def test_the_document_page_offers_admins_a_release_button(
    client: ApiClient, settings: Settings
) -> None:
    document_id = _stuck(client, settings, "YK-LP", 2)
    signin(client, Role.reviewer)
    assert 'id="release-form"' not in client.http.get(f"/documents/{document_id}").text
    client.http.cookies.clear()
    signin(client, Role.admin)
    page = client.http.get(f"/documents/{document_id}")
    assert 'id="release-form"' in page.text
    assert "释放任务" in page.text
    csrf = page_csrf(client, f"/documents/{document_id}")
    posted = client.http.post(
        f"/documents/{document_id}/release",
        data={"csrf_token": csrf, "reason": "进程无响应"},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    shown = client.http.get(posted.headers["location"])
    assert "识别任务已释放" in shown.text
    assert 'id="release-form"' not in shown.text
    status = client.request("GET", f"/documents/{document_id}", Role.admin).json()["status"]
    assert status == "queued"


def test_yekuo_release_frees_a_job_and_refuses_one_not_processing(
    client: ApiClient, cli_settings: Settings
) -> None:
    document_id = _stuck(client, cli_settings, "YK-LC", 3)
    runner = CliRunner()
    assert runner.invoke(main, ["release", document_id]).exit_code == 2, "--reason is needed"
    blank = runner.invoke(main, ["release", document_id, "--reason", " "])
    assert blank.exit_code == 2
    done = runner.invoke(main, ["release", document_id, "--reason", "hung"])
    assert (done.exit_code, done.output) == (
        0,
        f"document {document_id} released and queued for intake again\n",
    )
    again = runner.invoke(main, ["release", document_id, "--reason", "hung"])
    assert again.exit_code == 4
    assert "not processing" in again.output
    missing = runner.invoke(main, ["release", "no-such-document", "--reason", "x"])
    assert missing.exit_code == 3
