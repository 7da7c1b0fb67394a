"""Account e-mail end to end, through the web app and a real SMTP server (aiosmtpd):
password reset by one-time link, address confirmation, address change, notices, and the
one-click unsubscribe link. Expected behaviour is worked out from the rules the pages
state: a reset link works once and for one hour; asking for one never says whether an
account exists; following it ends every other session."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from urllib.parse import parse_qs, urlparse

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts.links import AccountLinks
from ceatlas.accounts.models import User
from ceatlas.accounts.preferences import EmailPreferences
from ceatlas.mail.unsubscribe import unsubscribe_token
from ceatlas.web.logs import is_private
from smtp_server import Received
from web.conftest import MAIL_SITE
from web.forms import PASSWORD, csrf, log_in, post_form, sign_up

SITE = MAIL_SITE
NEW_PASSWORD = "a brand new passphrase"
_LINK = re.compile(r"https://ceatlas\.test/\S+")


def _link(message: EmailMessage) -> str:
    found = _LINK.findall(message.get_content())
    assert found, message.get_content()
    return str(found[0])


def _token(url: str) -> str:
    return parse_qs(urlparse(url).query)["token"][0]


def _local(url: str) -> str:
    return url.removeprefix(SITE)


def test_password_reset_by_e_mailed_link(
    mail_client: TestClient, smtp: Received, engine: Engine
) -> None:
    sign_up(mail_client, "ana@example.org")
    other_browser = TestClient(mail_client.app)
    log_in(other_browser, "ana@example.org")
    mail_client.post("/logout", data={"csrf_token": csrf(mail_client, "/me/profile")})
    smtp.messages.clear()

    known = post_form(mail_client, "/password/forgot", {"email": "Ana@Example.org "})
    unknown = post_form(mail_client, "/password/forgot", {"email": "nobody@example.org"})

    # The same answer either way; only the real account gets a message.
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("ana@example.org", "X") == unknown.text.replace(
        "nobody@example.org", "X"
    ).replace(csrf_of(unknown.text), csrf_of(known.text))
    assert [m["To"] for m in smtp.messages] == ["ana@example.org"]
    (message,) = smtp.messages
    assert message["Subject"] == "Reset your CE Atlas password"
    url = _link(message)
    assert url.startswith(SITE + "/password/reset?token=")

    form = mail_client.get(_local(url))
    assert form.status_code == 200
    assert form.headers["referrer-policy"] == "no-referrer"
    assert "Choose a new password" in form.text
    mismatch = post_form(
        mail_client,
        "/password/reset",
        {"token": _token(url), "new_password": NEW_PASSWORD, "confirm_password": "other"},
        page=_local(url),
    )
    assert mismatch.status_code == 400
    assert "the two new passwords are not the same" in mismatch.text

    done = post_form(
        mail_client,
        "/password/reset",
        {"token": _token(url), "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        page=_local(url),
    )
    assert done.status_code == 200
    assert "You are signed in with the new password" in done.text
    assert mail_client.get("/me/profile", follow_redirects=False).status_code == 200
    # every other session ended; the old password no longer works, the new one does
    assert other_browser.get("/me/profile", follow_redirects=False).status_code == 303
    assert log_in(TestClient(mail_client.app), "ana@example.org").status_code == 401
    assert log_in(TestClient(mail_client.app), "ana@example.org", NEW_PASSWORD).status_code == 303
    # the link works once
    again = mail_client.get(_local(url))
    assert again.status_code == 410
    assert "expired or was already used" in again.text
    notices = smtp.wait_for(2)
    assert notices[-1]["Subject"] == "Your CE Atlas password was changed"
    with Session(engine) as session:  # following the link proved the address
        user = session.scalar(select(User).where(User.email == "ana@example.org"))
        assert user is not None
        assert user.email_verified_at is not None


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return found.group(1) if found else ""


def test_a_reset_link_expires_after_an_hour_and_requests_are_limited(
    mail_client: TestClient, smtp: Received, engine: Engine
) -> None:
    sign_up(mail_client, "bo@example.org")
    links = AccountLinks(engine)
    noon = dt.datetime(2099, 5, 1, 12, 0)
    issued = links.issue_reset("bo@example.org", now=noon)
    assert issued is not None
    assert links.reset_is_usable(issued.token, noon + dt.timedelta(minutes=59))
    assert not links.reset_is_usable(issued.token, noon + dt.timedelta(minutes=60))
    # Three links an hour: the 4th request within the hour sends nothing.
    assert links.issue_reset("bo@example.org", now=noon + dt.timedelta(minutes=1))
    assert links.issue_reset("bo@example.org", now=noon + dt.timedelta(minutes=2))
    assert links.issue_reset("bo@example.org", now=noon + dt.timedelta(minutes=3)) is None
    assert links.issue_reset("bo@example.org", now=noon + dt.timedelta(minutes=61))

    forged = mail_client.get("/password/reset?token=not-a-real-token")
    assert forged.status_code == 410
    assert 'name="new_password"' not in forged.text
    posted = post_form(
        mail_client,
        "/password/reset",
        {
            "token": "not-a-real-token",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        page="/password/forgot",
    )
    assert posted.status_code == 410
    assert "expired or was already used" in posted.text


def test_sign_up_sends_a_confirmation_link_that_confirms_the_address(
    mail_client: TestClient, smtp: Received, engine: Engine
) -> None:
    sign_up(mail_client, "cy@example.org")
    (message,) = smtp.wait_for(1)
    assert message["Subject"] == "Confirm your e-mail address for CE Atlas"
    assert "Please confirm your e-mail address" in mail_client.get("/me/profile").text
    url = _link(message)
    page = mail_client.get(_local(url))
    assert page.status_code == 200
    assert "Confirm my address" in page.text  # opening the link alone changes nothing
    assert not AccountLinks(engine).is_verified(_user_id(engine, "cy@example.org"))

    done = post_form(mail_client, "/account/verify", {"token": _token(url)}, page=_local(url))
    assert "cy@example.org is confirmed" in done.text
    assert AccountLinks(engine).is_verified(_user_id(engine, "cy@example.org"))
    assert "Please confirm your e-mail address" not in mail_client.get("/me/profile").text
    reused = post_form(mail_client, "/account/verify", {"token": _token(url)}, page=_local(url))
    assert reused.status_code == 410


def _user_id(engine: Engine, address: str) -> int:
    with Session(engine) as session:
        found = session.scalar(select(User.id).where(User.email == address))
        assert found is not None
        return found


def test_changing_the_address_notifies_the_old_one_and_confirms_the_new(
    mail_client: TestClient, smtp: Received, engine: Engine
) -> None:
    sign_up(mail_client, "dee@example.org")
    smtp.wait_for(1)
    smtp.messages.clear()

    wrong = post_form(
        mail_client, "/account/email", {"email": "dee.new@example.org", "password": "nope"}
    )
    assert wrong.status_code == 400
    assert "the password is not right" in wrong.text
    assert 'value="dee.new@example.org"' in wrong.text  # what was typed stays

    moved = post_form(
        mail_client, "/account/email", {"email": "dee.new@example.org", "password": PASSWORD}
    )
    assert moved.status_code == 303
    messages = smtp.wait_for(2)
    by_address = {m["To"]: m["Subject"] for m in messages}
    assert by_address == {
        "dee@example.org": "Your CE Atlas e-mail address was changed",
        "dee.new@example.org": "Confirm your e-mail address for CE Atlas",
    }
    page = mail_client.get("/account/email?changed=1")
    assert "Your address is now dee.new@example.org" in page.text
    assert log_in(TestClient(mail_client.app), "dee.new@example.org").status_code == 303


def test_one_click_unsubscribe_turns_off_one_kind(mail_client: TestClient, engine: Engine) -> None:
    sign_up(mail_client, "eve@example.org")
    user_id = _user_id(engine, "eve@example.org")
    secret = mail_client.app.state.ceatlas.settings.session_secret()  # type: ignore[attr-defined]
    token = unsubscribe_token(secret, user_id, "renewal")
    anonymous = TestClient(mail_client.app)

    tampered = anonymous.post(f"/unsubscribe?token={token[:-2]}xx")
    assert tampered.status_code == 404
    other_user = unsubscribe_token(secret, user_id + 1, "renewal").replace(
        f"{user_id + 1}.", f"{user_id}.", 1
    )
    assert anonymous.post(f"/unsubscribe?token={other_user}").status_code == 404
    assert EmailPreferences(engine).enabled(user_id) == {"renewal", "plan", "saved_search"}

    page = anonymous.get(f"/unsubscribe?token={token}")
    assert page.status_code == 200
    assert "Renewal reminders" in page.text
    # RFC 8058: the mail program posts "List-Unsubscribe=One-Click", no session, no CSRF.
    done = anonymous.post(f"/unsubscribe?token={token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "you will get no more e-mails of this kind" in done.text
    assert EmailPreferences(engine).enabled(user_id) == {"plan", "saved_search"}


def test_one_time_links_stay_out_of_the_access_log() -> None:
    assert is_private("/password/reset")
    assert is_private("/account/verify")
    assert is_private("/unsubscribe")
    assert is_private("/calendar/plan.ics")
    assert is_private("/feeds/saved-search.atom")


def test_e_mail_choices_in_the_profile(mail_client: TestClient, engine: Engine) -> None:
    sign_up(mail_client, "fay@example.org")
    user_id = _user_id(engine, "fay@example.org")
    page = mail_client.get("/me/profile")
    assert 'id="email-renewal" name="email" value="renewal" checked' in page.text
    saved = post_form(
        mail_client, "/me/profile/email", {"email": ["renewal", "made-up"]}, page="/me/profile"
    )
    assert saved.status_code == 303
    assert EmailPreferences(engine).enabled(user_id) == {"renewal"}
    shown = mail_client.get("/me/profile?email_saved=1").text
    assert "Your e-mail choices have been saved." in shown
    assert 'id="email-plan" name="email" value="plan">' in shown
    assert post_form(mail_client, "/me/profile/email", {}, page="/me/profile").status_code == 303
    assert EmailPreferences(engine).enabled(user_id) == set()
