"""Sign-up never tells whether an address has an account; passwords nobody should use
are refused on every form that sets one. Through the site, with a real SMTP server."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine

from ceatlas.accounts import Accounts
from smtp_server import Received
from web.conftest import MAIL_SITE
from web.forms import PASSWORD, log_in, post_form

SITE = MAIL_SITE


def _sign_up(client: TestClient, email: str, password: str = "lantern moss thursday") -> Response:
    data = {"display_name": "Someone", "email": email, "password": password, "role": "therapist"}
    return post_form(client, "/signup", data)


def _page(text: str, email: str) -> str:
    """The answer's text without the parts that differ per request (CSRF token, the
    address typed)."""
    return re.sub(r'value="[^"]*"', "", text).replace(email, "ADDRESS")


def test_an_address_with_an_account_is_answered_like_a_new_one(
    mail_client: TestClient, smtp: Received, engine: Engine
) -> None:
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    new = _sign_up(mail_client, "new@example.org")
    taken = _sign_up(mail_client, "Ana@Example.org")
    assert (new.status_code, taken.status_code) == (200, 200)
    assert _page(new.text, "new@example.org") == _page(taken.text, "ana@example.org")
    assert "Check your e-mail" in taken.text
    assert "set-cookie" not in new.headers
    assert "set-cookie" not in taken.headers
    # The new address gets its confirmation link; Ana a warning with a reset link.
    by_address = {m["To"]: m for m in smtp.messages}
    assert set(by_address) == {"new@example.org", "ana@example.org"}
    assert "Confirm your e-mail" in by_address["new@example.org"]["Subject"]
    warning = by_address["ana@example.org"]
    assert warning["Subject"] == "Someone tried to sign up to CE Atlas with your address"
    body = warning.get_content()
    assert "No new account was made" in body
    assert f"{SITE}/password/reset?token=" in body
    # Nothing about Ana's account changed: her password still works, the typed one does not.
    assert log_in(TestClient(mail_client.app), "ana@example.org").status_code == 303
    wrong = log_in(TestClient(mail_client.app), "ana@example.org", "lantern moss thursday")
    assert wrong.status_code == 401
    assert Accounts(engine).count() == 2


def test_both_answers_do_the_same_password_hashing(mail_client: TestClient, engine: Engine) -> None:
    """Each answer hashes the typed password with argon2 (tens of milliseconds), so the
    median times of five sign-ups of each kind are within a factor of two."""
    Accounts(engine).sign_up("ana@example.org", PASSWORD, "Ana")
    times: dict[str, list[float]] = {"new": [], "taken": []}
    for n in range(5):
        for kind, email in (("new", f"user{n}@example.org"), ("taken", "ana@example.org")):
            client = TestClient(mail_client.app)
            started = time.perf_counter()
            assert _sign_up(client, email).status_code == 200
            times[kind].append(time.perf_counter() - started)
    new, taken = (sorted(t)[2] for t in times.values())
    assert 0.5 < new / taken < 2.0, times


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("qwertyuiop", "one of the most common passwords"),
        ("Password2024!", "one of the most common passwords"),
        ("Massage-Therapy1", "one of the most common passwords"),
        ("          ", "only spaces"),
        ("12345678901234", "only digits"),
        ("zzzzzzzzzzzz", "one character repeated"),
        ("dana.whitfield", "your e-mail address"),
        ("dana.whitfield@example.org", "your e-mail address"),
        ("dana.whitfield1987", "your e-mail address"),
    ],
)
def test_passwords_nobody_should_use_are_refused_at_sign_up(
    mail_client: TestClient, engine: Engine, password: str, reason: str
) -> None:
    answer = _sign_up(mail_client, "dana.whitfield@example.org", password)
    assert answer.status_code == 400
    assert reason in answer.text
    assert 'id="password-error"' in answer.text
    assert 'value="dana.whitfield@example.org"' in answer.text  # what was typed stays
    assert Accounts(engine).count() == 0


def test_the_same_refusals_on_password_change(mail_client: TestClient, engine: Engine) -> None:
    Accounts(engine).sign_up("dana.whitfield@example.org", PASSWORD, "Dana")
    log_in(mail_client, "dana.whitfield@example.org")
    for new, reason in (("qwertyuiop123", "most common"), ("Dana.Whitfield!", "e-mail")):
        data = {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
        answer = post_form(mail_client, "/account/password", data)
        assert answer.status_code == 400
        assert reason in answer.text
    assert log_in(TestClient(mail_client.app), "dana.whitfield@example.org").status_code == 303
