"""Browser journeys of the accounts, therapist and provider areas, accessibility, screenshots.

Playwright drives Debian's Chromium against the app served by uvicorn. axe-core (npm,
installed in ``tests/web/axe`` by ``npm ci``) is injected into the pages; no serious or
critical violation is allowed. Screenshots at desktop and phone widths go to
``test-artifacts/``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts, Role
from ceatlas.catalog.models import Course, Provider
from web.browser import (
    ARTIFACTS,
    VIEWPORTS,
    assert_no_sideways_scroll,
    search_sciatica,
)
from web.forms import PASSWORD

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _context(browser: Browser, device: str = "desktop", **options: Any) -> BrowserContext:
    width, height = VIEWPORTS[device]
    return browser.new_context(viewport={"width": width, "height": height}, **options)


def _watch(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    assert_no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _log_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def _approved_provider(engine: Engine, email: str, index: int) -> int:
    accounts = Accounts(engine)
    with Session(engine) as db:
        key = db.scalars(select(Provider.key).order_by(Provider.id).offset(index).limit(1)).one()
    made = accounts.sign_up(email, PASSWORD, f"School {index}", Role.PROVIDER)
    provider_id = accounts.approve_provider(made.id, key).provider_id
    assert provider_id is not None
    return provider_id


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_therapist_signs_up_finds_a_weekend_sciatica_course_and_saves_it(
    browser: Browser, live_server: str, device: str
) -> None:
    context = _context(browser, device)
    try:
        page = context.new_page()
        errors = _watch(page)
        page.goto(live_server + "/signup")
        _shot(page, f"signup-{device}")
        page.get_by_label("Your name").fill("Ana Therapist")
        page.get_by_label("E-mail address").fill(f"ana-{device}@example.org")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Massage therapist").check()
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", level=1, name="Check your e-mail")).to_be_visible()
        _log_in(page, live_server, f"ana-{device}@example.org")
        expect(page.get_by_role("heading", level=1, name="My plan")).to_be_visible()

        token = page.request.get(live_server + "/api/v1/me").json()["csrf_token"]
        made = page.request.post(
            live_server + "/api/v1/me/ce/licenses",
            data={"jurisdiction": "FL", "cycle_end": "2099-08-31"},
            headers={"X-CSRF-Token": token},
        )
        assert made.status == 201, made.text()
        search_sciatica(page, live_server)
        card = page.locator("li.card").first
        expect(card).to_contain_text("In person")
        # each card says what the session counts toward for the Florida license
        expect(card.locator("ul.card-licenses")).to_contain_text("Florida:")
        _shot(page, f"search-signed-in-{device}")
        card.get_by_role("link", name=re.compile("Session details")).click()
        anchor = page.url.rsplit("#", 1)[-1]
        assert anchor.startswith("session-"), page.url
        expect(page.locator("ul.license-toward").first).to_contain_text("Florida:")
        _shot(page, f"course-signed-in-{device}")
        session = page.locator(f"li#{anchor}")
        session.get_by_role("button", name=re.compile("Save to my plan")).click()
        expect(page.locator(f"li#{anchor}")).to_contain_text("In my plan")

        page.goto(live_server + "/me/plan")
        rows = page.locator("table.data tbody tr")
        expect(rows).to_have_count(1)
        total = page.locator("dl.summary").inner_text()
        amount = Decimal(re.findall(r"\$([\d,]+(?:\.\d\d)?)", total)[0].replace(",", ""))
        assert amount <= 400
        _shot(page, f"my-plan-{device}")
        assert errors == [], errors
    finally:
        context.close()


def test_provider_publishes_a_course_and_a_therapist_finds_it(
    browser: Browser, live_server: str, engine: Engine
) -> None:
    _approved_provider(engine, "school@example.org", 0)
    context = _context(browser)
    try:
        page = context.new_page()
        errors = _watch(page)
        _log_in(page, live_server, "school@example.org")
        expect(page.get_by_role("heading", level=1, name="My listings")).to_be_visible()
        _shot(page, "provider-home-desktop")
        page.get_by_role("link", name="Add a course").click()
        page.get_by_role("button", name="Publish course").click()  # empty: an error by the field
        expect(page.locator("#title-error")).to_be_visible()
        expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
        page.get_by_label("Title").fill("Piriformis and Sciatica Lab")
        page.get_by_label("CE hours").fill("12")
        page.get_by_label("Conditions addressed").fill("sciatica")
        page.get_by_role("button", name="Publish course").click()
        expect(page.get_by_text("The course is published")).to_be_visible()
        page.get_by_role("link", name="Add a session").click()
        page.get_by_label("How it is taught").select_option("in_person")
        page.get_by_label("Start date").fill("2099-03-07")
        page.get_by_label("Start time").fill("09:00")
        page.get_by_label("End date").fill("2099-03-08")
        page.get_by_label("End time").fill("17:00")
        page.get_by_label("Time zone").fill("America/New_York")
        page.get_by_label("Venue name").fill("Channelside Studio")
        page.get_by_label("Price").fill("299")
        page.get_by_role("button", name="Add session").click()
        expect(page.locator("#postal_code-error")).to_be_visible()  # in person needs a ZIP
        page.get_by_label("ZIP code").fill("33602")
        page.get_by_role("button", name="Add session").click()
        expect(page.get_by_text("Sessions updated")).to_be_visible()
        _shot(page, "provider-course-desktop")
        _log_out(page)

        page.goto(live_server + "/")
        page.get_by_label("Condition, technique or course").fill("piriformis sciatica lab")
        page.get_by_role("button", name="Search", exact=True).click()
        card = page.locator("li.card", has_text="Piriformis and Sciatica Lab").first
        expect(card).to_be_visible()
        expect(card).to_contain_text("$299")
        card.get_by_role("heading", level=3).get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Piriformis and Sciatica Lab")
        expect(page.get_by_text("Channelside Studio")).to_be_visible()
        # The two forms sent with errors answered 422 on purpose; nothing else failed.
        assert [e for e in errors if "status of 422" not in e] == [], errors
        assert len(errors) == 2
    finally:
        context.close()


def test_a_provider_cannot_edit_another_providers_course(
    browser: Browser, live_server: str, engine: Engine
) -> None:
    _approved_provider(engine, "school@example.org", 0)
    theirs_provider = _approved_provider(engine, "other@example.org", 1)
    with Session(engine) as db:
        theirs = db.scalars(
            select(Course.id).where(Course.provider_id == theirs_provider).limit(1)
        ).one()
    context = _context(browser)
    try:
        page = context.new_page()
        _log_in(page, live_server, "school@example.org")
        answer = page.goto(f"{live_server}/provider/courses/{theirs}/edit")
        assert answer is not None
        assert answer.status == 403
        expect(page.get_by_text("this course belongs to another provider")).to_be_visible()
        # And through the API, with the provider's own token.
        page.goto(live_server + "/provider/tokens")
        page.get_by_label("Name").fill("sync")
        page.get_by_role("button", name="Create token").click()
        token = page.locator("#new-token").inner_text().strip()
        api = page.request.put(
            f"{live_server}/api/v1/provider/courses/{theirs}",
            data={"title": "Taken over"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert api.status == 403
        assert api.json()["error"]["message"] == "this course belongs to another provider"
        page.goto(f"{live_server}/courses/{theirs}")
        expect(page.get_by_role("heading", level=1)).not_to_have_text("Taken over")
    finally:
        context.close()


def _axe(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_accessibility_of_the_main_pages(
    browser: Browser, live_server: str, engine: Engine
) -> None:
    assert AXE.exists(), "run `npm ci` in tests/web/axe (scripts/test does)"
    provider_id = _approved_provider(engine, "school@example.org", 0)
    with Session(engine) as db:
        course_id = db.scalars(select(Course.id).order_by(Course.id).limit(1)).one()
    # The page's CSP forbids inline scripts: the check alone is allowed to inject axe.
    context = _context(browser, bypass_csp=True)
    try:
        page = context.new_page()
        pages = {
            "search": "/?q=sciatica&near=33602&radius=50",
            "course": f"/courses/{course_id}",
            "sign-up": "/signup",
            "log-in": "/login",
            "provider": f"/providers/{provider_id}",
        }
        found: dict[str, list[dict[str, Any]]] = {}
        for name, path in pages.items():
            page.goto(live_server + path)
            found[name] = _axe(page)
        page.goto(live_server + "/recommend")  # the form posts: complaints stay out of URLs
        page.get_by_label("Complaints, one a line, with clients a month").fill(
            "sciatica: 3\nfeeling weird: 1"
        )
        page.get_by_role("button", name="Recommend").click()
        expect(page.get_by_text(re.compile("Covers 3 of your")).first).to_be_visible()
        assert "sciatica" not in page.url
        found["recommendations"] = _axe(page)
        page.goto(live_server + "/signup")
        page.get_by_role("button", name="Sign up").click()  # the form with its errors
        found["sign-up with errors"] = _axe(page)
        _log_in(page, live_server, "school@example.org")
        for name, path in {
            "provider area": "/provider",
            "provider course form": "/provider/courses/new",
            "provider session form": f"/provider/courses/{course_id}/sessions/new",
            "provider upload": "/provider/upload",
            "provider tokens": "/provider/tokens",
        }.items():
            page.goto(live_server + path)
            found[name] = _axe(page)
        _log_out(page)
        Accounts(engine).sign_up("dana@example.org", PASSWORD, "Dana")
        _log_in(page, live_server, "dana@example.org")
        page.goto(live_server + "/me/ce")  # a license, so the page shows progress and chart
        page.get_by_label("State or credential").select_option("FL")
        page.get_by_label("Renewal date").fill("2099-08-31")
        page.get_by_role("button", name="Add license or credential").click()
        expect(page.locator("figure.ce-chart svg")).to_be_visible()
        for name, path in {"my plan": "/me", "profile": "/me/profile", "CE": "/me/ce"}.items():
            page.goto(live_server + path)
            found[name] = _axe(page)
        problems = {
            name: [f"{v['id']} ({v['impact']}): {v['help']}" for v in violations]
            for name, violations in found.items()
            if violations
        }
        assert problems == {}, problems
    finally:
        context.close()


def test_screenshots_of_account_pages_at_phone_width(
    browser: Browser, live_server: str, engine: Engine
) -> None:
    _approved_provider(engine, "school@example.org", 0)
    context = _context(browser, "phone")
    try:
        page = context.new_page()
        page.goto(live_server + "/login")
        _shot(page, "login-phone")
        _log_in(page, live_server, "school@example.org")
        _shot(page, "provider-home-phone")
        page.goto(live_server + "/provider/courses/new")
        _shot(page, "provider-course-phone")
    finally:
        context.close()
