"""Private feed addresses (calendar, saved-search Atom feeds): a token names the feed and
its generation, signed with the site's secret. Nothing secret is stored: the generation
lives in the database, and a new address (generation + 1) makes every older one stop
working. Changing the site's secret key changes every address."""

from __future__ import annotations

import base64
import hashlib
import hmac


def _signature(secret: str, payload: str) -> str:
    mac = hmac.new(secret.encode(), b"feed:" + payload.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode()


def feed_token(secret: str, kind: str, ident: int, generation: int) -> str:
    payload = f"{kind}.{ident}.{generation}"
    return f"{payload}.{_signature(secret, payload)}"


def read_feed_token(secret: str, token: str) -> tuple[str, int, int] | None:
    """(kind, id, generation) of a genuine token, else ``None``."""
    if len(token) > 200:
        return None
    payload, _, signature = token.strip().rpartition(".")
    parts = payload.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    if not hmac.compare_digest(signature, _signature(secret, payload)):
        return None
    return parts[0], int(parts[1]), int(parts[2])
