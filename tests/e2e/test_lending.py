"""借阅 end to end through the API: a refused request; an approved loan whose views are
watermarked and audited, returned, then closed again; a loan that ends by its date on a
moved clock; the keeper reads freely."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pypdfium2
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageChops

from api import create_app
from archive import Role, open_database
from core import MAX_LOAN_DAYS, Settings
from search import index_pending, open_search_index
from tests.e2e.helpers import ApiClient, red_pixels, run_yekuo
from tests.e2e.test_archiving import REASON, archived, case_at_connection
from tests.e2e.test_chinese_pages import english_words
from tests.e2e.test_pages import signin

pytestmark = pytest.mark.timeout(300)


class Clock:
    """The app's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(settings: Settings, tokens: dict[Role, str], clock: Clock) -> Iterator[ApiClient]:
    """An app without intake workers (the test finishes intake), on the test's clock."""
    quiet = settings.model_copy(update={"intake_in_process": False})
    with TestClient(create_app(quiet, clock=clock)) as test_client:
        yield ApiClient(test_client, tokens)


def _archived_case(client: ApiClient, settings: Settings, case_no: str, seed: int) -> str:
    case_at_connection(client, settings, case_no, seed=seed)
    archived(client, case_no)
    documents = client.request("GET", f"/cases/{case_no}", Role.keeper).json()["documents"]
    document_id: str = documents[0]["document_id"]
    return document_id


def _refused_reads(client: ApiClient, role: Role, case_no: str, document_id: str) -> None:
    for path in (
        f"/cases/{case_no}",
        f"/cases/{case_no}/catalogue",
        f"/cases/{case_no}/record-history",
        f"/cases/{case_no}/stages",
        f"/documents/{document_id}",
        f"/documents/{document_id}/file",
    ):
        response = client.request("GET", path, role)
        assert response.status_code == 403, (path, response.text)
        assert response.json()["code"] == "loan_required"
        assert "借阅" in response.json()["message"]


def _highlights(client: ApiClient, settings: Settings, role: Role) -> list[list[str]]:
    """The highlights of each hit of a search for the owner's name, as ``role``."""
    with (
        open_database(settings) as database,
        database.session() as session,
        open_search_index(settings) as index,
    ):
        index_pending(session, index)
    found = client.request("GET", "/search", role, params={"q": "王小明"}).json()
    assert found["total"] > 0
    return [hit["highlights"] for hit in found["hits"]]


def _pages_speak_chinese(client: ApiClient, document_id: str) -> None:
    """The borrower's pages of a case not yet lent (the request page, a refused document, their
    loans) and the keeper's (the register, the start page) show only Chinese."""
    pages = {
        Role.reviewer: ["/cases/YK-L1", f"/documents/{document_id}", "/loans"],
        Role.keeper: ["/loans", "/"],
    }
    for role, paths in pages.items():
        assert signin(client, role).status_code == 303
        for path in paths:
            page = client.http.get(path)
            assert page.status_code in (200, 403), (path, page.status_code)
            assert english_words(page.text) == [], path
    client.http.cookies.clear()


def _read_only_pages(client: ApiClient, document_id: str) -> None:
    """A reviewer reading a lent (archived) case is offered no form that would change it."""
    assert signin(client, Role.reviewer).status_code == 303
    page = client.http.get(f"/documents/{document_id}")
    assert page.status_code == 200, page.text
    for action in ("/fields", "/doc_type", "/split", "/retry", "/dismiss", "/move", "/trash"):
        assert f'{action}"' not in page.text, action
    client.http.cookies.clear()


PRINTOUTS = ("/cases/YK-L1/cover-sheets?stage=application", "/cases/YK-L1/missing-notice")


def _marked_red(content: bytes) -> int:
    """The watermark's red on the first page of a PDF, rendered."""
    pdf = pypdfium2.PdfDocument(content)
    try:
        return red_pixels(pdf[0].render(scale=1).to_pil())
    finally:
        pdf.close()


