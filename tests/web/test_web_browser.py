"""One real browser journey (Playwright + Debian's Chromium), with screenshots.

A therapist looks for sciatica courses near Tampa (ZIP 33602) within 50 miles, in person,
on weekends, up to $400; opens a course; downloads its calendar file. Screenshots at
desktop and phone widths go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import Engine

from ceatlas.config import Settings
from web.browser import ARTIFACTS, VIEWPORTS, assert_no_sideways_scroll, search_sciatica


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_therapist_finds_a_weekend_sciatica_course(
    browser: Browser, live_server: str, device: str
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = VIEWPORTS[device]
    context = browser.new_context(viewport={"width": width, "height": height})
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        search_sciatica(page, live_server)

        expect(page.get_by_role("heading", level=2, name="courses found")).to_be_visible()
        cards = page.locator("li.card")
        expect(cards.first).to_be_visible()
        assert cards.count() >= 1
        url = page.url
        for part in ("q=sciatica", "near=33602", "radius=50", "modes=in_person", "max_price=400"):
            assert part in url, part
        assert "days=saturday" in url
        assert "days=sunday" in url
        for blank in ("date_from=", "min_hours=", "state=", "near=&"):
            assert blank not in url, f"the address carries an unset filter: {url}"
        first = cards.first
        expect(first).to_contain_text("In person")
        expect(first).to_contain_text("Why it matched")
        expect(page.get_by_text("Sample data:")).to_be_visible()
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"search-{device}.png"), full_page=True)

        # Keyboard: the skip link is the first thing Tab reaches, and it is visible then.
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to main content")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()

        title = first.get_by_role("heading", level=3).inner_text()
        first.get_by_role("heading", level=3).get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_role("heading", name="Sessions")).to_be_visible()
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"course-{device}.png"), full_page=True)

        ics = page.get_by_role("link", name="Add to calendar").first
        href = ics.get_attribute("href")
        assert href is not None
        assert href.endswith(".ics")
        response = page.request.get(live_server + href)
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/calendar")
        assert response.text().startswith("BEGIN:VCALENDAR")
        assert errors == [], errors
    finally:
        context.close()


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_nothing_found_and_directories_read_well(
    browser: Browser, live_server: str, device: str
) -> None:
    """A search that finds nothing says what would find something, as links that work;
    the provider and program directories fit the screen."""
    ARTIFACTS.mkdir(exist_ok=True)
    width, height = VIEWPORTS[device]
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(
            live_server
            + "/?q=cupping&near=33602&radius=10&modes=in_person&max_price=5&group_by_course=true"
        )
        expect(page.get_by_text("These would find something:")).to_be_visible()
        assert_no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / f"nothing-{device}.png"), full_page=True)
        option = page.locator(".nothing li a").first
        label = option.inner_text()
        wanted = int(label.split()[0])
        option.click()
        heading = page.get_by_role("heading", level=2, name="found")
        expect(heading).to_contain_text(f"{wanted} course")
        for path in ("/providers", "/programs"):
            page.goto(live_server + path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            assert_no_sideways_scroll(page)
            page.screenshot(path=str(ARTIFACTS / f"{path[1:]}-{device}.png"), full_page=True)
    finally:
        context.close()


def test_editing_an_entry_with_a_refused_certificate_changes_nothing(
    browser: Browser, live_server: str, engine: Engine, web_settings: Settings, tmp_path: Path
) -> None:
    """A therapist opens a CE entry's edit form, changes the hours and the title, and
    chooses a replacement certificate that is not a PDF, PNG or JPEG: nothing is saved,
    what she typed is still there, the error sits beside the certificate field and focus
    is on it. Choosing a PDF then saves both."""
    from ceatlas.accounts.service import Accounts
    from ceatlas.compliance import CeRecords, EntryInput
    from ceatlas.kb import load_kb

    user = Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana").id
    records = CeRecords(engine, load_kb(), web_settings.data_dir)
    entry = records.add_entry(
        user,
        EntryInput(title="Ethics for Florida", completed_on="2026-03-01", hours="2",
                   format="live_online", categories=["ethics:2"]),
    )  # fmt: skip
    records.attach_certificate(user, entry.id, "first.pdf", b"%PDF-1.4 first", None)
    bad = tmp_path / "photo.gif"
    bad.write_bytes(b"GIF89a not a certificate")
    good = tmp_path / "second.pdf"
    good.write_bytes(b"%PDF-1.4 second")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(live_server + "/login")
        page.get_by_label("E-mail address").fill("ana@example.org")
        page.get_by_label("Password").fill("correct horse battery")
        page.get_by_role("button", name="Log in").click()
        page.goto(live_server + "/me/ce")
        page.get_by_role("link", name="Edit Ethics for Florida").click()
        expect(page.get_by_label("CE hours")).to_have_value("2")
        page.get_by_label("Title").fill("Ethics for Florida (live)")
        page.get_by_label("CE hours").fill("3")
        page.get_by_label("Replace the certificate").set_input_files(str(bad))
        page.get_by_role("button", name="Save changes").click()
        certificate = page.get_by_label("Replace the certificate")
        expect(certificate).to_be_focused()
        expect(certificate).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#err-entry-certificate")).to_contain_text("PDF, PNG or JPEG")
        expect(page.get_by_label("Title")).to_have_value("Ethics for Florida (live)")
        expect(page.get_by_label("CE hours")).to_have_value("3")
        assert_no_sideways_scroll(page)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "ce-edit-refused-phone.png"), full_page=True)
        unchanged = records.entry(user, entry.id)
        assert (unchanged.title, unchanged.hours, unchanged.certificate_name) == (
            "Ethics for Florida",
            Decimal("2.00"),
            "first.pdf",
        )
        certificate.set_input_files(str(good))
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Licenses & CE")
        saved = records.entry(user, entry.id)
        assert (saved.title, saved.hours, saved.certificate_name) == (
            "Ethics for Florida (live)",
            Decimal("3.00"),
            "second.pdf",
        )
        view = page.get_by_role("link", name="View certificate of Ethics for Florida (live)")
        response = page.request.get(live_server + (view.get_attribute("href") or ""))
        assert response.body() == b"%PDF-1.4 second"
    finally:
        context.close()
