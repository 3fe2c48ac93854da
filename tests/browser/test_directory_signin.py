"""Signing in through the directory in headless Chromium: a directory user's name and password
on the sign-in form, the cases list as them; a wrong password says so in Chinese."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core import Settings
from tests.browser.helpers import Screenshots, Server
from tests.directory import DIRECTORY_PASSWORD, with_test_directory

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The browser server's settings, signing people in through the test directory."""
    return with_test_directory(settings)


def test_a_directory_user_signs_in_on_the_form(
    page: Page, server: Server, screenshots: Screenshots
) -> None:
    page.goto(f"{server.url}/signin")
    page.get_by_label("用户名").fill("li.na")
    page.get_by_label("密码").fill("not the password")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    page.get_by_label("用户名").fill("li.na")
    page.get_by_label("密码").fill(DIRECTORY_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(f"{server.url}/")
    expect(page.get_by_role("banner").get_by_text("li.na（李娜）")).to_be_visible()
    screenshots.take(page, "directory-user-signed-in")
