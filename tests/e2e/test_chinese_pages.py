"""zh-CN everywhere: every page a role reaches shows no English word or internal code, only
Chinese, numbers and the identifiers people type (case numbers, user names, file names)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from archive import Role
from core import Settings
from tests.e2e.helpers import ApiClient, case_body, png_bytes
from tests.e2e.test_pages import CSRF_INPUT, new_case_form, page_csrf, signin
from tests.e2e.test_review import residential_case
from tests.intake_jobs import fail_for_good

ALLOWED = frozenset(
    {
        # the product, units and file formats, as Chinese users write them
        "yekuo",
        "kVA",
        "PDF",
        "JPEG",
        "PNG",
        "TIFF",
        "A4",
        "QR",
        "OCR",
        "ID",
        "CSV",
        "XLSX",
        "API",
        "SHA-256",
        "X",  # the check character of a citizen ID number
        "YYYY-MM-DD",
        # keys, as their caps print them (the document page's shortcuts)
        "Alt",
        "Ctrl",
        "Enter",
        "J",
        "K",
    }
)
"""ASCII words a page may show besides the identifiers of its data."""

KNOWN = frozenset({"TOP", *(f"{role.value}-user" for role in Role), "wang.xm", "GDS01", "yk_"})
"""The names the test's data holds (the top unit's code, the user names of the tokens) and the
examples pages give of what to type: a user name, a unit code, the start of a token."""

SEPARATORS = re.compile(r"[\s，。；：、（）()「」【】·…]+")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*")
IDENTIFIER = re.compile(
    r"^(YK-[A-Z0-9-]+"  # case numbers
    r"|[\w\u4e00-\u9fff.-]+\.(png|jpg|pdf|tiff?|csv|xlsx)"  # file names
    r"|[0-9a-f]{64}"  # SHA-256 checksums, in full
    r"|[0-9*]{14,17}[0-9Xx]"  # citizen ID numbers, in full or masked
    r"|(?=[A-Z]*[0-9])[0-9A-Z]{18})$"  # unified social credit codes
)
"""The identifiers any page may show; the names of its data (user names, unit codes) are the
ones the test made, passed to ``english_words``: a pattern for them would let codes through
(``case.override`` is shaped like ``wang.xm``, ``TOP`` like ``ERROR``)."""


class _VisibleText(HTMLParser):
    """The text a person sees or hears: element text and the attributes read aloud or shown,
    not scripts, styles, or the values of hidden inputs."""

    SPOKEN = ("aria-label", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.SPOKEN and value:
                self.parts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def english_words(page: str, *, known: frozenset[str] = KNOWN) -> list[str]:
    """The ASCII words of ``page``'s visible text that are neither allowed, nor identifiers,
    nor among the ``known`` names of the test's data."""
    parser = _VisibleText()
    parser.feed(page)
    words = []
    for text in parser.parts:
        if text.strip().startswith("yekuo "):
            continue  # a command to type on the server, as README gives it
        for token in SEPARATORS.split(text):
            if token in known or IDENTIFIER.match(token):
                continue
            for word in WORD.findall(token):
                if word not in ALLOWED and word not in known and not IDENTIFIER.match(word):
                    words.append(word)
    return words


def test_the_parser_finds_english_and_passes_identifiers() -> None:
    page = (
        '<p title="Open">案件 YK-001 由 archivist-user 上传 身份证.png，8 kVA</p>'
        "<script>var x = 'ignored';</script><p>status queued</p>"
    )
    assert english_words(page, known=frozenset({"archivist-user"})) == ["Open", "status", "queued"]


@pytest.mark.parametrize(
    "text",
    [
        "操作 case.override",  # an audit action's code
        "对象 a0ae9ced…",  # a short id
        "资料 a0ae9ced4f1b4c2e9d3f5a6b7c8d9e0f",  # a whole document id
        "状态 ERROR",  # a word in capitals
        "单位 GDS01",  # a unit code the test did not make
        "用户 wang.xm",  # a user name the test did not make
        "规则 property_proof",  # a rule id
    ],
)
def test_the_parser_refuses_codes_shaped_like_identifiers(text: str) -> None:
    assert english_words(f"<p>{text}</p>", known=frozenset({"TOP", "archivist-user"})) != []


def test_the_parser_passes_the_identifiers_people_type() -> None:
    page = (
        "<p>案件 YK-2024-0001 · 单位 TOP · archivist-user · 91310110666007217T · "
        "110105********002X · 11010519491231002X · 坏文件.png · " + "0a" * 32 + "</p>"
    )
    assert english_words(page, known=frozenset({"TOP", "archivist-user"})) == []


