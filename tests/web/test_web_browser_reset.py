"""A forgotten password, recovered in a real browser (Chromium) with the link from a real
SMTP server (aiosmtpd), at phone width and desktop width; screenshots go to
``test-artifacts/``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from ceatlas.accounts import Accounts
from ceatlas.config import load_settings
from ceatlas.web.app import create_app
from smtp_server import Received
from web.browser import (
    ARTIFACTS,
    VIEWPORTS,
    assert_no_sideways_scroll,
)
from web.conftest import running

OLD = "correct horse battery"
NEW = "a brand new passphrase"


@pytest.fixture
def site(database_url: str, tmp_path: Path, smtp: Received) -> Iterator[str]:
    # The site's public address is only known once it listens: links use a placeholder
    # host that the test swaps for the real one.
    settings = load_settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        kb_dir=None,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_security="none",
        public_url="http://site.invalid",
    )
    with running(create_app(settings)) as base:
        yield base


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_a_forgotten_password_is_reset_from_the_e_mailed_link(
    browser: Browser, site: str, smtp: Received, engine: Engine, device: str
) -> None:
    Accounts(engine).sign_up("gus@example.org", OLD, "Gus")
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = VIEWPORTS[device]
    context = browser.new_context(viewport={"width": width, "height": height})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(site + "/login")
        page.get_by_role("link", name="Forgot your password?").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
        page.get_by_label("E-mail address").fill("gus@example.org")
        page.get_by_role("button", name="Send me a link").click()
        expect(page.get_by_role("status")).to_contain_text("If an account uses gus@example.org")
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"reset-asked-{device}.png"), full_page=True)

        (message,) = smtp.wait_for(1)
        found = re.search(
            r"http://site\.invalid(/password/reset\?token=\S+)", message.get_content()
        )
        assert found, message.get_content()
        page.goto(site + found.group(1))
        page.get_by_label("New password", exact=True).fill(NEW)
        page.get_by_label("New password again").fill("not the same")
        page.get_by_role("button", name="Save the new password").click()
        expect(page.locator(".field-error")).to_have_text("the two new passwords are not the same")
        page.get_by_label("New password", exact=True).fill(NEW)
        page.get_by_label("New password again").fill(NEW)
        page.get_by_role("button", name="Save the new password").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your password is changed")
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"reset-done-{device}.png"), full_page=True)

        page.goto(site + found.group(1))  # the link works once
        expect(page.get_by_role("alert")).to_contain_text("expired or was already used")
        assert Accounts(engine).authenticate("gus@example.org", NEW) is not None
        assert Accounts(engine).authenticate("gus@example.org", OLD) is None
        assert errors == [], errors
    finally:
        context.close()
