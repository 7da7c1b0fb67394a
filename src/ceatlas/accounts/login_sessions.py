"""Server-side login sessions: one row per signed-in browser (``login_session``).

The browser's cookie carries a random id; only its SHA-256 is stored, with the account,
when the browser signed in and was last seen (updated at most once a minute) and a few
words about the device. A session ends when its owner logs out or ends it from the
sessions page, when the password changes or is reset (every session of the account),
after :attr:`SessionLimits.lifetime` from signing in, or after :attr:`SessionLimits.idle`
without a request. Ended and expired sessions are deleted, so a copied cookie stops
working with them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, delete, or_, select
from sqlalchemy.orm import Session

from ceatlas.accounts.devices import describe_device
from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.models import LoginSession, User
from ceatlas.accounts.service import Account, _account, _now

#: how often ``last_seen_at`` is written at most
TOUCH_EVERY = dt.timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class SessionLimits:
    """How long a session lasts from signing in, and without being used."""

    lifetime: dt.timedelta = dt.timedelta(days=14)
    idle: dt.timedelta = dt.timedelta(days=7)


@dataclass(frozen=True)
class SessionInfo:
    """A signed-in browser as its owner sees it on the sessions page."""

    id: int
    device: str
    created_at: dt.datetime
    last_seen_at: dt.datetime


@dataclass(frozen=True)
class ActiveSession:
    """The account a cookie's session id signs in, and that session's row id."""

    account: Account
    session_id: int


class LoginSessions:
    """Login sessions of the accounts in ``engine``'s database."""

    def __init__(self, engine: Engine, limits: SessionLimits | None = None) -> None:
        self.engine = engine
        self.limits = limits or SessionLimits()

    def _expired(self, now: dt.datetime) -> ColumnElement[bool]:
        return or_(
            LoginSession.created_at <= now - self.limits.lifetime,
            LoginSession.last_seen_at <= now - self.limits.idle,
        )

    def start(self, user_id: int, user_agent: str, now: dt.datetime | None = None) -> str:
        """A new session for ``user_id``; returns the random id for the cookie (its only
        copy). The account's expired sessions are deleted on the way."""
        moment = now or _now()
        secret = secrets.token_urlsafe(32)
        with Session(self.engine) as session:
            session.execute(
                delete(LoginSession).where(LoginSession.user_id == user_id, self._expired(moment))
            )
            session.add(
                LoginSession(
                    id_hash=_digest(secret),
                    user_id=user_id,
                    created_at=moment,
                    last_seen_at=moment,
                    device=describe_device(user_agent)[:100],
                )
            )
            session.commit()
        return secret

    def active(self, secret: str, now: dt.datetime | None = None) -> ActiveSession | None:
        """The account ``secret`` signs in, or ``None`` (unknown, ended or expired: an
        expired row is deleted). Notes the request as the session's last activity."""
        if not secret or len(secret) > 100:
            return None
        moment = now or _now()
        with Session(self.engine) as session:
            row = session.execute(
                select(LoginSession, User)
                .join(User, User.id == LoginSession.user_id)
                .where(LoginSession.id_hash == _digest(secret))
            ).first()
            if row is None:
                return None
            login, user = row
            if (
                login.created_at <= moment - self.limits.lifetime
                or login.last_seen_at <= moment - self.limits.idle
            ):
                session.delete(login)
                session.commit()
                return None
            if moment - login.last_seen_at >= TOUCH_EVERY:
                login.last_seen_at = moment
                session.commit()
            return ActiveSession(_account(user), login.id)

    def end(self, secret: str) -> None:
        """End the session ``secret`` (logging out); nothing happens if it has ended."""
        with Session(self.engine) as session:
            session.execute(delete(LoginSession).where(LoginSession.id_hash == _digest(secret)))
            session.commit()

    def list(self, user_id: int, now: dt.datetime | None = None) -> list[SessionInfo]:
        """The account's sessions still in force, the most recently used first."""
        moment = now or _now()
        with Session(self.engine) as session:
            rows = session.scalars(
                select(LoginSession)
                .where(LoginSession.user_id == user_id)
                .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
            ).all()
            return [
                SessionInfo(r.id, r.device, r.created_at, r.last_seen_at)
                for r in rows
                if r.created_at > moment - self.limits.lifetime
                and r.last_seen_at > moment - self.limits.idle
            ]

    def end_one(self, user_id: int, session_id: int) -> None:
        """End one of the account's sessions; another account's is "no such session"
        (404), as is one that has already ended."""
        with Session(self.engine) as session:
            login = session.get(LoginSession, session_id)
            if login is None or login.user_id != user_id:
                raise AccountError("no such signed-in browser", "session_id", 404)
            session.delete(login)
            session.commit()

    def end_others(self, user_id: int, keep: int) -> int:
        """End every session of the account but ``keep`` (this browser's); returns how
        many ended."""
        with Session(self.engine) as session:
            ended = session.execute(
                delete(LoginSession).where(LoginSession.user_id == user_id, LoginSession.id != keep)
            )
            session.commit()
            return int(getattr(ended, "rowcount", 0) or 0)
