"""The therapist area: profile and "my plan", through pages and the API; private to its owner."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts, Role
from ceatlas.catalog.models import Course, CourseSession
from web.forms import csrf, log_in, post_form, sign_up


def _priced_sessions(engine: Engine, n: int) -> list[tuple[int, Decimal, int, Decimal]]:
    """(session id, price, course id, course CE hours) of ``n`` priced sessions."""
    with Session(engine) as db:
        rows = db.execute(
            select(CourseSession.id, CourseSession.price, Course.id, Course.ce_hours)
            .join(Course)
            .where(CourseSession.price.is_not(None), Course.ce_hours.is_not(None))
            .order_by(CourseSession.id)
        ).all()
    by_course: dict[int, tuple[int, Decimal, int, Decimal]] = {}
    for sid, price, cid, hours in rows:
        by_course.setdefault(cid, (sid, price, cid, hours))
    return list(by_course.values())[:n]


def _api_headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/v1/me").json()["csrf_token"]}


def test_profile_form_saves_and_names_bad_fields(fresh_client: TestClient) -> None:
    sign_up(fresh_client, "ana@example.org")
    page = fresh_client.get("/me/profile")
    assert page.status_code == 200
    assert 'href="/me/ce"' in page.text  # the compliance area's slot
    bad = post_form(
        fresh_client,
        "/me/profile",
        {"home_postal_code": "1234x", "max_travel_miles": "-3", "budget": "lots"},
    )
    assert bad.status_code == 400
    for field in ("home_postal_code", "max_travel_miles", "budget"):
        assert f'id="{field}-error"' in bad.text
    assert 'value="1234x"' in bad.text
    good = post_form(
        fresh_client,
        "/me/profile",
        {
            "home_postal_code": "33602",
            "max_travel_miles": "50",
            "budget": "400",
            "available_days": ["saturday", "sunday"],
            "preferred_modes": ["in_person"],
        },
    )
    assert good.status_code == 200
    assert "has been saved" in good.text
    profile = fresh_client.get("/api/v1/me/profile").json()
    assert profile["home_postal_code"] == "33602"
    assert profile["max_travel_miles"] == 50
    assert Decimal(profile["budget"]) == 400
    assert profile["available_days"] == ["saturday", "sunday"]


def test_plan_pages_total_cost_and_hours(fresh_client: TestClient, engine: Engine) -> None:
    sessions = _priced_sessions(engine, 2)
    sign_up(fresh_client, "ana@example.org")
    for sid, _, cid, _ in sessions:
        added = post_form(
            fresh_client,
            "/me/plan",
            {"session_id": str(sid), "next": f"/courses/{cid}"},
            page=f"/courses/{cid}",
        )
        assert (added.status_code, added.headers["location"]) == (303, f"/courses/{cid}")
    assert 'In <a href="/me/plan">my plan</a>' in fresh_client.get(f"/courses/{cid}").text
    plan = fresh_client.get("/api/v1/me/plan").json()
    assert {i["session_id"] for i in plan["items"]} == {s[0] for s in sessions}
    assert Decimal(plan["total_cost"]["USD"]) == sum(s[1] for s in sessions)
    assert Decimal(plan["total_hours"]) == sum(s[3] for s in sessions)
    page = fresh_client.get("/me/plan")
    assert page.text.count("Remove<span") == 2
    removed = post_form(fresh_client, f"/me/plan/{sessions[0][0]}/delete", {}, page="/me/plan")
    assert removed.status_code == 303
    assert len(fresh_client.get("/api/v1/me/plan").json()["items"]) == 1


def _two_sessions_of_one_course(engine: Engine) -> tuple[int, int, str, Decimal]:
    with Session(engine) as db:
        rows = db.execute(
            select(CourseSession.id, Course.id, Course.title, Course.ce_hours)
            .join(Course)
            .where(Course.ce_hours.is_not(None), CourseSession.start_date.is_not(None))
            .order_by(Course.id, CourseSession.id)
        ).all()
    by_course: dict[int, list[Any]] = {}
    for sid, cid, title, hours in rows:
        by_course.setdefault(cid, []).append((sid, title, hours))
    first, second = next(v for v in by_course.values() if len(v) >= 2)[:2]
    return first[0], second[0], first[1], first[2]


def test_my_plan_warns_about_a_course_saved_twice(fresh_client: TestClient, engine: Engine) -> None:
    """Two sessions of one course: the rows add up to twice its hours, the CE hours count it
    once, and the page says why in words."""
    one, two, title, hours = _two_sessions_of_one_course(engine)
    sign_up(fresh_client, "ana@example.org")
    for sid in (one, two):
        assert post_form(fresh_client, "/me/plan", {"session_id": str(sid)}).status_code == 303
    plan = fresh_client.get("/api/v1/me/plan").json()
    assert Decimal(plan["total_hours"]) == hours
    assert Decimal(plan["rows_hours"]) == 2 * hours
    assert any(w.startswith(f"2 sessions of {title} are saved") for w in plan["warnings"])
    page = fresh_client.get("/me/plan").text
    assert "Check your plan" in page
    assert "a course saved twice counts once" in page


def test_plan_api(fresh_client: TestClient, engine: Engine) -> None:
    (sid, price, _, _), (other, _, _, _) = _priced_sessions(engine, 2)
    sign_up(fresh_client, "ana@example.org")
    headers = _api_headers(fresh_client)
    assert fresh_client.post("/api/v1/me/plan", json={"session_id": sid}).status_code == 403
    made = fresh_client.post("/api/v1/me/plan", json={"session_id": sid}, headers=headers)
    assert made.status_code == 201
    assert Decimal(made.json()["total_cost"]["USD"]) == price
    again = fresh_client.post("/api/v1/me/plan", json={"session_id": sid}, headers=headers)
    assert again.status_code == 200
    missing = fresh_client.post("/api/v1/me/plan", json={"session_id": 999999}, headers=headers)
    assert (missing.status_code, missing.json()["error"]["field"]) == (404, "session_id")
    bad = fresh_client.post("/api/v1/me/plan", json={"session_id": "x"}, headers=headers)
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "session_id")
    replaced = fresh_client.put("/api/v1/me/plan", json={"session_ids": [other]}, headers=headers)
    assert [i["session_id"] for i in replaced.json()["items"]] == [other]
    gone = fresh_client.delete(f"/api/v1/me/plan/{other}", headers=headers)
    assert gone.json()["items"] == []
    assert fresh_client.delete(f"/api/v1/me/plan/{other}", headers=headers).status_code == 404
    put = fresh_client.put(
        "/api/v1/me/profile", json={"home_postal_code": "00000"}, headers=headers
    )
    assert (put.status_code, put.json()["error"]["field"]) == (422, "home_postal_code")


def test_plan_and_profile_are_private(fresh_client: TestClient, engine: Engine) -> None:
    (sid, _, _, _), *_ = _priced_sessions(engine, 1)
    accounts = Accounts(engine)
    accounts.sign_up("ana@example.org", "correct horse battery", "Ana")
    accounts.sign_up("bo@example.org", "correct horse battery", "Bo")
    accounts.sign_up("school@example.org", "correct horse battery", "School", Role.PROVIDER)
    log_in(fresh_client, "ana@example.org")
    fresh_client.post(
        "/api/v1/me/plan", json={"session_id": sid}, headers=_api_headers(fresh_client)
    )
    post_form(fresh_client, "/logout", {}, page="/")
    log_in(fresh_client, "bo@example.org")
    assert fresh_client.get("/api/v1/me/plan").json()["items"] == []
    post_form(fresh_client, "/logout", {}, page="/")
    log_in(fresh_client, "school@example.org")
    assert fresh_client.get("/api/v1/me/plan").status_code == 403
    assert fresh_client.get("/me/plan").status_code == 403
    post_form(fresh_client, "/logout", {}, page="/")
    assert fresh_client.get("/api/v1/me/profile").status_code == 401
    assert fresh_client.get("/me/plan", follow_redirects=False).status_code == 303
    assert csrf(fresh_client, "/login")


def _ended_session(engine: Engine) -> tuple[int, str, Decimal, dt.date]:
    """A dated session of a course with CE hours: (id, course title, hours, last day)."""
    with Session(engine) as db:
        sid, title, hours, start, end = db.execute(
            select(
                CourseSession.id,
                Course.title,
                Course.ce_hours,
                CourseSession.start_date,
                CourseSession.end_date,
            )
            .join(Course)
            .where(Course.ce_hours.is_not(None), CourseSession.start_date.is_not(None))
            .order_by(CourseSession.start_date, CourseSession.id)
        ).first()  # type: ignore[misc]
    return sid, title, hours, end or start


def test_an_ended_session_of_my_plan_goes_to_my_ce_record(
    fresh_client: TestClient, engine: Engine
) -> None:
    """Before its last day the session cannot be recorded (said in words, nothing saved);
    the day after, "Add to my CE record" makes a CE entry with the course's title and CE
    hours, completed on the session's last day, takes the session off my plan, and the CE
    page asks for the certificate, which can then be uploaded for that entry."""
    sid, title, hours, last_day = _ended_session(engine)
    sign_up(fresh_client, "ana@example.org")
    assert post_form(fresh_client, "/me/plan", {"session_id": str(sid)}).status_code == 303
    ctx = fresh_client.app.state.ceatlas  # type: ignore[attr-defined]
    ctx.today = lambda: last_day - dt.timedelta(days=1)
    early = post_form(fresh_client, f"/me/plan/{sid}/record", {}, page="/me/plan")
    assert early.status_code == 400
    assert f"this session ends on {last_day.isoformat()}" in early.text
    assert fresh_client.get("/api/v1/me/ce/entries").json() == []
    ctx.today = lambda: last_day + dt.timedelta(days=1)
    plan_page = fresh_client.get("/me/plan").text
    assert "Add to my CE record" in plan_page
    done = post_form(fresh_client, f"/me/plan/{sid}/record", {}, page="/me/plan")
    assert done.status_code == 303
    entries = fresh_client.get("/api/v1/me/ce/entries").json()
    assert [(e["title"], Decimal(e["hours"]), e["completed_on"]) for e in entries] == [
        (title, hours, last_day.isoformat())
    ]
    assert fresh_client.get("/api/v1/me/plan").json()["items"] == []
    ce_page = fresh_client.get(done.headers["location"]).text
    assert "Upload its certificate below" in ce_page
    entry_id = entries[0]["id"]
    token = csrf(fresh_client, "/me/ce")
    uploaded = fresh_client.post(
        f"/me/ce/entries/{entry_id}/certificate",
        data={"csrf_token": token},
        files={"certificate": ("cert.pdf", b"%PDF-1.4 test", "application/pdf")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    assert "certificate on file" in fresh_client.get("/me/ce").text


def test_a_plan_from_the_planner_is_saved_to_my_plan(
    fresh_client: TestClient, engine: Engine
) -> None:
    with Session(engine) as db:
        keys = list(db.scalars(select(CourseSession.key).order_by(CourseSession.id).limit(3)))
    sign_up(fresh_client, "ana@example.org")
    token = csrf(fresh_client, "/me/ce")
    saved = fresh_client.post(
        "/me/plan/sessions",
        data={"csrf_token": token, "session_key": keys},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    items = fresh_client.get("/api/v1/me/plan").json()["items"]
    assert len(items) == 3
    ics = fresh_client.get("/me/plan.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")
    assert len(events) == sum(1 for i in items if i["start_date"])
    assert {str(e.get("summary")) for e in events} <= {i["course_title"] for i in items}
    gone = fresh_client.post(
        "/me/plan/sessions",
        data={"csrf_token": token, "session_key": ["no-such-session"]},
        follow_redirects=False,
    )
    assert gone.status_code == 404


def _course_with_upcoming_sessions(engine: Engine) -> tuple[int, str, list[tuple[int, Any]]]:
    """A course with at least three priced sessions starting after today (or self-paced):
    (course id, title, [(session id, start date), ...] in start-date order)."""
    today = dt.date.today()
    with Session(engine) as db:
        rows = db.execute(
            select(Course.id, Course.title, CourseSession.id, CourseSession.start_date)
            .join(Course)
            .where(CourseSession.price.is_not(None))
            .order_by(Course.id, CourseSession.start_date, CourseSession.id)
        ).all()
    by_course: dict[int, list[Any]] = {}
    for cid, title, sid, start in rows:
        if start is None or start > today:
            by_course.setdefault(cid, []).append((title, sid, start))
    cid, found = next((c, v) for c, v in by_course.items() if len(v) >= 3)
    return cid, found[0][0], [(sid, start) for _, sid, start in found]


def test_a_withdrawn_session_stays_in_my_plan_and_says_so(
    fresh_client: TestClient, engine: Engine
) -> None:
    """The provider withdraws a saved session (its catalog row is deleted). Worked by hand:
    the plan no longer lists it among its sessions or counts its price, shows it under
    'Withdrawn by the provider' as it was when saved (title, date, price), and lists the
    course's other upcoming sessions; the therapist can then take it off the plan. Before,
    the saved row was deleted with the session and the plan silently shrank."""
    cid, title, sessions = _course_with_upcoming_sessions(engine)
    # a session of another course stays in the plan
    kept, kept_price, _, _ = next(p for p in _priced_sessions(engine, 10) if p[2] != cid)
    (gone, gone_start), others = sessions[0], sessions[1:]
    with Session(engine) as db:
        withdrawn_session = db.get(CourseSession, gone)
        assert withdrawn_session is not None
        gone_price = withdrawn_session.price
    sign_up(fresh_client, "ana@example.org")
    for sid in (kept, gone):
        assert post_form(fresh_client, "/me/plan", {"session_id": str(sid)}).status_code == 303
    with Session(engine) as db:
        db.delete(db.get(CourseSession, gone))
        db.commit()
    plan = fresh_client.get("/api/v1/me/plan").json()
    assert [i["session_id"] for i in plan["items"]] == [kept]
    assert Decimal(plan["total_cost"]["USD"]) == kept_price  # the withdrawn price is out
    [withdrawn] = plan["withdrawn"]
    assert withdrawn["course_title"] == title
    assert withdrawn["start_date"] == (gone_start.isoformat() if gone_start else None)
    assert Decimal(withdrawn["price"]) == gone_price
    listed = [(o["course_id"], o["session_id"]) for o in withdrawn["other_sessions"]]
    assert listed == [(cid, sid) for sid, _ in others[:3]]
    assert any(
        w.startswith(f"{title} (") and "was withdrawn by its provider" in w
        for w in plan["warnings"]
    )
    page = fresh_client.get("/me/plan").text
    assert "Withdrawn by the provider" in page
    assert f'href="/courses/{cid}#session-{others[0][0]}"' in page
    # Bo cannot see or remove Ana's withdrawn entry
    post_form(fresh_client, "/logout", {}, page="/")
    sign_up(fresh_client, "bo@example.org")
    assert fresh_client.get("/api/v1/me/plan").json()["withdrawn"] == []
    refused = fresh_client.delete(
        f"/api/v1/me/plan/withdrawn/{withdrawn['id']}", headers=_api_headers(fresh_client)
    )
    assert refused.status_code == 404
    post_form(fresh_client, "/logout", {}, page="/")
    log_in(fresh_client, "ana@example.org")
    removed = post_form(
        fresh_client, f"/me/plan/withdrawn/{withdrawn['id']}/remove", {}, page="/me/plan"
    )
    assert removed.status_code == 303
    after = fresh_client.get("/api/v1/me/plan").json()
    assert after["withdrawn"] == []
    assert [i["session_id"] for i in after["items"]] == [kept]


def test_my_plan_says_what_the_provider_changed_until_noted(
    fresh_client: TestClient, engine: Engine
) -> None:
    """A saved session moves a week later and costs $25 more. The plan says so, in words,
    with the old and new values, until the therapist marks it noted."""
    (sid, price, _, _), *_ = _priced_sessions(engine, 1)
    sign_up(fresh_client, "ana@example.org")
    assert post_form(fresh_client, "/me/plan", {"session_id": str(sid)}).status_code == 303
    assert fresh_client.get("/api/v1/me/plan").json()["items"][0]["changes"] == []
    with Session(engine) as db:
        row = db.get(CourseSession, sid)
        assert row is not None
        row.start_date = dt.date(2031, 3, 3)
        row.end_date = dt.date(2031, 3, 4)
        row.price = price + Decimal(25)
        row.currency = "USD"
        db.commit()
    item = fresh_client.get("/api/v1/me/plan").json()["items"][0]
    assert "dates now Mar 3 to Mar 4, 2031 (was " in item["changes"][0]
    assert item["changes"][-1] == f"price now {price + 25:,.2f} USD (was {price:,.2f} USD)"
    page = fresh_client.get("/me/plan").text
    assert "Changed since you saved it:" in page
    noted = post_form(fresh_client, f"/me/plan/{sid}/noted", {}, page="/me/plan")
    assert noted.status_code == 303
    assert fresh_client.get("/api/v1/me/plan").json()["items"][0]["changes"] == []
    assert "Changed since you saved it:" not in fresh_client.get("/me/plan").text


def _pdf_text(data: bytes) -> str:
    """The text shown by a PDF made with the core fonts (every page stream, decompressed)."""
    import re
    import zlib

    shown: list[str] = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        for text in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content):
            shown.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return "\n".join(shown)


def test_my_plan_as_a_pdf(fresh_client: TestClient, engine: Engine) -> None:
    """The PDF carries the same sessions, totals and warnings as the page, and is private."""
    (one, two, title, hours) = _two_sessions_of_one_course(engine)
    sign_up(fresh_client, "ana@example.org", name="Ana Therapist")
    for sid in (one, two):
        assert post_form(fresh_client, "/me/plan", {"session_id": str(sid)}).status_code == 303
    plan = fresh_client.get("/api/v1/me/plan").json()
    got = fresh_client.get("/me/plan.pdf")
    assert got.status_code == 200
    assert got.headers["content-type"] == "application/pdf"
    assert "private" in got.headers["cache-control"]
    assert got.content.startswith(b"%PDF")
    text = _pdf_text(got.content)
    assert "My CE plan - Ana Therapist" in text
    assert f"2 sessions; total cost ${Decimal(plan['total_cost']['USD']):,.2f}" in text
    assert f"{hours.normalize():f} CE hours (the sessions add up to" in text
    assert text.count(title) >= 2
    assert f"- 2 sessions of {title} are saved" in text
    assert f"/courses/{plan['items'][0]['course_id']}#session-" in text
    post_form(fresh_client, "/logout", {}, page="/")
    assert fresh_client.get("/me/plan.pdf", follow_redirects=False).status_code == 303
