"""Server-side login sessions through the site: logging out, password changes and resets
end them, they expire, and the owner lists and ends them at /account/sessions."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ceatlas.accounts import Accounts
from ceatlas.accounts.links import AccountLinks
from ceatlas.accounts.models import LoginSession
from ceatlas.config import Settings, load_settings
from ceatlas.web.app import create_app
from ceatlas.web.sessions import Signer
from web.forms import PASSWORD, csrf, log_in, post_form

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
NEW_PASSWORD = "purple walrus mandolin"


@pytest.fixture
def app(web_settings: Settings) -> FastAPI:
    return create_app(web_settings)


@pytest.fixture
def ana(engine: Engine) -> int:
    return Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana").id


def _client(app: FastAPI, agent: str = CHROME_LINUX) -> TestClient:
    return TestClient(app, headers={"user-agent": agent})


def _signed_in(client: TestClient) -> bool:
    return client.get("/api/v1/me").status_code == 200


@pytest.fixture
def browsers(app: FastAPI, ana: int) -> Iterator[tuple[TestClient, TestClient]]:
    """Ana signed in on two browsers: Chrome on Linux and Firefox on Windows."""
    with _client(app) as chrome, _client(app, FIREFOX_WINDOWS) as firefox:
        for client in (chrome, firefox):
            assert log_in(client, "ana@example.org").status_code == 303
        yield chrome, firefox


def test_a_copied_cookie_stops_working_when_its_owner_logs_out(
    app: FastAPI, browsers: tuple[TestClient, TestClient]
) -> None:
    chrome, _ = browsers
    copied = chrome.cookies["ceatlas_session"]
    assert post_form(chrome, "/logout", {}, page="/account/sessions").status_code == 303
    with _client(app) as thief:
        thief.cookies.set("ceatlas_session", copied)
        assert not _signed_in(thief)
        assert thief.get("/account/sessions", follow_redirects=False).status_code == 303


def test_the_cookie_carries_no_account_id(
    engine: Engine, browsers: tuple[TestClient, TestClient]
) -> None:
    chrome, _ = browsers
    payload = chrome.cookies["ceatlas_session"].split(".")[0]
    import base64
    import json

    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(body["d"]) == {"sid", "csrf"}
    with Session(engine) as db:
        hashes = db.scalars(select(LoginSession.id_hash)).all()
    assert body["d"]["sid"] not in hashes  # only its SHA-256 is stored
    assert len(hashes) == 2


def test_a_password_change_ends_every_other_session(
    browsers: tuple[TestClient, TestClient],
) -> None:
    chrome, firefox = browsers
    data = {
        "current_password": PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    changed = post_form(chrome, "/account/password", data)
    assert changed.status_code == 200, changed.text
    assert _signed_in(chrome)
    assert not _signed_in(firefox)


def test_a_password_reset_ends_every_session(
    app: FastAPI, engine: Engine, browsers: tuple[TestClient, TestClient]
) -> None:
    issued = AccountLinks(engine).issue_reset("ana@example.org")
    assert issued is not None
    with _client(app) as third:
        data = {
            "token": issued.token,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        }
        done = post_form(third, "/password/reset", data, page="/password/forgot")
        assert done.status_code == 200, done.text
        assert _signed_in(third)  # the browser that reset it is signed in afresh
    assert not any(_signed_in(c) for c in browsers)


def test_an_idle_session_expires_after_the_configured_time(
    engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory, ana: int
) -> None:
    settings = load_settings(
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("idle"),
        kb_dir=None,
        session_idle_hours=2,
    )
    with _client(create_app(settings)) as client:
        log_in(client, "ana@example.org")
        assert _signed_in(client)
        # 1 h 59 min unused: still in force (two hours is the limit).
        _set_last_seen(engine, dt.timedelta(hours=1, minutes=59))
        assert _signed_in(client)
        _set_last_seen(engine, dt.timedelta(hours=2, minutes=1))
        assert not _signed_in(client)
    with Session(engine) as db:
        assert db.scalars(select(LoginSession)).all() == []  # an expired row is deleted


def test_a_session_ends_after_its_lifetime_even_when_used(
    engine: Engine, app: FastAPI, ana: int
) -> None:
    with _client(app) as client:
        log_in(client, "ana@example.org")
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        with Session(engine) as db:
            db.execute(
                update(LoginSession).values(
                    created_at=now - dt.timedelta(days=14, minutes=1), last_seen_at=now
                )
            )
            db.commit()
        assert not _signed_in(client)  # 14 days is today's lifetime


def _set_last_seen(engine: Engine, ago: dt.timedelta) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with Session(engine) as db:
        db.execute(update(LoginSession).values(last_seen_at=now - ago))
        db.commit()


def test_the_sessions_page_names_each_browser_and_this_one(
    engine: Engine, browsers: tuple[TestClient, TestClient]
) -> None:
    chrome, _ = browsers
    _set_last_seen(engine, dt.timedelta(minutes=2, seconds=30))
    page = chrome.get("/account/sessions")
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", "", page.text)
    # Reading the page touched Chrome's row (more than a minute old): "just now".
    assert re.search(r"Chrome on Linux \(this device\)\s*\S+.*?just now", text, re.S)
    assert re.search(r"Firefox on Windows\s*\S+.*?2 minutes ago", text, re.S)
    assert "Mozilla" not in page.text  # the User-Agent itself is not kept


def test_ending_one_session_and_every_other(
    app: FastAPI, engine: Engine, browsers: tuple[TestClient, TestClient]
) -> None:
    chrome, firefox = browsers
    with _client(app, "curl/8.5.0") as third:
        log_in(third, "ana@example.org")
        ids = dict(_rows(engine))
        ended = post_form(
            chrome,
            f"/account/sessions/{ids['Firefox on Windows']}/end",
            {},
            page="/account/sessions",
        )
        assert ended.status_code == 303
        assert ended.headers["location"] == "/account/sessions?ended=one"
        assert not _signed_in(firefox)
        assert _signed_in(third)
        assert (
            post_form(
                chrome, "/account/sessions/others/end", {}, page="/account/sessions"
            ).status_code
            == 303
        )
        assert not _signed_in(third)
        assert _signed_in(chrome)
        assert [device for device, _ in _rows(engine)] == ["Chrome on Linux"]


def _rows(engine: Engine) -> list[tuple[str, int]]:
    with Session(engine) as db:
        return [
            (r.device, r.id) for r in db.scalars(select(LoginSession).order_by(LoginSession.id))
        ]


def test_another_accounts_session_is_not_found_and_csrf_is_required(
    app: FastAPI, engine: Engine, browsers: tuple[TestClient, TestClient]
) -> None:
    Accounts(engine).sign_up("bo@example.org", PASSWORD, "Bo")
    with _client(app) as bo:
        log_in(bo, "bo@example.org")
        anas = [i for device, i in _rows(engine) if device == "Firefox on Windows"]
        answer = post_form(bo, f"/account/sessions/{anas[0]}/end", {}, page="/account/sessions")
        assert answer.status_code == 404
        token = csrf(bo, "/account/sessions")
        assert token
        no_token = bo.post(f"/account/sessions/{anas[0]}/end", follow_redirects=False)
        assert no_token.status_code == 403
    assert _signed_in(browsers[1])  # Ana's Firefox session is untouched


def test_a_validly_signed_cookie_naming_an_account_is_no_session(
    app: FastAPI, web_settings: Settings, ana: int
) -> None:
    """Only a session id the database knows signs in: a cookie signed with the site's own
    key that names the account (as cookies did before sessions moved to the database), or
    carries a made-up session id, is anonymous."""
    signer = Signer(web_settings.session_secret())
    with _client(app) as client:
        for data in ({"uid": ana, "csrf": "x"}, {"sid": "made-up", "csrf": "x"}):
            client.cookies.set("ceatlas_session", signer.dumps(data))
            assert not _signed_in(client)


def test_providers_and_administrators_reach_their_sessions_page(
    fresh_client: TestClient, engine: Engine
) -> None:
    """The sessions page is linked from the provider and admin areas too, not only from a
    therapist's: every account can sign a lost browser out."""
    from ceatlas.accounts import Role
    from ceatlas.catalog.models import Provider

    accounts = Accounts(engine)
    with Session(engine) as db:
        key = db.scalars(select(Provider.key).order_by(Provider.id).limit(1)).one()
    school = accounts.sign_up("school@example.org", PASSWORD, "School", Role.PROVIDER)
    accounts.approve_provider(school.id, key)
    accounts.create_admin("root@example.org", PASSWORD)
    for email, page in (("school@example.org", "/provider"), ("root@example.org", "/admin")):
        client = TestClient(fresh_client.app)
        log_in(client, email)
        assert 'href="/account/sessions"' in client.get(page).text
        assert client.get("/account/sessions").status_code == 200
