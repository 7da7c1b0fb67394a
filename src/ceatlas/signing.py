"""Signed tokens for links that need no login (unsubscribe, private feeds): the payload,
a dot, and an HMAC-SHA256 of it keyed by the site's secret and a purpose, so a token made
for one purpose never passes for another."""

from __future__ import annotations

import base64
import hashlib
import hmac

MAX_TOKEN = 200


def _signature(secret: str, purpose: str, payload: str) -> str:
    mac = hmac.new(secret.encode(), f"{purpose}:{payload}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode()


def sign(secret: str, purpose: str, payload: str) -> str:
    """``payload.signature`` (the payload must not need escaping in a URL query)."""
    return f"{payload}.{_signature(secret, purpose, payload)}"


def unsign(secret: str, purpose: str, token: str) -> str | None:
    """The payload of a genuine token for ``purpose``, else ``None``."""
    if len(token) > MAX_TOKEN:
        return None
    payload, _, signature = token.strip().rpartition(".")
    if not hmac.compare_digest(signature, _signature(secret, purpose, payload)):
        return None
    return payload
