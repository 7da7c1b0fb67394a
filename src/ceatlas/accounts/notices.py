"""The e-mails about an account itself: reset and confirmation links, and the notices
sent when the password or the e-mail address changes. Each is queued in the outbox under
a key of its own; the caller sends it (``Outbox.deliver(..., only=[id])``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from urllib.parse import urlencode

from ceatlas.accounts.links import IssuedLink
from ceatlas.accounts.service import Account
from ceatlas.mail import Outbox

KIND = "account"
_SIGN_OFF = "\n\nCE Atlas\n"
_NOT_YOU = (
    "If you did not ask for this, you can ignore this message: nothing changes until the "
    "link is followed."
)


def _key(prefix: str, secret: str) -> str:
    return f"{prefix}:{hashlib.sha256(secret.encode()).hexdigest()[:32]}"


def _now_key() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


class AccountMail:
    """Queues account e-mails in ``outbox``; ``link`` turns a site path into a full URL."""

    def __init__(self, outbox: Outbox, link: Callable[[str], str]) -> None:
        self.outbox = outbox
        self.link = link

    def reset_link(self, issued: IssuedLink) -> int | None:
        url = self.link("/password/reset?" + urlencode({"token": issued.token}))
        body = (
            f"Hello {issued.account.display_name},\n\n"
            "Someone (we hope you) asked to reset the password of your CE Atlas account. "
            "Choose a new password here:\n\n"
            f"{url}\n\n"
            f"The link works once, until {_when(issued.expires_at)}. {_NOT_YOU}" + _SIGN_OFF
        )
        return self.outbox.enqueue(
            key=_key("reset", issued.token),
            kind=KIND,
            to=issued.account.email,
            subject="Reset your CE Atlas password",
            body=body,
            user_id=issued.account.id,
            secret=True,
        )

    def verification_link(self, issued: IssuedLink) -> int | None:
        url = self.link("/account/verify?" + urlencode({"token": issued.token}))
        body = (
            f"Hello {issued.account.display_name},\n\n"
            "Please confirm that this is your e-mail address, so CE Atlas can send you "
            "renewal reminders and a way back into your account if you forget the password:\n\n"
            f"{url}\n\n"
            f"The link works until {_when(issued.expires_at)}. If you did not sign up for "
            "CE Atlas, ignore this message." + _SIGN_OFF
        )
        return self.outbox.enqueue(
            key=_key("verify", issued.token),
            kind=KIND,
            to=issued.account.email,
            subject="Confirm your e-mail address for CE Atlas",
            body=body,
            user_id=issued.account.id,
            secret=True,
        )

    def password_changed(self, account: Account, moment: dt.datetime) -> int | None:
        body = (
            f"Hello {account.display_name},\n\n"
            f"The password of your CE Atlas account was changed on {_when(moment)}, and "
            "every other signed-in browser was signed out.\n\n"
            "If this was not you, reset the password now:\n\n"
            f"{self.link('/password/forgot')}" + _SIGN_OFF
        )
        return self.outbox.enqueue(
            key=f"password-changed:{account.id}:{moment.isoformat()}",
            kind=KIND,
            to=account.email,
            subject="Your CE Atlas password was changed",
            body=body,
            user_id=account.id,
        )

    def email_changed(self, old_address: str, account: Account, moment: dt.datetime) -> int | None:
        body = (
            f"Hello {account.display_name},\n\n"
            f"The e-mail address of your CE Atlas account was changed on {_when(moment)} "
            f"from this address to {account.email}.\n\n"
            "If this was not you, write to the site's administrator at once." + _SIGN_OFF
        )
        return self.outbox.enqueue(
            key=f"email-changed:{account.id}:{moment.isoformat()}",
            kind=KIND,
            to=old_address,
            subject="Your CE Atlas e-mail address was changed",
            body=body,
            user_id=account.id,
        )

    def sign_up_attempt(self, account: Account, reset: IssuedLink | None) -> int | None:
        """Tell the owner of ``account`` that someone tried to sign up with the address,
        with a reset link (or, past the hourly limit of links, the page that sends one)."""
        if reset is not None:
            url = self.link("/password/reset?" + urlencode({"token": reset.token}))
            until = f"The link works once, until {_when(reset.expires_at)}. "
        else:
            url, until = self.link("/password/forgot"), ""
        body = (
            f"Hello {account.display_name},\n\n"
            "Someone just tried to create a CE Atlas account with this e-mail address, "
            "which already has an account: yours. No new account was made and nothing "
            "changed.\n\n"
            "If it was you and you have forgotten your password, choose a new one here:\n\n"
            f"{url}\n\n"
            f"{until}If it was not you, you can ignore this message." + _SIGN_OFF
        )
        return self.outbox.enqueue(
            key=_key("signup-attempt", reset.token if reset else f"{account.id}:{_now_key()}"),
            kind=KIND,
            to=account.email,
            subject="Someone tried to sign up to CE Atlas with your address",
            body=body,
            user_id=account.id,
            secret=reset is not None,
        )
