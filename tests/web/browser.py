"""What the browser tests share: Debian's Chromium, its flags, the two screen sizes and
where screenshots go (``test-artifacts/``, gitignored). The ``browser`` fixture that
launches it lives in conftest.py."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import Page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}


def assert_no_sideways_scroll(page: Page) -> None:
    widths = page.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollWidth]"
    )
    assert widths[1] <= widths[0], f"page is wider than the screen: {widths}"


def search_sciatica(page: Page, base: str) -> None:
    """Sciatica courses within 50 mi of 33602, in person, on weekends, up to $400."""
    page.goto(base + "/")
    page.get_by_label("Condition, technique or course").fill("sciatica")
    filters = page.locator("details#filters")
    if filters.get_attribute("open") is None:  # folded on phones, once results show
        filters.locator("summary").click()
    page.get_by_label("Near ZIP code or city").fill("33602")
    page.get_by_label("Within").select_option("50")
    page.get_by_label("In person").check()
    page.get_by_label("Saturday").check()
    page.get_by_label("Sunday").check()
    page.get_by_label("Maximum price (US$)").fill("400")
    page.get_by_role("button", name="Apply filters").click()
