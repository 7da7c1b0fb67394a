"""One-click unsubscribe links (RFC 8058): a token names the account and the kind of
message, signed with the site's secret, so following it needs no login and cannot be
forged for someone else."""

from __future__ import annotations

import base64
import hashlib
import hmac


def _signature(secret: str, payload: str) -> str:
    mac = hmac.new(secret.encode(), b"unsubscribe:" + payload.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode()


def unsubscribe_token(secret: str, user_id: int, kind: str) -> str:
    payload = f"{user_id}.{kind}"
    return f"{payload}.{_signature(secret, payload)}"


def read_unsubscribe_token(secret: str, token: str) -> tuple[int, str] | None:
    """(account id, kind) of a genuine token, else ``None``."""
    payload, _, signature = token.strip().rpartition(".")
    user, _, kind = payload.partition(".")
    if not user.isdigit() or not kind or len(token) > 200:
        return None
    if not hmac.compare_digest(signature, _signature(secret, payload)):
        return None
    return int(user), kind
