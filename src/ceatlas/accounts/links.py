"""One-time links sent by e-mail: password reset and confirming an e-mail address.

A link carries a random secret; only its SHA-256 is stored (``account_token``). A reset
link works for :data:`RESET_LIFETIME` and once; using it sets the new password, ends every
login session of the account and retires the account's other
reset links. A confirmation link works for :data:`VERIFY_LIFETIME`, once, and only while
the account still has the address it was sent to. Asking for a reset never tells whether
an account exists: :meth:`AccountLinks.issue_reset` returns ``None`` for an unknown
address, and the caller answers the same either way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.models import AccountToken, User
from ceatlas.accounts.ratelimit import clear_failures
from ceatlas.accounts.service import Account, _account, check_password, end_all_sessions

RESET = "reset_password"
VERIFY = "verify_email"
RESET_LIFETIME = dt.timedelta(hours=1)
VERIFY_LIFETIME = dt.timedelta(days=7)
#: reset links one address can be sent per hour (more requests send nothing)
RESETS_PER_HOUR = 3
_HASHER = PasswordHasher()
EXPIRED = "this link has expired or was already used; ask for a new one"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedLink:
    """A link just made: ``token`` goes into the e-mail and nowhere else."""

    account: Account
    token: str
    expires_at: dt.datetime


class AccountLinks:
    """One-time links of the accounts in ``engine``'s database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _issue(
        self, session: Session, user: User, purpose: str, life: dt.timedelta, now: dt.datetime
    ) -> IssuedLink:
        token = secrets.token_urlsafe(32)
        session.add(
            AccountToken(
                user_id=user.id,
                purpose=purpose,
                token_hash=_digest(token),
                email=user.email,
                created_at=now,
                expires_at=now + life,
            )
        )
        session.commit()
        return IssuedLink(_account(user), token, now + life)

    def issue_reset(self, email: str, now: dt.datetime | None = None) -> IssuedLink | None:
        """A reset link for the account with ``email``; ``None`` when there is no such
        account or it was sent :data:`RESETS_PER_HOUR` links in the last hour."""
        moment = now or _now()
        address = email.strip().lower()
        with Session(self.engine) as session:
            user = session.scalar(select(User).where(User.email == address))
            if user is None:
                return None
            recent = session.scalar(
                select(func.count())
                .select_from(AccountToken)
                .where(
                    AccountToken.user_id == user.id,
                    AccountToken.purpose == RESET,
                    AccountToken.created_at > moment - dt.timedelta(hours=1),
                )
            )
            if (recent or 0) >= RESETS_PER_HOUR:
                return None
            return self._issue(session, user, RESET, RESET_LIFETIME, moment)

    def issue_verification(self, user_id: int, now: dt.datetime | None = None) -> IssuedLink:
        """A link that confirms the account's current e-mail address."""
        with Session(self.engine) as session:
            user = session.get(User, user_id)
            if user is None:
                raise AccountError("no such account", None, 404)
            return self._issue(session, user, VERIFY, VERIFY_LIFETIME, now or _now())

    def _usable(
        self, session: Session, token: str, purpose: str, moment: dt.datetime
    ) -> tuple[AccountToken, User]:
        row = session.scalar(
            select(AccountToken).where(AccountToken.token_hash == _digest(token.strip()))
        )
        if (
            row is None
            or row.purpose != purpose
            or row.used_at is not None
            or row.expires_at <= moment
        ):
            raise AccountError(EXPIRED, "token", 410)
        user = session.get(User, row.user_id)
        if user is None or user.email != row.email:
            raise AccountError(EXPIRED, "token", 410)
        return row, user

    def reset_is_usable(self, token: str, now: dt.datetime | None = None) -> bool:
        """True while ``token`` is an unused, unexpired reset link (for showing the form)."""
        with Session(self.engine) as session:
            try:
                self._usable(session, token, RESET, now or _now())
            except AccountError:
                return False
            return True

    def reset_password(
        self, token: str, new_password: str, now: dt.datetime | None = None
    ) -> Account:
        """Set a new password through a reset link (the link then stops working)."""
        moment = now or _now()
        with Session(self.engine) as session:
            _row, user = self._usable(session, token, RESET, moment)
            check_password(new_password, "new_password", (user.email, user.display_name))
            user.password_hash = _HASHER.hash(new_password)
            user.password_changed_at = moment
            # Following the link proved the address is the account owner's.
            user.email_verified_at = user.email_verified_at or moment
            end_all_sessions(session, user.id)
            session.execute(
                update(AccountToken)
                .where(
                    AccountToken.user_id == user.id,
                    AccountToken.purpose == RESET,
                    AccountToken.used_at.is_(None),
                )
                .values(used_at=moment)
            )
            session.commit()
            clear_failures(self.engine, user.email)
            return _account(user)

    def verify_email(self, token: str, now: dt.datetime | None = None) -> Account:
        """Mark the account's address as confirmed through a confirmation link."""
        moment = now or _now()
        with Session(self.engine) as session:
            row, user = self._usable(session, token, VERIFY, moment)
            row.used_at = moment
            user.email_verified_at = user.email_verified_at or moment
            session.commit()
            return _account(user)

    def is_verified(self, user_id: int) -> bool:
        with Session(self.engine) as session:
            user = session.get(User, user_id)
            return user is not None and user.email_verified_at is not None
