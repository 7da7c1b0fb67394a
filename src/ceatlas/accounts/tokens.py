"""API tokens for providers' syncing: the secret is shown once, only its SHA-256 is stored.

Each token has an expiry chosen when it is made (:data:`LIFETIMES` days, 90 by default)
and scopes: ``read`` lets it make GET requests, ``write`` also lets it change the
provider's catalog. Its last use is recorded at most once a minute. Tokens made before
expiry and scopes existed were given "read write" and 90 days from the upgrade
(migration 0019).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from ceatlas.accounts.errors import AccountError
from ceatlas.accounts.models import ApiToken, User
from ceatlas.accounts.service import Account, _account, _now

PREFIX = "cea_"
MAX_TOKENS = 20
#: the lifetimes (days) a new token may be given, and the default
LIFETIMES = (30, 90, 365)
DEFAULT_DAYS = 90
#: what a token may do: the form's choices, in words
ACCESS = {"read": "read", "write": "read write"}
DEFAULT_ACCESS = "write"
#: how often the last-used time is written at most
TOUCH_EVERY = dt.timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime
    scopes: tuple[str, ...]

    @property
    def can_write(self) -> bool:
        return "write" in self.scopes


@dataclass(frozen=True)
class TokenUse:
    """What a presented token is: its account and scopes, or that it has expired."""

    account: Account
    token: TokenInfo
    expired: bool


def _info(token: ApiToken) -> TokenInfo:
    return TokenInfo(
        token.id,
        token.name,
        token.prefix,
        token.created_at,
        token.last_used_at,
        token.expires_at,
        tuple(token.scopes.split()),
    )


def _days(value: str | int) -> int:
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days not in LIFETIMES:
        choices = ", ".join(map(str, LIFETIMES))
        raise AccountError(f"choose how long the token works: {choices} days", "days")
    return days


def _scopes(access: str) -> str:
    if access not in ACCESS:
        raise AccountError(
            "choose what the token may do: only read, or also change your listings", "access"
        )
    return ACCESS[access]


class ApiTokens:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        user_id: int,
        name: str,
        days: str | int = DEFAULT_DAYS,
        access: str = DEFAULT_ACCESS,
        now: dt.datetime | None = None,
    ) -> tuple[TokenInfo, str]:
        """A new token for ``user_id`` working ``days`` days with ``access`` ("read" or
        "write"): its description and the secret (shown once)."""
        label = name.strip()
        if not label or len(label) > 100:
            raise AccountError("enter a name of 1 to 100 characters", "name")
        lifetime = _days(days)
        scopes = _scopes(access)
        moment = now or _now()
        secret = PREFIX + secrets.token_urlsafe(32)
        with Session(self.engine) as session:
            count = len(
                session.scalars(select(ApiToken.id).where(ApiToken.user_id == user_id)).all()
            )
            if count >= MAX_TOKENS:
                raise AccountError(f"at most {MAX_TOKENS} tokens; revoke one first", "name", 409)
            token = ApiToken(
                user_id=user_id,
                name=label,
                token_hash=token_hash(secret),
                prefix=secret[:10],
                created_at=moment,
                expires_at=moment + dt.timedelta(days=lifetime),
                scopes=scopes,
            )
            session.add(token)
            session.commit()
            return _info(token), secret

    def list(self, user_id: int) -> list[TokenInfo]:
        with Session(self.engine) as session:
            tokens = session.scalars(
                select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
            )
            return [_info(t) for t in tokens]

    def revoke(self, user_id: int, token_id: int) -> None:
        with Session(self.engine) as session:
            token = session.get(ApiToken, token_id)
            if token is None or token.user_id != user_id:
                raise AccountError("no such token", "token_id", 404)
            session.delete(token)
            session.commit()

    def use(self, secret: str, now: dt.datetime | None = None) -> TokenUse | None:
        """What the bearer token ``secret`` is, or ``None`` (unknown or revoked). A token
        in force has its last use noted (at most once a minute); an expired one is
        reported as such and not noted."""
        if not secret.startswith(PREFIX) or len(secret) > 200:
            return None
        moment = now or _now()
        with Session(self.engine) as session:
            row = session.execute(
                select(ApiToken, User)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.token_hash == token_hash(secret))
            ).first()
            if row is None:
                return None
            token, user = row
            expired = token.expires_at <= moment
            if not expired and (
                token.last_used_at is None or moment - token.last_used_at >= TOUCH_EVERY
            ):
                token.last_used_at = moment
                session.commit()
            return TokenUse(_account(user), _info(token), expired)

    def account_for(self, secret: str) -> Account | None:
        """The account a bearer token acts for, or ``None`` (unknown, revoked or expired)."""
        found = self.use(secret)
        return None if found is None or found.expired else found.account
