"""The worklist: what needs doing on each case, filtered, counted and sorted, in the API and
on the cases page (filters in the URL)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from archive import FailureCode, Role, today_in_china
from core import Settings
from tests.e2e.helpers import ApiClient, png_bytes
from tests.e2e.test_cases import enter_stage
from tests.e2e.test_pages import signin
from tests.e2e.test_review import residential_case
from tests.intake_jobs import fail_for_good


@pytest.fixture
def four_cases(quiet_client: ApiClient, settings: Settings) -> None:
    """YK-W-ERR: complete, one open error (the deed names someone else); YK-W-MISS: nothing on
    file, 40 days in its stage; YK-W-FAIL: one upload whose intake failed, one still queued;
    YK-W-OK: complete and clean."""
    residential_case(quiet_client, settings, "YK-W-ERR", owner="钱七")
    residential_case(quiet_client, settings, "YK-W-OK")
    assert quiet_client.create_case("YK-W-MISS").status_code == 201
    enter_stage(settings, "YK-W-MISS", today_in_china() - dt.timedelta(days=40))
    assert quiet_client.create_case("YK-W-FAIL").status_code == 201
    assert quiet_client.upload("YK-W-FAIL", png_bytes(90)).status_code == 202
    fail_for_good(settings, error="truncated PDF", code=FailureCode.corrupt_file)
    assert quiet_client.upload("YK-W-FAIL", png_bytes(91)).status_code == 202


def _listed(quiet_client: ApiClient, **params: str) -> dict[str, object]:
    response = quiet_client.request("GET", "/cases", Role.reviewer, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def _case_nos(body: dict[str, object]) -> list[str]:
    cases = body["cases"]
    assert isinstance(cases, list)
    return [c["case_no"] for c in cases]


@pytest.mark.usefixtures("four_cases")
def test_each_case_says_what_needs_doing(quiet_client: ApiClient) -> None:
    cases = {c["case_no"]: c for c in _listed(quiet_client)["cases"]}  # type: ignore[attr-defined]
    assert (cases["YK-W-ERR"]["open_errors"], cases["YK-W-ERR"]["missing_count"]) == (1, 0)
    assert cases["YK-W-ERR"]["open_findings"] >= 1
    assert (cases["YK-W-OK"]["open_errors"], cases["YK-W-OK"]["missing_count"]) == (0, 0)
    assert cases["YK-W-MISS"]["missing_count"] == 3
    assert cases["YK-W-MISS"]["working_days_left"] < 0
    assert cases["YK-W-MISS"]["due_on"] == cases["YK-W-MISS"]["due"]["due_on"]
    assert (cases["YK-W-FAIL"]["intake_pending"], cases["YK-W-FAIL"]["intake_failed"]) == (1, 1)
    assert cases["YK-W-OK"]["working_days_left"] == 2
    # Who last acted is a person, never the intake worker that finished the documents.
    assert cases["YK-W-OK"]["last_actor"] == "archivist-user"
    assert cases["YK-W-OK"]["last_acted_at"] is not None


@pytest.mark.usefixtures("four_cases")
def test_filters_keep_what_they_say_and_count_every_filter(quiet_client: ApiClient) -> None:
    assert _case_nos(_listed(quiet_client, has_errors="true")) == ["YK-W-ERR"]
    assert sorted(_case_nos(_listed(quiet_client, has_missing="true"))) == [
        "YK-W-FAIL",
        "YK-W-MISS",
    ]
    assert _case_nos(_listed(quiet_client, intake_failed="true")) == ["YK-W-FAIL"]
    assert _case_nos(_listed(quiet_client, overdue="true")) == ["YK-W-MISS"]
    both = _listed(quiet_client, has_missing="true", intake_failed="true")
    assert _case_nos(both) == ["YK-W-FAIL"]
    counted = _listed(quiet_client, counts="true")
    assert counted["counts"] == {
        "overdue": 1,
        "has_errors": 1,
        "has_missing": 2,
        "intake_failed": 1,
        "ready": 2,
    }
    assert sorted(_case_nos(_listed(quiet_client, ready="true"))) == ["YK-W-ERR", "YK-W-OK"]
    assert _listed(quiet_client)["counts"] is None  # counting looks at every case: only when asked


@pytest.mark.usefixtures("four_cases")
def test_sorting_by_due_puts_the_fewest_working_days_left_first(quiet_client: ApiClient) -> None:
    by_due = _case_nos(_listed(quiet_client, sort="due"))
    assert by_due[0] == "YK-W-MISS"
    assert _case_nos(_listed(quiet_client, sort="case_no")) == sorted(by_due)
    paged = _listed(quiet_client, sort="due", limit="1", offset="1")
    assert (paged["total"], _case_nos(paged)) == (4, [by_due[1]])
    refused = quiet_client.request("GET", "/cases", Role.reviewer, params={"sort": "cost"})
    assert refused.status_code == 422


@pytest.mark.usefixtures("four_cases")
def test_the_cases_page_is_a_worklist_with_bookmarkable_filters(quiet_client: ApiClient) -> None:
    signin(quiet_client, Role.reviewer)
    page = quiet_client.http.get("/cases").text
    assert re.search(
        r'<label for="has_errors">有未处理错误（<span data-count="has_errors">1<', page
    )
    assert re.search(
        r'<label for="has_missing">本环节缺资料（<span data-count="has_missing">2<', page
    )
    row = re.search(r'<tr data-case-no="YK-W-MISS">.*?</tr>', page, re.S)
    assert row is not None
    assert '<strong class="overdue">超期' in row.group()
    assert (
        '<td class="num" data-slot="missing"><strong class="problem-inline">3</strong>'
        in row.group()
    )
    failed = re.search(r'<tr data-case-no="YK-W-FAIL">.*?</tr>', page, re.S)
    assert failed is not None
    assert "失败 1" in failed.group()
    filtered = quiet_client.http.get("/cases?has_errors=1&sort=due").text
    assert 'data-case-no="YK-W-ERR"' in filtered
    assert 'data-case-no="YK-W-OK"' not in filtered
    # The column links keep the filters of the view.
    assert 'href="/cases?has_errors=1&amp;sort=case_no"' in filtered
    assert quiet_client.http.get("/cases?sort=cost").status_code == 422
