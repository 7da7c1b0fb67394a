"""CE record and pathway-plan API: a therapist's record is theirs alone."""

from __future__ import annotations

import re

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ceatlas.accounts.models import Role
from ceatlas.accounts.service import Accounts
from web.forms import csrf, log_in, post_form


def _headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/v1/me").json()["csrf_token"]}


def test_record_status_plan_and_privacy(fresh_client: TestClient, engine: Engine) -> None:
    accounts = Accounts(engine)
    accounts.sign_up("ana@example.org", "correct horse battery", "Ana")
    accounts.sign_up("bo@example.org", "correct horse battery", "Bo")
    accounts.sign_up("school@example.org", "correct horse battery", "School", Role.PROVIDER)
    client = fresh_client
    log_in(client, "ana@example.org")
    headers = _headers(client)
    lic = client.post(
        "/api/v1/me/ce/licenses", json={"jurisdiction": "FL", "cycle_end": "2099-08-31"}
    )
    assert lic.status_code == 403  # no CSRF token
    lic = client.post(
        "/api/v1/me/ce/licenses",
        json={"jurisdiction": "FL", "cycle_end": "2099-08-31"},
        headers=headers,
    )
    assert lic.status_code == 201, lic.text
    bad = client.post(
        "/api/v1/me/ce/entries",
        json={"title": "X", "completed_on": "2020-01-01", "hours": "two", "format": "in_person"},
        headers=headers,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "hours"
    made = client.post(
        "/api/v1/me/ce/entries",
        json={
            "title": "Ethics",
            "completed_on": "2020-01-01",
            "hours": "2",
            "format": "self_paced",
            "approvals": ["NCBTMB"],
            "categories": ["ethics"],
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    entry_id = made.json()["id"]
    status = client.get("/api/v1/me/ce/status").json()
    assert status[0]["jurisdiction"] == "FL"
    assert client.get("/api/v1/me/ce/transcript.pdf").content.startswith(b"%PDF")
    plan = client.post(
        "/api/v1/me/pathway-plan", json={"pathways": ["oncology-massage"], "budget": 2000}
    )
    assert plan.status_code == 200, plan.text
    assert plan.json()["status"] == "optimal"
    ics = client.post(
        "/api/v1/me/pathway-plan/plan.ics", json={"pathways": ["oncology-massage"], "budget": 2000}
    )
    assert icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    post_form(client, "/logout", {}, page="/")

    log_in(client, "bo@example.org")
    assert client.get("/api/v1/me/ce/entries").json() == []
    assert client.get(f"/api/v1/me/ce/entries/{entry_id}").status_code == 404
    gone = client.delete(f"/api/v1/me/ce/entries/{entry_id}", headers=_headers(client))
    assert gone.status_code == 404
    post_form(client, "/logout", {}, page="/")

    log_in(client, "school@example.org")
    assert client.get("/api/v1/me/ce/status").status_code == 403
    post_form(client, "/logout", {}, page="/")
    assert client.get("/api/v1/me/ce/status").status_code == 401


def test_ce_page_progress_forms_plan_and_exports(fresh_client: TestClient, engine: Engine) -> None:
    Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana")
    Accounts(engine).sign_up("bo@example.org", "correct horse battery", "Bo")
    client = fresh_client
    log_in(client, "ana@example.org")
    page = client.get("/me/ce")
    assert page.status_code == 200
    assert "Add a license or credential" in page.text
    bad = post_form(
        client, "/me/ce/licenses", {"jurisdiction": "FL", "cycle_end": "someday"}, page="/me/ce"
    )
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.text
    made = post_form(
        client, "/me/ce/licenses", {"jurisdiction": "FL", "cycle_end": "2099-08-31"}, page="/me/ce"
    )
    assert made.status_code == 303
    token = csrf(client, "/me/ce")
    added = client.post(
        "/me/ce/entries",
        data={
            "csrf_token": token,
            "title": "Ethics <b>now</b>",
            "completed_on": "2020-01-02",
            "hours": "2",
            "format": "self_paced",
            "approvals": "NCBTMB:1",
            "categories": "ethics",
        },
        files={"certificate": ("cert.pdf", b"%PDF-1.4 test", "application/pdf")},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    page = client.get("/me/ce")
    assert "<progress" in page.text
    # The cycle chart: an SVG with its numbers in words (the 2020 entry is outside the cycle).
    assert '<svg viewBox="0 0 600 160" role="img"' in page.text
    assert "0 CE hours counted between" in page.text
    assert "of 24 required" in page.text
    assert "Florida (FL)" in page.text
    assert "Ethics &lt;b&gt;now&lt;/b&gt;" in page.text
    assert "certificate on file" in page.text
    planned = client.get("/me/ce", params={"pathway": "oncology-massage", "budget": "2000"})
    assert "proven optimal" in planned.text
    assert "/me/ce/plan.ics?" in planned.text
    ics = client.get("/me/ce/plan.ics", params={"pathway": "oncology-massage", "budget": "2000"})
    assert ics.headers["content-type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    pdf = client.get("/me/ce/plan.pdf", params={"pathway": "oncology-massage"})
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/me/ce/transcript.pdf").content.startswith(b"%PDF")
    entry_id = client.get("/api/v1/me/ce/entries").json()[0]["id"]
    post_form(client, "/logout", {}, page="/")
    log_in(client, "bo@example.org")
    assert "Ethics" not in client.get("/me/ce").text
    denied = post_form(client, f"/me/ce/entries/{entry_id}/delete", {}, page="/me/ce")
    assert denied.status_code == 404


def test_a_course_page_says_whether_it_counts_for_my_licenses(
    fresh_client: TestClient, engine: Engine
) -> None:
    """Worked from the KB's rules: Florida accepts NCBTMB-approved courses (64B7-28.009 as
    cited in FL.yaml); New York accepts only NYSED-approved sponsors (state:NY). A course
    whose provider lists a current NCBTMB approval and no New York approval therefore
    counts for a Florida license once the approval is checked (the sample's approvals are
    declared by the provider, so the page says it may count, not yet checked) and does not
    count as listed for a New York one. A visitor with no licenses sees the general
    advice."""
    import datetime as dt

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from ceatlas.catalog.models import Course, CourseApproval, ProviderApproval

    today = dt.date.today()
    with Session(engine) as db:
        ncbtmb = {
            p
            for p, until in db.execute(
                select(ProviderApproval.provider_id, ProviderApproval.valid_until).where(
                    ProviderApproval.authority == "NCBTMB"
                )
            )
            if until is None or until >= today
        }
        new_york = set(
            db.scalars(
                select(CourseApproval.course_id).where(CourseApproval.authority == "state:NY")
            )
        ) | {
            c
            for c, p in db.execute(select(Course.id, Course.provider_id))
            if p
            in set(
                db.scalars(
                    select(ProviderApproval.provider_id).where(
                        ProviderApproval.authority == "state:NY"
                    )
                )
            )
        }
        course_id = next(
            c
            for c, p in db.execute(select(Course.id, Course.provider_id).order_by(Course.id))
            if p in ncbtmb and c not in new_york
        )
    anonymous = fresh_client.get(f"/courses/{course_id}").text
    assert "Check with your licensing board that it accepts these approvals." in anonymous
    assert "For your licenses" not in anonymous
    Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana")
    log_in(fresh_client, "ana@example.org")
    headers = _headers(fresh_client)
    for state in ("FL", "NY"):
        made = fresh_client.post(
            "/api/v1/me/ce/licenses",
            json={"jurisdiction": state, "cycle_end": "2099-08-31"},
            headers=headers,
        )
        assert made.status_code == 201, made.text
    page = fresh_client.get(f"/courses/{course_id}").text
    assert "For your licenses" in page
    assert "Florida: may count: the provider says it is approved by NCBTMB; not yet checked" in page
    assert "Florida accepts that approval, so the hours count once it is confirmed." in page
    assert (
        "New York: does not count as listed. New York accepts courses approved by the New "
        "York board; this course lists none of them."
    ) in page
    assert "Check with your licensing board that it accepts these approvals." not in page


def test_the_search_page_opens_on_what_counts_for_my_license(
    fresh_client: TestClient, engine: Engine
) -> None:
    """Signed in with a Florida license, the page a therapist opens is filtered to courses
    that count in Florida (the same answer as choosing Florida in 'Counts for my state'),
    says so, and offers every state; a query the therapist makes keeps what they chose."""
    Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana")
    log_in(fresh_client, "ana@example.org")
    made = fresh_client.post(
        "/api/v1/me/ce/licenses",
        json={"jurisdiction": "FL", "cycle_end": "2099-08-31"},
        headers=_headers(fresh_client),
    )
    assert made.status_code == 201, made.text
    opened = fresh_client.get("/").text
    florida = fresh_client.get("/", params={"state": "FL"}).text
    total = re.search(r'id="results-h">(\d+) courses? found', florida)
    assert total is not None
    assert f'id="results-h">{total.group(1)} course' in opened
    assert "Showing courses that count for your Florida license." in opened
    assert '<option value="FL" selected>' in opened
    every = fresh_client.get("/", params={"state": ""}).text
    assert "Showing courses that count for your" not in every
    assert '<option value="FL" selected>' not in every


def test_result_cards_say_what_counts_for_each_license(
    fresh_client: TestClient, engine: Engine
) -> None:
    """Signed in with Florida and New York licenses, each result card says per license
    whether the session counts and toward which requirement of the current cycle.

    Worked by hand from the rules as the knowledge base records them (Fla. Admin. Code R.
    64B7-28.009: 24 h each two years, of them 2 h prevention of medical errors and 2 h
    professional ethics, from approved providers; NY Education Law 7807: 36 h from
    NYSED-approved sponsors):
    - "Prevention of Medical Errors (Florida)" is mainly about medical errors and is
      Florida-approved: counts in Florida toward the total and the medical-errors hours.
    - "Ethics for Florida Massage Therapists": counts in Florida toward the total and the
      ethics hours; after a 2-hour approved ethics course in this cycle (recorded below),
      the ethics hours are met and the card says so.
    - "Ethics for New York Massage Therapists" is written for New York's rules: it does not
      count in Florida.
    The sample's approvals are declared by the providers and not yet checked, so each
    "counts" reads "may count ..., once its approval is checked".
    A visitor sees no such lines."""
    anonymous = fresh_client.get("/", params={"q": "ethics"}).text
    assert 'class="card-licenses"' not in anonymous
    Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana")
    log_in(fresh_client, "ana@example.org")
    headers = _headers(fresh_client)
    import datetime as dt

    today = dt.date.today()
    # a two-year cycle ending next year's Aug 31 began at least a year ago
    cycle_end = dt.date(today.year + 1, 8, 31).isoformat()
    for state in ("FL", "NY"):
        made = fresh_client.post(
            "/api/v1/me/ce/licenses",
            json={"jurisdiction": state, "cycle_end": cycle_end},
            headers=headers,
        )
        assert made.status_code == 201, made.text

    def card(page: str, title: str) -> str:
        found = re.search(
            rf">{re.escape(title)}</a></h3>.*?<ul class=\"card-licenses\"[^>]*>(.*?)</ul>",
            page,
            re.S,
        )
        assert found is not None, title
        return re.sub(r"<[^>]+>", "|", found.group(1))

    errors = fresh_client.get("/", params={"q": "medical errors", "state": ""}).text
    lines = card(errors, "Prevention of Medical Errors (Florida)")
    assert "Florida: may count toward total CE hours; prevention of medical errors" in lines
    ethics = fresh_client.get("/", params={"q": "ethics", "state": ""}).text
    florida = card(ethics, "Ethics for Florida Massage Therapists")
    assert (
        "Florida: may count toward total CE hours; ethics, once its approval is checked|"
    ) in florida
    assert "Florida: does not count (written for another state)" in card(
        ethics, "Ethics for New York Massage Therapists"
    )
    done = fresh_client.post(
        "/api/v1/me/ce/entries",
        json={
            "title": "Ethics",
            "completed_on": (today - dt.timedelta(days=10)).isoformat(),
            "hours": "2",
            "format": "in_person",
            "approvals": ["NCBTMB"],
            "categories": ["ethics"],
        },
        headers=headers,
    )
    assert done.status_code == 201, done.text
    again = fresh_client.get("/", params={"q": "ethics", "state": ""}).text
    assert "Florida: may count toward total CE hours; ethics (met), once" in card(
        again, "Ethics for Florida Massage Therapists"
    )


def test_course_page_says_what_each_way_of_taking_it_counts_toward(
    fresh_client: TestClient, engine: Engine
) -> None:
    """ "Clinical Massage for Sciatica" is given in person and live online. Florida's 12
    classroom hours must be taught in person with hands-on instruction (R. 64B7-28.009), so
    the in-person sessions count toward them and the live online ones do not; both count
    toward the total. The sample's approvals are not yet checked, so both "may count"."""
    Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana")
    log_in(fresh_client, "ana@example.org")
    made = fresh_client.post(
        "/api/v1/me/ce/licenses",
        json={"jurisdiction": "FL", "cycle_end": "2099-08-31"},
        headers=_headers(fresh_client),
    )
    assert made.status_code == 201, made.text
    found = fresh_client.get(
        "/api/v1/search", params={"q": "Clinical Massage for Sciatica", "group_by_course": "true"}
    ).json()
    course_id = next(
        c["course"]["id"]
        for c in found["courses"]
        if c["course"]["title"] == "Clinical Massage for Sciatica"
    )
    page = fresh_client.get(f"/courses/{course_id}").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert (
        "In person sessions: Florida: may count toward total CE hours; hands-on technique "
        "(in person), once its approval is checked"
    ) in text
    assert "Live online sessions: Florida: may count toward total CE hours, once" in text


def test_a_refused_certificate_saves_nothing_and_keeps_what_was_typed(
    fresh_client: TestClient, engine: Engine
) -> None:
    """A CE entry whose certificate is refused was saved anyway, and the page came back
    with the form emptied, so a retry made a duplicate. Now nothing is saved; the page
    shows what was typed, the error beside the certificate field, and focus there."""
    Accounts(engine).sign_up("ana@example.org", "correct horse battery", "Ana")
    log_in(fresh_client, "ana@example.org")
    typed = {
        "title": "Ethics & Boundaries",
        "completed_on": "2026-05-01",
        "hours": "3",
        "format": "live_online",
        "provider": "Gulf Coast School",
        "approvals": "NCBTMB:451234",
        "categories": "ethics:3",
    }
    token = csrf(fresh_client, "/me/ce")
    refused = fresh_client.post(
        "/me/ce/entries",
        data={**typed, "csrf_token": token},
        files={"certificate": ("cert.exe", b"MZ\x90\x00", "application/octet-stream")},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert fresh_client.get("/api/v1/me/ce/entries").json() == []
    page = refused.text
    assert 'value="Ethics &amp; Boundaries"' in page
    assert 'value="2026-05-01"' in page
    assert 'value="NCBTMB:451234"' in page
    assert '<option value="live_online" selected>' in page
    assert 'id="err-entry-certificate"' in page
    assert "PDF, PNG or JPEG" in page
    assert re.search(r'<input id="certificate"[^>]*aria-invalid="true"[^>]*autofocus', page)
    bad_hours = fresh_client.post(
        "/me/ce/entries",
        data={**typed, "hours": "three", "csrf_token": token},
        follow_redirects=False,
    )
    assert bad_hours.status_code == 400
    assert re.search(r'<input id="hours"[^>]*aria-invalid="true"[^>]*autofocus', bad_hours.text)
    assert "autofocus" not in bad_hours.text.split('id="hours"')[0].split("<form")[-1]
    made = fresh_client.post(
        "/me/ce/entries",
        data={**typed, "csrf_token": token},
        files={"certificate": ("cert.pdf", b"%PDF-1.4 test", "application/pdf")},
        follow_redirects=False,
    )
    assert made.status_code == 303
    entries = fresh_client.get("/api/v1/me/ce/entries").json()
    assert len(entries) == 1
    assert entries[0]["certificate"]["name"] == "cert.pdf"
