"""Units, table-driven: people of two sibling 供电所, of the 县公司 above them and of the top unit
each see exactly the cases of their subtree — on every route that names a case, a document or
a finding (the JSON API and the pages), in the case list and its counts, the audit trail and
search on both backends — and another unit's case answers 404 exactly as a missing one does.

The tree: TOP (市公司) → XA (县公司A) → GDS1, GDS2 (供电所), one case in each of the four. Every
actor is an admin, whose role may do everything, so only the unit decides; the API is called
with session tokens of users (``POST /auth/login``) and the pages are signed in with API
tokens of the same units, so both kinds of actor are covered.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner
from elasticsearch import Elasticsearch
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import API_PREFIX, create_app
from archive import (
    SYSTEM,
    Document,
    Role,
    create_token,
    create_unit,
    create_user,
    open_database,
)
from cli import main
from core import Settings
from search import index_pending, open_search_index, reindex
from tests.databases import missing_server
from tests.e2e.helpers import VALID_ID, case_body, png_bytes
from tests.e2e.test_roles import FORMS, ROUTES, Route, call

PASSWORD = "a long unit passphrase"
UNITS = {"XA": ("县公司A", None), "GDS1": ("供电所一", "XA"), "GDS2": ("供电所二", "XA")}
CASES = {"TOP": "YK-TOP", "XA": "YK-XA", "GDS1": "YK-GDS1", "GDS2": "YK-GDS2"}
SEES = {
    "TOP": {"YK-TOP", "YK-XA", "YK-GDS1", "YK-GDS2"},
    "XA": {"YK-XA", "YK-GDS1", "YK-GDS2"},
    "GDS1": {"YK-GDS1"},
    "GDS2": {"YK-GDS2"},
}
"""Which cases the actors of each unit see: their unit's and those of the units under it."""
ACTORS = tuple(SEES)
SCOPED = re.compile(r"\{(case_no|document_id|finding_id)\}")
TABLE_ROUTES = [route for route in ROUTES if SCOPED.search(route.path)]
"""Every route of the app that names a case, a document or a finding."""
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
PAGE_CSRF = re.compile(r'data-csrf="([^"]+)"')


@dataclass
class Installation:
    """A running app with the tree, a case with a document and a finding in each unit, and for
    each unit a bearer (session) token of its admin user and an API token of its own."""

    http: TestClient
    settings: Settings
    bearers: dict[str, str]
    tokens: dict[str, str]
    worlds: dict[str, dict[str, str]]
    """Per case number: the path parameters of its routes."""

    def api(self, method: str, path: str, unit: str, **kwargs: Any) -> Any:
        """A request under /api/v1 as the admin of ``unit``."""
        headers = {"Authorization": f"Bearer {self.bearers[unit]}"}
        return self.http.request(method, API_PREFIX + path, headers=headers, **kwargs)

    def sign_in_page(self, unit: str) -> str:
        """Sign the browser in with ``unit``'s API token; the CSRF token of its pages."""
        self.http.cookies.clear()
        form = CSRF_INPUT.search(self.http.get("/signin").text)
        assert form is not None
        self.http.post(
            "/signin",
            data={"token": self.tokens[unit], "csrf_token": form.group(1), "next": "/cases"},
            follow_redirects=False,
        )
        page = PAGE_CSRF.search(self.http.get("/cases").text)
        assert page is not None, unit
        return page.group(1)


def _make_tree_and_people(settings: Settings) -> dict[str, str]:
    """The units, an admin user of each unit, and an API token of each unit (its secret)."""
    tokens = {}
    with open_database(settings) as database:
        database.upgrade()
        with database.transaction() as session:
            for code, (name, parent) in UNITS.items():
                create_unit(session, code=code, name=name, parent=parent, actor=SYSTEM)
            for unit in ACTORS:
                own = None if unit == "TOP" else unit
                create_user(
                    session,
                    username=f"admin.{unit.lower()}",
                    password=PASSWORD,
                    role=Role.admin,
                    unit=own,
                    actor=SYSTEM,
                )
                _row, tokens[unit] = create_token(
                    session, name=f"token-{unit}", role=Role.admin, unit=own, actor=SYSTEM
                )
    return tokens


