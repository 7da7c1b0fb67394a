"""Private feeds and saved searches, through the web app and a real SMTP server.

The calendar address shows planned sessions, a due date for each self-paced one (the end
of its access period, else the next renewal deadline) and renewal deadlines still ahead;
it works without a login, and a new address (or turning it off) retires the old one. A
saved search tells, once, of sessions published after it was saved: in a daily e-mail and
in its Atom feed.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlparse

from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from ceatlas.accounts.models import SavedSearchHit, User
from ceatlas.accounts.profile import Plans
from ceatlas.catalog.models import Course, CourseSession
from ceatlas.compliance.models import CeLicense
from ceatlas.config import load_settings
from ceatlas.kb import load_kb
from ceatlas.mail import SmtpMailer
from ceatlas.notify import run_notify
from smtp_server import Received
from web.forms import post_form, sign_up

RENEWAL = dt.date(2099, 8, 31)
_VALUE = re.compile(r'id="(?:calendar-address|feed-\d+)"[^>]*value="([^"]+)"')


def _local(url: str) -> str:
    parts = urlparse(url)
    return f"{parts.path}?{parts.query}"


def _user(engine: Engine, email: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(User.id).where(User.email == email))
        assert found is not None
        return found


def _licenses(engine: Engine, user_id: int) -> None:
    """FL renews 2099-08-31 (ahead); an old NY cycle ended 2020-08-31 (past: left out)."""
    now = dt.datetime(2099, 1, 1)
    with Session(engine) as session:
        session.add_all(
            [
                CeLicense(
                    user_id=user_id,
                    kind="license",
                    jurisdiction="FL",
                    cycle_end=RENEWAL,
                    created_at=now,
                ),
                CeLicense(
                    user_id=user_id,
                    kind="license",
                    jurisdiction="NY",
                    cycle_end=dt.date(2020, 8, 31),
                    created_at=now,
                ),
            ]
        )
        session.commit()


def test_the_private_calendar_address(fresh_client: TestClient, engine: Engine) -> None:
    sign_up(fresh_client, "ana@example.org")
    ana = _user(engine, "ana@example.org")
    _licenses(engine, ana)
    today = dt.date.today()
    with Session(engine) as session:
        dated = session.scalars(
            select(CourseSession).where(CourseSession.start_date > today).order_by(CourseSession.id)
        ).first()
        self_paced = session.scalars(
            select(CourseSession).where(
                CourseSession.start_date.is_(None), CourseSession.end_date.is_(None)
            )
        ).first()
        assert dated is not None
        assert self_paced is not None
        dated_title, dated_id = dated.course.title, dated.id
        paced_title, paced_id = self_paced.course.title, self_paced.id
    Plans(engine).add(ana, dated_id)
    Plans(engine).add(ana, paced_id)

    page = fresh_client.get("/me/plan")
    assert "Make my private calendar address" in page.text
    assert (
        post_form(fresh_client, "/me/calendar", {"action": "new"}, page="/me/plan").status_code
        == 303
    )
    page = fresh_client.get("/me/plan")
    (address,) = _VALUE.findall(page.text)
    assert "webcal://" in page.text

    anonymous = TestClient(fresh_client.app)
    feed = anonymous.get(_local(address))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    text = feed.text.replace("\r\n ", "")  # unfold long lines
    assert "X-WR-CALNAME:CE Atlas: my plan and deadlines" in text
    assert f"SUMMARY:{dated_title}" in text
    assert "SUMMARY:Florida renewal deadline" in text
    assert "DTSTART;VALUE=DATE:20990831" in text
    assert "New York renewal deadline" not in text  # its deadline has passed
    # self-paced, no access period: due by the next renewal, 2099-08-31
    assert f"SUMMARY:Finish: {paced_title} (at your own pace)" in text
    assert f"UID:due-{paced_id}-2099-08-31@ceatlas" in text

    assert (
        post_form(fresh_client, "/me/calendar", {"action": "new"}, page="/me/plan").status_code
        == 303
    )
    (newer,) = _VALUE.findall(fresh_client.get("/me/plan").text)
    assert newer != address
    assert anonymous.get(_local(address)).status_code == 404
    assert anonymous.get(_local(newer)).status_code == 200
    forged = _local(newer).replace(f"calendar.{ana}.", f"calendar.{ana + 1}.")
    assert anonymous.get(forged).status_code == 404
    post_form(fresh_client, "/me/calendar", {"action": "off"}, page="/me/plan")
    assert anonymous.get(_local(newer)).status_code == 404
    assert "Make my private calendar address" in fresh_client.get("/me/plan").text


def _clone(engine: Engine, session_id: int, start: dt.date) -> int:
    """A new session of the same course, as a provider publishing one more date would."""
    with Session(engine) as session:
        old = session.get(CourseSession, session_id)
        assert old is not None
        columns = {c.key: getattr(old, c.key) for c in inspect(CourseSession).column_attrs}
        columns.pop("id")
        length = (
            (old.end_date - old.start_date) if old.end_date and old.start_date else dt.timedelta()
        )
        columns.update(
            key=old.key + "-new",
            start_date=start,
            end_date=start + length,
            registration_deadline=None,
        )
        new = CourseSession(**columns)
        session.add(new)
        session.commit()
        return new.id


def test_a_saved_search_tells_of_new_sessions_once(
    fresh_client: TestClient, engine: Engine, tmp_path: Path, database_url: str, smtp: Received
) -> None:
    sign_up(fresh_client, "bo@example.org")
    bo = _user(engine, "bo@example.org")
    with Session(engine) as session:
        session.get(User, bo).email_verified_at = dt.datetime(2099, 1, 1)  # type: ignore[union-attr]
        session.commit()
    results = fresh_client.get("/?q=sciatica&modes=in_person")
    assert "Save this search" in results.text
    assert fresh_client.get("/?q=sciatica").status_code == 200
    saved = post_form(
        fresh_client,
        "/me/searches",
        {"query": "q=sciatica&modes=in_person&page=2", "name": "Sciatica, in person"},
        page="/me/searches",
    )
    assert saved.status_code == 303
    listing = fresh_client.get("/me/searches")
    assert "Sciatica, in person" in listing.text
    assert "words: sciatica · In person" in listing.text.replace("&middot;", "·")
    assert 'href="/?modes=in_person&amp;q=sciatica"' in listing.text
    (feed_url,) = _VALUE.findall(listing.text)
    with Session(engine) as session:
        baseline = session.scalars(select(SavedSearchHit)).all()
        assert baseline
        assert all(h.notified for h in baseline)  # what matched at saving is not news
        first = session.get(CourseSession, baseline[0].session_id)
        assert first is not None
        title = first.course.title
        first_id = first.id
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    new_id = _clone(engine, first_id, dt.date.today() + dt.timedelta(days=60))

    settings = load_settings(
        database_url=database_url,
        data_dir=tmp_path,
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_security="none",
        public_url="https://ceatlas.test",
        secret_key="y" * 40,
    )
    mailer = SmtpMailer(smtp.host, smtp.port, security="none", timeout=5)
    kb = load_kb()
    report = run_notify(engine, kb, settings, mailer, today=tomorrow)
    assert len(report.saved_search_queued) == 1
    (message,) = smtp.messages
    assert message["Subject"] == "1 new session for your saved searches"
    body = message.get_content()
    assert "Sciatica, in person (https://ceatlas.test/?modes=in_person&q=sciatica)" in body
    with Session(engine) as session:
        course_id = session.scalar(
            select(Course.id).join(CourseSession).where(CourseSession.id == new_id)
        )
    assert f"- {title}, " in body
    assert f"https://ceatlas.test/courses/{course_id}" in body
    assert run_notify(engine, kb, settings, mailer, today=tomorrow).saved_search_queued == []
    later = tomorrow + dt.timedelta(days=1)
    assert run_notify(engine, kb, settings, mailer, today=later).saved_search_queued == []
    assert len(smtp.messages) == 1

    anonymous = TestClient(fresh_client.app)
    atom = anonymous.get(_local(feed_url))
    assert atom.status_code == 200
    assert atom.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(atom.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.findtext("a:title", namespaces=ns) == "CE Atlas: Sciatica, in person"
    ids = [e.findtext("a:id", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert ids[0] == f"urn:ceatlas:session:{new_id}"  # the newest match first
    assert len(ids) == min(50, len(baseline) + 1)  # the feed holds the newest 50

    search_id = int(re.search(r'id="search-(\d+)"', listing.text).group(1))  # type: ignore[union-attr]
    post_form(fresh_client, f"/me/searches/{search_id}/feed", {}, page="/me/searches")
    assert anonymous.get(_local(feed_url)).status_code == 404
    other = TestClient(fresh_client.app)
    sign_up(other, "eve@example.org")
    assert (
        post_form(other, f"/me/searches/{search_id}/delete", {}, page="/me/searches").status_code
        == 404
    )
    assert (
        post_form(
            fresh_client, f"/me/searches/{search_id}/delete", {}, page="/me/searches"
        ).status_code
        == 303
    )
    assert "You have no saved searches yet." in fresh_client.get("/me/searches").text


def test_saving_a_search_of_everything_is_refused(fresh_client: TestClient) -> None:
    sign_up(fresh_client, "cy@example.org")
    refused = post_form(
        fresh_client, "/me/searches", {"query": "page=2", "name": "All"}, page="/me/searches"
    )
    assert refused.status_code == 400
    assert "search for something first" in refused.text
    bad = post_form(
        fresh_client, "/me/searches", {"query": "max_price=cheap", "name": "x"}, page="/me/searches"
    )
    assert bad.status_code == 400


def test_calendar_links_come_from_the_settings_never_the_host_header(
    fresh_client: TestClient, engine: Engine
) -> None:
    """A forged Host header must not put another site's address into a calendar file, and
    a registration link that is not http(s) is left out."""
    today = dt.date.today()
    with Session(engine) as session:
        chosen = session.scalars(
            select(CourseSession).where(CourseSession.start_date > today).order_by(CourseSession.id)
        ).first()
        assert chosen is not None
        chosen.registration_url = "javascript:alert(1)"
        session.commit()
        session_id, course_id = chosen.id, chosen.course_id
    body = fresh_client.get(f"/sessions/{session_id}.ics", headers={"host": "evil.example"})
    assert body.status_code == 200
    text = body.text.replace("\r\n ", "")
    assert f"http://127.0.0.1:8000/courses/{course_id}" in text  # the configured address
    assert "evil.example" not in text
    assert "javascript:" not in text


def test_private_answers_are_not_cached(fresh_client: TestClient) -> None:
    sign_up(fresh_client, "gil@example.org")
    for path in ("/me/ce", "/me/ce/transcript.pdf", "/api/v1/me/ce/status", "/me/profile"):
        answer = fresh_client.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "no-store", path
    assert "no-store" not in fresh_client.get("/").headers.get("cache-control", "")
