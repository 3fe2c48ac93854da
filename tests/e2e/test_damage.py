"""A damaged original is marked once on its document, whoever finds it, until it is restored.

Serving it, a worker reading it and `yekuo verify` each find the damage; the document keeps one
open ``original_damaged`` finding, `/healthz` turns ``degraded`` with the count, and the document
and case pages say 原件已损坏. Restoring the bytes (copied back, or put again after the object
was lost) and `yekuo verify` (or a worker reading it whole) resolves the mark.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import LocalObjectStore, Role, open_database
from cli import main
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_originals import _damage, _object_path
from tests.e2e.test_pages import signin
from tests.intake_jobs import intake_outcome
from worker import Attempt, IntakeWorker, WorkerParts


def _marks(client: ApiClient, document_id: str) -> list[tuple[int, str]]:
    findings = client.request("GET", f"/documents/{document_id}", Role.auditor).json()["findings"]
    return [(f["id"], f["status"]) for f in findings if f["code"] == "original_damaged"]


def _run_worker(settings: Settings, document_id: str) -> Attempt:
    with open_database(settings) as database:
        store = LocalObjectStore(settings.resolved_object_store_dir)
        parts = WorkerParts(
            database=database,
            store=store,
            settings=settings,
            analyse=lambda path, *, media_type, hint: intake_outcome(),
        )
        return IntakeWorker(parts, name="w").run(document_id)


def _health(client: ApiClient) -> dict[str, object]:
    response = client.http.get("/healthz")
    assert response.status_code == 200, "damage degrades, it does not make the service unavailable"
    body: dict[str, object] = response.json()
    return body


@pytest.mark.parametrize("damage", ["flip", "delete"])
def test_a_damaged_original_is_marked_once_then_cleared_when_restored(
    client: ApiClient, cli_settings: Settings, damage: str
) -> None:
    content = png_bytes(11)
    client.create_case("YK-DM")
    uploaded = client.upload("YK-DM", content, filename="scan.png").json()
    document_id, sha256 = uploaded["document_id"], uploaded["sha256"]
    assert _health(client) == {
        "status": "ok",
        "checks": {"database": "ok", "object_store": "ok", "search": "ok", "originals": "ok"},
        "damaged_originals": 0,
    }
    path = _object_path(cli_settings, sha256)
    _damage(path, damage)

    for _ in range(2):
        refused = client.request("GET", f"/documents/{document_id}/file", Role.auditor)
        assert refused.status_code == 410
    marks = _marks(client, document_id)
    assert len(marks) == 1
    assert marks[0][1] == "open"
    assert _run_worker(cli_settings, document_id) == Attempt(claimed=True)
    document = client.request("GET", f"/documents/{document_id}", Role.auditor).json()
    assert (document["status"], document["error_code"]) == ("failed", "original_damaged")
    runner = CliRunner()
    verified = runner.invoke(main, ["verify"])
    assert verified.exit_code == 6
    assert f"DAMAGED document {document_id}" in verified.output
    assert _marks(client, document_id) == marks, "one mark, whoever found the damage"

    health = _health(client)
    assert (health["status"], health["damaged_originals"]) == ("degraded", 1)
    checks = health["checks"]
    assert isinstance(checks, dict)
    assert (checks["database"], checks["object_store"]) == ("ok", "ok")
    assert "stored originals damaged or missing: 1 " in checks["originals"]
    assert "yekuo verify" in checks["originals"]

    if damage == "delete":  # the object is lost: putting the right bytes again restores it
        LocalObjectStore(cli_settings.resolved_object_store_dir).put(
            io.BytesIO(content), sha256=sha256, size=len(content), content_type="image/png"
        )
    else:  # other bytes under the key: a backup's copy goes back over them
        Path(path).chmod(0o644)
        Path(path).write_bytes(content)
    restored = runner.invoke(main, ["verify"])
    assert restored.exit_code == 0, restored.output
    assert f"restored document {document_id}" in restored.output
    assert _marks(client, document_id) == [(marks[0][0], "resolved")]
    assert _health(client)["status"] == "ok"
    assert _health(client)["damaged_originals"] == 0
    actions = [
        e["action"]
        for e in client.request("GET", "/audit", Role.auditor).json()["events"]
        if e["entity_id"] == document_id
    ]
    assert actions.count("document.damaged") == 4, "two refusals, the worker, one verify"
    assert actions.count("document.restored") == 1
    assert client.request("GET", f"/documents/{document_id}/file", Role.auditor).content == content


def test_a_worker_that_reads_a_restored_original_whole_clears_its_mark(
    client: ApiClient, settings: Settings
) -> None:
    content = png_bytes(12)
    client.create_case("YK-DW")
    uploaded = client.upload("YK-DW", content, filename="scan.png").json()
    document_id = uploaded["document_id"]
    path = Path(_object_path(settings, uploaded["sha256"]))
    _damage(str(path), "flip")
    assert _run_worker(settings, document_id) == Attempt(claimed=True)
    assert [status for _, status in _marks(client, document_id)] == ["open"]
    path.chmod(0o644)
    path.write_bytes(content)
    retried = client.request("POST", f"/documents/{document_id}/retry", Role.archivist)
    assert retried.status_code == 200
    assert _run_worker(settings, document_id) == Attempt(claimed=True)
    document = client.request("GET", f"/documents/{document_id}", Role.auditor).json()
    assert document["status"] == "done"
    assert [status for _, status in _marks(client, document_id)] == ["resolved"]


def test_the_document_and_case_pages_say_the_original_is_damaged(
    client: ApiClient, settings: Settings
) -> None:
    client.create_case("YK-DP")
    damaged = client.upload("YK-DP", png_bytes(13), filename="坏.png").json()
    whole = client.upload("YK-DP", png_bytes(14), filename="好.png").json()
    signin(client, Role.reviewer)
    page = client.http.get(f"/documents/{damaged['document_id']}")
    assert 'id="damaged-banner"' not in page.text
    assert "<img" in page.text
    _damage(_object_path(settings, damaged["sha256"]), "delete")
    assert client.http.get(f"/documents/{damaged['document_id']}/original").status_code == 410

    page = client.http.get(f"/documents/{damaged['document_id']}")
    assert page.status_code == 200
    assert 'id="damaged-banner"' in page.text
    assert "原件已损坏" in page.text
    assert "yekuo verify" in page.text
    assert "<img" not in page.text, "no page the server would refuse"
    assert "下载原件" not in page.text
    assert 'id="damaged-banner"' not in client.http.get(f"/documents/{whole['document_id']}").text

    case_page = client.http.get("/cases/YK-DP")
    banner = case_page.text.split('id="damaged-banner"', 1)[1].split("</div>", 1)[0]
    assert "本案件有 1 份资料" in banner
    assert f'href="/documents/{damaged["document_id"]}"' in banner
    assert whole["document_id"] not in banner
