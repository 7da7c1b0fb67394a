"""The provider area and write API: own listings only, field errors, uploads, API tokens."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts, Role
from ceatlas.catalog.models import Course, Provider
from web.forms import PASSWORD, log_in, post_form


@pytest.fixture
def providers(engine: Engine, fresh_client: TestClient) -> tuple[int, int]:
    """Two approved provider accounts, for the first two sample providers; returns their ids."""
    accounts = Accounts(engine)
    with Session(engine) as db:
        keys = db.scalars(select(Provider.key).order_by(Provider.id).limit(2)).all()
    made = []
    for n, key in enumerate(keys):
        user = accounts.sign_up(f"school{n}@example.org", PASSWORD, f"School {n}", Role.PROVIDER)
        made.append(accounts.approve_provider(user.id, key).provider_id or 0)
    return made[0], made[1]


def _course_of(engine: Engine, provider_id: int) -> int:
    with Session(engine) as db:
        found = db.scalar(select(Course.id).where(Course.provider_id == provider_id).limit(1))
    assert found is not None
    return found


SESSION_FORM = {
    "mode": "in_person",
    "start_date": "2099-02-07",
    "start_time": "09:00",
    "end_date": "2099-02-08",
    "end_time": "17:00",
    "timezone": "America/New_York",
    "venue": "Bayshore Studio",
    "postal_code": "33602",
    "price": "325",
    "currency": "USD",
}


def test_pending_provider_waits_for_approval(fresh_client: TestClient, engine: Engine) -> None:
    Accounts(engine).sign_up("new@example.org", PASSWORD, "New school", Role.PROVIDER)
    log_in(fresh_client, "new@example.org")
    assert "waiting for an administrator" in fresh_client.get("/provider").text
    assert fresh_client.get("/provider/courses/new").status_code == 403


def test_publish_a_course_with_a_session_through_forms(
    fresh_client: TestClient, providers: tuple[int, int]
) -> None:
    log_in(fresh_client, "school0@example.org")
    empty = post_form(fresh_client, "/provider/courses/new", {"title": "  ", "ce_hours": "x"})
    assert empty.status_code == 422
    assert 'id="title-error"' in empty.text
    assert 'id="ce_hours-error"' in empty.text
    typo = post_form(
        fresh_client,
        "/provider/courses/new",
        {
            "title": "Sciatica Intensive",
            "conditions": "sciatca",
            "techniques": "myofascial release",
        },
    )
    assert typo.status_code == 422
    assert "&#39;sciatca&#39; is not a condition in the knowledge base" in typo.text
    assert "did you mean Sciatica" in typo.text
    assert 'value="Sciatica Intensive"' in typo.text  # what the provider typed is kept
    made = post_form(
        fresh_client,
        "/provider/courses/new",
        {
            "title": "Sciatica <script>alert(1)</script> Intensive",
            "ce_hours": "12",
            "conditions": "sciatica",
            "techniques": "myofascial release",
        },
    )
    assert made.status_code == 303
    course_id = int(re.findall(r"/provider/courses/(\d+)/edit", made.headers["location"])[0])
    page = f"/provider/courses/{course_id}/sessions/new"
    missing = post_form(fresh_client, page, SESSION_FORM | {"postal_code": ""})
    assert missing.status_code == 422
    assert 'id="postal_code-error"' in missing.text
    backwards = post_form(fresh_client, page, SESSION_FORM | {"end_date": "2099-02-01"})
    assert 'id="end_date-error"' in backwards.text
    assert post_form(fresh_client, page, SESSION_FORM).status_code == 303
    public = fresh_client.get(f"/courses/{course_id}").text
    assert "Bayshore Studio" in public
    assert "<script>alert(1)</script>" not in public
    found = fresh_client.get(
        "/api/v1/search",
        params={"q": "Sciatica Intensive", "near": "33602", "radius": "50", "days": "weekend"},
    ).json()
    assert course_id in [hit["course"]["id"] for hit in found["results"]]
    edited = post_form(
        fresh_client,
        f"/provider/courses/{course_id}/edit",
        {"title": "Sciatica Intensive", "ce_hours": "14"},
    )
    assert edited.status_code == 303
    assert "Sciatica Intensive" in fresh_client.get(f"/courses/{course_id}").text
    gone = post_form(fresh_client, f"/provider/courses/{course_id}/delete", {}, page="/provider")
    assert gone.status_code == 303
    assert fresh_client.get(f"/courses/{course_id}").status_code == 404


def test_a_provider_cannot_edit_another_providers_course_ui(
    fresh_client: TestClient, engine: Engine, providers: tuple[int, int]
) -> None:
    theirs = _course_of(engine, providers[1])
    log_in(fresh_client, "school0@example.org")
    assert fresh_client.get(f"/provider/courses/{theirs}/edit").status_code == 403
    attempt = post_form(
        fresh_client, f"/provider/courses/{theirs}/edit", {"title": "Mine now"}, page="/provider"
    )
    assert attempt.status_code == 403
    deleted = post_form(fresh_client, f"/provider/courses/{theirs}/delete", {}, page="/provider")
    assert deleted.status_code == 403
    assert "Mine now" not in fresh_client.get(f"/courses/{theirs}").text
    assert fresh_client.get("/provider/courses/999999/edit").status_code == 404


def _token(client: TestClient) -> str:
    page = post_form(client, "/provider/tokens", {"name": "site sync"})
    found = re.search(r'id="new-token">([^<]+)<', page.text)
    assert found
    return found.group(1)


def test_write_api_with_a_token(
    fresh_client: TestClient, engine: Engine, providers: tuple[int, int]
) -> None:
    log_in(fresh_client, "school0@example.org")
    token = _token(fresh_client)
    api = TestClient(fresh_client.app)  # no cookies: the token alone
    auth = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/v1/provider/courses", json={"title": "x"}).status_code == 401
    made = api.post(
        "/api/v1/provider/courses", json={"title": "Token course", "ce_hours": 3}, headers=auth
    )
    assert made.status_code == 201
    course_id = made.json()["id"]
    again = api.post("/api/v1/provider/courses", json={"title": "Token course"}, headers=auth)
    assert (again.status_code, again.json()["error"]["field"]) == (409, "title")
    bad = api.post("/api/v1/provider/courses", json={"title": "y", "ce_hours": -1}, headers=auth)
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "ce_hours")
    session = {"mode": "in_person", "start_date": "2099-03-07"}
    rule = api.post(f"/api/v1/provider/courses/{course_id}/sessions", json=session, headers=auth)
    assert (rule.status_code, rule.json()["error"]["field"]) == (422, "postal_code")
    added = api.post(
        f"/api/v1/provider/courses/{course_id}/sessions",
        json=session | {"postal_code": "33602", "price": "99"},
        headers=auth,
    )
    assert added.status_code == 201
    session_id = added.json()["id"]
    changed = api.put(
        f"/api/v1/provider/sessions/{session_id}",
        json=session | {"postal_code": "33602", "price": "109"},
        headers=auth,
    )
    assert changed.status_code == 200
    listing = api.get("/api/v1/provider/listings", headers=auth).json()
    assert {"id": course_id, "sessions": 1}.items() <= next(
        c for c in listing["courses"] if c["id"] == course_id
    ).items()
    feed = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": "https://school0.example.org/courses/feed-1",
        "name": "Synced course",
        "hasCourseInstance": [{"@type": "CourseInstance", "courseMode": "online"}],
    }
    synced = api.post("/api/v1/provider/import", json=feed, headers=auth).json()
    assert synced["records_imported"] == 1
    assert api.delete(f"/api/v1/provider/sessions/{session_id}", headers=auth).status_code == 204
    assert api.delete(f"/api/v1/provider/courses/{course_id}", headers=auth).status_code == 204
    assert api.delete(f"/api/v1/provider/courses/{course_id}", headers=auth).status_code == 404
    revoked_id = re.findall(
        r"/provider/tokens/(\d+)/revoke", fresh_client.get("/provider/tokens").text
    )
    post_form(fresh_client, f"/provider/tokens/{revoked_id[0]}/revoke", {}, page="/provider/tokens")
    assert api.get("/api/v1/provider/listings", headers=auth).status_code == 401


def test_a_provider_cannot_edit_another_providers_course_api(
    fresh_client: TestClient, engine: Engine, providers: tuple[int, int]
) -> None:
    theirs = _course_of(engine, providers[1])
    log_in(fresh_client, "school0@example.org")
    auth = {"Authorization": f"Bearer {_token(fresh_client)}"}
    api = TestClient(fresh_client.app)
    put = api.put(f"/api/v1/provider/courses/{theirs}", json={"title": "Mine"}, headers=auth)
    assert put.status_code == 403
    assert put.json()["error"]["message"] == "this course belongs to another provider"
    assert api.delete(f"/api/v1/provider/courses/{theirs}", headers=auth).status_code == 403
    session = {"mode": "self_paced_online"}
    add = api.post(f"/api/v1/provider/courses/{theirs}/sessions", json=session, headers=auth)
    assert add.status_code == 403
    with Session(engine) as db:
        key = db.scalar(select(Course.key).where(Course.id == theirs))
    feed = {"@type": "Course", "@id": key, "name": "Mine"}
    synced = api.post("/api/v1/provider/import", json=feed, headers=auth).json()
    assert synced["records_rejected"] == 1
    assert "another provider" in synced["problems"][0]["reason"]
    # A therapist's session cannot write either, even with a CSRF token.
    therapist = TestClient(fresh_client.app)
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    log_in(therapist, "ana@example.org")
    token = therapist.get("/api/v1/me").json()["csrf_token"]
    attempt = therapist.put(
        f"/api/v1/provider/courses/{theirs}", json={"title": "x"}, headers={"X-CSRF-Token": token}
    )
    assert attempt.status_code == 403
    with Session(engine) as db:
        assert db.scalar(select(Course.title).where(Course.id == theirs)) != "Mine"


def test_upload_shows_the_import_report(
    fresh_client: TestClient, providers: tuple[int, int]
) -> None:
    log_in(fresh_client, "school0@example.org")
    feed = json.dumps(
        [
            {"@type": "Course", "name": "Uploaded one", "hasCourseInstance": []},
            {"@type": "Course", "description": "no name"},
            {"@type": "Course", "name": "Uploaded one", "description": "Given again."},
        ]
    )
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', fresh_client.get("/provider/upload").text
    )
    assert token
    answer = fresh_client.post(
        "/provider/upload",
        data={"csrf_token": token.group(1)},
        files={"file": ("feed.jsonld", feed.encode(), "application/ld+json")},
    )
    assert answer.status_code == 200
    assert "Records imported</dt><dd>2" in answer.text
    assert "a course needs a name" in answer.text
    assert "Courses described more than once" in answer.text
    assert "merged into it" in answer.text
    wrong = fresh_client.post(
        "/provider/upload",
        data={"csrf_token": token.group(1)},
        files={"file": ("feed.exe", b"MZ", "application/octet-stream")},
    )
    assert wrong.status_code == 422
    assert 'id="file-error"' in wrong.text


def test_a_past_session_is_refused_by_the_form_and_the_api(
    fresh_client: TestClient, engine: Engine, providers: tuple[int, int]
) -> None:
    """The form is shown again with what was typed and the error at the start date; the API
    answers 422 naming the date; nothing is saved either way. "Today" is the app's clock."""
    import datetime as dt

    from ceatlas.catalog.models import CourseSession

    ctx = fresh_client.app.state.ceatlas  # type: ignore[attr-defined]
    ctx.today = lambda: dt.date(2026, 12, 3)
    course_id = _course_of(engine, providers[0])
    with Session(engine) as db:
        before = len(db.scalars(select(CourseSession.id)).all())
    log_in(fresh_client, "school0@example.org")
    past = SESSION_FORM | {"start_date": "2020-03-01", "end_date": "2020-03-02"}
    page = post_form(fresh_client, f"/provider/courses/{course_id}/sessions/new", past)
    assert page.status_code == 422
    assert 'id="start_date-error"' in page.text
    assert (
        "start date 2020-03-01 is in the past; sessions are published for dates from 2026-12-03 on"
    ) in page.text
    assert 'value="2020-03-01"' in page.text
    assert 'value="Bayshore Studio"' in page.text
    api = TestClient(fresh_client.app)
    auth = {"Authorization": f"Bearer {_token(fresh_client)}"}
    body = {"mode": "live_online", "start_date": "2020-03-01"}
    refused = api.post(f"/api/v1/provider/courses/{course_id}/sessions", json=body, headers=auth)
    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["field"] == "start_date"
    assert "start date 2020-03-01 is in the past" in error["message"]
    made = api.post(
        f"/api/v1/provider/courses/{course_id}/sessions",
        json=body | {"start_date": "2026-12-03", "price": "90"},
        headers=auth,
    )
    assert made.status_code == 201
    session_id = made.json()["id"]
    moved = api.put(f"/api/v1/provider/sessions/{session_id}", json=body, headers=auth)
    assert (moved.status_code, moved.json()["error"]["field"]) == (422, "start_date")
    # A week later the session has started: its price can still be corrected.
    ctx.today = lambda: dt.date(2026, 12, 10)
    fixed = api.put(
        f"/api/v1/provider/sessions/{session_id}",
        json=body | {"start_date": "2026-12-03", "price": "80"},
        headers=auth,
    )
    assert fixed.status_code == 200
    edit = f"/provider/sessions/{session_id}/edit"
    again = post_form(fresh_client, edit, past | {"mode": "live_online", "postal_code": ""})
    assert again.status_code == 422
    assert 'id="start_date-error"' in again.text
    with Session(engine) as db:
        assert len(db.scalars(select(CourseSession.id)).all()) == before + 1
        found = db.get(CourseSession, session_id)
        assert found is not None
        assert (str(found.start_date), found.price) == ("2026-12-03", Decimal(80))