def _login(http: TestClient, unit: str) -> str:
    answer = http.post(
        f"{API_PREFIX}/auth/login",
        json={"username": f"admin.{unit.lower()}", "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["token"]
    return token


def _fill(installation: Installation, settings: Settings) -> None:
    """A case in each unit (its ID number's check digit wrong: a finding), a PNG uploaded to
    each, finished by hand as intake would (done, an ID card of 王小明) and indexed."""
    wrong_id = VALID_ID[:17] + "1"
    for n, (unit, case_no) in enumerate(CASES.items()):
        body = _case_body(case_no, unit, wrong_id)
        created = installation.api("POST", "/cases", "TOP", json=body)
        assert created.status_code == 201, created.text
        uploaded = installation.api(
            "POST", f"/cases/{case_no}/documents", "TOP", files={"file": ("s.png", png_bytes(n))}
        )
        assert uploaded.status_code == 202, uploaded.text
        installation.worlds[case_no] = {
            "case_no": case_no,
            "document_id": uploaded.json()["document_id"],
            "finding_id": str(created.json()["findings"][0]["id"]),
            "page": "1",
            "username": f"admin.{unit.lower()}",
            "token_id": "1",
        }
    with open_database(settings) as database, database.transaction() as session:
        for document in session.scalars(select(Document)):
            document.status, document.doc_type = "done", "id_card"
            document.text = f"姓名 王小明 公民身份号码 {VALID_ID} 案件 {document.case.case_no}"
            document.fields = {"name": "王小明"}
    with (
        open_database(settings) as database,
        database.session() as session,
        open_search_index(settings) as index,
    ):
        assert index_pending(session, index) == len(CASES)


def _case_body(case_no: str, unit: str, id_number: str) -> dict[str, Any]:
    return {
        "case_no": case_no,
        "category": "residential",
        "business_type": "new",
        "capacity_kva": 8,
        "customer": {"name": "王小明", "id_number": id_number, "address": "北京市朝阳区光华路1号"},
        "unit": unit,
    }


@contextmanager
def _with_backend(settings: Settings, backend: str) -> Iterator[Settings]:
    """``settings`` on the search backend named, in an Elasticsearch index of its own."""
    if backend == "embedded":
        yield settings
        return
    url = os.environ.get("YEKUO_TEST_ELASTICSEARCH_URL")
    if not url:
        missing_server("Elasticsearch", "YEKUO_TEST_ELASTICSEARCH_URL")
    name = f"yekuo-test-units-{uuid.uuid4().hex[:12]}"
    update = {"search_backend": "elasticsearch", "elasticsearch_url": url}
    try:
        yield settings.model_copy(update=update | {"elasticsearch_index": name})
    finally:
        with Elasticsearch(url) as client:
            client.indices.delete(index=name, ignore_unavailable=True)


def _installation(settings: Settings) -> Iterator[Installation]:
    tokens = _make_tree_and_people(settings)
    with TestClient(create_app(settings)) as http:
        bearers = {unit: _login(http, unit) for unit in ACTORS}
        installation = Installation(
            http=http, settings=settings, bearers=bearers, tokens=tokens, worlds={}
        )
        _fill(installation, settings)
        yield installation


@pytest.fixture
def embedded(settings: Settings) -> Iterator[Installation]:
    """The installation on the embedded backends."""
    yield from _installation(settings)


@pytest.fixture(params=["embedded", "elasticsearch"])
def searched(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Installation]:
    """The installation on each search backend."""
    with _with_backend(settings, request.param) as chosen:
        yield from _installation(chosen)


MISSING = {"case_no": "YK-NONE", "document_id": "f" * 32, "finding_id": "999999"}
"""Path parameters that name nothing: what a request for a missing case looks like."""


def _sees(unit: str, case_no: str) -> bool:
    return case_no in SEES[unit]


ADVANCE = {"to": "site_survey"}
"""A valid stage to ask for (the role table's invalid one is refused before the case is read,
the same for every case number)."""


MOVES = ("POST /api/v1/documents/{}/move", "POST /documents/{}/move")
"""Moving a document: asked here to move it onto its own case, which a unit that sees the case
is refused for that reason (422), and one that does not is refused as for a missing document."""

UPSERT = "PUT /api/v1/cases/{}"
"""Creates a case it does not find, so a missing case answers 201; one of another unit, 404."""


def _api_request(route: Route, world: dict[str, str], n: int) -> dict[str, Any]:
    request = call(route, world, n)
    if route.key == "POST /api/v1/cases/{}/advance":
        request["json"] = ADVANCE
    elif route.key in MOVES:
        request["json"] = {"case_no": world["case_no"], "reason": "移到本案件"}
    elif route.key == UPSERT:
        request["json"] = case_body(world["case_no"])
    return request


def _page_request(route: Route, world: dict[str, str], csrf: str, n: int) -> dict[str, Any]:
    request = call(route, world, n)
    if route.key == "POST /cases/{}/upload":
        request["headers"] = {"X-CSRF-Token": csrf}
    elif route.key in MOVES:
        request["data"] = {"case_no": world["case_no"], "reason": "移到本案件", "csrf_token": csrf}
    elif route.method == "POST":
        form = ADVANCE if route.key == "POST /cases/{}/advance" else FORMS.get(route.key, {})
        request["data"] = {**form, "csrf_token": csrf}
    return request


def _same_refusal(answer: Any, missing: Any, world: dict[str, str]) -> bool:
    """Whether a 404 says exactly what the 404 of a missing case, document or finding says."""
    message = answer.json()["message"]
    for key, value in world.items():
        if key in MISSING:
            message = message.replace(value, MISSING[key])
    return bool(
        answer.json()["code"] == missing.json()["code"] and message == missing.json()["message"]
    )


API_ROUTES = [route for route in TABLE_ROUTES if route.path.startswith(API_PREFIX)]
PAGE_ROUTES = [route for route in TABLE_ROUTES if not route.path.startswith(API_PREFIX)]


@pytest.mark.parametrize("route", API_ROUTES, ids=lambda route: route.key)
def test_each_unit_reaches_exactly_its_cases_through_the_api(
    embedded: Installation, route: Route
) -> None:
    for n, unit in enumerate(ACTORS):
        bearer = {"Authorization": f"Bearer {embedded.bearers[unit]}"}
        if route.key == UPSERT:  # the refusal to compare with is that of reading a missing case
            missing = embedded.http.get(f"{API_PREFIX}/cases/{MISSING['case_no']}", headers=bearer)
        else:
            missing = embedded.http.request(headers=bearer, **_api_request(route, MISSING, n))
        assert missing.status_code == 404, (unit, missing.text)
        for case_no, world in embedded.worlds.items():
            request = _api_request(route, world, n)
            answer = embedded.http.request(
                headers={"Authorization": f"Bearer {embedded.bearers[unit]}"}, **request
            )
            if _sees(unit, case_no):
                assert answer.status_code not in (401, 403, 404), (unit, case_no, answer.text)
            else:
                assert answer.status_code == 404, (unit, case_no, answer.text)
                assert _same_refusal(answer, missing, world), (unit, case_no, answer.text)


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=lambda route: route.key)
def test_each_unit_reaches_exactly_its_cases_on_the_pages(
    embedded: Installation, route: Route
) -> None:
    for n, unit in enumerate(ACTORS):
        csrf = embedded.sign_in_page(unit)
        for case_no, world in embedded.worlds.items():
            request = _page_request(route, world, csrf, n)
            answer = embedded.http.request(follow_redirects=False, **request)
            if _sees(unit, case_no):
                assert answer.status_code not in (401, 403, 404), (unit, case_no, answer.text)
            else:
                assert answer.status_code == 404, (unit, case_no, answer.text)
                assert "王小明" not in answer.text, (unit, case_no)  # nothing of the case shows


@pytest.mark.parametrize("unit", ACTORS)
def test_the_case_list_its_counts_and_the_queue_count_only_the_units_cases(
    embedded: Installation, unit: str
) -> None:
    listed = embedded.api("GET", "/cases", unit).json()
    assert {case["case_no"] for case in listed["cases"]} == SEES[unit]
    assert listed["total"] == len(SEES[unit])
    assert {case["unit"] for case in listed["cases"]} == {
        u for u, case_no in CASES.items() if case_no in SEES[unit]
    }
    assert embedded.api("GET", "/intake", unit).json()["done"] == len(SEES[unit])
    embedded.sign_in_page(unit)
    page = embedded.http.get("/cases").text
    assert {case_no for case_no in CASES.values() if case_no in page} == SEES[unit]


def test_the_case_list_filters_by_a_unit_of_the_callers_own(embedded: Installation) -> None:
    def listed(path: str, unit: str) -> set[str]:
        answer = embedded.api("GET", path, unit)
        assert answer.status_code == 200, answer.text
        return {case["case_no"] for case in answer.json()["cases"]}

    assert listed("/cases?unit=GDS1", "XA") == {"YK-GDS1"}
    assert listed("/cases?unit=XA", "TOP") == SEES["XA"]  # a unit and the units under it
    assert embedded.api("GET", "/cases?unit=GDS2", "GDS1").status_code == 403
    assert embedded.api("GET", "/cases?unit=TOP", "XA").status_code == 403
    assert embedded.api("GET", "/cases?unit=NOPE", "TOP").status_code == 422

    embedded.sign_in_page("XA")
    page = embedded.http.get("/cases").text
    choices = page.split('id="unit"')[1].split("</select>")[0]
    assert re.findall(r'<option value="(\w*)"', choices) == ["", "XA", "GDS1", "GDS2"]
    filtered = embedded.http.get("/cases", params={"unit": "GDS1"}).text
    assert {case_no for case_no in CASES.values() if case_no in filtered} == {"YK-GDS1"}
    assert '<option value="GDS1" selected>' in filtered
    assert 'href="/cases?unit=GDS1&amp;sort=due"' in filtered  # the filter stays in the links
    refused = embedded.http.get("/cases", params={"unit": "TOP"})
    assert refused.status_code == 403
    assert "单位 TOP 不是您的单位或下级单位" in refused.text
    embedded.sign_in_page("GDS1")
    assert 'id="unit"' not in embedded.http.get("/cases").text  # one unit: nothing to choose


@pytest.mark.parametrize("unit", ACTORS)
def test_the_audit_trail_shows_the_events_of_the_units_cases_only(
    embedded: Installation, unit: str
) -> None:
    events = embedded.api("GET", "/audit", unit, params={"limit": 500}).json()["events"]
    assert {event["case_no"] for event in events if event["case_no"]} == SEES[unit]
    of_no_case = [event["action"] for event in events if not event["case_no"]]
    assert bool(of_no_case) is (unit == "TOP"), of_no_case  # users, tokens, units: the top's
    embedded.sign_in_page(unit)
    page = embedded.http.get("/audit").text
    assert {case_no for case_no in CASES.values() if case_no in page} == SEES[unit]


@pytest.mark.parametrize("unit", ACTORS)
def test_search_finds_the_units_documents_only_on_both_backends(
    searched: Installation, unit: str
) -> None:
    for params in ({"q": "王小明"}, {"q": VALID_ID}, {}):
        found = searched.api("GET", "/search", unit, params=params).json()
        assert {hit["case_no"] for hit in found["hits"]} == SEES[unit], params
        assert found["total"] == len(SEES[unit])
        assert found["facets"]["doc_type"] == {"id_card": len(SEES[unit])}
    searched.sign_in_page(unit)
    page = searched.http.get("/search", params={"q": "王小明"}).text
    assert {case_no for case_no in CASES.values() if case_no in page} == SEES[unit]


def test_a_case_is_created_in_the_creators_unit_or_one_under_it(embedded: Installation) -> None:
    body = _case_body("YK-NEW-1", "XA", VALID_ID)
    del body["unit"]
    made = embedded.api("POST", "/cases", "XA", json=body)
    assert (made.status_code, made.json()["unit"]) == (201, "XA")
    below = embedded.api("POST", "/cases", "XA", json=_case_body("YK-NEW-2", "GDS2", VALID_ID))
    assert (below.status_code, below.json()["unit"]) == (201, "GDS2")
    for unit in ("TOP", "GDS1"):
        refused = embedded.api(
            "POST", "/cases", "GDS2", json=_case_body("YK-NEW-3", unit, VALID_ID)
        )
        assert refused.status_code == 403, refused.text
        assert f"may not act for unit {unit}" in refused.json()["message"]
    unknown = embedded.api("POST", "/cases", "TOP", json=_case_body("YK-NEW-4", "NOPE", VALID_ID))
    assert unknown.status_code == 422
    assert "there is no unit 'NOPE'" in unknown.json()["message"]


def test_an_admin_moves_a_case_and_search_follows_on_both_backends(
    searched: Installation,
) -> None:
    moved = searched.api("PUT", "/cases/YK-GDS1/unit", "XA", json={"unit": "GDS2"})
    assert (moved.status_code, moved.json()["unit"]) == (200, "GDS2")
    assert searched.api("GET", "/cases/YK-GDS1", "GDS1").status_code == 404
    assert searched.api("GET", "/cases/YK-GDS1", "GDS2").status_code == 200
    for unit, expected in (("GDS1", set()), ("GDS2", {"YK-GDS1", "YK-GDS2"})):
        hits = searched.api("GET", "/search", unit, params={"q": "王小明"}).json()["hits"]
        assert {hit["case_no"] for hit in hits} == expected, unit
    away = searched.api("PUT", "/cases/YK-GDS2/unit", "GDS2", json={"unit": "TOP"})
    assert away.status_code == 403  # out of the admin's own subtree
    events = searched.api("GET", "/audit", "TOP", params={"action": "case.moved"}).json()
    assert [(e["case_no"], e["before"], e["after"]) for e in events["events"]] == [
        ("YK-GDS1", {"unit": "GDS1"}, {"unit": "GDS2"})
    ]


def test_the_case_page_names_the_unit_and_an_admin_moves_the_case_there(
    embedded: Installation,
) -> None:
    csrf = embedded.sign_in_page("XA")
    page = embedded.http.get("/cases/YK-GDS2").text
    assert "供电所二（GDS2）" in page
    assert 'action="/cases/YK-GDS2/unit"' in page
    moved = embedded.http.post(
        "/cases/YK-GDS2/unit", data={"unit": "GDS1", "csrf_token": csrf}, follow_redirects=False
    )
    assert (moved.status_code, moved.headers["location"]) == (303, "/cases/YK-GDS2?moved=1")
    assert "案件已移交「供电所一」" in embedded.http.get(moved.headers["location"]).text
    embedded.sign_in_page("GDS2")
    assert embedded.http.get("/cases/YK-GDS2").status_code == 404
    embedded.sign_in_page("GDS1")
    assert embedded.http.get("/cases/YK-GDS2").status_code == 200


def test_the_new_case_form_offers_the_creators_units_and_files_the_case_there(
    embedded: Installation,
) -> None:
    csrf = embedded.sign_in_page("XA")
    form = embedded.http.get("/cases/new").text
    offered = set(re.findall(r'<option value="([A-Z0-9]+)"', form.split('id="unit"')[1]))
    assert offered == {"XA", "GDS1", "GDS2"}
    values = {
        "case_no": "YK-FORM-1",
        "category": "residential",
        "business_type": "new",
        "capacity_kva": "8",
        "customer_kind": "person",
        "customer_name": "王小明",
        "customer_id_number": VALID_ID,
        "customer_address": "北京市朝阳区光华路1号",
        "csrf_token": csrf,
    }
    made = embedded.http.post("/cases/new", data={**values, "unit": "GDS1"})
    assert made.status_code == 200, made.text
    assert embedded.api("GET", "/cases/YK-FORM-1", "GDS1").json()["unit"] == "GDS1"
    refused = embedded.http.post(
        "/cases/new", data={**values, "case_no": "YK-FORM-2", "unit": "TOP"}
    )
    assert refused.status_code == 403
    assert "单位 TOP 不是您的单位或下级单位" in refused.text


def test_the_command_line_creates_and_lists_the_tree(cli_settings: Settings) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["unit", "create", "XA", "--name", "县公司A"]).exit_code == 0
    made = runner.invoke(main, ["unit", "create", "GDS1", "--name", "供电所一", "--parent", "XA"])
    assert made.output.strip() == "created GDS1 (供电所一) under XA"
    orphan = runner.invoke(main, ["unit", "create", "GDS2", "--name", "x", "--parent", "NOPE"])
    assert orphan.exit_code == 2
    assert "there is no unit 'NOPE'" in orphan.output
    listed = runner.invoke(main, ["unit", "list"])
    assert listed.output.splitlines() == ["TOP\t市公司", "  XA\t县公司A", "    GDS1\t供电所一"]
    token = runner.invoke(
        main, ["token", "create", "--role", "auditor", "--name", "s", "--unit", "NOPE"]
    )
    assert token.exit_code == 2
    assert "there is no unit 'NOPE'" in token.output


def test_a_rebuilt_index_still_carries_the_units(
    searched: Installation, settings: Settings
) -> None:
    index_settings = searched.http.app.state.settings  # type: ignore[attr-defined]
    with (
        open_database(index_settings) as database,
        database.session() as session,
        open_search_index(index_settings) as index,
    ):
        assert reindex(session, index) == len(CASES)
    for unit in ("XA", "GDS1"):
        hits = searched.api("GET", "/search", unit, params={"q": "王小明"}).json()["hits"]
        assert {hit["case_no"] for hit in hits} == SEES[unit], unit
