"""API tokens for providers' syncing: the secret is shown once, only its SHA-256 is stored."""

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


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


def _info(token: ApiToken) -> TokenInfo:
    return TokenInfo(token.id, token.name, token.prefix, token.created_at, token.last_used_at)


class ApiTokens:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, user_id: int, name: str) -> tuple[TokenInfo, str]:
        """A new token for ``user_id``: its description and the secret (shown once)."""
        label = name.strip()
        if not label or len(label) > 100:
            raise AccountError("enter a name of 1 to 100 characters", "name")
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
                created_at=_now(),
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

    def account_for(self, secret: str) -> Account | None:
        """The account a bearer token acts for, or ``None`` (unknown or revoked)."""
        if not secret.startswith(PREFIX) or len(secret) > 200:
            return None
        with Session(self.engine) as session:
            row = session.execute(
                select(ApiToken, User)
                .join(User, User.id == ApiToken.user_id)
                .where(ApiToken.token_hash == token_hash(secret))
            ).first()
            if row is None:
                return None
            token, user = row
            now = _now()
            if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
                token.last_used_at = now
                session.commit()
            return _account(user)
