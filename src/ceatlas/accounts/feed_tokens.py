"""Private feed addresses (calendar, saved-search Atom feeds): a token names the feed and
its generation, signed with the site's secret. Nothing secret is stored: the generation
lives in the database, and a new address (generation + 1) makes every older one stop
working. Changing the site's secret key changes every address."""

from __future__ import annotations

from ceatlas.signing import sign, unsign

PURPOSE = "feed"


def feed_token(secret: str, kind: str, ident: int, generation: int) -> str:
    return sign(secret, PURPOSE, f"{kind}.{ident}.{generation}")


def read_feed_token(secret: str, token: str) -> tuple[str, int, int] | None:
    """(kind, id, generation) of a genuine token, else ``None``."""
    payload = unsign(secret, PURPOSE, token)
    if payload is None:
        return None
    parts = payload.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return parts[0], int(parts[1]), int(parts[2])
