"""The sessions page in a real browser: two browsers signed in, one signs the other out;
the page passes axe's WCAG 2.1 AA checks and fits a phone's width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import Engine

from ceatlas.accounts import Accounts
from web.browser import VIEWPORTS, assert_no_sideways_scroll
from web.forms import PASSWORD

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def _log_in(page: Page, base: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill("ana@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="My plan")).to_be_visible()


def _serious(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_signing_another_browser_out_from_the_sessions_page(
    browser: Browser, live_server: str, engine: Engine
) -> None:
    assert AXE.exists(), "run `npm ci` in tests/web/axe (scripts/test does)"
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    width, height = VIEWPORTS["phone"]
    phone = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    laptop = browser.new_context(user_agent=FIREFOX_WINDOWS)
    try:
        mine, other = phone.new_page(), laptop.new_page()
        _log_in(other, live_server)
        _log_in(mine, live_server)
        mine.get_by_role("link", name="Signed-in browsers").click()
        rows = mine.locator("tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.filter(has_text="(this device)")).to_have_count(1)
        assert _serious(mine) == []
        assert_no_sideways_scroll(mine)
        rows.filter(has_text="Firefox on Windows").get_by_role("button").click()
        expect(mine.get_by_role("status")).to_have_text("That browser has been signed out.")
        expect(mine.locator("tbody tr")).to_have_count(1)
        other.goto(live_server + "/me")
        expect(other.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    finally:
        phone.close()
        laptop.close()