def _printouts_are_watermarked(client: ApiClient, borrower: Role) -> None:
    """The cover sheets and the one-time notice given under a loan carry its mark (they are
    printed in black), from the API and from the case page alike."""
    for path in PRINTOUTS:
        lent = client.request("GET", path, borrower)
        assert lent.status_code == 200, (path, lent.text)
        assert lent.headers["cache-control"] == "no-store"
        assert _marked_red(lent.content) > 200, path
    assert signin(client, borrower).status_code == 303
    for path in PRINTOUTS:
        page = client.http.get(path)
        assert page.status_code == 200, (path, page.text)
        assert _marked_red(page.content) > 200, path
    client.http.cookies.clear()


def _events(client: ApiClient, action: str) -> list[dict[str, object]]:
    page = client.request("GET", "/audit", Role.auditor, params={"action": action}).json()
    events: list[dict[str, object]] = page["events"]
    return events


def test_a_loan_is_refused_or_approved_viewed_watermarked_and_returned(
    client: ApiClient, settings: Settings
) -> None:
    document_id = _archived_case(client, settings, "YK-L1", seed=5)
    listed = client.request("GET", "/cases", Role.reviewer).json()["cases"]
    assert [c["case_no"] for c in listed] == ["YK-L1"]  # lists still show it
    _refused_reads(client, Role.reviewer, "YK-L1", document_id)
    # Search finds the archived case's documents, but shows their passages only on a loan.
    assert all(h == [] for h in _highlights(client, settings, Role.reviewer))
    assert all(h != [] for h in _highlights(client, settings, Role.keeper))
    keeper = client.request("GET", f"/documents/{document_id}/file", Role.keeper)
    assert keeper.status_code == 200
    original = keeper.content

    asked = client.request(
        "POST", "/cases/YK-L1/loans", Role.reviewer, json={"purpose": "核对户名"}
    )
    assert asked.status_code == 201, asked.text
    first = asked.json()
    assert (first["status"], first["borrower"]) == ("requested", "reviewer-user")
    again = client.request("POST", "/cases/YK-L1/loans", Role.reviewer, json={"purpose": "再次"})
    assert again.status_code == 409
    assert (
        client.request("POST", f"/loans/{first['id']}/approve", Role.admin, json={}).status_code
        == 403
    )
    refused = client.request(
        "POST", f"/loans/{first['id']}/refuse", Role.keeper, json={"reason": "目的不明确"}
    )
    assert refused.json()["status"] == "refused", refused.text
    _refused_reads(client, Role.reviewer, "YK-L1", document_id)

    second = client.request(
        "POST", "/cases/YK-L1/loans", Role.reviewer, json={"purpose": "稽核抽查户名", "days": 3}
    ).json()
    _pages_speak_chinese(client, document_id)
    approved = client.request("POST", f"/loans/{second['id']}/approve", Role.keeper, json={})
    assert approved.json()["status"] == "active", approved.text
    due = dt.datetime.fromisoformat(approved.json()["due_at"])
    decided = dt.datetime.fromisoformat(approved.json()["decided_at"])
    assert due - decided == dt.timedelta(days=3)
    # Another borrower still has no loan.
    _refused_reads(client, Role.auditor, "YK-L1", document_id)

    case = client.request("GET", "/cases/YK-L1", Role.reviewer)
    assert case.status_code == 200, case.text
    _read_only_pages(client, document_id)
    assert all(h != [] for h in _highlights(client, settings, Role.reviewer))
    download = client.request("GET", f"/documents/{document_id}/file", Role.reviewer)
    assert download.status_code == 200
    assert download.content != original  # a marked copy; the stored original is unchanged
    assert client.request("GET", f"/documents/{document_id}/file", Role.keeper).content == original
    with (
        Image.open(io.BytesIO(download.content)) as marked,
        Image.open(io.BytesIO(original)) as plain,
    ):
        assert marked.size == plain.size
        difference = ImageChops.difference(marked.convert("RGB"), plain.convert("RGB"))
        assert sum(difference.convert("L").histogram()[16:]) > 300  # the mark, drawn over it
    views = _events(client, "loan.view")
    assert [e["entity_id"] for e in views] == [str(second["id"])] * 2  # case page, document page
    downloads = [e["after"] for e in _events(client, "loan.download")]
    assert downloads == [{"borrower": second["borrower"], "document_id": document_id}]
    for path in ("/cases/YK-L1/record-history", "/cases/YK-L1/stages"):
        assert client.request("GET", path, Role.reviewer).status_code == 200, path
    _printouts_are_watermarked(client, Role.reviewer)
    assert len(_events(client, "loan.view")) == 2 + 2 + 2 * len(PRINTOUTS)  # each audited

    mine = client.request("GET", "/loans", Role.reviewer).json()
    assert [(loan["id"], loan["status"]) for loan in mine] == [
        (second["id"], "active"),
        (first["id"], "refused"),
    ]
    assert client.request("GET", "/loans", Role.auditor).json() == []
    assert len(client.request("GET", "/loans", Role.keeper).json()) == 2
    assert client.request("POST", f"/loans/{second['id']}/return", Role.auditor).status_code == 404
    returned = client.request("POST", f"/loans/{second['id']}/return", Role.reviewer)
    assert returned.json()["status"] == "returned", returned.text
    _refused_reads(client, Role.reviewer, "YK-L1", document_id)
    actions = {e["action"] for e in client.request("GET", "/audit", Role.auditor).json()["events"]}
    assert {"loan.request", "loan.refuse", "loan.approve", "loan.return"} <= actions