@pytest.fixture
def world(quiet_client: ApiClient, settings: Settings) -> dict[str, str]:
    """A case with documents read, one with an error finding, one failed, one queued and one
    in the trash."""
    documents = residential_case(quiet_client, settings, "YK-ZH-1", owner="钱七")
    assert quiet_client.create_case("YK-ZH-2").status_code == 201
    assert quiet_client.upload("YK-ZH-2", png_bytes(70), filename="坏文件.png").status_code == 202
    fail_for_good(settings)
    failed = quiet_client.request("GET", "/cases/YK-ZH-2", Role.auditor).json()["documents"][0]
    assert quiet_client.upload("YK-ZH-2", png_bytes(71)).status_code == 202
    trashed = quiet_client.upload("YK-ZH-2", png_bytes(72), filename="多余.png").json()
    removed = quiet_client.request(
        "DELETE", f"/documents/{trashed['document_id']}", Role.archivist, json={"reason": "多余"}
    )
    assert removed.status_code == 200
    changed = case_body("YK-ZH-2", capacity_kva=16, business_type="capacity_increase")
    assert quiet_client.request("PUT", "/cases/YK-ZH-2", Role.archivist, json=changed).is_success
    return {
        "document": documents["property_certificate"],
        "failed": failed["document_id"],
        "trashed": trashed["document_id"],
    }


PAGES = {
    Role.archivist: [
        "/",
        "/cases",
        "/cases/new",
        "/cases/YK-ZH-1",
        "/cases/YK-ZH-2",
        "/documents/{failed}",
        "/documents/{trashed}",
        "/trash",
        "/cases?stage=nowhere",
    ],
    Role.reviewer: [
        "/",
        "/cases/import",
        "/cases/YK-ZH-2",
        "/cases?has_errors=1",
        "/cases/YK-ZH-1",
        "/documents/{document}",
        "/documents/{failed}",
        "/search?q=钱七",
        "/search?q=钱七&date_from=2024-05-01&date_to=2024-01-01",
        "/search?date_from=yesterday",
    ],
    Role.auditor: [
        "/",
        "/audit",
        "/audit?system=1",
        "/cases/YK-ZH-1",
        "/documents/{document}",
        "/search?q=YK-ZH-1",
        "/reports/timeliness",
    ],
    Role.admin: ["/admin/users", "/audit?verify=true", "/cases/YK-NONE", "/documents/nothing"],
}
"""The pages each role opens, error pages among them (a bad filter, an unknown case)."""

BAD_NEW_CASE = {
    "case_no": "",
    "category": "",
    "business_type": "new",
    "capacity_kva": "-1",
    "accepted_on": "2024-13-01",
    "customer_kind": "person",
    "customer_name": "",
    "customer_id_number": "123",
}

FORMS: dict[Role, list[tuple[str, dict[str, str]]]] = {
    Role.archivist: [
        ("/cases/new", BAD_NEW_CASE),
        ("/cases/new", {**BAD_NEW_CASE, "capacity_kva": "八", "customer_id_number": ""}),
        ("/cases/new", new_case_form("YK-ZH-1")),  # a number taken
        ("/cases/new", new_case_form("YK-ZH-9", customer_id_number="123")),
        ("/cases/YK-ZH-2/record", {"category": "residential", "capacity_kva": "0"}),
        ("/documents/{failed}/trash", {"reason": ""}),
    ],
    Role.reviewer: [
        ("/cases/YK-ZH-1/rebase", {"version": "1999.01", "reason": "核对"}),
        ("/documents/{document}/doc_type", {"doc_type": "nothing"}),
        ("/cases/YK-ZH-1/facts", {"fact": "renter"}),
    ],
}
"""Forms each role sends wrong: the pages that answer say what is wrong in Chinese."""


def test_every_page_speaks_chinese(quiet_client: ApiClient, world: dict[str, str]) -> None:
    found = {}
    for role, paths in PAGES.items():
        signin(quiet_client, role)
        for path in paths:
            page = quiet_client.http.get(path.format(**world))
            words = english_words(page.text, known=KNOWN)
            if words:
                found[f"{role.value} {path}"] = sorted(set(words))
    assert found == {}, "\n".join(f"{p}: {w}" for p, w in found.items())


def test_every_form_answers_in_chinese(quiet_client: ApiClient, world: dict[str, str]) -> None:
    found = {}
    for role, forms in FORMS.items():
        signin(quiet_client, role)
        csrf = page_csrf(quiet_client)
        for path, data in forms:
            page = quiet_client.http.post(path.format(**world), data={**data, "csrf_token": csrf})
            assert page.status_code >= 400, (path, page.status_code)
            words = english_words(page.text, known=KNOWN)
            if words:
                found[f"{role.value} {path} {data}"] = sorted(set(words))
    assert found == {}, "\n".join(f"{p}: {w}" for p, w in found.items())


def test_the_sign_in_and_password_pages_speak_chinese(quiet_client: ApiClient) -> None:
    http = quiet_client.http
    pages = [http.get("/signin"), http.get("/signin/password")]
    for path, data in [
        ("/signin", {"token": "not-a-token"}),
        ("/signin", {"username": "nobody", "password": "wrong"}),
        ("/signin/password", {"username": "nobody", "password": "a", "new_password": "b"}),
        ("/signin/password", {"username": "nobody", "password": "a", "new_password": "long-b"}),
    ]:
        form = http.get(path)
        csrf = CSRF_INPUT.search(form.text)
        assert csrf is not None
        pages.append(http.post(path, data={**data, "csrf_token": csrf.group(1)}))
    found = {
        f"{page.request.method} {page.url.path} {page.status_code}": words
        for page in pages
        if (words := english_words(page.text, known=KNOWN))
    }
    assert found == {}
