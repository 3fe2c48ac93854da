"""zh-CN everywhere: every page a role reaches shows no English word or internal code, only
Chinese, numbers and the identifiers people type (case numbers, user names, file names)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from archive import Role
from core import Settings
from tests.e2e.helpers import ApiClient, case_body, png_bytes
from tests.e2e.test_pages import signin
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
        # keys, as their caps print them (the document page's shortcuts)
        "Alt",
        "Ctrl",
        "Enter",
        "J",
        "K",
    }
)
"""ASCII words a page may show besides the identifiers of its data."""

SEPARATORS = re.compile(r"[\s，。；：、（）()「」【】·…]+")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:[.\-][A-Za-z0-9_]+)*")
IDENTIFIER = re.compile(
    r"^(YK-[A-Z0-9-]+"  # case numbers
    r"|[a-z]+[.-][a-z]+"  # user names (wang.xm, archivist-user)
    r"|[A-Z][A-Z0-9]{1,15}"  # unit codes (TOP, GDS01)
    r"|[\w\u4e00-\u9fff.-]+\.(png|jpg|pdf|tiff?|csv|xlsx)"  # file names
    r"|[0-9A-Fa-f-]{8,}|[0-9*]{14,17}[0-9Xx]|[0-9A-Z]{18})$"  # ids, hashes, ID numbers, codes
)


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


def english_words(page: str) -> list[str]:
    """The ASCII words of ``page``'s visible text that are neither allowed nor identifiers."""
    parser = _VisibleText()
    parser.feed(page)
    words = []
    for text in parser.parts:
        if text.strip().startswith("yekuo "):
            continue  # a command to type on the server, as README gives it
        for token in SEPARATORS.split(text):
            for word in WORD.findall(token):
                if word in ALLOWED or IDENTIFIER.match(word) or IDENTIFIER.match(token):
                    continue
                words.append(word)
    return words


def test_the_parser_finds_english_and_passes_identifiers() -> None:
    page = (
        '<p title="Open">案件 YK-001 由 archivist-user 上传 身份证.png，8 kVA</p>'
        "<script>var x = 'ignored';</script><p>status queued</p>"
    )
    assert english_words(page) == ["Open", "status", "queued"]


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


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_speaks_chinese(
    quiet_client: ApiClient,
    world: dict[str, str],
    role: Role,
) -> None:
    signin(quiet_client, role)
    found = {}
    for path in PAGES[role]:
        page = quiet_client.http.get(path.format(**world))
        words = english_words(page.text)
        if words:
            found[path] = sorted(set(words))
    assert found == {}, "\n".join(f"{p}: {w}" for p, w in found.items())