def test_a_loan_ends_by_its_date_on_a_moved_clock(
    client: ApiClient, settings: Settings, clock: Clock
) -> None:
    _archived_case(client, settings, "YK-L2", seed=6)
    too_long = {"purpose": "年度稽查", "days": MAX_LOAN_DAYS + 1}  # longer than any loan lasts
    assert (
        client.request("POST", "/cases/YK-L2/loans", Role.auditor, json=too_long).status_code == 422
    )
    loan = client.request("POST", "/cases/YK-L2/loans", Role.auditor, json={"purpose": "年度稽查"})
    approved = client.request("POST", f"/loans/{loan.json()['id']}/approve", Role.keeper, json={})
    assert approved.status_code == 200, approved.text
    assert client.request("GET", "/cases/YK-L2", Role.auditor).status_code == 200
    clock.now += dt.timedelta(days=settings.loan_days, seconds=1)
    expired = client.request("GET", "/cases/YK-L2", Role.auditor)
    assert (expired.status_code, expired.json()["code"]) == (403, "loan_required")
    [listed] = client.request("GET", "/loans", Role.auditor).json()
    assert listed["status"] == "expired"
    ended = client.request("POST", f"/loans/{listed['id']}/return", Role.auditor)
    assert ended.status_code == 409


def test_the_command_line_archives_and_reopens_and_the_keeper_s_start_page_shows_loans(
    client: ApiClient, settings: Settings
) -> None:
    case_at_connection(client, settings, "YK-L3", seed=7)
    refused = run_yekuo(settings, "archive", "case", "YK-L3")
    assert refused.returncode == 4, refused.stderr  # the final check fails: a conflict
    assert "cannot be archived" in refused.stderr
    done = run_yekuo(settings, "archive", "case", "YK-L3", "--override", REASON)
    assert done.returncode == 0, done.stderr
    case_no, archive_no, _ = done.stdout.strip().split("\t")
    stored = client.request("GET", "/cases/YK-L3", Role.keeper).json()
    assert (case_no, archive_no) == ("YK-L3", stored["archive_no"])
    assert client.request("GET", "/cases/YK-L3", Role.auditor).status_code == 403

    purpose = {"purpose": "年度稽查抽查"}
    asked = client.request("POST", "/cases/YK-L3/loans", Role.auditor, json=purpose)
    assert asked.status_code == 201, asked.text
    assert signin(client, Role.keeper).status_code == 303
    home = client.http.get("/").text
    assert "待审批的借阅（1）" in home
    assert "年度稽查抽查" in home
    assert "待归档的案件" in home
    assert "年到期待鉴定（0）" in home  # a deed is kept for ever

    reopened = run_yekuo(settings, "archive", "reopen", "YK-L3", "--reason", "更正户名笔误")
    assert reopened.returncode == 0, reopened.stderr
    assert reopened.stdout.split() == ["YK-L3", "connection", archive_no]
    assert client.request("GET", "/cases/YK-L3", Role.auditor).status_code == 200
