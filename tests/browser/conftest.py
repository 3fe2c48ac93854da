"""A real yekuo server on a free loopback port, a user and a token of every role, and headless
Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from api import create_app
from archive import SYSTEM, Role, create_token, create_user, open_database
from core import Settings
from tests.browser.helpers import BROWSER_PASSWORD, Screenshots, Server

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT_DIR_VARIABLE = "YEKUO_TEST_SCREENSHOT_DIR"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def server(settings: Settings) -> Iterator[Server]:
    """``api.create_app(settings)`` served by uvicorn in a thread, on embedded backends."""
    with open_database(settings) as database:
        database.upgrade()
        with database.transaction() as session:
            tokens = {
                role: create_token(session, name=f"{role.value}-user", role=role, actor=SYSTEM)
                for role in Role
            }
            for role in Role:
                create_user(
                    session,
                    username=f"{role.value}.user",
                    display_name=f"{role.value} 用户",
                    password=BROWSER_PASSWORD,
                    role=role,
                    actor=SYSTEM,
                )
    secrets = {role: secret for role, (_row, secret) in tokens.items()}
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, name="yekuo-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start; see the log above")
        time.sleep(0.05)
    try:
        yield Server(url=f"http://127.0.0.1:{port}", tokens=secrets)
    finally:
        running.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (which never downloads a browser)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at 1366×768, in Chinese."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    yield new_page
    context.close()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Screenshots]:
    """Screenshots in this test's tmp path, copied to $YEKUO_TEST_SCREENSHOT_DIR when set."""
    shots = Screenshots(tmp_path / "screenshots")
    yield shots
    target = os.environ.get(SCREENSHOT_DIR_VARIABLE)
    if target:
        destination = Path(target) / request.node.name
        destination.mkdir(parents=True, exist_ok=True)
        for path in shots.saved:
            shutil.copy2(path, destination / path.name)
