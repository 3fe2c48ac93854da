"""Review through the HTTP API: check, refused advance, override, corrections, dismissals, roles."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import create_app
from archive import (
    LABELS_ZH,
    IntakeOutcome,
    Role,
    Stage,
    add_working_days,
    claim_next,
    finish_job,
    open_database,
    recheck_case,
    today_in_china,
)
from core import Settings
from tests.e2e.helpers import VALID_ID, ApiClient, png_bytes

OWNER = "王小明"
YEKUO = str(Path(sys.executable).with_name("yekuo"))


@pytest.fixture
def client(settings: Settings, tokens: dict[Role, str]) -> Iterator[ApiClient]:
    """A client of an app without intake workers: these tests finish intake themselves."""
    quiet = settings.model_copy(update={"intake_in_process": False})
    with TestClient(create_app(quiet)) as test_client:
        yield ApiClient(test_client, tokens)


def finish_intake(
    settings: Settings,
    results: dict[str, tuple[str, dict[str, str]]],
    *,
    page: int | None = None,
) -> None:
    """Finish the queued documents as the intake worker would, with these types and fields
    (each read on ``page``, when given)."""
    with open_database(settings) as database:
        while True:
            with database.transaction() as session:
                claim = claim_next(session, worker="test", lease=dt.timedelta(minutes=5))
                if claim is None:
                    return
                doc_type, fields = results[claim.document_id]
                outcome = IntakeOutcome(
                    doc_type=doc_type,
                    confidence=0.9,
                    evidence=["test"],
                    fields=fields,
                    field_details={
                        name: {
                            "ocr_value": value,
                            "confidence": 0.9,
                            "status": "extracted",
                            **({"page": page} if page is not None else {}),
                        }
                        for name, value in fields.items()
                    },
                    pages=1,
                    text="",
                    ocr_pages=[],
                    engine="test",
                    seconds=0.1,
                )
                document = finish_job(session, claim, worker="test", outcome=outcome)
                recheck_case(session, document.case)


def residential_case(
    client: ApiClient, settings: Settings, case_no: str, *, owner: str = OWNER
) -> dict[str, str]:
    """A residential case with its three application documents, the deed naming ``owner``."""
    assert client.create_case(case_no).status_code == 201
    documents = {
        doc_type: client.upload(case_no, png_bytes(seed)).json()["document_id"]
        for seed, doc_type in enumerate(("application_form", "id_card", "property_certificate"))
    }
    finish_intake(
        settings,
        {
            documents["application_form"]: ("application_form", {"customer_name": OWNER}),
            documents["id_card"]: ("id_card", {"name": OWNER, "id_number": VALID_ID}),
            documents["property_certificate"]: ("property_certificate", {"owner": owner}),
        },
    )
    return documents


def test_a_complete_case_checks_ready_and_advances(client: ApiClient, settings: Settings) -> None:
    documents = residential_case(client, settings, "YK-OK")
    check = client.request(
        "GET", "/cases/YK-OK/check", Role.reviewer, params={"stage": "application"}
    )
    assert check.status_code == 200, check.text
    body = check.json()
    assert (body["stage"], body["complete"], body["ready"]) == ("application", True, True)
    assert body["missing"] == []
    assert body["findings"] == []
    assert [(s["rule"], s["document_ids"]) for s in body["satisfied"]] == [
        ("application_form", [documents["application_form"]]),
        ("applicant_identity", [documents["id_card"]]),
        ("property_proof", [documents["property_certificate"]]),
    ]
    moved = client.request("POST", "/cases/YK-OK/advance", Role.reviewer, json={"to": "connection"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["from_stage"], moved.json()["to_stage"]) == ("application", "connection")
    assert moved.json()["override_reason"] is None
    case = client.request("GET", "/cases/YK-OK", Role.auditor).json()
    assert case["stage"] == "connection"


def test_the_gate_refuses_with_the_check_and_an_override_passes_it(
    client: ApiClient, settings: Settings
) -> None:
    residential_case(client, settings, "YK-GATE", owner="钱七")
    refused = client.request(
        "POST", "/cases/YK-GATE/advance", Role.reviewer, json={"to": "connection"}
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "stage_gate"
    assert "1 open error finding(s)" in body["message"]
    assert (body["complete"], body["ready"]) == (True, False)
    assert [(f["code"], f["field"], f["expected"]) for f in body["findings"]] == [
        ("owner_mismatch", "owner", OWNER)
    ]
    assert client.request("GET", "/cases/YK-GATE", Role.reviewer).json()["stage"] == "application"
    reason = "房屋为家庭共有，产权人为配偶，已核对结婚证"
    moved = client.request(
        "POST",
        "/cases/YK-GATE/advance",
        Role.reviewer,
        json={"to": "connection", "override_reason": reason},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["override_reason"] == reason
    events = client.request("GET", "/audit", Role.auditor, params={"action": "case.override"})
    [event] = events.json()["events"]
    assert (event["actor"], event["case_no"]) == ("reviewer-user", "YK-GATE")
    assert event["after"]["outstanding"]["open_errors"][0].startswith("owner_mismatch")


def test_advancing_to_a_stage_that_is_not_next_is_refused(
    client: ApiClient, settings: Settings
) -> None:
    residential_case(client, settings, "YK-SKIP")
    response = client.request("POST", "/cases/YK-SKIP/advance", Role.admin, json={"to": "archived"})
    assert response.status_code == 422
    assert "can only advance to connection, not archived" in response.json()["message"]


def test_correcting_a_field_keeps_the_ocr_value_and_clears_the_finding(
    client: ApiClient, settings: Settings
) -> None:
    documents = residential_case(client, settings, "YK-FIX", owner="王晓明")
    deed = documents["property_certificate"]
    unexplained = client.request(
        "PUT", f"/documents/{deed}/fields/owner", Role.reviewer, json={"value": OWNER}
    )
    assert unexplained.status_code == 422
    assert "needs a reason" in unexplained.json()["message"]
    corrected = client.request(
        "PUT",
        f"/documents/{deed}/fields/owner",
        Role.reviewer,
        json={"value": OWNER, "reason": "产权证上为王小明，识别有误"},
    )
    assert corrected.status_code == 200, corrected.text
    body = corrected.json()
    assert body["fields"]["owner"] == OWNER
    detail = body["field_details"]["owner"]
    assert (detail["ocr_value"], detail["status"], detail["by"], detail["reason"]) == (
        "王晓明",
        "corrected",
        "reviewer-user",
        "产权证上为王小明，识别有误",
    )
    assert body["findings"] == []
    confirmed = client.request(
        "PUT", f"/documents/{deed}/fields/owner", Role.reviewer, json={"value": OWNER}
    ).json()
    assert confirmed["field_details"]["owner"]["status"] == "confirmed"
    assert confirmed["field_details"]["owner"]["ocr_value"] == "王晓明"
    check = client.request("GET", "/cases/YK-FIX/check", Role.reviewer).json()
    assert check["ready"] is True
    actions = [
        e["action"]
        for e in client.request("GET", "/audit", Role.auditor, params={"case_no": "YK-FIX"}).json()[
            "events"
        ]
    ]
    assert actions[:3] == ["document.field_confirmed", "case.recheck", "document.field_corrected"]


def test_dismissing_a_finding_opens_the_gate_and_it_stays_dismissed(
    client: ApiClient, settings: Settings
) -> None:
    residential_case(client, settings, "YK-DISMISS", owner="钱七")
    finding = client.request("GET", "/cases/YK-DISMISS/check", Role.reviewer).json()["findings"][0]
    empty = client.request(
        "POST", f"/findings/{finding['id']}/dismiss", Role.reviewer, json={"reason": " "}
    )
    assert empty.status_code == 422
    dismissed = client.request(
        "POST", f"/findings/{finding['id']}/dismiss", Role.reviewer, json={"reason": "产权人为配偶"}
    )
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["status"] == "dismissed"
    assert (dismissed.json()["resolution"], dismissed.json()["resolved_by"]) == (
        "产权人为配偶",
        "reviewer-user",
    )
    assert dismissed.json()["resolved_at"] is not None
    again = client.request(
        "POST", f"/findings/{finding['id']}/dismiss", Role.reviewer, json={"reason": "again"}
    )
    assert again.status_code == 409
    check = client.request("GET", "/cases/YK-DISMISS/check", Role.reviewer).json()
    assert check["ready"] is True
    assert [(f["id"], f["status"], f["resolution"]) for f in check["findings"]] == [
        (finding["id"], "dismissed", "产权人为配偶")
    ]
    assert (finding["resolution"], finding["resolved_by"], finding["resolved_at"]) == (
        None,
        None,
        None,
    )
    assert (
        client.request(
            "POST", "/findings/999999/dismiss", Role.reviewer, json={"reason": "x"}
        ).status_code
        == 404
    )


def test_setting_the_type_and_the_facts_changes_what_is_required(
    client: ApiClient, settings: Settings
) -> None:
    documents = residential_case(client, settings, "YK-TYPE")
    retyped = client.request(
        "PUT",
        f"/documents/{documents['id_card']}/doc_type",
        Role.reviewer,
        json={"doc_type": "household_register"},
    )
    assert retyped.status_code == 200, retyped.text
    assert retyped.json()["doc_type"] == "household_register"
    unknown = client.request(
        "PUT",
        f"/documents/{documents['id_card']}/doc_type",
        Role.reviewer,
        json={"doc_type": "passport"},
    )
    assert unknown.status_code == 422
    assert "'passport' is not a document type" in unknown.json()["message"]
    check = client.request(
        "PUT", "/cases/YK-TYPE/facts", Role.reviewer, json={"facts": {"applicant_is_agent": True}}
    )
    assert check.status_code == 200, check.text
    assert [m["rule"] for m in check.json()["missing"]] == ["authorization", "agent_identity"]
    bad = client.request(
        "PUT", "/cases/YK-TYPE/facts", Role.reviewer, json={"facts": {"agent": True}}
    )
    assert bad.status_code == 422
    assert "unknown fact(s) agent" in bad.json()["message"]


def test_checking_a_stage_outside_the_flow_and_rebasing(
    client: ApiClient, settings: Settings
) -> None:
    residential_case(client, settings, "YK-FLOW")
    outside = client.request(
        "GET", "/cases/YK-FLOW/check", Role.reviewer, params={"stage": "design_review"}
    )
    assert outside.status_code == 422
    assert "not in the flow" in outside.json()["message"]
    rebased = client.request(
        "POST", "/cases/YK-FLOW/rebase", Role.reviewer, json={"version": "1999", "reason": "x"}
    )
    assert rebased.status_code == 422
    assert "no version '1999'" in rebased.json()["message"]
    rebased = client.request(
        "POST",
        "/cases/YK-FLOW/rebase",
        Role.reviewer,
        json={"version": "2023.12", "reason": "新规"},
    )
    assert rebased.status_code == 200
    assert rebased.json()["rules_version"] == "2023.12"


def _yekuo(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    env |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
    }
    return subprocess.run(
        [YEKUO, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_yekuo_check_prints_the_check_and_exits_4_unless_ready(
    client: ApiClient, settings: Settings
) -> None:
    documents = residential_case(client, settings, "YK-CLI", owner="钱七")
    as_json = _yekuo(settings, "check", "YK-CLI", "--stage", "application", "--json")
    assert as_json.returncode == 4, as_json.stderr  # conflict: not ready
    body = json.loads(as_json.stdout)
    assert (body["complete"], body["ready"]) == (True, False)
    assert [f["code"] for f in body["findings"]] == ["owner_mismatch"]
    text = _yekuo(settings, "check", "YK-CLI", "--stage", "connection")
    assert text.returncode == 4
    lines = text.stdout.splitlines()
    assert lines[0] == "case YK-CLI, stage connection (装表接电), rules 2023.12: incomplete"
    assert (
        f"  ok       property_proof: 用电地址权属证明 ({documents['property_certificate']})"
        in lines
    )
    assert "  MISSING  supply_contract: 供用电合同（原件） [supply_contract] 0/1" in lines
    assert any(line.startswith("  ERROR    owner_mismatch") for line in lines)
    current = _yekuo(settings, "check", "YK-CLI").stdout.splitlines()
    due_on = add_working_days(today_in_china(), 2).isoformat()
    assert current[:2] == [
        f"case YK-CLI, stage application ({LABELS_ZH[Stage.application]}), rules 2023.12: complete",
        f"  due      {due_on}: 2 working day(s) left "
        f"(2 working days from {today_in_china().isoformat()})",
    ]
    missing = _yekuo(settings, "check", "NOPE")
    assert missing.returncode == 3  # not found
    assert "no case NOPE" in missing.stderr
