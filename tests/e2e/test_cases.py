"""Cases through the API: creation, validation of identifiers, facts, listing, time limits."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from archive import (
    SYSTEM,
    Role,
    add_working_days,
    get_case,
    open_database,
    today_in_china,
)
from cli import main
from core import CHINA, Settings, get_settings
from tests.e2e.helpers import VALID_CREDIT_CODE, ApiClient

ESTIMATED = "节假日安排未公布，按周一至周五估算"


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The command line in this process reads the settings of this test."""
    monkeypatch.setenv("YEKUO_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("YEKUO_DATABASE_URL", settings.resolved_database_url)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


def enter_stage(settings: Settings, case_no: str, on: dt.date) -> None:
    """Pretend the case entered its stage at 09:00 in China on ``on``."""
    with open_database(settings) as database, database.transaction() as session:
        case = get_case(session, case_no=case_no, actor=SYSTEM)
        case.stage_entered_at = dt.datetime.combine(on, dt.time(9), tzinfo=CHINA)


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
    case = client.request("GET", "/cases/YK-1", Role.reviewer).json()
    assert case["stage"] == "application"
    assert case["customer"]["id_number"] == "11010519491231002X"
    assert case["findings"] == []
    assert case["documents"] == []
    assert (case["facts"], case["rules_version"], case["overrides"]) == ({}, "2023.12", [])
    due = case["due"]  # residential application: 2 working days
    today = today_in_china()
    assert (due["stage"], due["entered_on"], due["time_limit_days"]) == (
        "application",
        today.isoformat(),
        2,
    )
    assert due["due_on"] == add_working_days(today, 2).isoformat()
    assert (due["overdue"], due["days_over"], due["days_left"]) == (False, 0, 2)
    assert response.json()["due"] == due


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
    assert findings[0]["found"] == "110105********0021"  # the archivist has no view_pii
    case = client.request("GET", "/cases/YK-CHK", Role.reviewer).json()
    assert case["findings"][0]["found"] == "110105194912310021"


def test_customer_needs_an_identifier(client: ApiClient) -> None:
    response = client.create_case("YK-NOID", customer={"name": "甲"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
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


def test_facts_given_at_creation_are_recorded_and_audited(client: ApiClient) -> None:
    facts = {"applicant_is_agent": True, "tenant": True, "one_certificate_acceptance": False}
    response = client.create_case("YK-FACTS", facts=facts)
    assert response.status_code == 201, response.text
    assert response.json()["facts"] == facts
    assert client.request("GET", "/cases/YK-FACTS", Role.auditor).json()["facts"] == facts
    events = client.request("GET", "/audit", Role.auditor, params={"action": "case.create"})
    [event] = events.json()["events"]
    assert event["after"]["facts"] == facts
    check = client.request("GET", "/cases/YK-FACTS/check", Role.reviewer).json()
    assert {"authorization", "agent_identity", "lease"} <= {m["rule"] for m in check["missing"]}


def test_an_unknown_fact_at_creation_is_422_naming_the_known_ones(client: ApiClient) -> None:
    response = client.create_case("YK-AGENT", facts={"agent": True, "tenant": True})
    assert response.status_code == 422
    message = response.json()["message"]
    assert message.startswith("unknown fact(s) agent; the rule file declares applicant_is_agent, ")
    assert "one_certificate_acceptance" in message
    assert client.request("GET", "/cases/YK-AGENT", Role.auditor).status_code == 404
    not_yes_no = client.create_case("YK-AGENT", facts={"tenant": "maybe"})
    assert not_yes_no.status_code == 422
    assert "facts.tenant" in not_yes_no.json()["message"]


def test_overdue_cases_most_days_over_first_and_days_left_on_every_case(
    client: ApiClient, settings: Settings
) -> None:
    today = today_in_china()
    for case_no in ("YK-LATE", "YK-LATER", "YK-ON-TIME"):
        assert client.create_case(case_no).status_code == 201
    enter_stage(settings, "YK-LATE", today - dt.timedelta(days=20))
    enter_stage(settings, "YK-LATER", today - dt.timedelta(days=40))
    late = client.request("GET", "/cases", Role.auditor, params={"overdue": "true"}).json()
    assert late["total"] == 2
    assert [c["case_no"] for c in late["cases"]] == ["YK-LATER", "YK-LATE"]
    later, late_one = (c["due"] for c in late["cases"])
    assert later["days_over"] > late_one["days_over"] > 0
    assert later["due_on"] == add_working_days(today - dt.timedelta(days=40), 2).isoformat()
    assert (later["overdue"], later["days_left"]) == (True, 0)
    paged = client.request(
        "GET", "/cases", Role.auditor, params={"overdue": "true", "limit": 1, "offset": 1}
    ).json()
    assert (paged["total"], [c["case_no"] for c in paged["cases"]]) == (2, ["YK-LATE"])
    filtered = client.request(
        "GET", "/cases", Role.auditor, params={"overdue": "true", "category": "low_voltage"}
    ).json()
    assert (filtered["total"], filtered["cases"]) == (0, [])
    listed = client.request("GET", "/cases", Role.auditor).json()["cases"]
    days_left = {c["case_no"]: (c["due"]["overdue"], c["due"]["days_left"]) for c in listed}
    assert days_left == {"YK-LATE": (True, 0), "YK-LATER": (True, 0), "YK-ON-TIME": (False, 2)}


def test_a_due_date_past_the_announced_holidays_is_estimated(
    client: ApiClient, settings: Settings
) -> None:
    # chinesecalendar knows the holidays up to 2026 only: 1 January 2027 counts as working.
    assert client.create_case("YK-2027").status_code == 201
    enter_stage(settings, "YK-2027", dt.date(2026, 12, 30))
    due = client.request("GET", "/cases/YK-2027", Role.auditor).json()["due"]
    assert (due["due_on"], due["holidays_known"], due["note"]) == ("2027-01-01", False, ESTIMATED)
    [listed] = client.request("GET", "/cases", Role.auditor).json()["cases"]
    assert listed["due"] == due


def test_a_case_accepted_before_every_rule_version_still_reads(
    client: ApiClient, settings: Settings
) -> None:
    assert client.create_case("YK-OLD", accepted_on="2019-05-06").status_code == 201
    case = client.request("GET", "/cases/YK-OLD", Role.auditor).json()
    assert (case["rules_version"], case["due"], case["facts"]) == (None, None, {})
    [listed] = client.request("GET", "/cases", Role.auditor).json()["cases"]
    assert listed["due"] is None
    check = client.request("GET", "/cases/YK-OLD/check", Role.reviewer)
    assert check.status_code == 422
    assert "no rule version was in force on 2019-05-06" in check.json()["message"]


def test_yekuo_cases_overdue_prints_days_over_and_the_estimate_note(
    client: ApiClient, cli_settings: Settings
) -> None:
    today = today_in_china()
    for case_no in ("YK-LATE", "YK-2027"):
        assert client.create_case(case_no).status_code == 201
    entered = today - dt.timedelta(days=30)
    enter_stage(cli_settings, "YK-LATE", entered)
    enter_stage(cli_settings, "YK-2027", dt.date(2026, 12, 30))
    late = CliRunner().invoke(main, ["cases", "--overdue"])
    assert late.exit_code == 0, late.output
    [due] = client.request("GET", "/cases", Role.auditor, params={"overdue": "true"}).json()[
        "cases"
    ]
    assert late.output.splitlines() == [
        "1 case(s), 1 shown",
        "YK-LATE  application  residential/new  王小明",
        f"  OVERDUE  {due['due']['due_on']}: {due['due']['days_over']} working day(s) over "
        f"(2 working days from {entered.isoformat()})",
    ]
    every = CliRunner().invoke(main, ["cases", "--json"])
    assert every.exit_code == 0, every.output
    assert json.loads(every.output)["total"] == 2
    estimated = CliRunner().invoke(main, ["cases", "--stage", "application"])
    [line] = [line for line in estimated.output.splitlines() if "2027-01-01" in line]
    assert line.startswith("  due      2027-01-01: ")
    assert line.endswith(f"(2 working days from 2026-12-30) {ESTIMATED}")
