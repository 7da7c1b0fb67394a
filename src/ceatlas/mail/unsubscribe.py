"""One-click unsubscribe links (RFC 8058): a token names the account and the kind of
message, signed with the site's secret, so following it needs no login and cannot be
forged for someone else."""

from __future__ import annotations

from ceatlas.signing import sign, unsign

PURPOSE = "unsubscribe"


def unsubscribe_token(secret: str, user_id: int, kind: str) -> str:
    return sign(secret, PURPOSE, f"{user_id}.{kind}")


def read_unsubscribe_token(secret: str, token: str) -> tuple[int, str] | None:
    """(account id, kind) of a genuine token, else ``None``."""
    payload = unsign(secret, PURPOSE, token)
    if payload is None:
        return None
    user, _, kind = payload.partition(".")
    if not user.isdigit() or not kind:
        return None
    return int(user), kind
