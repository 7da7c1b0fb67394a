"""Sign-up, log-in (rate limited), log-out and password pages, through the HTTP client."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from ceatlas.accounts import Accounts
from web.forms import PASSWORD, csrf, log_in, post_form, sign_up

NEW = "lantern moss thursday"  # a new password strong enough to be accepted


def test_sign_up_then_log_in_lands_in_the_therapist_area(fresh_client: TestClient) -> None:
    answer = sign_up(fresh_client, "ana@example.org", name="Ana <b>")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/me"
    home = fresh_client.get("/")
    assert "Log out" in home.text
    assert "Log in" not in home.text


def test_sign_up_errors_are_next_to_the_field(fresh_client: TestClient) -> None:
    answer = post_form(
        fresh_client,
        "/signup",
        {"display_name": "Ana", "email": "not-an-address", "password": PASSWORD},
    )
    assert answer.status_code == 400
    assert 'id="email-error"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert 'value="not-an-address"' in answer.text
    # An address that has an account is answered like a new one (tests/web/test_auth_signup.py).
    sign_up(fresh_client, "ana@example.org")
    fresh_client.cookies.clear()
    again = post_form(
        fresh_client,
        "/signup",
        {"display_name": "Ana", "email": "ana@example.org", "password": PASSWORD},
    )
    assert again.status_code == 200
    assert "Check your e-mail" in again.text


def test_forms_without_csrf_token_are_refused(fresh_client: TestClient) -> None:
    data = {"display_name": "Ana", "email": "ana@example.org", "password": PASSWORD}
    answer = fresh_client.post("/signup", data=data)
    assert answer.status_code == 403
    assert "reload the page" in answer.text


def test_log_in_and_out_and_next(fresh_client: TestClient, engine: Engine) -> None:
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    wrong = log_in(fresh_client, "ana@example.org", "not the password")
    assert wrong.status_code == 401
    assert "not right" in wrong.text
    assert fresh_client.get("/account/password", follow_redirects=False).status_code == 303
    ok = log_in(fresh_client, "ANA@example.org", next="/account/password")
    assert (ok.status_code, ok.headers["location"]) == (303, "/account/password")
    away = log_in(fresh_client, "ana@example.org", next="https://evil.example/")
    assert away.headers["location"] == "/me"
    out = post_form(fresh_client, "/logout", {}, page="/")
    assert out.status_code == 303
    assert "Log in" in fresh_client.get("/").text


def test_log_in_is_rate_limited_per_address(fresh_client: TestClient, engine: Engine) -> None:
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    for _ in range(5):
        assert log_in(fresh_client, "ana@example.org", "wrong password").status_code == 401
    blocked = log_in(fresh_client, "ana@example.org")  # even the right password waits
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert "too many failed attempts" in blocked.text
    other = Accounts(engine).sign_up("bo@example.org", PASSWORD, "Bo")
    assert log_in(fresh_client, "bo@example.org").status_code == 303
    assert other.email == "bo@example.org"


def test_change_password(fresh_client: TestClient, engine: Engine) -> None:
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    log_in(fresh_client, "ana@example.org")
    page = "/account/password"
    mismatch = post_form(
        fresh_client,
        page,
        {"current_password": PASSWORD, "new_password": "x" * 12, "confirm_password": "y" * 12},
    )
    assert mismatch.status_code == 400
    assert 'id="confirm_password-error"' in mismatch.text
    wrong = post_form(
        fresh_client,
        page,
        {"current_password": "nope", "new_password": NEW, "confirm_password": NEW},
    )
    assert 'id="current_password-error"' in wrong.text
    done = post_form(
        fresh_client,
        page,
        {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW},
    )
    assert done.status_code == 200
    assert "has been changed" in done.text
    assert Accounts(engine).authenticate("ana@example.org", NEW) is not None
    assert csrf(fresh_client, page)


def test_changing_the_password_ends_the_other_sessions(
    fresh_client: TestClient, web_app: FastAPI, engine: Engine
) -> None:
    """A therapist who changes a leaked password on their laptop also logs out whoever
    is signed in elsewhere (a phone, or someone else), while the laptop stays signed in."""
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    log_in(fresh_client, "ana@example.org")
    with TestClient(web_app) as phone:
        log_in(phone, "ana@example.org")
        assert phone.get("/me/plan", follow_redirects=False).status_code == 200
        new = {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW}
        assert post_form(fresh_client, "/account/password", new).status_code == 200
        assert fresh_client.get("/me/plan", follow_redirects=False).status_code == 200
        ended = phone.get("/me/plan", follow_redirects=False)
        assert ended.status_code == 303
        assert ended.headers["location"].startswith("/login")
        assert "Log in" in phone.get("/").text
        assert log_in(phone, "ana@example.org", NEW).status_code == 303
        assert phone.get("/me/plan", follow_redirects=False).status_code == 200


def test_sign_up_is_throttled_per_network(fresh_client: TestClient, engine: Engine) -> None:
    """Ten sign-up attempts an hour from one IP (accepted or refused alike); the eleventh
    waits, says so and creates nothing."""
    for n in range(10):
        fresh = TestClient(fresh_client.app)
        assert sign_up(fresh, f"user{n}@example.org").status_code == 303
    blocked = sign_up(TestClient(fresh_client.app), "late@example.org")
    assert blocked.status_code == 429
    assert "too many sign-ups from this network" in blocked.text
    assert int(blocked.headers["retry-after"]) > 0
    assert Accounts(engine).count() == 10