def test_upload_and_sync_count_past_sessions_kept_as_history(
    fresh_client: TestClient, providers: tuple[int, int]
) -> None:
    log_in(fresh_client, "school0@example.org")
    feed = {
        "@type": "Course",
        "@id": "https://school0.example.org/courses/history",
        "name": "Course with history",
        "hasCourseInstance": [
            {
                "@id": "https://school0.example.org/s/h1",
                "courseMode": "online",
                "startDate": "2020-03-01T09:00",
            },
            {
                "@id": "https://school0.example.org/s/h2",
                "courseMode": "online",
                "startDate": "2021-03-01T09:00",
            },
            {
                "@id": "https://school0.example.org/s/h3",
                "courseMode": "online",
                "startDate": "2099-03-01T09:00",
            },
        ],
    }
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', fresh_client.get("/provider/upload").text
    )
    assert token
    answer = fresh_client.post(
        "/provider/upload",
        data={"csrf_token": token.group(1)},
        files={"file": ("feed.jsonld", json.dumps(feed).encode(), "application/ld+json")},
    )
    assert answer.status_code == 200
    assert "Sessions</dt><dd>3 new" in answer.text
    assert "2 sessions are in the past and kept as history (search leaves them out)." in answer.text
    api = TestClient(fresh_client.app)
    auth = {"Authorization": f"Bearer {_token(fresh_client)}"}
    synced = api.post("/api/v1/provider/import", json=feed, headers=auth).json()
    assert synced["past_sessions"] == 2
    assert synced["past_note"].startswith("2 sessions are in the past")
