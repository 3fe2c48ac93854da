"""What the browser journeys share: the server, screenshots, signing in, dropping files."""

from __future__ import annotations

import base64
import random
import re
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page

from archive import Role
from core import Settings
from synthetic import jpeg_bytes, png_bytes, render, scanned_pdf_bytes
from tests.e2e import helpers as e2e
from tests.e2e.test_review import finish_intake

BROWSER_PASSWORD = "a browser passphrase"
"""The password of each role's user, ``ROLE.user`` (e.g. ``archivist.user``)."""


@dataclass(frozen=True)
class Server:
    """A running yekuo (each role has a user ``ROLE.user``): its URL and a token of every role."""

    url: str
    tokens: dict[Role, str]


class Screenshots:
    """Saves numbered screenshots of a test under the test output directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.saved: list[Path] = []

    def take(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        """Save the page as ``NN-name.png`` and return the path."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{len(self.saved) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        self.saved.append(path)
        return path


def sign_in(page: Page, server: Server, role: Role) -> None:
    """Sign in through the form with the user name and password of ``role``'s user, land on
    the start page, and go on to the cases list."""
    page.goto(f"{server.url}/signin")
    page.get_by_label("用户名").fill(f"{role.value}.user")
    page.get_by_label("密码").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/cases")


def drop_files(page: Page, selector: str, files: list[tuple[str, str, bytes]]) -> None:
    """Drop files (name, media type, bytes) on an element, as dragging them from the desktop."""
    payload = [
        {"name": name, "type": media_type, "data": base64.b64encode(content).decode()}
        for name, media_type, content in files
    ]
    transfer = page.evaluate_handle(
        """files => {
            const transfer = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name, {type: f.type}));
            }
            return transfer;
        }""",
        payload,
    )
    page.dispatch_event(selector, "dragenter", {"dataTransfer": transfer})
    page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def upload_files(page: Page, files: list[tuple[str, str, bytes]]) -> None:
    """Drop files on the case page's upload zone and start uploading them (each as 自动识别)."""
    drop_files(page, "#dropzone", files)
    page.get_by_role("button", name=re.compile("^开始上传")).click()


def three_scans() -> list[tuple[str, str, bytes]]:
    """An ID card (PNG), an application form (scanned PDF), a property certificate (JPEG)."""
    rng = random.Random(7)
    id_card = render("id_card", rng)
    form = render("application_form", rng)
    certificate = render("property_certificate", rng)
    return [
        ("身份证.png", "image/png", png_bytes(id_card.images[0])),
        ("用电申请表.pdf", "application/pdf", scanned_pdf_bytes(form.images)),
        ("房产证.jpg", "image/jpeg", jpeg_bytes(certificate.images[0])),
    ]


def console_errors(page: Page) -> list[str]:
    """A list that fills with the page's console errors, uncaught exceptions and CSP refusals.

    A Content-Security-Policy violation shows in the console as an error ("Refused to load
    ..."); the ``securitypolicyviolation`` listener also catches the ones Chromium reports
    only as events.
    """
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        # Chromium asks every site for /favicon.ico; the web UI has none, and needs none.
        if message.type == "error" and not where.endswith("/favicon.ico"):
            errors.append(f"{message.text} ({where})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation", e =>
            console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"""
    )
    return errors


def read_documents(
    page: Page, server: Server, settings: Settings, case_no: str, read: dict[str, dict[str, str]]
) -> None:
    """One small scan per document type of ``read`` uploaded to case_no by the archivist, and
    its intake finished as if it had read that type's fields."""
    archivist = {"Authorization": f"Bearer {server.tokens[Role.archivist]}"}
    results: dict[str, tuple[str, dict[str, str]]] = {}
    for seed, (doc_type, fields) in enumerate(read.items()):
        uploaded = page.request.post(
            f"{server.url}/api/v1/cases/{case_no}/documents",
            headers=archivist,
            multipart={
                "file": {
                    "name": f"{doc_type}.png",
                    "mimeType": "image/png",
                    "buffer": e2e.png_bytes(seed),
                }
            },
        )
        assert uploaded.status == 202, uploaded.text()
        results[uploaded.json()["document_id"]] = (doc_type, fields)
    finish_intake(settings, results)
